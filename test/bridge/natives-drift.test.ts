// Drift between the three places a native exists: the hook manifest (bridge/codegen/natives.ts
// derives the signatures), the C tables CoopBridge.dll registers (native-shims/generated/
// coop_natives.h and the fixed natives in native-shims/plugin/natives.c), and the `native func`
// declarations in every .reds the release ships. Name, parameter count and parameter types must
// agree, and no .reds may declare a native the DLL does not register (RED4ext would close the
// game). The DLL's actual registrations are checked under wine in test/windows/plugin-wine.system.test.ts.
import { describe, expect, it } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { emitNatives } from '../../bridge/codegen/emit-natives.js';
import { emitReds } from '../../bridge/codegen/emit-reds.js';
import { loadManifest, parseManifest } from '../../bridge/codegen/manifest.js';
import { ENGINE_NATIVES, nativeSignatures, READ_NATIVES, REDS_KIND, type ParamKind } from '../../bridge/codegen/natives.js';

type Sig = { name: string; params: string[]; ret: string };
const REDS_DIR = 'redscript-stubs';
const C_KIND: Record<string, ParamKind> = { U8: 'u8', U16: 'u16', U32: 'u32', I32: 'i32', F32: 'f32', F64: 'f64', BOOL: 'bool', STRING: 'string' };

function redsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? redsFiles(join(dir, e.name)) : e.name.endsWith('.reds') ? [join(dir, e.name)] : [],
  );
}

/** `native func Name(a: T, b: array<U>) -> R;` declarations in redscript text. */
function redsNatives(text: string): Sig[] {
  return [...text.matchAll(/native\s+func\s+(\w+)\s*\(([^)]*)\)\s*(?:->\s*([\w<>]+))?\s*;/g)].map(([, name, params, ret]) => ({
    name: name ?? '',
    params: (params ?? '')
      .split(',')
      .map((p) => p.trim())
      .filter(Boolean)
      .map((p) => p.split(':')[1]?.trim() ?? '?'),
    ret: ret ?? 'Void',
  }));
}

/** The send natives in the generated C header: name and parameter kinds as reds types. */
function cSendNatives(header: string): Sig[] {
  const kinds = new Map([...header.matchAll(/static const uint8_t coop_p_(\w+)\[\] = \{([^}]*)\};/g)].map(([, msg, list]) => [msg, list ?? '']));
  return [...header.matchAll(/\{"(\w+)", \d+, (\d+), coop_p_(\w+),/g)].map(([, name, count, msg]) => {
    const list = (kinds.get(msg ?? '') ?? '')
      .split(',')
      .map((k) => k.trim())
      .filter((k) => k && k !== '0');
    const params = list.map((k) => {
      const m = /COOP_PK_(\w+)( \| COOP_PK_ARRAY)?/.exec(k);
      const reds = REDS_KIND[C_KIND[m?.[1] ?? ''] ?? 'u8'];
      return m?.[2] ? `array<${reds}>` : reds;
    });
    expect(params.length, `${name}: count field vs kinds list`).toBe(Number(count));
    return { name: name ?? '', params, ret: 'Bool' };
  });
}

