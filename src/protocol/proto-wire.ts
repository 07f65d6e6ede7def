// Protobuf wire format pieces for the hand-written hot-path envelopes (snapshot-envelope.ts,
// input-envelope.ts): wire types, tags and unsigned varints, written the way protobufjs writes
// them so the bytes are identical (each encoder's tests compare against protobufjs), and read
// back strictly (the snapshot reader).

/** Wire types (the low 3 bits of a tag). */
export const WIRE_VARINT = 0;
export const WIRE_FIXED64 = 1;
export const WIRE_LEN = 2;
export const WIRE_FIXED32 = 5;

/** Bytes of a fixed32 (float) and a fixed64 (double) value. */
export const FIXED32_BYTES = 4;
export const FIXED64_BYTES = 8;

/** A field's tag: (field number << 3) | wire type, written as a varint. */
export const tag = (fieldId: number, wireType: number): number => ((fieldId << 3) | wireType) >>> 0;

/** Bytes of the varint of a uint32 (1..5). */
export const varintLen = (v: number): number => (v < 0x80 ? 1 : v < 0x4000 ? 2 : v < 0x200000 ? 3 : v < 0x10000000 ? 4 : 5);

/** Writes v (as uint32) as a varint at pos; returns the position after it. */
export function putVarint(buf: Uint8Array, pos: number, v: number): number {
  let n = v >>> 0;
  while (n >= 0x80) {
    buf[pos++] = (n & 0x7f) | 0x80;
    n >>>= 7;
  }
  buf[pos++] = n;
  return pos;
}

const UINT32_MAX_VARINT_BYTES = 5;

/** A uint32 varint at pos (before end): its value and the position after it; null past the end,
 * over 5 bytes or over 2^32 − 1 (protobufjs would truncate such a value: the caller hands the
 * message to the codec instead). */
export function getVarint(buf: Uint8Array, pos: number, end: number): { v: number; p: number } | null {
  let v = 0;
  for (let i = 0; i < UINT32_MAX_VARINT_BYTES; i++) {
    if (pos >= end) return null;
    const b = buf[pos++];
    v += (b & 0x7f) * 2 ** (7 * i);
    if (b < 0x80) return v <= 0xffffffff ? { v, p: pos } : null;
  }
  return null;
}
