// Handler registry of a bridge: per message or lifecycle name, catch-alls, and raw frame taps.
// A throwing handler never breaks the reader: the error goes to 'handlerError' listeners, or,
// with none, is rethrown on the next turn like any uncaught exception.
import type { MessageMap, MessageName } from './generated/types.js';

type Handler = (v: never) => void;
export type AnyHandler = (name: MessageName, msg: MessageMap[MessageName]) => void;
export type FrameHandler = (type: number, payload: Uint8Array) => void;

export class Dispatcher<Events extends object> {
  #handlers = new Map<string, Set<Handler>>();
  #any = new Set<AnyHandler>();
  #raw = new Set<FrameHandler>();

  on<K extends keyof Events & string>(name: K, handler: (v: Events[K]) => void): () => void {
    let set = this.#handlers.get(name);
    if (!set) this.#handlers.set(name, (set = new Set()));
    const h = handler as Handler;
    set.add(h);
    return () => void set.delete(h);
  }

  onAny(handler: AnyHandler): () => void {
    this.#any.add(handler);
    return () => void this.#any.delete(handler);
  }

  onFrame(handler: FrameHandler): () => void {
    this.#raw.add(handler);
    return () => void this.#raw.delete(handler);
  }

  get hasFrameTaps(): boolean {
    return this.#raw.size > 0;
  }

  emit<K extends keyof Events & string>(name: K, v: Events[K]): void {
    const set = this.#handlers.get(name);
    if (!set) return;
    for (const h of set) {
      try {
        (h as (x: Events[K]) => void)(v);
      } catch (error) {
        this.#failed(name, error);
      }
    }
  }

  frame(type: number, payload: Uint8Array): void {
    for (const h of this.#raw) {
      try {
        h(type, payload);
      } catch (error) {
        this.#failed('frame', error);
      }
    }
  }

  message(name: MessageName, msg: MessageMap[MessageName]): void {
    const set = this.#handlers.get(name);
    if (set) {
      for (const h of set) {
        try {
          (h as (v: unknown) => void)(msg);
        } catch (error) {
          this.#failed(name, error);
        }
      }
    }
    for (const h of this.#any) {
      try {
        h(name, msg);
      } catch (error) {
        this.#failed(name, error);
      }
    }
  }

  #failed(name: string, error: unknown): void {
    const set = this.#handlers.get('handlerError');
    if (set && set.size > 0 && name !== 'handlerError') this.emit('handlerError' as keyof Events & string, { name, error } as Events[keyof Events & string]);
    else
      setImmediate(() => {
        throw error;
      });
  }
}
