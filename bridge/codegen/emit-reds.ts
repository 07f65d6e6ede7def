// Emits redscript-stubs/generated/CoopBridgeNatives.reds: a struct per message, the natives the
// RED4ext plugin implements (send for game-side messages, read for sidecar-side ones), and a
// generated poll/dispatch loop into a handler class the hand-written stubs extend.
import { type FieldType, type Manifest, type MessageDef } from './manifest.js';
import { GENERATED_BANNER } from './emit-ts.js';

const REDS_SCALAR: Record<string, string> = {
  u8: 'Uint8',
  u16: 'Uint16',
  u32: 'Uint32',
  i32: 'Int32',
  f32: 'Float',
  f64: 'Double',
  bool: 'Bool',
  string: 'String',
  bytes: 'array<Uint8>',
};

function redsType(t: FieldType): string {
  const base = typeof t.base === 'string' ? REDS_SCALAR[t.base] : `Coop${t.base.struct}`;
  return t.array ? `array<${base}>` : base;
}

function struct(name: string, fields: { name: string; type: FieldType }[]): string {
  return `public struct ${name} {\n${fields.map((f) => `  public let ${f.name}: ${redsType(f.type)};`).join('\n')}\n}\n`;
}

const gameSends = (m: MessageDef): boolean => m.from === 'game' || m.from === 'both';
const gameReads = (m: MessageDef): boolean => m.from === 'sidecar' || m.from === 'both';

export function emitReds(m: Manifest): string {
  const out = [
    `// ${GENERATED_BANNER}`,
    '// NOT COMPILED HERE: there is no game script compiler (redscript/scc) on this machine.',
    '// The natives are implemented by the RED4ext plugin built from native-shims/ (game role).\n',
  ];
  for (const s of m.structs) out.push(struct(`Coop${s.name}`, s.fields));
  for (const msg of m.messages) out.push(`// ${msg.doc} (from ${msg.from}; hook: ${msg.hook})\n${struct(`CoopMsg${msg.name}`, msg.fields)}`);
  out.push('// game -> sidecar: false when the ring is full (the frame is dropped and counted).');
  for (const msg of m.messages.filter(gameSends)) out.push(`public static native func CoopBridgeSend${msg.name}(msg: CoopMsg${msg.name}) -> Bool;`);
  out.push('\n// sidecar -> game: NextType() is 0 when nothing is waiting; Read<Name>() consumes the frame.');
  out.push('public static native func CoopBridgeNextType() -> Int32;');
  out.push('public static native func CoopBridgeSkip() -> Void;');
  for (const msg of m.messages.filter(gameReads)) out.push(`public static native func CoopBridgeRead${msg.name}() -> CoopMsg${msg.name};`);
  out.push('\n// Extend this and override what you handle; CoopBridgePoll calls it once per waiting frame.');
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
    `public static func CoopBridgePoll(h: ref<CoopBridgeHandler>) -> Int32 {\n  let n: Int32 = 0;\n  let t: Int32 = CoopBridgeNextType();\n  while t != 0 {\n    switch t {\n${cases}\n      default:\n        CoopBridgeSkip();\n    }\n    n += 1;\n    t = CoopBridgeNextType();\n  }\n  return n;\n}\n`,
  );
  return out.join('\n');
}
