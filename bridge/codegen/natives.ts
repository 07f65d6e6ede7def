// The global natives the RED4ext plugin registers, derived from the hook manifest (one model for
// the C tables, the .reds declarations and the drift test). Script structs never cross the native
// boundary: their memory layout is the game's RTTI's business, unknown to a C plugin built without
// it. So a game -> sidecar message is sent by one native whose parameters are the message's fields
// flattened to scalars, Strings and arrays (a struct array becomes one array per leaf field), and
// sidecar -> game frames are read by a fixed cursor API (CoopNativePoll + CoopNativeRead*).
import { type Field, type Manifest, type MessageDef, type ScalarType } from './manifest.js';

/** A native parameter's kind: a wire scalar (bytes are u8 arrays), optionally an array. */
export type ParamKind = Exclude<ScalarType, 'bytes'>;
export interface NativeParam {
  name: string;
  kind: ParamKind;
  array: boolean;
}
/** How the wire frame is rebuilt from the parameters, in manifest field order. */
export type WireOp = { op: 'field'; param: number } | { op: 'array'; param: number } | { op: 'structArray'; params: number[] };
export interface SendNative {
  name: string;
  message: MessageDef;
  params: NativeParam[];
  ops: WireOp[];
}

export const SEND_PREFIX = 'CoopNativeSend';
export const POLL_NATIVE = 'CoopNativePoll';
/** Cursor readers over the frame CoopNativePoll took: name → the kind it returns. */
export const READ_NATIVES: ReadonlyArray<{ name: string; kind: ParamKind | 'count' }> = [
  { name: 'CoopNativeReadU8', kind: 'u8' },
  { name: 'CoopNativeReadU16', kind: 'u16' },
  { name: 'CoopNativeReadU32', kind: 'u32' },
  { name: 'CoopNativeReadI32', kind: 'i32' },
  { name: 'CoopNativeReadF32', kind: 'f32' },
  { name: 'CoopNativeReadF64', kind: 'f64' },
  { name: 'CoopNativeReadBool', kind: 'bool' },
  { name: 'CoopNativeReadString', kind: 'string' },
  { name: 'CoopNativeReadCount', kind: 'count' },
];

/**
 * Engine natives: game actions the script API cannot do, written by hand in C
 * (native-shims/plugin/engine-natives.c) and not bridge messages. This table is their one source:
 * the .reds declarations and the C registration table (coop_natives.h) are generated from it, and
 * a handler missing in C fails the link. Parameters would be read like a send native's.
 */
export interface EngineNative {
  name: string;
  params: ReadonlyArray<{ name: string; kind: ParamKind }>;
  ret: ParamKind;
  doc: string;
}
export const ENGINE_NATIVES: ReadonlyArray<EngineNative> = [
  {
    name: 'CoopEngineMachineTimeMs',
    params: [],
    ret: 'f64',
    doc: "the machine's monotonic clock in ms (QueryPerformanceCounter), the clock the sidecar's localTimeMs is on",
  },
];

export const REDS_KIND: Record<ParamKind | 'count', string> = {
  u8: 'Uint8',
  u16: 'Uint16',
  u32: 'Uint32',
  i32: 'Int32',
  f32: 'Float',
  f64: 'Double',
  bool: 'Bool',
  string: 'String',
  count: 'Int32',
};

export const gameSends = (m: MessageDef): boolean => m.from === 'game' || m.from === 'both';
export const gameReads = (m: MessageDef): boolean => m.from === 'sidecar' || m.from === 'both';

const cap = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);

/** A field's scalar leaves (structs flattened depth-first), named prefix + Field + Sub. */
export function leaves(f: Field, m: Manifest, prefix = ''): { name: string; path: string[]; kind: ScalarType }[] {
  const name = prefix ? `${prefix}${cap(f.name)}` : f.name;
  if (typeof f.type.base === 'string') return [{ name, path: [f.name], kind: f.type.base }];
  const def = m.structs.find((s) => s.name === (f.type.base as { struct: string }).struct);
  if (!def) throw new Error(`unknown struct in ${f.name}`);
  return def.fields.flatMap((sub) => {
    if (sub.type.array) throw new Error(`${f.name}.${sub.name}: arrays inside structs are not supported by the natives`);
    return leaves(sub, m, name).map((l) => ({ ...l, path: [f.name, ...l.path] }));
  });
}

/** The send native of one game -> sidecar message. */
export function sendNative(msg: MessageDef, m: Manifest): SendNative {
  const params: NativeParam[] = [];
  const ops: WireOp[] = [];
  const add = (p: NativeParam): number => params.push(p) - 1;
  for (const f of msg.fields) {
    if (f.type.base === 'bytes' && !f.type.array) {
      ops.push({ op: 'array', param: add({ name: f.name, kind: 'u8', array: true }) });
      continue;
    }
    const ls = leaves(f, m);
    if (ls.some((l) => l.kind === 'bytes')) throw new Error(`${msg.name}.${f.name}: bytes inside a struct or array are not supported`);
    if (!f.type.array) {
      for (const l of ls) ops.push({ op: 'field', param: add({ name: l.name, kind: l.kind as ParamKind, array: false }) });
    } else if (typeof f.type.base === 'string') {
      ops.push({ op: 'array', param: add({ name: f.name, kind: f.type.base as ParamKind, array: true }) });
    } else {
      ops.push({ op: 'structArray', params: ls.map((l) => add({ name: l.name, kind: l.kind as ParamKind, array: true })) });
    }
  }
  return { name: `${SEND_PREFIX}${msg.name}`, message: msg, params, ops };
}

export function sendNatives(m: Manifest): SendNative[] {
  return m.messages.filter(gameSends).map((msg) => sendNative(msg, m));
}

/** Every native the plugin registers: name, parameter reds types, return reds type. */
export function nativeSignatures(
  m: Manifest,
  engine: ReadonlyArray<EngineNative> = ENGINE_NATIVES,
): { name: string; params: string[]; paramNames: string[]; ret: string }[] {
  const redsParam = (p: NativeParam): string => (p.array ? `array<${REDS_KIND[p.kind]}>` : REDS_KIND[p.kind]);
  return [
    ...sendNatives(m).map((n) => ({ name: n.name, params: n.params.map(redsParam), paramNames: n.params.map((p) => p.name), ret: 'Bool' })),
    { name: POLL_NATIVE, params: [], paramNames: [], ret: 'Int32' },
    ...READ_NATIVES.map((r) => ({ name: r.name, params: [], paramNames: [], ret: REDS_KIND[r.kind] })),
    ...engine.map((e) => ({ name: e.name, params: e.params.map((p) => REDS_KIND[p.kind]), paramNames: e.params.map((p) => p.name), ret: REDS_KIND[e.ret] })),
  ];
}
