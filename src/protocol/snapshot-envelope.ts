// Hot path: EMsg{snapshot} written by hand (protobuf wire format) straight from the packed
// delta bytes, and read back by hand on the sidecar, 40 times a second: protobufjs's decode and
// toObject build two objects and a default for every field. With `into`, the bytes are written
// into that reused buffer and a view is returned (valid until its next use: the transport
// copies what it queues); without it, a fresh exact-size buffer. The reader takes only what it
// fully understands (each field at most once, the wire types and sizes the schema gives):
// anything else returns null and goes to the ordinary codec, which decodes or rejects it, so
// both paths give the same message for the same bytes (snapshot-format.test.ts).
import { EMSG_FIELD_IDS, SCHEMA_JSON, type EMsg } from './schema.gen.js';
import { MAX_MESSAGE_BYTES } from './constants.js';
import { WIRE_VARINT, WIRE_FIXED64, WIRE_LEN, FIXED64_BYTES, tag, varintLen, putVarint, getVarint } from './proto-wire.js';

const FIELDS = SCHEMA_JSON.nested.coop.nested.Snapshot.fields;
const TAG_SNAPSHOT = tag(EMSG_FIELD_IDS.snapshot, WIRE_LEN);
// Snapshot's field numbers are all below 16, so every tag below is one byte (the reader relies on it).
const TAG_TICK = tag(FIELDS.tick.id, WIRE_VARINT);
const TAG_BASE = tag(FIELDS.baseTick.id, WIRE_VARINT);
const TAG_TIME = tag(FIELDS.serverTimeMs.id, WIRE_FIXED64);
const TAG_TICK_MS = tag(FIELDS.tickMs.id, WIRE_VARINT);
const TAG_DATA = tag(FIELDS.data.id, WIRE_LEN);
const TAG_INPUT_LEAD = tag(FIELDS.inputLeadUs.id, WIRE_VARINT);

export interface SnapshotHeader {
  tick: number;
  baseTick: number;
  serverTimeMs: number;
  tickMs: number;
  /** Snapshot.input_lead_us: 0 (left out) when no input arrived since the previous tick. */
  inputLeadUs?: number;
}

export function encodeSnapshotEnvelope(h: SnapshotHeader, data: Uint8Array, into?: { buf: Uint8Array }): Uint8Array {
  const inner =
    (h.tick ? 1 + varintLen(h.tick) : 0) +
    (h.baseTick ? 1 + varintLen(h.baseTick) : 0) +
    (h.serverTimeMs ? 1 + FIXED64_BYTES : 0) +
    (h.tickMs ? 1 + varintLen(h.tickMs) : 0) +
    (data.length ? 1 + varintLen(data.length) + data.length : 0) +
    (h.inputLeadUs ? 1 + varintLen(h.inputLeadUs) : 0);
  const total = varintLen(TAG_SNAPSHOT) + varintLen(inner) + inner;
  if (into && into.buf.length < total) into.buf = new Uint8Array(Math.max(total, into.buf.length * 2));
  const out = into ? into.buf.subarray(0, total) : new Uint8Array(total);
  let p = putVarint(out, 0, TAG_SNAPSHOT);
  p = putVarint(out, p, inner);
  if (h.tick) {
    out[p++] = TAG_TICK;
    p = putVarint(out, p, h.tick);
  }
  if (h.baseTick) {
    out[p++] = TAG_BASE;
    p = putVarint(out, p, h.baseTick);
  }
  if (h.serverTimeMs) {
    out[p++] = TAG_TIME;
    new DataView(out.buffer, out.byteOffset + p, FIXED64_BYTES).setFloat64(0, h.serverTimeMs, true);
    p += FIXED64_BYTES;
  }
  if (h.tickMs) {
    out[p++] = TAG_TICK_MS;
    p = putVarint(out, p, h.tickMs);
  }
  if (data.length) {
    out[p++] = TAG_DATA;
    p = putVarint(out, p, data.length);
    out.set(data, p);
    p += data.length;
  }
  if (h.inputLeadUs) {
    out[p++] = TAG_INPUT_LEAD;
    p = putVarint(out, p, h.inputLeadUs);
  }
  return out;
}

/** EMsg{snapshot} as read: the header and a view of the packed delta bytes (no copy). */
export interface SnapshotEnvelope extends Required<SnapshotHeader> {
  data: Uint8Array;
}

/** A snapshot as the ordinary codec decoded it (absent fields are their defaults), in the same shape. */
export const snapshotEnvelopeOf = (s: NonNullable<EMsg['snapshot']>): SnapshotEnvelope => ({
  tick: s.tick ?? 0,
  baseTick: s.baseTick ?? 0,
  serverTimeMs: s.serverTimeMs ?? 0,
  tickMs: s.tickMs ?? 0,
  inputLeadUs: s.inputLeadUs ?? 0,
  data: s.data ?? new Uint8Array(0),
});

/** Reads EMsg{snapshot}; null for anything else (the caller then uses the ordinary codec). */
export function decodeSnapshotEnvelope(bytes: Uint8Array): SnapshotEnvelope | null {
  if (bytes.length > MAX_MESSAGE_BYTES) return null; // the codec's rejection, counted there
  const outer = getVarint(bytes, 0, bytes.length);
  if (!outer || outer.v !== TAG_SNAPSHOT) return null;
  const len = getVarint(bytes, outer.p, bytes.length);
  if (!len || len.p + len.v !== bytes.length) return null;
  const out: SnapshotEnvelope = { tick: 0, baseTick: 0, serverTimeMs: 0, tickMs: 0, inputLeadUs: 0, data: bytes.subarray(0, 0) };
  let seen = 0;
  let p = len.p;
  const end = bytes.length;
  while (p < end) {
    const fieldTag = bytes[p++];
    if (fieldTag >= 0x80 || seen & (1 << (fieldTag >> 3))) return null; // unknown or repeated field
    seen |= 1 << (fieldTag >> 3);
    if (fieldTag === TAG_TIME) {
      if (p + FIXED64_BYTES > end) return null;
      out.serverTimeMs = new DataView(bytes.buffer, bytes.byteOffset + p, FIXED64_BYTES).getFloat64(0, true);
      p += FIXED64_BYTES;
      continue;
    }
    const r = getVarint(bytes, p, end);
    if (!r) return null;
    p = r.p;
    if (fieldTag === TAG_DATA) {
      if (p + r.v > end) return null;
      out.data = bytes.subarray(p, p + r.v);
      p += r.v;
    } else if (fieldTag === TAG_TICK) out.tick = r.v;
    else if (fieldTag === TAG_BASE) out.baseTick = r.v;
    else if (fieldTag === TAG_TICK_MS) out.tickMs = r.v;
    else if (fieldTag === TAG_INPUT_LEAD) out.inputLeadUs = r.v;
    else return null;
  }
  return out;
}
