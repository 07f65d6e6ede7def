// Emits redscript-stubs/generated/CoopBridgeNatives.reds: a struct per message, the global natives
// the RED4ext plugin registers (bridge/codegen/natives.ts: flattened send natives, the poll and
// cursor readers), script wrappers that take and give the message structs, and a poll/dispatch
// loop into a handler class the hand-written stubs extend.
import { type Field, type FieldType, type Manifest, type MessageDef, type ScalarType } from './manifest.js';
import { GENERATED_BANNER } from './emit-ts.js';
import {
  ENGINE_NATIVES,
  type EngineNative,
  POLL_NATIVE,
  READ_NATIVES,
  REDS_KIND,
  SEND_PREFIX,
  gameReads,
  gameSends,
  leaves,
  nativeSignatures,
} from './natives.js';

const REDS_SCALAR: Record<ScalarType, string> = { ...REDS_KIND, bytes: 'array<Uint8>' };

function redsType(t: FieldType): string {
  const base = typeof t.base === 'string' ? REDS_SCALAR[t.base] : `Coop${t.base.struct}`;
  return t.array ? `array<${base}>` : base;
}

function struct(name: string, fields: { name: string; type: FieldType }[]): string {
  return `public struct ${name} {\n${fields.map((f) => `  public let ${f.name}: ${redsType(f.type)};`).join('\n')}\n}\n`;
}

const reader = (k: ScalarType): string => READ_NATIVES.find((r) => r.kind === k)?.name ?? 'CoopNativeReadU8';

/** Script wrapper: message struct in, flattened native call out. */
function sendWrapper(msg: MessageDef, m: Manifest): string {
  const lines: string[] = [];
  const args: string[] = [];
  for (const f of msg.fields) {
    if (!f.type.array || typeof f.type.base === 'string') {
      if (f.type.array || f.type.base === 'bytes') args.push(`msg.${f.name}`);
      else for (const l of leaves(f, m)) args.push(`msg.${l.path.join('.')}`);
      continue;
    }
    const ls = leaves(f, m);
    for (const l of ls) lines.push(`  let ${l.name}: array<${REDS_KIND[l.kind as keyof typeof REDS_KIND]}>;`);
    lines.push(`  for item in msg.${f.name} {`);
    for (const l of ls) lines.push(`    ArrayPush(${l.name}, item.${l.path.slice(1).join('.')});`);
    lines.push('  }');
    args.push(...ls.map((l) => l.name));
  }
  return `public static func CoopBridgeSend${msg.name}(msg: CoopMsg${msg.name}) -> Bool {\n${lines.map((l) => `${l}\n`).join('')}  return ${SEND_PREFIX}${msg.name}(${args.join(', ')});\n}\n`;
}

/** Expression reading one value of a field's base type from the cursor. */
function readOne(base: Field['type']['base']): string {
  return typeof base === 'string' ? `${reader(base)}()` : `CoopRead${base.struct}()`;
}

function readField(f: Field, target: string): string[] {
  if (f.type.base === 'bytes' || f.type.array) {
    const item = f.type.base === 'bytes' && !f.type.array ? 'CoopNativeReadU8()' : readOne(f.type.base);
    const n = `n_${f.name}`;
    return [
      `  let ${n}: Int32 = CoopNativeReadCount();`,
      `  let i_${f.name}: Int32 = 0;`,
      `  while i_${f.name} < ${n} {`,
      `    ArrayPush(${target}.${f.name}, ${item});`,
      `    i_${f.name} += 1;`,
      '  }',
    ];
  }
  return [`  ${target}.${f.name} = ${readOne(f.type.base)};`];
}

function readFunc(name: string, type: string, fields: Field[]): string {
  return `public static func ${name}() -> ${type} {\n  let v: ${type};\n${fields.flatMap((f) => readField(f, 'v')).join('\n')}\n  return v;\n}\n`;
}

export function emitReds(m: Manifest, engine: ReadonlyArray<EngineNative> = ENGINE_NATIVES): string {
  const out = [
    `// ${GENERATED_BANNER}`,
    '// NOT COMPILED HERE: there is no game script compiler (redscript/scc) on this machine.',
    '// The natives are registered by CoopBridge.dll (native-shims/plugin/), which also registers this file.\n',
  ];
  for (const s of m.structs) out.push(struct(`Coop${s.name}`, s.fields));
  for (const msg of m.messages) out.push(`// ${msg.doc} (from ${msg.from}; hook: ${msg.hook})\n${struct(`CoopMsg${msg.name}`, msg.fields)}`);
  out.push('// Natives (CoopBridge.dll). Send: false when the bridge is closed or its ring is full (dropped, counted).');
  out.push(`// ${POLL_NATIVE}: the type of the next valid sidecar -> game frame (0: none), now readable field by field.`);
  for (const sig of nativeSignatures(m, engine)) {
    const params = sig.params.map((t, i) => `${sig.paramNames[i]}: ${t}`).join(', ');
    out.push(`public static native func ${sig.name}(${params}) -> ${sig.ret};`);
  }
  out.push('');
  for (const msg of m.messages.filter(gameSends)) out.push(sendWrapper(msg, m));
  for (const s of m.structs) out.push(readFunc(`CoopRead${s.name}`, `Coop${s.name}`, s.fields));
  for (const msg of m.messages.filter(gameReads)) out.push(readFunc(`CoopBridgeRead${msg.name}`, `CoopMsg${msg.name}`, msg.fields));
  out.push('// Extend this and override what you handle; CoopBridgePoll calls it once per waiting frame.');
  out.push(
    `public abstract class CoopBridgeHandler {\n${m.messages
      .filter(gameReads)
      .map((x) => `  public func On${x.name}(msg: CoopMsg${x.name}) -> Void {}`)
      .join('\n')}\n}\n`,
  );
  const cases = m.messages
    .filter(gameReads)
    .map((x) => `      case ${x.id}:\n        h.On${x.name}(CoopBridgeRead${x.name}());\n        break;`)
    .join('\n');
  out.push(
    `public static func CoopBridgePoll(h: ref<CoopBridgeHandler>) -> Int32 {\n  let n: Int32 = 0;\n  let t: Int32 = ${POLL_NATIVE}();\n  while t != 0 {\n    switch t {\n${cases}\n      default:\n        break;\n    }\n    n += 1;\n    t = ${POLL_NATIVE}();\n  }\n  return n;\n}\n`,
  );
  return out.join('\n');
}
