// The import rules of docs/design.md ("Who imports whom") as data, and the engine that checks an
// import graph against them. The graph is read with TypeScript's own pre-processor, which sees
// static imports, `export … from`, side-effect and dynamic imports, and skips comments and
// strings, so a commented-out import neither hides nor fakes an arrow.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, posix, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

/** Folders and file endings the graph is read from. */
export const GRAPH_ROOTS = ['src', 'bridge'] as const;
const SOURCE_FILE = /\.(ts|mts|js|mjs)$/;
const SKIPPED_DIRS = new Set(['node_modules', 'dist']);

/**
 * One rule: files under `from` may not import anything under a `never` prefix, or, with `only`,
 * anything in the project outside the `only` prefixes. Prefixes are repo-relative, '/'-ended.
 */
export interface LayerRule {
  from: string;
  never?: readonly string[];
  only?: readonly string[];
  why: string;
}

export const LAYER_RULES: readonly LayerRule[] = [
  { from: 'src/util/', only: ['src/util/'], why: 'src/util is the bottom layer: it imports nothing from the project' },
  {
    from: 'src/net/enet/',
    never: ['src/protocol/', 'src/server/', 'src/sidecar/', 'src/net/nat/', 'src/voice/', 'src/master/'],
    why: 'ENet knows no game message, no server, no sidecar and no ICE: only datagrams',
  },
  {
    from: 'src/net/nat/',
    never: ['src/server/', 'src/sidecar/', 'src/master/'],
    why: 'the NAT layer shares only the wire types (src/protocol) with coop-master',
  },
  { from: 'bridge/', never: ['src/net/', 'src/server/'], why: 'the bridge knows no network' },
  { from: 'src/server/', never: ['bridge/', 'src/sidecar/'], why: 'the server never touches a game; server and sidecar share only src/protocol' },
  { from: 'src/sidecar/', never: ['src/server/'], why: 'server and sidecar share only src/protocol' },
  { from: 'src/master/', never: ['src/server/', 'src/sidecar/'], why: 'the master knows no game server and no sidecar' },
  { from: 'src/merge/', never: ['src/net/', 'src/server/'], why: 'src/merge is pure data: no network, no server' },
  { from: 'src/protocol/', never: ['src/server/', 'src/sidecar/', 'src/master/'], why: 'the protocol depends on no endpoint that speaks it' },
  {
    from: 'src/cli/',
    only: ['src/cli/', 'src/util/', 'src/protocol/', 'src/net/nat/constants.'],
    why: 'the CLI layer imports nothing from below but src/util and constants',
  },
  { from: 'src/voice/', never: ['src/server/', 'src/sidecar/', 'bridge/'], why: 'voice is used by server and sidecar, never the other way' },
];

/**
 * One import arrow: `file` (line `line`) names `target`, both repo-relative with '/'. A
 * type-only import (`import type`, `export type … from`) is erased at run time: it still counts
 * for the layer rules, but not for load-order cycles.
 */
export interface ImportEdge {
  file: string;
  line: number;
  specifier: string;
  target: string;
  typeOnly: boolean;
}

const toPosix = (p: string): string => p.split(sep).join(posix.sep);

/** Where the specifiers of type-only import and export declarations start (at the quote). */
function typeOnlyPositions(file: string, text: string): Set<number> {
  const at = new Set<number>();
  const src = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, false);
  for (const st of src.statements) {
    if (ts.isImportDeclaration(st) && st.importClause) {
      const c = st.importClause;
      const named = c.namedBindings && ts.isNamedImports(c.namedBindings) ? c.namedBindings.elements : undefined;
      const typeOnly = c.isTypeOnly || (!c.name && named !== undefined && named.length > 0 && named.every((e) => e.isTypeOnly));
      if (typeOnly) at.add(st.moduleSpecifier.getStart(src));
    } else if (ts.isExportDeclaration(st) && st.isTypeOnly && st.moduleSpecifier) {
      at.add(st.moduleSpecifier.getStart(src));
    }
  }
  return at;
}

/** The project-internal (relative) imports of one file's text. */
export function importsOf(file: string, text: string): ImportEdge[] {
  const edges: ImportEdge[] = [];
  const typeOnly = typeOnlyPositions(file, text);
  for (const ref of ts.preProcessFile(text, true, true).importedFiles) {
    if (!ref.fileName.startsWith('.')) continue; // a package: not an arrow inside the project
    const line = text.slice(0, ref.pos).split('\n').length;
    const target = posix.normalize(posix.join(posix.dirname(file), ref.fileName));
    edges.push({ file, line, specifier: ref.fileName, target, typeOnly: typeOnly.has(ref.pos) });
  }
  return edges;
}

/** A readable line per arrow that breaks a rule: the file, the line, the target and the rule. */
export function violations(edges: readonly ImportEdge[], rules: readonly LayerRule[] = LAYER_RULES): string[] {
  const out: string[] = [];
  for (const e of edges) {
    for (const rule of rules) {
      if (!e.file.startsWith(rule.from)) continue;
      const banned = rule.never?.find((p) => e.target.startsWith(p));
      const outside = rule.only && !rule.only.some((p) => e.target.startsWith(p));
      if (!banned && !outside) continue;
      const what = banned ? `never imports ${banned}` : `imports only ${rule.only!.join(', ')}`;
      out.push(`${e.file}:${e.line} imports ${e.target} ('${e.specifier}'): rule "${rule.from} ${what}" (${rule.why})`);
    }
  }
  return out;
}

function* sourceFiles(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!SKIPPED_DIRS.has(entry.name)) yield* sourceFiles(p);
    } else if (SOURCE_FILE.test(entry.name)) {
      yield p;
    }
  }
}

/** Every import arrow of the files under GRAPH_ROOTS in the project at `root`. */
export function readImportGraph(root: string): { files: number; edges: ImportEdge[] } {
  let files = 0;
  const edges: ImportEdge[] = [];
  for (const top of GRAPH_ROOTS) {
    for (const abs of sourceFiles(resolve(root, top))) {
      files++;
      const file = toPosix(relative(root, abs));
      edges.push(...importsOf(file, readFileSync(abs, 'utf8')));
    }
  }
  return { files, edges };
}

/** The repository root (this file is test/architecture/layers.ts). */
export const projectRoot = (): string => resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
