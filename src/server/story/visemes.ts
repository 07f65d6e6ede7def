// CC-2 on the server: relays a speaker's VisemeBatch to every other player, stamped with the
// sender. The game that owns the line owns its speaker: another peer's visemes for the same
// speaker are refused while the owner keeps sending (VISEME_OWNER_HOLD_MS). Checked: speaker id,
// batch size, every viseme id in the set, times finite, ascending and near the server's clock,
// and a per-peer event rate (floods are cut quietly, counted).
import { VISEME_COUNT } from '../../protocol/visemes.js';
import type { EMsg } from '../../protocol/schema.gen.js';
import type { Connection } from '../connection.js';
import { VISEME_BATCH_MAX_EVENTS, VISEME_EVENTS_MAX_PER_S, VISEME_OWNER_HOLD_MS, VISEME_TIME_SKEW_MAX_MS } from './constants.js';
import type { StoryRejections } from './rejections.js';

export interface VisemeDeps {
  now: () => number;
  rejections: StoryRejections;
  /** To every in-world player but `except`. */
  broadcast: (msg: EMsg, except: Connection) => void;
}

export class VisemeRelay {
  readonly #d: VisemeDeps;
  readonly #owners = new Map<number, { peerId: number; atMs: number }>();
  relayed = 0;

  constructor(deps: VisemeDeps) {
    this.#d = deps;
  }

  batch(conn: Connection, m: NonNullable<EMsg['visemeBatch']>): void {
    const rj = (reason: string, text: string, quiet = false): void => this.#d.rejections.reject(conn, 'viseme', reason, text, quiet);
    const now = this.#d.now();
    const npcId = m.npcId ?? 0,
      events = m.events ?? [];
    if (npcId === 0) {
      rj('bad_speaker', 'viseme batch without a speaker id');
      return;
    }
    if (events.length === 0 || events.length > VISEME_BATCH_MAX_EVENTS) {
      rj('bad_batch', `a batch carries 1..${VISEME_BATCH_MAX_EVENTS} visemes`);
      return;
    }
    let prev = -Infinity;
    for (const e of events) {
      const t = e.timeMs ?? NaN,
        id = e.visemeId ?? 0;
      if (id >= VISEME_COUNT) {
        rj('bad_viseme', `viseme id ${id} is not in the set (0..${VISEME_COUNT - 1})`);
        return;
      }
      if (!(Math.abs(t - now) <= VISEME_TIME_SKEW_MAX_MS) || t < prev) {
        rj('bad_time', 'viseme times must ascend and be near server time');
        return;
      }
      prev = t;
    }
    const owner = this.#owners.get(npcId);
    if (owner && owner.peerId !== conn.peerId && now - owner.atMs < VISEME_OWNER_HOLD_MS) {
      rj('not_line_owner', `peer ${owner.peerId} is voicing speaker ${npcId}`);
      return;
    }
    if (!this.#d.rejections.allow(conn, 'viseme', VISEME_EVENTS_MAX_PER_S, now, events.length)) {
      rj('viseme_flood', `more than ${VISEME_EVENTS_MAX_PER_S} visemes a second`, true);
      return;
    }
    this.#owners.set(npcId, { peerId: conn.peerId, atMs: now });
    this.relayed += events.length;
    this.#d.broadcast(
      { visemeBatch: { npcId, events: events.map((e) => ({ npcId, visemeId: e.visemeId ?? 0, timeMs: e.timeMs ?? 0 })), fromPeerId: conn.peerId } },
      conn,
    );
  }

  left(conn: Connection): void {
    for (const [npcId, o] of [...this.#owners]) if (o.peerId === conn.peerId) this.#owners.delete(npcId);
  }
}