/** The engine natives the generated header registers, and the handlers engine-natives.c defines. */
function cEngineNatives(header: string): string[] {
  const table = /COOP_ENGINE_NATIVES\[\] = \{([\s\S]*?)\};/.exec(header)?.[1] ?? '';
  return [...table.matchAll(/\{"(\w+)", coop_engine_(\w+)\}/g)].map((m) => (m[1] === m[2] ? (m[1] ?? '') : `${m[1]} -> ${m[2]}`));
}
const definedEngineHandlers = (source: string): string[] => [...source.matchAll(/^void coop_engine_(\w+)\(/gm)].map((m) => m[1] ?? '');

/** The fixed natives natives.c registers: names in FIXED_NATIVES. */
function cFixedNatives(source: string): string[] {
  const table = /FIXED_NATIVES\[\] = \{([\s\S]*?)\};/.exec(source)?.[1] ?? '';
  return [...table.matchAll(/\{"(\w+)",/g)].map((m) => m[1] ?? '');
}

const byName = (sigs: Sig[]): Sig[] => [...sigs].sort((a, b) => a.name.localeCompare(b.name));
const strip = (s: { name: string; params: string[]; ret: string }): Sig => ({ name: s.name, params: s.params, ret: s.ret });

describe('natives: manifest vs C tables vs .reds declarations', () => {
  const manifest = nativeSignatures(loadManifest()).map(strip);

  it('the .reds the release ships declare exactly the manifest natives, with the same parameter count and types', () => {
    const declared = redsFiles(REDS_DIR).flatMap((f) => redsNatives(readFileSync(f, 'utf8')));
    expect(byName(declared)).toEqual(byName(manifest));
  });

  it('the C tables register every manifest native with the same parameter count and types', () => {
    const sends = cSendNatives(readFileSync('native-shims/generated/coop_natives.h', 'utf8'));
    expect(byName(sends)).toEqual(byName(manifest.filter((s) => s.name.startsWith('CoopNativeSend'))));
    const fixed = cFixedNatives(readFileSync('native-shims/plugin/natives.c', 'utf8'));
    expect(fixed.sort()).toEqual(['CoopNativePoll', ...READ_NATIVES.map((r) => r.name)].sort());
  });

  it('the engine natives: the generated table names each one, engine-natives.c defines each handler, and natives.c registers the table', () => {
    const header = readFileSync('native-shims/generated/coop_natives.h', 'utf8');
    const names = ENGINE_NATIVES.map((e) => e.name).sort();
    expect(cEngineNatives(header).sort()).toEqual(names);
    expect(definedEngineHandlers(readFileSync('native-shims/plugin/engine-natives.c', 'utf8')).sort()).toEqual(names);
    expect(readFileSync('native-shims/plugin/natives.c', 'utf8')).toMatch(/COOP_ENGINE_NATIVES\[i\]\.name, COOP_ENGINE_NATIVES\[i\]\.fn/);
    // A second engine native shows up in the generated table and the .reds declarations.
    const more = [...ENGINE_NATIVES, { name: 'CoopEngineExtra', params: [{ name: 'n', kind: 'u32' as const }], ret: 'bool' as const, doc: 'test' }];
    expect(cEngineNatives(emitNatives(loadManifest(), more))).toContain('CoopEngineExtra');
    expect(redsNatives(emitReds(loadManifest(), more)).find((s) => s.name === 'CoopEngineExtra')).toEqual({
      name: 'CoopEngineExtra',
      params: ['Uint32'],
      ret: 'Bool',
    });
  });

  it('a changed field type or an extra field shows up as drift in both the C and the .reds side', () => {
    const json = JSON.parse(readFileSync('bridge/hooks.manifest.json', 'utf8'));
    json.messages.PlayerTransform.fields.entityId = 'i32';
    json.messages.ConsoleCommand.fields.channel = 'u8';
    const changed = parseManifest(json);
    const reds = byName(redsNatives(emitReds(changed)));
    const c = byName(cSendNatives(emitNatives(changed)));
    expect(reds).not.toEqual(byName(manifest));
    expect(c).not.toEqual(byName(manifest.filter((s) => s.name.startsWith('CoopNativeSend'))));
    expect(reds.find((s) => s.name === 'CoopNativeSendPlayerTransform')?.params[0]).toBe('Int32');
    expect(c.find((s) => s.name === 'CoopNativeSendConsoleCommand')?.params).toEqual(['String', 'Uint8']);
  });

  it('a struct array crosses as one array per leaf field, in manifest order', () => {
    // DialogueWheelShown ends with choices: DialogueChoice[] (index u16, text string, flags u8).
    const wheel = manifest.find((s) => s.name === 'CoopNativeSendDialogueWheelShown');
    const choice = loadManifest().structs.find((s) => s.name === 'DialogueChoice');
    expect(choice?.fields.map((f) => f.spelled)).toEqual(['u16', 'string', 'u8']);
    expect(wheel?.params.slice(-3)).toEqual(['array<Uint16>', 'array<String>', 'array<Uint8>']);
  });
});
