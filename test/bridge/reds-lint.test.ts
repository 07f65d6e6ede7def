// The home-grown redscript check (no redscript compiler runs here: it needs the game's compiled
// script cache). Every .reds the release ships must parse (balanced blocks, terminated
// statements, well-formed func declarations), declare nothing twice, call only Coop* functions
// that exist with as many arguments as they take, call the game's method from every wrap,
// declare only natives the plugin registers, and use only game names the allow-list
// (reds-game-api.ts) carries with a source. The self-checks plant broken files and see each fail.
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadManifest } from '../../bridge/codegen/manifest.js';
import { nativeSignatures } from '../../bridge/codegen/natives.js';
import { GAME_API } from './reds-game-api.js';
import { lintReds } from './reds-lint.js';

const REDS_DIR = 'redscript-stubs';
const NATIVES = new Set(nativeSignatures(loadManifest()).map((s) => s.name));

function redsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? redsFiles(join(dir, e.name)) : e.name.endsWith('.reds') ? [join(dir, e.name)] : [],
  );
}
const shipped = new Map(redsFiles(REDS_DIR).map((f) => [f, readFileSync(f, 'utf8')]));
const messages = (files: Record<string, string>): string[] =>
  lintReds(new Map(Object.entries(files)), NATIVES).problems.map((p) => `${p.file}:${p.line} ${p.message}`);

describe('redscript check: the shipped .reds', () => {
  const result = lintReds(shipped, NATIVES);

  it('reads every file the release ships, the generated natives included', () => {
    expect([...shipped.keys()]).toEqual(expect.arrayContaining([join(REDS_DIR, 'CoopEngine.reds'), join(REDS_DIR, 'generated', 'CoopBridgeNatives.reds')]));
  });

  it('parse, declare nothing twice, resolve every Coop* call and declare only registered natives', () => {
    expect(result.problems.map((p) => `${p.file}:${p.line} ${p.message}`)).toEqual([]);
  });

  it('use only game names the allow-list carries with a source, and the allow-list has no stale entry', () => {
    const used = [...result.gameNames.keys()].sort();
    expect(used.filter((n) => !(n in GAME_API)).map((n) => `${n} (${JSON.stringify(result.gameNames.get(n))})`)).toEqual([]);
    expect(Object.keys(GAME_API).filter((n) => !result.gameNames.has(n))).toEqual([]);
    for (const [name, source] of Object.entries(GAME_API)) expect(source, name).toMatch(/^(k0ch4n|tiltedphoques|psiberx|jackhumbert)\/\S+ \S+/);
  });
});

