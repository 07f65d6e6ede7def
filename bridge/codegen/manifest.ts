// Loads and validates the hook manifest (bridge/hooks.manifest.json) into a model the emitters
// share. Every problem is reported with its message/field name; nothing is guessed.
import { readFileSync } from 'node:fs';

export const SCALAR_TYPES = ['u8', 'u16', 'u32', 'i32', 'f32', 'f64', 'bool', 'string', 'bytes'] as const;
export type ScalarType = (typeof SCALAR_TYPES)[number];
export type Direction = 'game' | 'sidecar' | 'both';

/** A field's type: a scalar or a struct, optionally an array of it. */
export interface FieldType {
  base: ScalarType | { struct: string };
  array: boolean;
}
export interface Field {
  name: string;
  type: FieldType;
  /** As written in the manifest, e.g. `DialogueChoice[]`. */
  spelled: string;
}
export interface StructDef {
  name: string;
  fields: Field[];
}
export interface MessageDef {
  name: string;
  id: number;
  from: Direction;
  hook: string;
  doc: string;
  /** Never wakes a reader that sleeps through lazy frames (docs/bridge-ring.md "Sleep and wake"). */
  lazy: boolean;
  fields: Field[];
}
export interface Manifest {
  structs: StructDef[];
  messages: MessageDef[];
  /** FNV-1a of the wire-relevant parts (names, ids, field types, lazy): docs do not change it. */
  schemaHash: number;
}

export const MESSAGE_ID_MIN = 1;
export const MESSAGE_ID_MAX = 0xfffe; // 0xffff is the ring's pad marker
const IDENT = /^[A-Za-z][A-Za-z0-9]*$/;
/** Encoded bytes of each fixed-size scalar; string/bytes/arrays are variable (u32 count first). */
export const SCALAR_BYTES: Record<ScalarType, number> = { u8: 1, u16: 2, u32: 4, i32: 4, f32: 4, f64: 8, bool: 1, string: 4, bytes: 4 };

