// coop-merge <session.json> <singleplayerSave.dat> [--player id] [--out merged.dat]
//            [--conflicts conflicts.json] [--resolve answers.json] [--json]
// Exit 0 merged (merged.dat written), 3 conflicts need a decision (conflicts file written,
// merged.dat not), 1 error (one line on stderr, nothing written), 2 usage.
import { realpathSync, statSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { parseCommandLine, runCommand, exitCodesHelp, UsageError } from '../cli/command.js';
import type { CliIo } from '../cli/io.js';
import { readExistingFile, readPath } from '../cli/options.js';
import { writeFileAtomicSync } from '../util/atomic-file.js';
import { EXIT_CONFLICTS, EXIT_ERROR, EXIT_MERGED, MERGE_SCHEMA_VERSION } from './constants.js';
import { encodeDat } from './dat.js';
import { MergeError } from './errors.js';
import { readAnswersFile, readDatFile, readSessionFile } from './io.js';
import type { ConflictsFile } from './model.js';
import { mergeWithAnswers } from './resolve.js';
import { choosePlayer, coopSideFor } from './session.js';
import { COLOUR, PLAIN, countOf, renderSummary } from './summary.js';

export const USAGE = `Usage: coop-merge <session.json> <singleplayerSave.dat> [options]

Three-way merge of one player's co-op progress into their single-player save export.
base = the player's baseline in the session (their progress when they joined),
ours = the single-player save (.dat), theirs = the co-op session.

Options:
  --player <id>              the session player to merge (default: the save's player, or the only one)
  --out <merged.dat>         where to write the merged save (default: merged.dat); never an input
  --conflicts <file.json>    where to write the conflicts needing a decision
                             (default when there are any: <out>.conflicts.json)
  --resolve <answers.json>   apply answers: {"schemaVersion":1,"mode":"AcceptAll"} or
                             {"schemaVersion":1,"mode":"SkipEach","choices":{"<conflict id>":"accept"|"skip"}}
  --json                     print the result as JSON on stdout instead of the summary
  -h, --help                 show this help

${exitCodesHelp('merged', [{ code: EXIT_CONFLICTS, meaning: 'conflicts need a decision (nothing merged yet)' }])}`;

/** Canonical location of a path that may not exist yet (its folder resolved through symlinks). */
function canonical(p: string): string {
  const abs = resolve(p);
  try {
    return realpathSync(abs);
  } catch {
    try {
      return resolve(realpathSync(dirname(abs)), basename(abs));
    } catch {
      return abs;
    }
  }
}

function samePath(a: string, b: string): boolean {
  if (canonical(a) === canonical(b)) return true;
  try {
    const [sa, sb] = [statSync(a), statSync(b)];
    return sa.dev === sb.dev && sa.ino === sb.ino;
  } catch {
    return false;
  }
}

interface Options {
  session: string;
  dat: string;
  player?: string;
  out: string;
  conflicts?: string;
  resolve?: string;
  json: boolean;
}

export const MERGE_CLI_OPTIONS = {
  player: { type: 'string' },
  out: { type: 'string' },
  conflicts: { type: 'string' },
  resolve: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

function parseCli(argv: readonly string[]): Options | 'help' {
  const { values, positionals } = parseCommandLine(argv, MERGE_CLI_OPTIONS, true);
  if (values.help) return 'help';
  if (positionals.length !== 2) {
    throw new UsageError(`expected <session.json> <singleplayerSave.dat>, got ${positionals.length} argument(s) (see --help)`);
  }
  if (values.player === '') throw new UsageError('--player needs a value');
  return {
    session: positionals[0],
    dat: positionals[1],
    player: values.player,
    out: readPath(values.out, '--out') ?? 'merged.dat',
    conflicts: readPath(values.conflicts, '--conflicts'),
    resolve: readExistingFile(values.resolve, '--resolve'),
    json: values.json === true,
  };
}

function defaultConflictsPath(out: string): string {
  return out.endsWith('.dat') ? `${out.slice(0, -'.dat'.length)}.conflicts.json` : `${out}.conflicts.json`;
}

/** Refuses any output that would land on an input or on the other output. */
function checkPaths(o: Options, conflictsPath: string): void {
  const inputs: [string, string][] = [
    ['session file', o.session],
    ['save', o.dat],
  ];
  if (o.resolve) inputs.push(['answers file', o.resolve]);
  for (const [label, out] of [
    ['--out', o.out],
    ['conflicts file', conflictsPath],
  ] as const) {
    for (const [what, input] of inputs) {
      if (samePath(out, input)) throw new MergeError('OUT_IS_INPUT', `${label} ${out} is the ${what}: refusing to write over an input`);
    }
  }
  if (samePath(o.out, conflictsPath)) throw new MergeError('OUT_IS_INPUT', `--out and the conflicts file are the same path: ${o.out}`);
}

export async function runMerge(argv: readonly string[], io: CliIo): Promise<number> {
  return runCommand('coop-merge', io, async () => {
    const opts = parseCli(argv);
    if (opts === 'help') {
      io.stdout(USAGE + '\n');
      return EXIT_MERGED;
    }
    return merge(opts, io);
  });
}

function merge(opts: Options, io: CliIo): number {
  try {
    const o = opts;
    const conflictsPath = o.conflicts ?? defaultConflictsPath(o.out);
    checkPaths(o, conflictsPath);
    const session = readSessionFile(o.session);
    const save = readDatFile(o.dat);
    const answers = o.resolve ? readAnswersFile(o.resolve) : undefined;
    const playerId = choosePlayer(session, save, o.player);
    const { base, theirs } = coopSideFor(session, playerId);
    const outcome = mergeWithAnswers({ base, ours: save, theirs }, answers);
    const pending = outcome.conflicts.length > 0;

    const conflictsFile: ConflictsFile = { schemaVersion: MERGE_SCHEMA_VERSION, sessionId: session.sessionId, playerId, conflicts: outcome.conflicts };
    const writeConflicts = pending || o.conflicts !== undefined;
    try {
      if (writeConflicts) writeFileAtomicSync(conflictsPath, JSON.stringify(conflictsFile, null, 2) + '\n');
      if (!pending) writeFileAtomicSync(o.out, encodeDat(outcome.result));
    } catch (err) {
      throw new MergeError('FILE_WRITE', `cannot write output: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, { cause: err });
    }

    if (o.json) {
      io.stdout(
        JSON.stringify({
          status: pending ? 'conflicts' : 'merged',
          sessionId: session.sessionId,
          playerId,
          out: pending ? null : o.out,
          conflictsFile: writeConflicts ? conflictsPath : null,
          counts: countOf(outcome),
          changes: outcome.changes,
          conflicts: outcome.conflicts,
          resolved: outcome.resolved,
        }) + '\n',
      );
    } else {
      const header = `coop-merge: session ${session.sessionId} (saved ${session.savedAt}), player ${playerId} "${save.name}"`;
      const tail = pending
        ? `${outcome.conflicts.length} conflict(s) need a decision: see ${conflictsPath}, answer with --resolve <answers.json>; nothing merged yet`
        : `wrote ${o.out}`;
      io.stdout(renderSummary(outcome, header, io.colour ? COLOUR : PLAIN) + '\n' + tail + '\n');
    }
    return pending ? EXIT_CONFLICTS : EXIT_MERGED;
  } catch (err) {
    const msg = err instanceof MergeError ? err.message : `unexpected error: ${(err as Error)?.message ?? String(err)}`;
    io.stderr(`coop-merge: ${msg.replace(/\s*\n\s*/g, ' ')}\n`);
    return EXIT_ERROR;
  }
}
