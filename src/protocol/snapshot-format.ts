// The packed snapshot payload (Snapshot.data), specified in docs/protocol.md "Snapshot deltas".
// One declarative place for the layout; the encoder writes into a reused buffer. The decoder is
// C (native-shims/sidecar/snapshot_receiver.c, the sidecar's SnapshotReceiver): the one decoder
// of the format, which must reproduce predict() below bit for bit (IEEE doubles).
// Why bits and a prediction: the city workload's entities mostly keep their velocity, so a
// position predicted from the base plus velocity × elapsed time is off by a rounding at most;
// membership against the base costs a bit, an exact prediction a bit (measured: bench:server).
import { BitWriter } from './bit-stream.js';

/** Quantised fields per entity, in wire order. */
export const F_X = 0,
  F_Y = 1,
  F_Z = 2,
  F_YAW = 3,
  F_VX = 4,
  F_VY = 5,
  F_VZ = 6;
export const FIELD_COUNT = 7;
/** Fields in stream order: velocities first, since the predicted position uses them. */
export const STREAM_ORDER = [F_VX, F_VY, F_VZ, F_YAW, F_X, F_Y, F_Z] as const;
const MS_PER_S = 1000;
/** Membership bits gathered before one write. */
export const KEPT_BITS_PER_WRITE = 24;

export const POS_QUANT_M = 0.01; // 1 cm
export const VEL_QUANT_MPS = 0.01; // 1 cm/s
export const YAW_STEPS = 65536; // 2π / 65536 ≈ 0.0055°
export const POS_MAX_ERROR_M = POS_QUANT_M / 2;
export const VEL_MAX_ERROR_MPS = VEL_QUANT_MPS / 2;
export const YAW_MAX_ERROR_RAD = Math.PI / YAW_STEPS;

/** Decoder limits (native-shims/include/coop_snapshot.h holds the same: a test checks them). */
export const MAX_SNAPSHOT_ENTITIES = 8192;
/** Longest elapsed time a delta may predict across, ms (the server keeps 32 ticks). */
export const MAX_PREDICT_MS = 60_000;
/** Worst case of one record: an id gap and 7 values of 66 bits each, plus the flags. */
export const MAX_RECORD_BYTES = Math.ceil((66 * (FIELD_COUNT + 1) + 2) / 8);
const TWO_PI = Math.PI * 2;

/**
 * Math.round(v) for every v but the sign of a zero (+0 where Math.round gives -0), branch-free:
 * Math.round's branch on each rounding half cost the tick's quantising ≈ 0.3 ms of mispredictions
 * at 10,000 moving entities (bench:server).
 */
export const roundHalfUp = (v: number): number => {
  const f = Math.floor(v);
  return f + +(v - f >= 0.5);
};
/** Quantisation steps per unit, multiplied by (a division costs several times a multiplication,
 * and the tick quantises 7 values of every entity: bench:server). 100 is 1 / 0.01 exactly. */
const POS_STEPS_PER_M = Math.round(1 / POS_QUANT_M);
const VEL_STEPS_PER_MPS = Math.round(1 / VEL_QUANT_MPS);
const YAW_STEPS_PER_RAD = YAW_STEPS / TWO_PI;
export const quantPos = (m: number): number => roundHalfUp(m * POS_STEPS_PER_M);
export const quantVel = (v: number): number => roundHalfUp(v * VEL_STEPS_PER_MPS);
/** Yaw steps in [0, YAW_STEPS) (a floor, not `%`: no floating-point modulo). */
export const quantYaw = (rad: number): number => {
  const r = roundHalfUp(rad * YAW_STEPS_PER_RAD);
  return r - Math.floor(r / YAW_STEPS) * YAW_STEPS;
};
export const dequantPos = (q: number): number => q * POS_QUANT_M;
export const dequantVel = (q: number): number => q * VEL_QUANT_MPS;
/** Yaw in (-π, π]. */
export const dequantYaw = (q: number): number => {
  const r = (q / YAW_STEPS) * TWO_PI;
  return r > Math.PI ? r - TWO_PI : r;
};

/** Decoded snapshot: ids ascending; vals holds FIELD_COUNT quantised ints per entity. */
export interface SnapshotState {
  count: number;
  ids: Uint32Array;
  vals: Int32Array;
}

export function emptyState(capacity = 64): SnapshotState {
  return { count: 0, ids: new Uint32Array(capacity), vals: new Int32Array(capacity * FIELD_COUNT) };
}

