// Emits native-shims/generated/coop_natives.h: for every game -> sidecar message, its native's
// parameter kinds, the program that rebuilds the wire frame from them, and a handler stub; for
// every sidecar -> game message, the program that validates a frame before scripts read it.
// The plugin (native-shims/plugin/natives.c) interprets both; nothing here is hand-written.
import { type Manifest } from './manifest.js';
import { GENERATED_BANNER } from './emit-ts.js';
import { ENGINE_NATIVES, gameReads, type EngineNative, sendNative, sendNatives, type ParamKind, type SendNative, type WireOp } from './natives.js';

const KIND: Record<ParamKind, string> = {
  u8: 'COOP_PK_U8',
  u16: 'COOP_PK_U16',
  u32: 'COOP_PK_U32',
  i32: 'COOP_PK_I32',
  f32: 'COOP_PK_F32',
  f64: 'COOP_PK_F64',
  bool: 'COOP_PK_BOOL',
  string: 'COOP_PK_STRING',
};

function opsC(n: SendNative): string {
  const kind = (i: number): string => KIND[n.params[i]?.kind ?? 'u8'];
  const one = (o: WireOp): string[] => {
    if (o.op === 'field') return [`{COOP_OP_FIELD, ${kind(o.param)}, ${o.param}, 0}`];
    if (o.op === 'array') return [`{COOP_OP_ARRAY, ${kind(o.param)}, ${o.param}, 0}`];
    return [`{COOP_OP_STRUCT_ARRAY, 0, ${o.params[0]}, ${o.params.length}}`, ...o.params.map((p) => `{COOP_OP_FIELD, ${kind(p)}, ${p}, 0}`)];
  };
  const all = n.ops.flatMap(one);
  return all.length ? all.join(', ') : '{COOP_OP_END, 0, 0, 0}';
}

export function emitNatives(m: Manifest, engine: ReadonlyArray<EngineNative> = ENGINE_NATIVES): string {
  const sends = sendNatives(m);
  const reads = m.messages.filter(gameReads).map((msg) => sendNative(msg, m));
  const out = [
    `/* ${GENERATED_BANNER} */`,
    '/* Included once, by native-shims/plugin/natives.c; the types are in natives-internal.h, coop_native_send in natives-send.c. */\n',
  ];
  for (const [i, n] of sends.entries()) {
    const kinds = n.params.map((p) => (p.array ? `${KIND[p.kind]} | COOP_PK_ARRAY` : KIND[p.kind]));
    out.push(`/* ${n.name}(${n.params.map((p) => `${p.name}${p.array ? '[]' : ''}`).join(', ')}) -> Bool */`);
    out.push(`static const uint8_t coop_p_${n.message.name}[] = {${kinds.length ? kinds.join(', ') : '0'}};`);
    out.push(`static const coop_wire_op coop_o_${n.message.name}[] = {${opsC(n)}};`);
    out.push(
      `static void coop_h_${n.message.name}(void *ctx, r4e_stack_frame *frame, void *out, int64_t a4) { (void)a4; coop_native_send(${i}, ctx, frame, out); }\n`,
    );
  }
  const count = (n: SendNative): number => n.ops.reduce((sum, o) => sum + (o.op === 'structArray' ? 1 + o.params.length : 1), 0);
  out.push('static const coop_send_native COOP_SEND_NATIVES[] = {');
  for (const n of sends) {
    out.push(
      `  {"${n.name}", ${n.message.id}, ${n.params.length}, coop_p_${n.message.name}, ${count(n)}, coop_o_${n.message.name}, coop_h_${n.message.name}},`,
    );
  }
  out.push('};');
  out.push(`#define COOP_SEND_NATIVE_COUNT ${sends.length}\n`);
  for (const n of reads) out.push(`static const coop_wire_op coop_d_${n.message.name}[] = {${opsC(n)}};`);
  out.push('\n/* Sidecar -> game messages scripts can read: id and the program that validates a frame. */');
  out.push('static const coop_read_message COOP_READ_MESSAGES[] = {');
  for (const n of reads) out.push(`  {${n.message.id}, ${count(n)}, coop_d_${n.message.name}}, /* ${n.message.name} */`);
  out.push('};');
  out.push(`#define COOP_READ_MESSAGE_COUNT ${reads.length}\n`);
  out.push('/* Engine natives (bridge/codegen/natives.ts ENGINE_NATIVES): each handler is written by hand in');
  out.push(' * native-shims/plugin/engine-natives.c; one missing there fails the link. */');
  for (const e of engine) {
    out.push(`/* ${e.name}(${e.params.map((p) => p.name).join(', ')}) -> ${e.ret}: ${e.doc} */`);
    out.push(`void coop_engine_${e.name}(void *ctx, r4e_stack_frame *frame, void *out, int64_t a4);`);
  }
  out.push('static const struct { const char *name; coop_handler fn; } COOP_ENGINE_NATIVES[] = {');
  for (const e of engine) out.push(`  {"${e.name}", coop_engine_${e.name}},`);
  out.push('};');
  out.push(`#define COOP_ENGINE_NATIVE_COUNT ${engine.length}\n`);
  return out.join('\n');
}