describe('redscript check: planted broken files fail', () => {
  const good = 'public static func CoopGood(n: Int32) -> Int32 {\n  let x: Int32 = n + 1;\n  if x > 2 {\n    return x;\n  }\n  return 0;\n}\n';

  it('a well-formed file passes (the control)', () => {
    expect(messages({ 'good.reds': good })).toEqual([]);
  });

  it('an unclosed block, an unmatched brace or parenthesis', () => {
    expect(messages({ 'a.reds': 'public static func CoopA() -> Void {\n  let x = 1;\n' }).join('\n')).toMatch(/a\.reds:\d+ expected '}' closing a block/);
    expect(messages({ 'a.reds': `${good}}\n` }).join('\n')).toMatch(/unmatched '}'/);
    expect(messages({ 'a.reds': 'public static func CoopA() -> Void {\n  CoopA();\n  LogChannel(n"DEBUG", "x"));\n}\n' }).join('\n')).toMatch(/unmatched '\)'/);
  });

  it('a statement without its semicolon', () => {
    const text = 'public static func CoopB() -> Void {\n  let x = 1\n  let y = 2;\n}\n';
    expect(messages({ 'b.reds': text })).toEqual([expect.stringMatching(/^b\.reds:3 missing ';'/)]);
    expect(messages({ 'b.reds': 'public static func CoopB() -> Int32 {\n  return 1\n}\n' }).join('\n')).toMatch(/missing ';' before '}'/);
  });

  it('malformed func declarations: no name, an untyped parameter, no return type, a native with a body, a script func without one', () => {
    expect(messages({ 'c.reds': 'public static func (a: Int32) -> Void {}\n' }).join('\n')).toMatch(/expected a function name after func/);
    expect(messages({ 'c.reds': 'public static func CoopC(a) -> Void {}\n' }).join('\n')).toMatch(/parameter a of func CoopC has no type/);
    expect(messages({ 'c.reds': 'public static func CoopC(a: Int32) {}\n' }).join('\n')).toMatch(/func CoopC has no return type/);
    expect(messages({ 'c.reds': 'public static native func CoopNativePoll() -> Int32 { return 0; }\n' }).join('\n')).toMatch(
      /native func CoopNativePoll has a body/,
    );
    expect(messages({ 'c.reds': 'public static func CoopC() -> Int32;\n' }).join('\n')).toMatch(/func CoopC has no body and is not native/);
  });

  it('the same function in two files, or the same method twice in a class', () => {
    expect(messages({ 'd1.reds': good, 'd2.reds': good })).toEqual(['d2.reds:1 func CoopGood is declared twice (first at d1.reds:1)']);
    const cls = 'public class CoopD {\n  public func Go() -> Void {}\n  public func Go() -> Void {}\n}\n';
    expect(messages({ 'd.reds': cls })).toEqual(['d.reds:3 func CoopD.Go is declared twice (first at d.reds:2)']);
  });

  it('a call of a Coop* function or Coop* type member that nothing declares', () => {
    const text =
      'public class CoopE {\n  public static func Get() -> Int32 = 1;\n}\npublic static func CoopF() -> Void {\n  CoopMissing();\n  CoopE.Gone();\n  CoopE.Get();\n}\n';
    expect(messages({ 'e.reds': text })).toEqual([
      'e.reds:5 call of CoopMissing: no such function in the .reds nor a native',
      'e.reds:6 CoopE.Gone: CoopE declares no Gone',
    ]);
  });

  it('a Coop* function or member called with the wrong number of arguments', () => {
    const text = 'public class CoopI {\n  public static func Two(a: Int32, b: Int32) -> Int32 = a + b;\n}\n';
    const calls = 'public static func CoopJ() -> Void {\n  CoopGood(1, 2);\n  CoopI.Two(CoopGood(3));\n  CoopI.Two(1, (2));\n}\n';
    expect(messages({ 'i.reds': text + good, 'j.reds': calls })).toEqual([
      'j.reds:2 CoopGood takes 1 argument(s), called with 2',
      'j.reds:3 CoopI.Two takes 2 argument(s), called with 1',
    ]);
  });

  it('a wrapped game method that never calls wrappedMethod, and wrappedMethod outside a wrap', () => {
    const wrap = '@wrapMethod(PlayerPuppet)\nprotected cb func OnGameAttached() -> Bool {\n  return true;\n}\n';
    expect(messages({ 'w.reds': wrap })).toEqual(['w.reds:2 wrapped PlayerPuppet.OnGameAttached never calls wrappedMethod']);
    expect(messages({ 'w.reds': wrap.replace('return true;', 'return wrappedMethod();') })).toEqual([]);
    expect(messages({ 'w.reds': 'public static func CoopW() -> Bool {\n  return wrappedMethod();\n}\n' })).toEqual([
      'w.reds:1 func CoopW calls wrappedMethod but wraps no method',
    ]);
  });

  it('a native the plugin does not register, and a static field', () => {
    expect(messages({ 'f.reds': 'public static native func CoopNativeNobody() -> Bool;\n' })).toEqual([
      'f.reds:1 native func CoopNativeNobody is registered by no native of the plugin (RED4ext would close the game)',
    ]);
    expect(messages({ 'f.reds': 'public class CoopG {\n  private static let s_x: Int32;\n}\n' }).join('\n')).toMatch(
      /static field s_x: redscript has no static fields/,
    );
  });

  it('a game name the allow-list does not carry is collected for the allow-list check', () => {
    const text = 'public static func CoopH() -> Void {\n  let s = GameInstance.GetWhatever(GetGameInstance());\n  s.Frobnicate();\n}\n';
    const names = [...lintReds(new Map([['h.reds', text]]), NATIVES).gameNames.keys()];
    expect(names).toEqual(['GameInstance.GetWhatever', 'GetGameInstance', '.Frobnicate']);
    expect(names.filter((n) => !(n in GAME_API))).toEqual(['GameInstance.GetWhatever', '.Frobnicate']);
  });
});
