// The packed snapshot payload (Snapshot.data), specified in docs/protocol.md "Snapshot deltas".
// One declarative place for the layout; the encoder writes into a reused buffer, the decoder
// never throws (length and range checks first, tagged rejection).

/** Quantised fields per entity, in wire order. */
export const F_X = 0, F_Y = 1, F_Z = 2, F_YAW = 3, F_VX = 4, F_VY = 5, F_VZ = 6;
export const FIELD_COUNT = 7;
/** Mask bit 7: the record has no base (fields are absolute; absent fields are 0). */
export const MASK_ABSOLUTE = 0x80;

export const POS_QUANT_M = 0.01; // 1 cm
export const VEL_QUANT_MPS = 0.01; // 1 cm/s
export const YAW_STEPS = 65536; // 2π / 65536 ≈ 0.0055°
export const POS_MAX_ERROR_M = POS_QUANT_M / 2;
export const VEL_MAX_ERROR_MPS = VEL_QUANT_MPS / 2;
export const YAW_MAX_ERROR_RAD = Math.PI / YAW_STEPS;

/** Decoder limits. */
export const MAX_SNAPSHOT_ENTITIES = 8192;
const MAX_VARINT_BYTES = 5;
const MAX_RECORD_BYTES = MAX_VARINT_BYTES + 1 + FIELD_COUNT * MAX_VARINT_BYTES;
const TWO_PI = Math.PI * 2;

export const quantPos = (m: number): number => Math.round(m / POS_QUANT_M);
export const quantVel = (v: number): number => Math.round(v / VEL_QUANT_MPS);
export const quantYaw = (rad: number): number => {
  const q = Math.round((rad / TWO_PI) * YAW_STEPS) % YAW_STEPS;
  return q < 0 ? q + YAW_STEPS : q;
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

const unzig = (n: number): number => (n >>> 1) ^ -(n & 1);
const wrapYawDelta = (d: number): number => (d > 32767 ? d - YAW_STEPS : d < -32768 ? d + YAW_STEPS : d);

/** Writes records into one growing buffer that is reused across ticks and clients. */
export class SnapshotEncoder {
  #buf = new Uint8Array(4096);
  #pos = 0;
  #prevId = -1;

  begin(count: number): void {
    this.#pos = 0;
    this.#prevId = -1;
    this.#varint(count);
  }

  /** Entities must come in ascending id order. base = null writes an absolute record. */
  entity(id: number, vals: Int32Array, off: number, base: Int32Array | null, baseOff: number): void {
    if (this.#pos + MAX_RECORD_BYTES > this.#buf.length) this.#reserve(MAX_RECORD_BYTES);
    // Hot path (every entity of every client every tick): locals only, varints inlined.
    const buf = this.#buf;
    let pos = this.#pos;
    let n = (id - this.#prevId - 1) >>> 0;
    while (n >= 0x80) { buf[pos++] = (n & 0x7f) | 0x80; n >>>= 7; }
    buf[pos++] = n;
    this.#prevId = id;
    const maskAt = pos++;
    let mask = base === null ? MASK_ABSOLUTE : 0;
    for (let f = 0; f < 7; f++) {
      let d = base === null ? vals[off + f] : vals[off + f] - base[baseOff + f];
      if (d === 0) continue;
      if (f === F_YAW && base !== null) d = wrapYawDelta(d);
      mask |= 1 << f;
      n = ((d << 1) ^ (d >> 31)) >>> 0;
      while (n >= 0x80) { buf[pos++] = (n & 0x7f) | 0x80; n >>>= 7; }
      buf[pos++] = n;
    }
    buf[maskAt] = mask;
    this.#pos = pos;
  }

  /** A view into the reused buffer: valid until the next begin(). */
  finish(): Uint8Array {
    return this.#buf.subarray(0, this.#pos);
  }

  #reserve(n: number): void {
    if (this.#pos + n <= this.#buf.length) return;
    const next = new Uint8Array(Math.max(this.#buf.length * 2, this.#pos + n));
    next.set(this.#buf.subarray(0, this.#pos));
    this.#buf = next;
  }

  #varint(v: number): void {
    if (this.#pos + MAX_VARINT_BYTES > this.#buf.length) this.#reserve(MAX_VARINT_BYTES);
    let n = v >>> 0;
    while (n >= 0x80) { this.#buf[this.#pos++] = (n & 0x7f) | 0x80; n >>>= 7; }
    this.#buf[this.#pos++] = n;
  }
}

export type SnapshotDecodeReject = 'truncated' | 'bad-varint' | 'too-many' | 'id-overflow' | 'missing-base-entity' | 'trailing-bytes';

/**
 * Decodes data against base (null for a full snapshot) into out (reused). Never throws.
 * Returns null on success or the reason the payload was rejected.
 */
export function decodeSnapshotData(data: Uint8Array, base: SnapshotState | null, out: SnapshotState): SnapshotDecodeReject | null {
  let pos = 0;
  let err: SnapshotDecodeReject | null = null;
  const readVarint = (): number => {
    let result = 0;
    for (let i = 0; i < MAX_VARINT_BYTES; i++) {
      if (pos >= data.length) { err = 'truncated'; return 0; }
      const b = data[pos++];
      if (i === MAX_VARINT_BYTES - 1 && b > 0x0f) { err = 'bad-varint'; return 0; }
      result += (b & 0x7f) * 2 ** (7 * i);
      if (b < 0x80) return result;
    }
    err = 'bad-varint';
    return 0;
  };
  const count = readVarint();
  if (err) return err;
  if (count > MAX_SNAPSHOT_ENTITIES || count * 2 > data.length) return 'too-many';
  ensureCapacity(out, count);
  out.count = 0;
  let prevId = -1;
  let bi = 0; // merge cursor into base (both ascending)
  for (let i = 0; i < count; i++) {
    const gap = readVarint();
    if (err) return err;
    const id = prevId + 1 + gap;
    if (id > 0xffffffff) return 'id-overflow';
    prevId = id;
    if (pos >= data.length) return 'truncated';
    const mask = data[pos++];
    const o = i * FIELD_COUNT;
    if (mask & MASK_ABSOLUTE) {
      for (let f = 0; f < FIELD_COUNT; f++) {
        out.vals[o + f] = mask & (1 << f) ? unzig(readVarint()) : 0;
        if (err) return err;
      }
    } else {
      if (!base) return 'missing-base-entity';
      while (bi < base.count && base.ids[bi] < id) bi++;
      if (bi >= base.count || base.ids[bi] !== id) return 'missing-base-entity';
      const bo = bi * FIELD_COUNT;
      for (let f = 0; f < FIELD_COUNT; f++) {
        let v = base.vals[bo + f];
        if (mask & (1 << f)) {
          const d = unzig(readVarint());
          if (err) return err;
          v = f === F_YAW ? (((v + d) % YAW_STEPS) + YAW_STEPS) % YAW_STEPS : (v + d) | 0;
        }
        out.vals[o + f] = v;
      }
    }
    out.ids[i] = id;
    out.count = i + 1;
  }
  if (pos !== data.length) return 'trailing-bytes';
  return null;
}
