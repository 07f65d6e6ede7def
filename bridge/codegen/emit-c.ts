// Emits native-shims/generated/coop_hooks.h: message ids, the schema hash, and packed structs
// for the fixed-size messages (variable ones list their wire fields in a comment).
import { type Field, type Manifest, type StructDef, fixedBytes } from './manifest.js';
import { GENERATED_BANNER } from './emit-ts.js';

const C_SCALAR: Record<string, string> = { u8: 'uint8_t', u16: 'uint16_t', u32: 'uint32_t', i32: 'int32_t', f32: 'float', f64: 'double', bool: 'uint8_t' };

export function snake(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([A-Z])([A-Z][a-z])/g, '$1_$2')
    .toLowerCase();
}

function cStruct(cname: string, fields: Field[]): string {
  const body = fields
    .map((f) => `  ${typeof f.type.base === 'string' ? C_SCALAR[f.type.base] : `coop_${snake(f.type.base.struct)}`} ${snake(f.name)};`)
    .join('\n');
  return `typedef struct {\n${body}\n} ${cname};`;
}

/** coop_msg_is_lazy: the writer's test whether a frame may leave a reader asleep that sleeps
 * through lazy frames (reader-waiting word COOP_READER_WAITING_NOT_LAZY). */
function lazyFn(m: Manifest): string {
  const lazy = m.messages.filter((x) => x.lazy);
  const test = lazy.length ? lazy.map((x) => `type == COOP_MSG_${snake(x.name).toUpperCase()}`).join(' || ') : '(void)type, 0';
  return [
    '/* Lazy messages (manifest "lazy": true) never wake a reader that sleeps through lazy frames;',
    ' * it reads them at its next wake (docs/bridge-ring.md "Sleep and wake"). */',
    `static inline int coop_msg_is_lazy(uint16_t type) { return ${test}; }\n`,
  ].join('\n');
}

export function emitCHeader(m: Manifest): string {
  const structs = new Map<string, StructDef>(m.structs.map((s) => [s.name, s]));
  const out = [
    `/* ${GENERATED_BANNER} */`,
    '#ifndef COOP_HOOKS_H\n#define COOP_HOOKS_H\n\n#include <stdint.h>\n',
    `#define COOP_SCHEMA_HASH 0x${m.schemaHash.toString(16).padStart(8, '0')}u\n`,
    `enum coop_msg_type {\n${m.messages.map((x) => `  COOP_MSG_${snake(x.name).toUpperCase()} = ${x.id}, /* from ${x.from}: ${x.hook} */`).join('\n')}\n};\n`,
    lazyFn(m),
    '/* Wire layout: little-endian, packed. string/bytes/arrays: u32 count, then the items. */',
    '#pragma pack(push, 1)',
  ];
  const asserts: string[] = [];
  for (const s of m.structs) {
    const n = fixedBytes(s.fields, structs);
    if (n === undefined) continue;
    out.push(cStruct(`coop_${snake(s.name)}`, s.fields));
    asserts.push(`_Static_assert(sizeof(coop_${snake(s.name)}) == ${n}, "coop_${snake(s.name)} wire size");`);
  }
  for (const msg of m.messages) {
    const n = fixedBytes(msg.fields, structs);
    const cname = `coop_msg_${snake(msg.name)}`;
    if (n === undefined) {
      out.push(`/* ${cname}: variable size; fields in order: ${msg.fields.map((f) => `${f.name} ${f.spelled}`).join(', ')} */`);
    } else if (msg.fields.length === 0) {
      out.push(`/* ${cname}: no payload */`);
    } else {
      out.push(`${cStruct(cname, msg.fields)}\n#define ${cname.toUpperCase()}_BYTES ${n}u`);
      asserts.push(`_Static_assert(sizeof(${cname}) == ${n}, "${cname} wire size");`);
    }
  }
  out.push('#pragma pack(pop)\n', ...asserts, '\n#endif\n');
  return out.join('\n');
}
