// The cross-file half of the home-grown redscript check: every file parses (reds-parse.ts), no
// function, type or wrapped method is declared twice, every `native func` is one the plugin
// registers, every call of a Coop* function or Coop* type member resolves to our declarations,
// and everything else the scripts use is collected as a game name for the allow-list
// (reds-game-api.ts), which says where each was seen.
import { parseReds, type FuncDecl, type TypeDecl, type Use } from './reds-parse.js';
import { type Problem } from './reds-lex.js';

/** redscript's own types: the compiler knows them, no game script declares them. */
const PRIMITIVES = new Set(
  'Bool Int8 Int16 Int32 Int64 Uint8 Uint16 Uint32 Uint64 Float Double String CName TweakDBID ResRef Variant Void array ref wref script_ref'.split(' '),
);
/** redscript's intrinsics (its compiler's built-in functions, not game natives). */
const INTRINSICS = new Set(
  'IsDefined ArraySize ArrayPush ArrayPop ArrayErase ArrayClear ArrayContains ArrayFindFirst ArrayRemove ArrayInsert ArrayResize ArrayLast Equals NotEquals ToString EnumInt IntEnum ToVariant FromVariant NameOf Deref wrappedMethod'.split(
    ' ',
  ),
);
const OURS = /^Coop|^MergePrompt|^SpectatorCam/;

export interface LintResult {
  problems: Problem[];
  /** Game names the scripts use → the first place each is used. */
  gameNames: Map<string, { file: string; line: number }>;
}

const at = (d: { file: string; line: number }): string => `${d.file}:${d.line}`;

export function lintReds(files: ReadonlyMap<string, string>, natives: ReadonlySet<string>): LintResult {
  const problems: Problem[] = [];
  const funcs: FuncDecl[] = [];
  const types: TypeDecl[] = [];
  const uses: Use[] = [];
  for (const [file, text] of files) {
    const u = parseReds(file, text);
    problems.push(...u.problems);
    funcs.push(...u.funcs);
    types.push(...u.types);
    uses.push(...u.uses);
  }
  const fail = (d: { file: string; line: number }, message: string): number => problems.push({ file: d.file, line: d.line, message });

  // Declared twice: globals across files, types, methods within a type, wrapped game methods.
  const seen = new Map<string, FuncDecl | TypeDecl>();
  const once = (key: string, d: FuncDecl | TypeDecl, what: string): void => {
    const first = seen.get(key);
    if (first) fail(d, `${what} ${key} is declared twice (first at ${at(first)})`);
    else seen.set(key, d);
  };
  for (const t of types) once(`type ${t.name}`, t, 'type');
  for (const f of funcs) once(f.owner ? `${f.owner}.${f.name}` : f.name, f, 'func');

  const globals = new Set(funcs.filter((f) => !f.owner).map((f) => f.name));
  const typeByName = new Map(types.map((t) => [t.name, t]));
  const ourMethods = new Set(funcs.filter((f) => f.owner).map((f) => f.name));
  const hasMember = (type: string, member: string): boolean => {
    for (let t = typeByName.get(type); t; t = t.base ? typeByName.get(t.base) : undefined) if (t.methods.includes(member) || !t.methods.length) return true;
    return false;
  };

  for (const f of funcs.filter((x) => x.native))
    if (!natives.has(f.name)) fail(f, `native func ${f.name} is registered by no native of the plugin (RED4ext would close the game)`);

  const gameNames = new Map<string, { file: string; line: number }>();
  const game = (name: string, u: Use): void => void (gameNames.has(name) || gameNames.set(name, { file: u.file, line: u.line }));
  for (const f of funcs.filter((x) => x.owner && /^(wrap|replace)Method$/.test(x.annotation ?? ''))) game(`${f.owner}.${f.name}`, { kind: 'method', ...f });
  // Our functions are never overloaded here: a call passes exactly the declared parameters.
  const arity = (u: Use, decl: FuncDecl | undefined): void => {
    if (decl && u.args !== undefined && u.args !== decl.params) fail(u, `${u.name} takes ${decl.params} argument(s), called with ${u.args}`);
  };
  for (const u of uses) {
    if (u.kind === 'call' && globals.has(u.name))
      arity(
        u,
        funcs.find((f) => !f.owner && f.name === u.name),
      );
    if (u.kind === 'static' && typeByName.has(u.name.split('.')[0] ?? ''))
      arity(
        u,
        funcs.find((f) => `${f.owner}.${f.name}` === u.name),
      );
    if (u.kind === 'call') {
      if (OURS.test(u.name) && !globals.has(u.name)) fail(u, `call of ${u.name}: no such function in the .reds nor a native`);
      else if (!globals.has(u.name) && !INTRINSICS.has(u.name)) game(u.name, u);
    } else if (u.kind === 'static') {
      const [type = '', member = ''] = u.name.split('.');
      if (typeByName.has(type)) {
        if (!hasMember(type, member)) fail(u, `${u.name}: ${type} declares no ${member}`);
      } else if (OURS.test(type)) fail(u, `${u.name}: no type ${type} in the .reds`);
      else game(u.name, u);
    } else if (u.kind === 'method') {
      if (!ourMethods.has(u.name)) game(`.${u.name}`, u);
    } else if (!typeByName.has(u.name) && !PRIMITIVES.has(u.name)) {
      if (OURS.test(u.name)) fail(u, `type ${u.name} is not declared in the .reds`);
      else game(u.name, u);
    }
  }
  return { problems, gameNames };
}
