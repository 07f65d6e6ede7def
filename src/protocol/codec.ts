// EMsg encode/decode over protobufjs (runtime reflection from the generated JSON descriptor).
// decodeMsg never throws: hostile bytes come back as a tagged rejection.
import protobuf from 'protobufjs';
import { SCHEMA_JSON, type EMsg, type EMsgKind } from './schema.gen.js';
import { MAX_MESSAGE_BYTES } from './constants.js';

const root = protobuf.Root.fromJSON(SCHEMA_JSON as unknown as protobuf.INamespace);
const EMsgType = root.lookupType('coop.EMsg');
const FullStateType = root.lookupType('coop.FullStateSnapshot');

const TO_OBJECT: protobuf.IConversionOptions = { longs: Number, enums: Number, defaults: true, oneofs: true };

export type DecodeReject = 'too_big' | 'empty' | 'undecodable' | 'unknown_kind';
export type Decoded = { ok: true; kind: EMsgKind; msg: EMsg } | { ok: false; reason: DecodeReject };

/** Encodes one envelope. Throws only on misuse (a message that does not fit the schema). */
export function encodeMsg(msg: EMsg): Uint8Array {
  return EMsgType.encode(EMsgType.fromObject(msg)).finish();
}

export function decodeMsg(bytes: Uint8Array): Decoded {
  if (bytes.length > MAX_MESSAGE_BYTES) return { ok: false, reason: 'too_big' };
  if (bytes.length === 0) return { ok: false, reason: 'empty' };
  let raw: protobuf.Message;
  try {
    raw = EMsgType.decode(bytes);
  } catch {
    return { ok: false, reason: 'undecodable' };
  }
  const msg = EMsgType.toObject(raw, TO_OBJECT) as EMsg;
  if (!msg.msg) return { ok: false, reason: 'unknown_kind' };
  return { ok: true, kind: msg.msg, msg };
}

/** Benchmark baseline only: encoded size of a full-state snapshot. */
export function encodeFullState(obj: { tick: number; entities: object[] }): Uint8Array {
  return FullStateType.encode(FullStateType.fromObject(obj)).finish();
}
