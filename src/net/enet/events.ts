// A small typed event emitter for EnetHost (no `any`, listeners in registration order).

export type Listener = (...args: never[]) => void;

export class TypedEmitter<Events extends { [K in keyof Events]: Listener }> {
  readonly #listeners = new Map<keyof Events, Array<Events[keyof Events]>>();

  on<K extends keyof Events>(event: K, listener: Events[K]): this {
    this.listenersOf(event).push(listener);
    return this;
  }

  /** The live listener list of `event` (the same array for the emitter's lifetime, changed in place by on and off). */
  protected listenersOf<K extends keyof Events>(event: K): Array<Events[K]> {
    let list = this.#listeners.get(event) as Array<Events[K]> | undefined;
    if (list === undefined) {
      list = [];
      this.#listeners.set(event, list);
    }
    return list;
  }

  off<K extends keyof Events>(event: K, listener: Events[K]): this {
    const list = this.#listeners.get(event);
    if (list) {
      const i = list.indexOf(listener);
      if (i >= 0) list.splice(i, 1);
    }
    return this;
  }

  once<K extends keyof Events>(event: K, listener: Events[K]): this {
    const wrapper = ((...args: Parameters<Events[K]>) => {
      this.off(event, wrapper);
      (listener as (...a: Parameters<Events[K]>) => void)(...args);
    }) as unknown as Events[K];
    return this.on(event, wrapper);
  }

  protected emit<K extends keyof Events>(event: K, ...args: Parameters<Events[K]>): boolean {
    const list = this.#listeners.get(event);
    if (!list || list.length === 0) return false;
    if (list.length === 1) {
      (list[0] as (...a: Parameters<Events[K]>) => void)(...args);
    } else {
      for (const l of list.slice()) (l as (...a: Parameters<Events[K]>) => void)(...args);
    }
    return true;
  }
}
