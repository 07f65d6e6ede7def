// IMT-2 SnapshotWriter: serialises only the ids in a client's interest, delta-compressed
// against the newest snapshot that client acknowledged (format: docs/protocol.md).
// Per client a ring of the last SNAPSHOT_HISTORY sent states; one shared encoder buffer.
import { FIELD_COUNT, SnapshotEncoder, emptyState, ensureCapacity, type SnapshotState } from '../protocol/snapshot-format.js';
import type { World } from './world.js';

const FC = FIELD_COUNT;
if (FC !== 7) throw new Error('SnapshotWriter copies exactly 7 fields per entity');

/** Sent snapshots remembered per client; an ack older than this falls back to a full snapshot. */
export const SNAPSHOT_HISTORY = 32;

export type AckResult = 'ok' | 'never_sent' | 'stale';

export class ClientSnapshots {
  readonly ring: SnapshotState[] = Array.from({ length: SNAPSHOT_HISTORY }, () => emptyState(16));
  readonly ringTick = new Float64Array(SNAPSHOT_HISTORY).fill(-1);
  /** The simulation time of each ring slot, ms: the decoder predicts positions across the gap. */
  readonly ringTimeMs = new Float64Array(SNAPSHOT_HISTORY);
  firstSentTick = -1;
  lastSentTick = -1;
  ackedTick = -1;

  /** Validates and records an ack. 'never_sent' is a bad message; 'stale' is harmless. */
  ack(tick: number): AckResult {
    if (!Number.isInteger(tick) || this.firstSentTick < 0 || tick < this.firstSentTick || tick > this.lastSentTick) return 'never_sent';
    if (tick <= this.ackedTick) return 'stale';
    this.ackedTick = tick;
    return 'ok';
  }

  /** The acked state usable as a base for `tick`, or null. */
  baseFor(tick: number): SnapshotState | null {
    const t = this.ackedTick;
    if (t < 0 || t <= tick - SNAPSHOT_HISTORY || t >= tick) return null;
    const slot = t % SNAPSHOT_HISTORY;
    return this.ringTick[slot] === t ? this.ring[slot] : null;
  }
}

export interface WrittenSnapshot {
  /** View into the writer's reused buffer: copy or send before the next write(). */
  data: Uint8Array;
  baseTick: number;
  count: number;
}

export class SnapshotWriter {
  readonly #enc = new SnapshotEncoder();
  #sorted = new Uint32Array(256);
  readonly #out: WrittenSnapshot = { data: new Uint8Array(0), baseTick: 0, count: 0 };

  /**
   * Encodes tick's snapshot of `ids` for one client and records it in that client's ring.
   * simTimeMs: the simulation's time at this tick (what moved the entities, not the wall clock).
   */
  write(client: ClientSnapshots, tick: number, ids: readonly number[], world: World, simTimeMs: number): WrittenSnapshot {
    if (tick <= client.lastSentTick) throw new TypeError(`tick ${tick} not after ${client.lastSentTick}`);
    const n = ids.length;
    if (this.#sorted.length < n) this.#sorted = new Uint32Array(n * 2);
    const sorted = this.#sorted.subarray(0, n);
    for (let i = 0; i < n; i++) sorted[i] = ids[i];
    sorted.sort();
    const base = client.baseFor(tick);
    const slot = tick % SNAPSHOT_HISTORY;
    const cur = client.ring[slot];
    ensureCapacity(cur, n);
    cur.count = n;
    const q = world.q,
      vals = cur.vals;
    for (let i = 0; i < n; i++) {
      const id = sorted[i];
      cur.ids[i] = id;
      const src = id * FC,
        dst = i * FC;
      vals[dst] = q[src];
      vals[dst + 1] = q[src + 1];
      vals[dst + 2] = q[src + 2];
      vals[dst + 3] = q[src + 3];
      vals[dst + 4] = q[src + 4];
      vals[dst + 5] = q[src + 5];
      vals[dst + 6] = q[src + 6];
    }
    const elapsedMs = base ? simTimeMs - client.ringTimeMs[client.ackedTick % SNAPSHOT_HISTORY] : 0;
    this.#out.data = this.#enc.encode(cur, base, elapsedMs);
    client.ringTimeMs[slot] = simTimeMs;
    client.ringTick[slot] = tick;
    if (client.firstSentTick < 0) client.firstSentTick = tick;
    client.lastSentTick = tick;
    this.#out.baseTick = base ? client.ackedTick : 0;
    this.#out.count = n;
    return this.#out;
  }
}
