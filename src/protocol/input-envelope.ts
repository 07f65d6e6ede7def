// Hot path: EMsg{playerState} written by hand (protobuf wire format). The sidecar sends one per
// game report (60 a second); protobufjs's fromObject + encode + finish cost more than the rest
// of the send. The bytes are those of encodeMsg({ playerState: ps }) for every value (tested),
// so the server decodes them with the ordinary codec. With `into`, the bytes are written into
// that reused buffer and a view is returned (valid until its next use: the transport copies what
// it queues); without it, a fresh exact-size buffer.
import { EMSG_FIELD_IDS, SCHEMA_JSON, type PlayerState } from './schema.gen.js';
import { WIRE_VARINT, WIRE_FIXED32, WIRE_FIXED64, WIRE_LEN, FIXED32_BYTES, FIXED64_BYTES, tag, varintLen, putVarint } from './proto-wire.js';

const FIELDS = SCHEMA_JSON.nested.coop.nested.PlayerState.fields;
const TAG_PLAYER_STATE = tag(EMSG_FIELD_IDS.playerState, WIRE_LEN);
// PlayerState's field numbers are all below 16, so every tag below is one byte.
const TAG_SEQ = tag(FIELDS.seq.id, WIRE_VARINT);
const TAG_X = tag(FIELDS.x.id, WIRE_FIXED32);
const TAG_Y = tag(FIELDS.y.id, WIRE_FIXED32);
const TAG_Z = tag(FIELDS.z.id, WIRE_FIXED32);
const TAG_YAW = tag(FIELDS.yaw.id, WIRE_FIXED32);
const TAG_VX = tag(FIELDS.vx.id, WIRE_FIXED32);
const TAG_VY = tag(FIELDS.vy.id, WIRE_FIXED32);
const TAG_VZ = tag(FIELDS.vz.id, WIRE_FIXED32);
const TAG_MODE = tag(FIELDS.mode.id, WIRE_VARINT);
const TAG_CLIENT_TIME = tag(FIELDS.clientTimeMs.id, WIRE_FIXED64);
const TAG_ACK_TICK = tag(FIELDS.ackTick.id, WIRE_VARINT);

/**
 * Whether protobufjs writes a float or double field: it leaves out an absent one and +0 (the
 * proto3 default) and nothing else, so -0 and NaN are written, and so is a double that only
 * becomes 0 as a float (1e-50).
 */
const written = (v: number): boolean => !Object.is(v, 0);

/** Encoded size of a uint32 field (tag, varint) that protobufjs writes when it is not 0. */
const uintLen = (v: number): number => (v !== 0 ? 1 + varintLen(v) : 0);

export function encodePlayerStateMsg(ps: PlayerState, into?: { buf: Uint8Array }): Uint8Array {
  // protobufjs's fromObject first: a uint32 field is `v >>> 0` (2^32 wraps to 0 and is left out,
  // -1 is 4294967295, 1.5 is 1), a float or double one is the number itself.
  const seq = (ps.seq ?? 0) >>> 0;
  const mode = (ps.mode ?? 0) >>> 0;
  const ackTick = (ps.ackTick ?? 0) >>> 0;
  const x = ps.x ?? 0,
    y = ps.y ?? 0,
    z = ps.z ?? 0,
    yaw = ps.yaw ?? 0,
    vx = ps.vx ?? 0,
    vy = ps.vy ?? 0,
    vz = ps.vz ?? 0;
  const clientTimeMs = ps.clientTimeMs ?? 0;
  const floatField = 1 + FIXED32_BYTES;
  const inner =
    uintLen(seq) +
    (written(x) ? floatField : 0) +
    (written(y) ? floatField : 0) +
    (written(z) ? floatField : 0) +
    (written(yaw) ? floatField : 0) +
    (written(vx) ? floatField : 0) +
    (written(vy) ? floatField : 0) +
    (written(vz) ? floatField : 0) +
    uintLen(mode) +
    (written(clientTimeMs) ? 1 + FIXED64_BYTES : 0) +
    uintLen(ackTick);
  const total = varintLen(TAG_PLAYER_STATE) + varintLen(inner) + inner;
  if (into && into.buf.length < total) into.buf = new Uint8Array(Math.max(total, into.buf.length * 2));
  const out = into ? into.buf.subarray(0, total) : new Uint8Array(total);
  const view = new DataView(out.buffer, out.byteOffset, total);
  let p = putVarint(out, 0, TAG_PLAYER_STATE);
  p = putVarint(out, p, inner);
  // Fields in number order, as protobufjs writes them.
  if (seq !== 0) {
    out[p++] = TAG_SEQ;
    p = putVarint(out, p, seq);
  }
  p = putFloat(out, view, p, TAG_X, x);
  p = putFloat(out, view, p, TAG_Y, y);
  p = putFloat(out, view, p, TAG_Z, z);
  p = putFloat(out, view, p, TAG_YAW, yaw);
  p = putFloat(out, view, p, TAG_VX, vx);
  p = putFloat(out, view, p, TAG_VY, vy);
  p = putFloat(out, view, p, TAG_VZ, vz);
  if (mode !== 0) {
    out[p++] = TAG_MODE;
    p = putVarint(out, p, mode);
  }
  if (written(clientTimeMs)) {
    out[p++] = TAG_CLIENT_TIME;
    view.setFloat64(p, clientTimeMs, true);
    p += FIXED64_BYTES;
  }
  if (ackTick !== 0) {
    out[p++] = TAG_ACK_TICK;
    putVarint(out, p, ackTick);
  }
  return out;
}

/** A float field (tag, little-endian float32) unless protobufjs would leave it out. */
function putFloat(out: Uint8Array, view: DataView, p: number, fieldTag: number, v: number): number {
  if (!written(v)) return p;
  out[p++] = fieldTag;
  view.setFloat32(p, v, true);
  return p + FIXED32_BYTES;
}
