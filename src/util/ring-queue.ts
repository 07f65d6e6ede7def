// A first-in first-out queue on a ring of slots: push and shift in O(1) with no array
// shifting or allocation once it has grown to its working size (doubles when full).

/** Initial room, in items; a power of two. */
const RING_QUEUE_INITIAL_CAPACITY = 16;

export class RingQueue<T> {
  #items: Array<T | undefined> = new Array<T | undefined>(RING_QUEUE_INITIAL_CAPACITY).fill(undefined);
  #head = 0;
  #length = 0;
  #mask = RING_QUEUE_INITIAL_CAPACITY - 1;

  get length(): number {
    return this.#length;
  }

  push(item: T): void {
    if (this.#length > this.#mask) this.#grow();
    this.#items[(this.#head + this.#length) & this.#mask] = item;
    this.#length++;
  }

  /** The oldest item, removed; undefined when empty. */
  shift(): T | undefined {
    if (this.#length === 0) return undefined;
    const item = this.#items[this.#head];
    this.#items[this.#head] = undefined; // no reference kept for the garbage collector to see
    this.#head = (this.#head + 1) & this.#mask;
    this.#length--;
    return item;
  }

  /** Remove the first occurrence of `item` (O(n), keeps the others' order); false when absent. */
  remove(item: T): boolean {
    let n = 0;
    while (n < this.#length && this.#items[(this.#head + n) & this.#mask] !== item) n++;
    if (n === this.#length) return false;
    for (; n < this.#length - 1; n++) this.#items[(this.#head + n) & this.#mask] = this.#items[(this.#head + n + 1) & this.#mask];
    this.#items[(this.#head + n) & this.#mask] = undefined;
    this.#length--;
    return true;
  }

  clear(): void {
    this.#items.fill(undefined);
    this.#head = 0;
    this.#length = 0;
  }

  #grow(): void {
    const capacity = (this.#mask + 1) * 2;
    const items = new Array<T | undefined>(capacity).fill(undefined);
    for (let n = 0; n < this.#length; n++) items[n] = this.#items[(this.#head + n) & this.#mask];
    this.#items = items;
    this.#head = 0;
    this.#mask = capacity - 1;
  }
}
