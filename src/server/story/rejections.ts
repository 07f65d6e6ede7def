// Story refusals, counted per peer and reason (shown on the dashboard, read by tests), each told
// to the peer as StoryRefused {topic, reason, text} so the game can say why. Also the per-peer
// rate limits the story handlers share (src/util's TokenBucket, one per peer and kind). Never a kick: a stale dialogue pick is a normal race;
// the server's own bad-message counter handles undecodable or wrong-direction messages.
import type { Connection } from '../connection.js';
import { perWindow, TokenBucket } from '../../util/rate-limit.js';
import { STORY_RATE_WINDOW_MS } from './constants.js';

export type StoryTopic = 'clock' | 'spectate' | 'cine' | 'dialog' | 'viseme';

export interface RefusalSink {
  /** Sends StoryRefused to the peer (best effort). */
  tell(conn: Connection, topic: StoryTopic, reason: string, text: string): void;
}

export class StoryRejections {
  readonly #byPeer = new Map<number, Map<string, number>>();
  readonly #rate = new Map<string, TokenBucket>();
  readonly #sink: RefusalSink;

  constructor(sink: RefusalSink) {
    this.#sink = sink;
  }

  /** Counts `topic/reason` for the peer and tells it (unless quiet: floods are not answered). */
  reject(conn: Connection, topic: StoryTopic, reason: string, text: string, quiet = false): void {
    const m = this.#byPeer.get(conn.peerId) ?? new Map<string, number>();
    this.#byPeer.set(conn.peerId, m);
    const key = `${topic}/${reason}`;
    m.set(key, (m.get(key) ?? 0) + 1);
    if (!quiet) this.#sink.tell(conn, topic, reason, text);
  }

  /**
   * True when the peer may do `count` more `what` now: a bucket of maxPerWindow per
   * STORY_RATE_WINDOW_MS (its limit is fixed by the first call for that peer and `what`).
   */
  allow(conn: Connection, what: string, maxPerWindow: number, nowMs: number, count = 1): boolean {
    const key = `${conn.peerId}/${what}`;
    let bucket = this.#rate.get(key);
    if (!bucket) {
      bucket = new TokenBucket(perWindow(maxPerWindow, STORY_RATE_WINDOW_MS), nowMs);
      this.#rate.set(key, bucket);
    }
    return bucket.take(nowMs, count);
  }

  /** Refusals of one peer by "topic/reason". */
  of(peerId: number): Record<string, number> {
    return Object.fromEntries(this.#byPeer.get(peerId) ?? []);
  }

  forget(peerId: number): void {
    this.#byPeer.delete(peerId);
    for (const k of [...this.#rate.keys()]) if (k.startsWith(`${peerId}/`)) this.#rate.delete(k);
  }
}
