// Generates src/protocol/schema.gen.ts from coop.proto: the JSON descriptor protobufjs loads at
// runtime (no .proto file to find next to a bundle) and TypeScript types for every message.
// Run: node --import tsx src/protocol/gen.ts   (test/protocol checks the output is current).
import protobuf from 'protobufjs';
import { readFileSync } from 'node:fs';
import { writeFileAtomicSync } from '../util/atomic-file.js';
import { fileURLToPath } from 'node:url';

const PROTO_PATH = fileURLToPath(new URL('./coop.proto', import.meta.url));
export const GEN_PATH = fileURLToPath(new URL('./schema.gen.ts', import.meta.url));

const TS_SCALAR: Record<string, string> = {
  uint32: 'number',
  int32: 'number',
  sint32: 'number',
  fixed32: 'number',
  float: 'number',
  double: 'number',
  uint64: 'number',
  int64: 'number',
  bool: 'boolean',
  string: 'string',
  bytes: 'Uint8Array',
};

/** Returns the generated module's text for the given proto source. */
export function generate(protoText: string): string {
  const { root } = protobuf.parse(protoText);
  const ns = root.lookup('coop') as protobuf.Namespace;
  const out: string[] = [
    '// GENERATED from coop.proto by src/protocol/gen.ts — do not edit by hand.',
    '/* eslint-disable */',
    `export const SCHEMA_JSON = ${JSON.stringify(root.toJSON())} as const;`,
    '',
  ];
  for (const obj of ns.nestedArray) {
    if (obj instanceof protobuf.Enum) {
      out.push(`export const ${obj.name} = {`);
      for (const [k, v] of Object.entries(obj.values)) out.push(`  ${k}: ${v},`);
      out.push('} as const;');
      out.push(`export type ${obj.name} = (typeof ${obj.name})[keyof typeof ${obj.name}];`, '');
    }
  }
  for (const obj of ns.nestedArray) {
    if (!(obj instanceof protobuf.Type)) continue;
    out.push(`export interface ${obj.name} {`);
    for (const f of obj.fieldsArray) {
      const resolved = f.resolve();
      let ts = TS_SCALAR[f.type];
      if (!ts) ts = resolved.resolvedType instanceof protobuf.Enum ? 'number' : f.type;
      if (f.repeated) ts = `${ts}[]`;
      out.push(`  ${f.name}?: ${ts};`);
    }
    if (obj.name === 'EMsg') out.push('  msg?: EMsgKind;');
    out.push('}', '');
  }
  const emsg = ns.lookupType('EMsg');
  const kinds = emsg.oneofs.msg.fieldsArray.map((f) => `'${f.name}'`);
  out.push(`export type EMsgKind = ${kinds.join(' | ')};`);
  out.push(`export const EMSG_FIELD_IDS = {`);
  for (const f of emsg.oneofs.msg.fieldsArray) out.push(`  ${f.name}: ${f.id},`);
  out.push('} as const;', '');
  return out.join('\n');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const text = generate(readFileSync(PROTO_PATH, 'utf8'));
  writeFileAtomicSync(GEN_PATH, text);
  console.log(`wrote ${GEN_PATH}`);
}
export { PROTO_PATH };