export class ManifestError extends Error {
  override name = 'ManifestError';
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function parseType(spelled: unknown, where: string, structNames: Set<string>): FieldType {
  if (typeof spelled !== 'string') throw new ManifestError(`${where}: type must be a string`);
  const array = spelled.endsWith('[]');
  const name = array ? spelled.slice(0, -2) : spelled;
  if ((SCALAR_TYPES as readonly string[]).includes(name)) return { base: name as ScalarType, array };
  if (structNames.has(name)) return { base: { struct: name }, array };
  throw new ManifestError(`${where}: unknown type '${spelled}' (scalars: ${SCALAR_TYPES.join(' ')}, or a struct name)`);
}

function parseFields(raw: unknown, where: string, structNames: Set<string>): Field[] {
  if (!isRecord(raw)) throw new ManifestError(`${where}: fields must be an object of name → type`);
  return Object.entries(raw).map(([name, t]) => {
    if (!IDENT.test(name)) throw new ManifestError(`${where}.${name}: field names are identifiers`);
    return { name, type: parseType(t, `${where}.${name}`, structNames), spelled: String(t) };
  });
}

/** Structs may use structs declared before them only, so there are no cycles. */
function parseStructs(raw: unknown): StructDef[] {
  if (!isRecord(raw)) throw new ManifestError('structs must be an object');
  const known = new Set<string>();
  const out: StructDef[] = [];
  for (const [name, fields] of Object.entries(raw)) {
    if (!IDENT.test(name)) throw new ManifestError(`struct ${name}: names are identifiers`);
    const parsed = parseFields(fields, `struct ${name}`, known);
    if (parsed.length === 0) throw new ManifestError(`struct ${name}: needs at least one field`);
    out.push({ name, fields: parsed });
    known.add(name);
  }
  return out;
}

function parseMessages(raw: unknown, structNames: Set<string>): MessageDef[] {
  if (!isRecord(raw)) throw new ManifestError('messages must be an object');
  const ids = new Map<number, string>();
  return Object.entries(raw).map(([name, m]) => {
    const where = `message ${name}`;
    if (!IDENT.test(name)) throw new ManifestError(`${where}: names are identifiers`);
    if (structNames.has(name)) throw new ManifestError(`${where}: clashes with a struct name`);
    if (!isRecord(m)) throw new ManifestError(`${where}: must be an object`);
    const id = m.id;
    if (typeof id !== 'number' || !Number.isInteger(id) || id < MESSAGE_ID_MIN || id > MESSAGE_ID_MAX) {
      throw new ManifestError(`${where}: id must be an integer in ${MESSAGE_ID_MIN}..${MESSAGE_ID_MAX}`);
    }
    const clash = ids.get(id);
    if (clash) throw new ManifestError(`${where}: id ${id} is already used by ${clash}`);
    ids.set(id, name);
    if (m.from !== 'game' && m.from !== 'sidecar' && m.from !== 'both') {
      throw new ManifestError(`${where}: from must be game, sidecar or both`);
    }
    if (m.lazy !== undefined && typeof m.lazy !== 'boolean') {
      throw new ManifestError(`${where}: lazy must be true or false (got ${JSON.stringify(m.lazy)})`);
    }
    return {
      name,
      id,
      from: m.from,
      hook: typeof m.hook === 'string' ? m.hook : '',
      doc: typeof m.doc === 'string' ? m.doc : '',
      lazy: m.lazy === true,
      fields: parseFields(m.fields ?? {}, where, structNames),
    };
  });
}

/** FNV-1a 32-bit. */
export function fnv1a32(text: string): number {
  let h = 0x811c9dc5;
  for (const byte of Buffer.from(text, 'utf8')) {
    h ^= byte;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

export function parseManifest(json: unknown): Manifest {
  if (!isRecord(json)) throw new ManifestError('the manifest must be a JSON object');
  const structs = parseStructs(json.structs ?? {});
  const messages = parseMessages(json.messages, new Set(structs.map((s) => s.name)));
  const wire = JSON.stringify({
    structs: structs.map((s) => [s.name, s.fields.map((f) => [f.name, f.spelled])]),
    // lazy changes who wakes whom: a game and a sidecar that disagree on it must refuse each other
    messages: messages.map((m) => [m.name, m.id, m.fields.map((f) => [f.name, f.spelled]), m.lazy]),
  });
  return { structs, messages, schemaHash: fnv1a32(wire) };
}

export const MANIFEST_PATH = 'bridge/hooks.manifest.json';

export function loadManifest(path = MANIFEST_PATH): Manifest {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ManifestError(`cannot read ${path}: ${(err as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new ManifestError(`${path} is not valid JSON: ${(err as Error).message}`);
  }
  return parseManifest(json);
}

/** Smallest encoded size of a type: bounds array counts before any allocation. */
export function minBytes(t: FieldType, structs: Map<string, StructDef>): number {
  if (t.array) return 4;
  if (typeof t.base === 'string') return SCALAR_BYTES[t.base];
  const def = structs.get(t.base.struct);
  return def ? def.fields.reduce((n, f) => n + minBytes(f.type, structs), 0) : 0;
}

/** Encoded size when fixed (no string, bytes or array inside), else undefined. */
export function fixedBytes(fields: Field[], structs: Map<string, StructDef>): number | undefined {
  let n = 0;
  for (const f of fields) {
    if (f.type.array) return undefined;
    if (typeof f.type.base === 'string') {
      if (f.type.base === 'string' || f.type.base === 'bytes') return undefined;
      n += SCALAR_BYTES[f.type.base];
    } else {
      const inner = fixedBytes(structs.get(f.type.base.struct)?.fields ?? [], structs);
      if (inner === undefined) return undefined;
      n += inner;
    }
  }
  return n;
}
