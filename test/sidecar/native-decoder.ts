// Decoding one payload against a given base through the C receiver (test helper): the base goes
// in as a full snapshot at tick t (the format round-trips it exactly), the payload at t + 1 based
// on t. One receiver, fresh ticks per call.
import { expect } from 'vitest';
import { SnapshotEncoder, ensureCapacity, FIELD_COUNT, type SnapshotState } from '../../src/protocol/snapshot-format.js';
import { SnapshotReceiver, type SnapshotReject } from '../../src/sidecar/snapshot-receiver.js';

export class NativeDecoder {
  readonly rx = new SnapshotReceiver();
  readonly #enc = new SnapshotEncoder();
  #tick = 1;

  /** null on success (the state copied into out), else the reject reason. */
  decode(data: Uint8Array, base: SnapshotState | null, out: SnapshotState): SnapshotReject | null {
    const t = (this.#tick += 2);
    if (base !== null) {
      const b = this.rx.receive(t - 1, 0, this.#enc.encode(base, null, 0));
      expect(b.ok).toBe(true);
    }
    const r = this.rx.receive(t, base === null ? 0 : t - 1, data);
    if (!r.ok) return r.reason;
    const s = r.state;
    ensureCapacity(out, s.count);
    out.ids.set(s.ids.subarray(0, s.count));
    out.vals.set(s.vals.subarray(0, s.count * FIELD_COUNT));
    out.count = s.count;
    return null;
  }
}