export function ensureCapacity(s: SnapshotState, n: number): void {
  if (s.ids.length >= n) return;
  let cap = s.ids.length || 64;
  while (cap < n) cap *= 2;
  const ids = new Uint32Array(cap);
  ids.set(s.ids.subarray(0, s.count));
  const vals = new Int32Array(cap * FIELD_COUNT);
  vals.set(s.vals.subarray(0, s.count * FIELD_COUNT));
  s.ids = ids;
  s.vals = vals;
}

export const wrapYaw = (d: number): number => (d > 32767 ? d - YAW_STEPS : d < -32768 ? d + YAW_STEPS : d);
/** Seconds the prediction spans; computed once per snapshot by both sides (same IEEE double). */
export const predictSeconds = (elapsedMs: number): number => elapsedMs / MS_PER_S;
/** Position predicted from the base one and the current velocity (int32 result, both sides). */
export const predict = (basePos: number, vel: number, seconds: number): number => (basePos + roundHalfUp(vel * seconds)) | 0;

/** Writes one snapshot into a buffer reused across ticks and clients. */
export class SnapshotEncoder {
  readonly #w = new BitWriter();
  /** Residuals of one record in stream order (reused). */
  readonly #res = new Int32Array(FIELD_COUNT);

  /**
   * cur (ids ascending) against base (null = full snapshot), whose state is elapsedMs older.
   * Returns a view into the reused buffer, valid until the next encode().
   */
  encode(cur: SnapshotState, base: SnapshotState | null, elapsedMs: number): Uint8Array {
    const w = this.#w;
    const elapsed = base === null ? 0 : Math.max(0, Math.min(MAX_PREDICT_MS, Math.round(elapsedMs)));
    w.reset();
    w.reserve(16 + (base === null ? 0 : base.count >> 3));
    w.bit(base !== null);
    w.ue(elapsed);
    // Membership: one bit per base entity (kept or not), then the ids that are new.
    let added = cur.count;
    if (base !== null) {
      let ci = 0,
        pend = 0,
        plen = 0;
      for (let bi = 0; bi < base.count; bi++) {
        const id = base.ids[bi];
        while (ci < cur.count && cur.ids[ci] < id) ci++;
        const kept = ci < cur.count && cur.ids[ci] === id ? 1 : 0;
        added -= kept;
        pend = (pend << 1) | kept;
        if (++plen === KEPT_BITS_PER_WRITE) {
          w.bits(pend, plen);
          pend = plen = 0;
        }
      }
      w.bits(pend, plen);
    }
    w.reserve(9 * added + 8); // a gap's code is at most 65 bits
    w.ue(added);
    let prevId = -1;
    let bi = 0;
    for (let i = 0; i < cur.count; i++) {
      const id = cur.ids[i];
      if (base !== null) {
        while (bi < base.count && base.ids[bi] < id) bi++;
        if (bi < base.count && base.ids[bi] === id) continue;
      }
      w.ue(id - prevId - 1);
      prevId = id;
    }
    bi = 0;
    const vals = cur.vals,
      res = this.#res,
      k = predictSeconds(elapsed);
    for (let i = 0; i < cur.count; i++) {
      w.reserve(MAX_RECORD_BYTES);
      const id = cur.ids[i],
        o = i * FIELD_COUNT;
      if (base !== null) {
        while (bi < base.count && base.ids[bi] < id) bi++;
      }
      if (base === null || bi >= base.count || base.ids[bi] !== id) {
        for (const f of STREAM_ORDER) w.se(vals[o + f]);
        continue;
      }
      const bv = base.vals,
        bo = bi * FIELD_COUNT;
      // Hot path (every entity of every client every tick): locals, no loops over fields.
      const vx = vals[o + F_VX],
        vy = vals[o + F_VY],
        vz = vals[o + F_VZ];
      const rvx = (vx - bv[bo + F_VX]) | 0,
        rvy = (vy - bv[bo + F_VY]) | 0,
        rvz = (vz - bv[bo + F_VZ]) | 0;
      const ryaw = wrapYaw(vals[o + F_YAW] - bv[bo + F_YAW]);
      const rx = (vals[o + F_X] - predict(bv[bo + F_X], vx, k)) | 0;
      const ry = (vals[o + F_Y] - predict(bv[bo + F_Y], vy, k)) | 0;
      const rz = (vals[o + F_Z] - predict(bv[bo + F_Z], vz, k)) | 0;
      if ((rvx | rvy | rvz | ryaw | rx | ry | rz) === 0) {
        w.bits(0, 1);
        continue;
      }
      res[0] = rvx;
      res[1] = rvy;
      res[2] = rvz;
      res[3] = ryaw;
      res[4] = rx;
      res[5] = ry;
      res[6] = rz;
      w.seMany(1, res, FIELD_COUNT);
    }
    return w.finish();
  }
}
