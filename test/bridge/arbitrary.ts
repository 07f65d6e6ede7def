// fast-check arbitraries for every manifest message, built from the manifest model itself, so
// a message added to the manifest is covered by the round-trip, fuzz and echo tests unchanged.
import fc from 'fast-check';
import { loadManifest, type FieldType, type Manifest, type StructDef } from '../../bridge/codegen/manifest.js';
import { FrameWriter } from '../../bridge/codec.js';
import { CODECS, type MessageMap, type MessageName } from '../../bridge/index.js';

export const MANIFEST: Manifest = loadManifest();

export interface SizeLimits {
  maxString: number;
  maxBytes: number;
  maxArray: number;
}
const SMALL: SizeLimits = { maxString: 24, maxBytes: 64, maxArray: 4 };

function scalar(t: string, lim: SizeLimits): fc.Arbitrary<unknown> {
  switch (t) {
    case 'u8':
      return fc.integer({ min: 0, max: 0xff });
    case 'u16':
      return fc.integer({ min: 0, max: 0xffff });
    case 'u32':
      return fc.integer({ min: 0, max: 0xffffffff });
    case 'i32':
      return fc.integer({ min: -0x80000000, max: 0x7fffffff });
    case 'f32':
      return fc.float({ noNaN: true });
    case 'f64':
      return fc.double({ noNaN: true });
    case 'bool':
      return fc.boolean();
    case 'string':
      return fc.string({ unit: 'binary', maxLength: lim.maxString });
    case 'bytes':
      return fc.uint8Array({ maxLength: lim.maxBytes });
    default:
      throw new Error(`no arbitrary for ${t}`);
  }
}

function fieldArb(t: FieldType, structs: Map<string, StructDef>, lim: SizeLimits): fc.Arbitrary<unknown> {
  const one = typeof t.base === 'string' ? scalar(t.base, lim) : structArb(structs.get(t.base.struct)?.fields ?? [], structs, lim);
  return t.array ? fc.array(one, { maxLength: lim.maxArray }) : one;
}

function structArb(fields: { name: string; type: FieldType }[], structs: Map<string, StructDef>, lim: SizeLimits): fc.Arbitrary<Record<string, unknown>> {
  return fc.record(Object.fromEntries(fields.map((f) => [f.name, fieldArb(f.type, structs, lim)])));
}

export function messageArb<K extends MessageName>(name: K, lim: SizeLimits = SMALL): fc.Arbitrary<MessageMap[K]> {
  const def = MANIFEST.messages.find((m) => m.name === name);
  if (!def) throw new Error(`no message ${name}`);
  const structs = new Map(MANIFEST.structs.map((s) => [s.name, s]));
  return structArb(def.fields, structs, lim) as unknown as fc.Arbitrary<MessageMap[K]>;
}

export const MESSAGE_NAMES = MANIFEST.messages.map((m) => m.name as MessageName);

/** The exact payload bytes the codec produces for a message. */
export function encode<K extends MessageName>(name: K, msg: MessageMap[K]): Uint8Array {
  const codec = CODECS[name];
  const ab = new ArrayBuffer(codec.size(msg));
  const w = new FrameWriter(ab);
  codec.write(w, msg);
  if (w.pos !== ab.byteLength) throw new Error(`${name}: wrote ${w.pos} bytes, size() said ${ab.byteLength}`);
  return new Uint8Array(ab);
}

/** True when a decoded value holds a NaN somewhere (NaN payload bits are not preserved). */
export function hasNaN(v: unknown): boolean {
  if (typeof v === 'number') return Number.isNaN(v);
  if (Array.isArray(v)) return v.some(hasNaN);
  if (v && typeof v === 'object' && !(v instanceof Uint8Array)) return Object.values(v).some(hasNaN);
  return false;
}
