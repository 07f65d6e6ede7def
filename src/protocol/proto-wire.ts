// Protobuf wire format pieces for the hand-written hot-path encoders (snapshot-envelope.ts,
// input-envelope.ts): wire types, tags and unsigned varints, written the way protobufjs writes
// them so the bytes are identical (each encoder's tests compare against protobufjs).

/** Wire types (the low 3 bits of a tag). */
export const WIRE_VARINT = 0;
export const WIRE_FIXED64 = 1;
export const WIRE_LEN = 2;
export const WIRE_FIXED32 = 5;

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
