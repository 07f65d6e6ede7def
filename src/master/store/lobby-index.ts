// The lobby as a list answers it: entries kept sorted by session id, so a page is a binary
// search for the cursor plus a short scan, and a cursor stays valid while sessions come and go
// (an offset would skip or repeat rows whenever one before it left).
import { MASTER_LIST_MAX } from '../constants.js';
import type { LobbyEntry } from '../../protocol/master-wire.js';
import type { ListPage, ListQuery } from './types.js';

/** The public row of an entry (never the token hash, the IP or the route). */
export function publicEntry(e: LobbyEntry): LobbyEntry {
  const { sessionId, name, version, players, maxPlayers, password } = e;
  return { sessionId, name, version, players, maxPlayers, password };
}

export class LobbyIndex<E extends LobbyEntry = LobbyEntry> {
  readonly #byId = new Map<string, E>();
  /** Session ids in ascending order (code-unit order, the same on every instance). */
  #ids: string[] = [];

  get size(): number {
    return this.#byId.size;
  }

  get(id: string): E | undefined {
    return this.#byId.get(id);
  }

  values(): IterableIterator<E> {
    return this.#byId.values();
  }

  /** Inserts or replaces an entry. */
  set(e: E): void {
    if (!this.#byId.has(e.sessionId)) this.#ids.splice(this.#lowerBound(e.sessionId), 0, e.sessionId);
    this.#byId.set(e.sessionId, e);
  }

  delete(id: string): boolean {
    if (!this.#byId.delete(id)) return false;
    const i = this.#lowerBound(id);
    if (this.#ids[i] === id) this.#ids.splice(i, 1);
    return true;
  }

  /** Replaces everything at once (a Redis mirror's full resync). */
  reset(entries: Iterable<E>): void {
    this.#byId.clear();
    for (const e of entries) this.#byId.set(e.sessionId, e);
    this.#ids = [...this.#byId.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  }

  page(q: ListQuery): ListPage {
    const limit = Math.max(1, Math.min(q.limit, MASTER_LIST_MAX));
    const needle = q.name?.toLowerCase();
    const sessions: LobbyEntry[] = [];
    let i = q.after === undefined ? 0 : this.#upperBound(q.after);
    for (; i < this.#ids.length && sessions.length < limit; i++) {
      const e = this.#byId.get(this.#ids[i]) as E;
      if (q.hasSlots && e.players >= e.maxPlayers) continue;
      if (q.noPassword && e.password) continue;
      if (needle !== undefined && !e.name.toLowerCase().includes(needle)) continue;
      sessions.push(publicEntry(e));
    }
    // More rows may follow only if the scan stopped early; the next page starts after the last row.
    const more = sessions.length === limit && i < this.#ids.length;
    return more ? { sessions, next: sessions[sessions.length - 1].sessionId } : { sessions };
  }

  /** First index whose id is >= id. */
  #lowerBound(id: string): number {
    let lo = 0;
    let hi = this.#ids.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.#ids[mid] < id) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** First index whose id is > id. */
  #upperBound(id: string): number {
    const i = this.#lowerBound(id);
    return this.#ids[i] === id ? i + 1 : i;
  }
}
