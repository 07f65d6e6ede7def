// Hot path: EMsg{snapshot} written by hand (protobuf wire format) straight from the packed
// delta bytes. Decodes with the ordinary codec (tested). With `into`, the bytes are written
// into that reused buffer and a view is returned (valid until its next use: the transport
// copies what it queues); without it, a fresh exact-size buffer.
import { EMSG_FIELD_IDS } from './schema.gen.js';
import { WIRE_VARINT, WIRE_FIXED64, WIRE_LEN, varintLen, putVarint } from './proto-wire.js';

const TAG_SNAPSHOT = (EMSG_FIELD_IDS.snapshot << 3) | WIRE_LEN;
const TAG_TICK = (1 << 3) | WIRE_VARINT;
const TAG_BASE = (2 << 3) | WIRE_VARINT;
const TAG_TIME = (3 << 3) | WIRE_FIXED64;
const TAG_TICK_MS = (4 << 3) | WIRE_VARINT;
const TAG_DATA = (5 << 3) | WIRE_LEN;
const TAG_INPUT_LEAD = (6 << 3) | WIRE_VARINT;

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
    (h.serverTimeMs ? 9 : 0) +
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
    new DataView(out.buffer, out.byteOffset + p, 8).setFloat64(0, h.serverTimeMs, true);
    p += 8;
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
