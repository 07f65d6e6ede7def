// A C object (the native path's receiver or interpolator) owned by one JavaScript object: freed
// by close(), or, if the owner is collected without it, by a FinalizationRegistry, so a dropped
// owner never leaks C memory. After close() the handle is null and the owner answers as empty.

/** One registry for every owned C object: the free function it runs holds no reference to the owner. */
const registry = new FinalizationRegistry<() => void>((free) => free());

export class NativeOwned<H extends object> {
  #h: H | null;
  readonly #destroy: (h: H) => void;

  /** Takes h (null: the C side ran out of memory, a RangeError naming `create`). */
  constructor(owner: object, h: H | null, destroy: (h: H) => void, create: string) {
    if (h === null) throw new RangeError(`${create}: out of memory`);
    this.#h = h;
    this.#destroy = destroy;
    registry.register(owner, () => destroy(h), this);
  }

  /** The C object, null once closed. */
  get handle(): H | null {
    return this.#h;
  }

  /** Frees the C object now (once). */
  close(): void {
    if (this.#h === null) return;
    registry.unregister(this);
    this.#destroy(this.#h);
    this.#h = null;
  }
}
