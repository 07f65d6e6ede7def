// Server side of the clock: answers ClockProbe at once with its receive and send times (t2, t3)
// on the unreliable channel (a lost probe is just a missing sample; a resent one would be a
// wrong one), and keeps each peer's reported error bound for the dashboard.
import { CHANNEL_SNAPSHOT } from '../../protocol/constants.js';
import type { EMsg } from '../../protocol/schema.gen.js';
import type { Connection } from '../connection.js';
import { CLOCK_BOUND_MAX_MS, CLOCK_PROBES_MAX_PER_S } from './constants.js';
import type { StoryRejections } from './rejections.js';

export interface ClockPeerView {
  errorBoundMs: number;
  bestRttMs: number;
}

export interface ClockSyncDeps {
  now: () => number;
  send: (conn: Connection, msg: EMsg, channel: number) => void;
  rejections: StoryRejections;
}

export class ClockSync {
  readonly #d: ClockSyncDeps;
  readonly #reports = new Map<number, ClockPeerView>();

  constructor(deps: ClockSyncDeps) {
    this.#d = deps;
  }

  probe(conn: Connection, m: NonNullable<EMsg['clockProbe']>): void {
    const t2Ms = this.#d.now();
    const t1Ms = m.t1Ms ?? NaN;
    if (!Number.isFinite(t1Ms)) {
      this.#d.rejections.reject(conn, 'clock', 'bad_probe', 'clock probe without a finite t1', true);
      return;
    }
    if (!this.#d.rejections.allow(conn, 'clock', CLOCK_PROBES_MAX_PER_S, t2Ms)) {
      this.#d.rejections.reject(conn, 'clock', 'clock_flood', `more than ${CLOCK_PROBES_MAX_PER_S} clock probes a second`, true);
      return;
    }
    this.#d.send(conn, { clockReply: { seq: m.seq ?? 0, t1Ms, t2Ms, t3Ms: this.#d.now() } }, CHANNEL_SNAPSHOT);
  }

  report(conn: Connection, m: NonNullable<EMsg['clockReport']>): void {
    const b = m.errorBoundMs ?? NaN,
      r = m.bestRttMs ?? NaN;
    if (!(b >= 0 && b <= CLOCK_BOUND_MAX_MS) || !(r >= 0 && r <= 2 * CLOCK_BOUND_MAX_MS)) {
      this.#d.rejections.reject(conn, 'clock', 'bad_report', `clock report out of range (bound ${b} ms, rtt ${r} ms)`);
      return;
    }
    this.#reports.set(conn.peerId, { errorBoundMs: b, bestRttMs: r });
  }

  /** What the peer last reported, null before its first report. */
  of(peerId: number): ClockPeerView | null {
    return this.#reports.get(peerId) ?? null;
  }
  forget(peerId: number): void {
    this.#reports.delete(peerId);
  }
}
