// Client side of the snapshot deltas: keeps the recent decoded snapshots (the possible bases),
// decodes each new one against its base, and says which tick to acknowledge.
import { decodeSnapshotData, emptyState, type SnapshotState, type SnapshotDecodeReject } from '../protocol/snapshot-format.js';

/** Decoded snapshots kept as bases; the server never bases on older than its 32-tick history. */
export const RECEIVER_HISTORY = 64;

export type ReceiveResult = { ok: true; tick: number; state: SnapshotState } | { ok: false; reason: SnapshotDecodeReject | 'missing-base' | 'old-tick' };

export class SnapshotReceiver {
  readonly #ring: SnapshotState[] = Array.from({ length: RECEIVER_HISTORY }, () => emptyState(16));
  readonly #ringTick = new Float64Array(RECEIVER_HISTORY).fill(-1);
  #newest = -1;
  drops = 0;

  get newestTick(): number {
    return this.#newest;
  }

  /** The decoded state of a tick still held, or null. */
  state(tick: number): SnapshotState | null {
    const slot = tick % RECEIVER_HISTORY;
    return this.#ringTick[slot] === tick ? this.#ring[slot] : null;
  }

  receive(tick: number, baseTick: number, data: Uint8Array): ReceiveResult {
    if (!Number.isInteger(tick) || tick <= this.#newest - RECEIVER_HISTORY / 2 || this.state(tick)) {
      this.drops++;
      return { ok: false, reason: 'old-tick' };
    }
    let base: SnapshotState | null = null;
    if (baseTick !== 0) {
      base = baseTick < tick && tick - baseTick < RECEIVER_HISTORY ? this.state(baseTick) : null;
      if (!base) {
        this.drops++;
        return { ok: false, reason: 'missing-base' };
      }
    }
    const slot = tick % RECEIVER_HISTORY;
    // The base is never in this slot: bases at least RECEIVER_HISTORY old are refused above.
    const out = this.#ring[slot];
    this.#ringTick[slot] = -1;
    const err = decodeSnapshotData(data, base, out);
    if (err) {
      this.drops++;
      return { ok: false, reason: err };
    }
    this.#ringTick[slot] = tick;
    if (tick > this.#newest) this.#newest = tick;
    return { ok: true, tick, state: out };
  }
}
