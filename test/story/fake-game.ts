// An in-memory StoryGame: what the sidecar sent the game, and a way to play game messages in.
import type { MessageMap, MessageName } from '../../bridge/index.js';
import type { StoryGame } from '../../src/sidecar/story/game-port.js';
import type { EMsg } from '../../src/protocol/schema.gen.js';

export class FakeGame implements StoryGame {
  readonly sent: { name: MessageName; msg: unknown }[] = [];
  readonly #handlers = new Map<string, Set<(m: unknown) => void>>();

  on<K extends MessageName>(name: K, handler: (m: MessageMap[K]) => void): () => void {
    const set = this.#handlers.get(name) ?? new Set();
    this.#handlers.set(name, set);
    set.add(handler as (m: unknown) => void);
    return () => set.delete(handler as (m: unknown) => void);
  }

  trySend<K extends MessageName>(name: K, msg: MessageMap[K]): boolean {
    this.sent.push({ name, msg });
    return true;
  }

  /** The game sends `name` to the sidecar. */
  emit<K extends MessageName>(name: K, msg: MessageMap[K]): void {
    for (const h of this.#handlers.get(name) ?? []) h(msg);
  }

  of<K extends MessageName>(name: K): MessageMap[K][] {
    return this.sent.filter((s) => s.name === name).map((s) => s.msg as MessageMap[K]);
  }
}

/** A ServerSend that records what the sidecar sent the server. */
export function recordingSend(): { sent: EMsg[]; send: (msg: EMsg) => boolean } {
  const sent: EMsg[] = [];
  return { sent, send: (msg) => (sent.push(msg), true) };
}
