// The single-player save `.dat`: a 16-byte header and a protobuf SinglePlayerSave payload.
//   0  magic "CBSP"            4 bytes
//   4  format version          u16 LE (DAT_FORMAT_VERSION)
//   6  flags                   u16 LE (0; anything else is refused)
//   8  payload length          u32 LE
//  12  payload CRC-32          u32 LE
//  16  payload                 SinglePlayerSave (progress.proto)
// The parser checks every length before reading and never throws anything but MergeError.
import protobuf from 'protobufjs';
import { DAT_FORMAT_VERSION, DAT_HEADER_BYTES, DAT_MAGIC, DAT_MAX_PAYLOAD_BYTES, MERGE_SCHEMA_VERSION } from './constants.js';
import { MergeError } from './errors.js';
import { ProgressSchema, type AttrValue, type Progress } from './model.js';
import { PROGRESS_PROTO } from './progress-proto.js';
import { crc32 } from '../util/crc32.js';
import { describeZodError } from '../util/zod-text.js';

const OFFSET_VERSION = 4;
const OFFSET_FLAGS = 6;
const OFFSET_LENGTH = 8;
const OFFSET_CRC = 12;

const SaveType = protobuf.parse(PROGRESS_PROTO).root.lookupType('coopbridge.merge.v1.SinglePlayerSave');

interface WireAttr {
  num?: number;
  str?: string;
  flag?: boolean;
}

function attrToWire(v: AttrValue): WireAttr {
  if (typeof v === 'number') return { num: v };
  if (typeof v === 'string') return { str: v };
  return { flag: v };
}

/** Serialises one player's progress (validated first: a bad model is a programming error). */
export function encodeDat(progress: Progress): Buffer {
  const p = ProgressSchema.parse(progress);
  const wire = {
    schemaVersion: p.schemaVersion,
    playerId: p.playerId,
    name: p.name,
    level: p.level,
    xp: p.xp,
    quests: p.quests,
    inventory: p.inventory.map((it) => ({
      id: it.id,
      seed: it.seed,
      quantity: it.quantity,
      quality: it.quality,
      mods: it.mods,
      attrs: Object.fromEntries(Object.entries(it.attrs).map(([k, v]) => [k, attrToWire(v)])),
    })),
  };
  const payload = SaveType.encode(SaveType.fromObject(wire)).finish();
  const header = Buffer.alloc(DAT_HEADER_BYTES);
  DAT_MAGIC.copy(header, 0);
  header.writeUInt16LE(DAT_FORMAT_VERSION, OFFSET_VERSION);
  header.writeUInt16LE(0, OFFSET_FLAGS);
  header.writeUInt32LE(payload.length, OFFSET_LENGTH);
  header.writeUInt32LE(crc32(payload), OFFSET_CRC);
  return Buffer.concat([header, payload]);
}

interface DecodedItem {
  id?: string;
  seed?: number;
  quantity?: number;
  quality?: string;
  mods?: string[];
  attrs?: Record<string, WireAttr & { value?: string }>;
}

function wireToAttr(w: WireAttr & { value?: string }): unknown {
  if (w.value === 'num') return w.num;
  if (w.value === 'str') return w.str;
  if (w.value === 'flag') return w.flag;
  return undefined; // no member set: the schema refuses it
}

/** Parses a `.dat`. Truncated, corrupt or foreign bytes → MergeError with a DAT_* code. */
export function decodeDat(bytes: Uint8Array, file?: string): Progress {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buf.length < DAT_HEADER_BYTES) {
    throw new MergeError('DAT_TOO_SHORT', `not a save export: ${buf.length} bytes, the header alone is ${DAT_HEADER_BYTES}`, { file });
  }
  if (!buf.subarray(0, DAT_MAGIC.length).equals(DAT_MAGIC)) {
    throw new MergeError('DAT_BAD_MAGIC', 'not a coop-bridge save export (bad magic)', { file });
  }
  const version = buf.readUInt16LE(OFFSET_VERSION);
  if (version !== DAT_FORMAT_VERSION) {
    throw new MergeError('DAT_VERSION', `save export format version ${version} is not supported (this build reads ${DAT_FORMAT_VERSION})`, { file });
  }
  const flags = buf.readUInt16LE(OFFSET_FLAGS);
  if (flags !== 0) throw new MergeError('DAT_DECODE', `unknown header flags 0x${flags.toString(16)}`, { file });
  const length = buf.readUInt32LE(OFFSET_LENGTH);
  if (length > DAT_MAX_PAYLOAD_BYTES) {
    throw new MergeError('DAT_TOO_LARGE', `payload of ${length} bytes is over the ${DAT_MAX_PAYLOAD_BYTES}-byte limit`, { file });
  }
  const have = buf.length - DAT_HEADER_BYTES;
  if (have < length) throw new MergeError('DAT_TRUNCATED', `truncated: payload has ${have} of ${length} bytes`, { file });
  if (have > length) throw new MergeError('DAT_TRAILING_BYTES', `${have - length} unexpected bytes after the payload`, { file });
  const payload = buf.subarray(DAT_HEADER_BYTES);
  if (crc32(payload) !== buf.readUInt32LE(OFFSET_CRC)) {
    throw new MergeError('DAT_CHECKSUM', 'corrupt: payload checksum does not match', { file });
  }
  let obj: Record<string, unknown>;
  try {
    obj = SaveType.toObject(SaveType.decode(payload), { defaults: true, arrays: true, objects: true, oneofs: true });
  } catch (err) {
    throw new MergeError('DAT_DECODE', `corrupt payload: ${(err as Error).message}`, { file, cause: err });
  }
  const schemaVersion = obj.schemaVersion;
  if (schemaVersion !== MERGE_SCHEMA_VERSION) {
    throw new MergeError('SCHEMA_VERSION', `progress schema version ${String(schemaVersion)} is not supported (this build reads ${MERGE_SCHEMA_VERSION})`, {
      file,
    });
  }
  const items = (obj.inventory as DecodedItem[]).map((it) => ({
    ...it,
    attrs: Object.fromEntries(Object.entries(it.attrs ?? {}).map(([k, w]) => [k, wireToAttr(w)])),
  }));
  const parsed = ProgressSchema.safeParse({ ...obj, inventory: items });
  if (!parsed.success) throw new MergeError('SCHEMA', `invalid save export: ${describeZodError(parsed.error)}`, { file });
  return parsed.data;
}
