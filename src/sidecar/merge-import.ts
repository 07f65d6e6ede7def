// Importing co-op progress into the game, sidecar side (PP-2/PP-3 through the bridge):
//   ExportProgressRequest → ProgressData   the game's single-player progress (plain fields, made
//                                          a Progress here: progress-fields.ts)
//   three-way merge (src/merge)            base = baseline, ours = the game, theirs = the session
//   MergeConflicts → MergeAnswer           the MergePrompt, only when both sides changed a thing
//   merged.dat written atomically          the answer applied (coop-merge --resolve semantics)
//   ApplyProgress → ApplyProgressResult    the game applies the merged progress (plain fields)
import type { ApplyProgress, ApplyProgressResult, ExportProgressRequest, MergeAnswer, MergeConflicts, ProgressData } from '../../bridge/index.js';
import {
  answersFromDecisions,
  coopSideFor,
  encodeDat,
  mergeWithAnswers,
  promptRows,
  type Answers,
  type Conflict,
  type MergeOutcome,
  type Progress,
  type SessionFile,
} from '../merge/index.js';
import { fieldsFromProgress, progressFromFields } from './progress-fields.js';
import { writeFileAtomicSync } from '../util/atomic-file.js';

/** How long the game may take to answer a request; the prompt waits for a person. */
export const EXPORT_TIMEOUT_MS = 10_000;
export const PROMPT_TIMEOUT_MS = 10 * 60_000;
/** Unanswered requests are sent again this often. */
export const REQUEST_RETRY_MS = 1000;

/** The part of the bridge this flow uses (the sidecar role of bridge/Bridge). */
export interface ImportBridge {
  send(name: 'ExportProgressRequest', msg: ExportProgressRequest): boolean;
  send(name: 'MergeConflicts', msg: MergeConflicts): boolean;
  send(name: 'ApplyProgress', msg: ApplyProgress): boolean;
  on(name: 'ProgressData', handler: (m: ProgressData) => void): () => void;
  on(name: 'MergeAnswer', handler: (m: MergeAnswer) => void): () => void;
  on(name: 'ApplyProgressResult', handler: (m: ApplyProgressResult) => void): () => void;
}

export class ImportError extends Error {
  override name = 'ImportError';
  constructor(
    readonly code: 'TIMEOUT' | 'SEND_FAILED' | 'APPLY_FAILED' | 'BAD_EXPORT',
    message: string,
  ) {
    super(message);
  }
}

let nextRequestId = 1;
const newRequestId = (): number => {
  nextRequestId = (nextRequestId % 0xffff_fffe) + 1;
  return nextRequestId;
};

/**
 * Sends a request and resolves with the first reply carrying its requestId. The request is sent
 * again (same requestId) every REQUEST_RETRY_MS until answered: at-least-once over the bridge,
 * and the game treats a repeated requestId as the same request (MergePrompt.reds keeps one
 * prompt open per requestId; exports and applies are idempotent).
 */
function request<R extends { requestId: number }>(
  sendIt: (requestId: number) => boolean,
  listen: (h: (m: R) => void) => () => void,
  what: string,
  timeoutMs: number,
): Promise<R> {
  const requestId = newRequestId();
  return new Promise<R>((resolve, reject) => {
    const finish = () => {
      clearTimeout(timer);
      clearInterval(retry);
      off();
    };
    const off = listen((m) => {
      if (m.requestId !== requestId) return;
      finish();
      resolve(m);
    });
    const timer = setTimeout(() => {
      finish();
      reject(new ImportError('TIMEOUT', `the game did not answer ${what} within ${timeoutMs} ms`));
    }, timeoutMs);
    const retry = setInterval(() => sendIt(requestId), REQUEST_RETRY_MS);
    if (!sendIt(requestId)) {
      finish();
      reject(new ImportError('SEND_FAILED', `could not send ${what} to the game`));
    }
  });
}

/**
 * The game's progress as this player's Progress. factNames: the quest facts to read besides the
 * game's own list (the import asks for every quest the session or the baseline knows).
 */
export async function exportProgress(
  bridge: ImportBridge,
  who: { playerId: string; name: string },
  factNames: readonly string[] = [],
  timeoutMs = EXPORT_TIMEOUT_MS,
): Promise<Progress> {
  const m = await request<ProgressData>(
    (id) => bridge.send('ExportProgressRequest', { requestId: id, factNames: [...factNames] }),
    (h) => bridge.on('ProgressData', h),
    'ExportProgressRequest',
    timeoutMs,
  );
  const r = progressFromFields(m, who);
  if (!r.ok) throw new ImportError('BAD_EXPORT', `the game's export was refused (${r.reason}): ${r.detail}`);
  return r.progress;
}

/** Shows the conflicts in game (MergePrompt) and returns the player's answer as an answers file. */
export async function promptConflicts(bridge: ImportBridge, conflicts: readonly Conflict[], timeoutMs = PROMPT_TIMEOUT_MS): Promise<Answers> {
  const rows = promptRows(conflicts);
  const m = await request<MergeAnswer>(
    (id) => bridge.send('MergeConflicts', { requestId: id, conflicts: rows }),
    (h) => bridge.on('MergeAnswer', h),
    'MergeConflicts',
    timeoutMs,
  );
  return answersFromDecisions(conflicts, m.decisions);
}

export async function applyProgress(bridge: ImportBridge, progress: Progress, timeoutMs = EXPORT_TIMEOUT_MS): Promise<void> {
  const fields = fieldsFromProgress(progress);
  const r = await request<ApplyProgressResult>(
    (id) => bridge.send('ApplyProgress', { requestId: id, ...fields }),
    (h) => bridge.on('ApplyProgressResult', h),
    'ApplyProgress',
    timeoutMs,
  );
  if (!r.ok) throw new ImportError('APPLY_FAILED', `the game refused the merged progress: ${r.error}`);
}

export interface ImportResult {
  outcome: MergeOutcome;
  answers: Answers | undefined;
  mergedPath: string;
  /** [conflict id, choice] for every answered conflict, in prompt order. */
  resolved(): [string, 'accept' | 'skip'][];
}

/**
 * The whole import (call once the bridge is attached): export from the game, merge, prompt on conflicts, write `mergedPath`
 * atomically, apply in game. Conflicts the player leaves unanswered keep the save's value.
 */
export async function importCoopProgress(opts: {
  bridge: ImportBridge;
  session: SessionFile;
  playerId: string;
  mergedPath: string;
  promptTimeoutMs?: number;
  exportTimeoutMs?: number;
}): Promise<ImportResult> {
  const { bridge, session, playerId, mergedPath } = opts;
  const { base, theirs } = coopSideFor(session, playerId);
  // The game names no player: the .dat it stands for is this player's, under the session's name.
  const factNames = [...new Set([...Object.keys(base.quests), ...Object.keys(theirs.quests)])];
  const ours = await exportProgress(bridge, { playerId, name: theirs.name }, factNames, opts.exportTimeoutMs);
  let outcome = mergeWithAnswers({ base, ours, theirs }, undefined);
  let answers: Answers | undefined;
  if (outcome.conflicts.length > 0) {
    answers = await promptConflicts(bridge, outcome.conflicts, opts.promptTimeoutMs);
    outcome = mergeWithAnswers({ base, ours, theirs }, answers);
  }
  const bytes = encodeDat(outcome.result);
  writeFileAtomicSync(mergedPath, bytes);
  await applyProgress(bridge, outcome.result, opts.exportTimeoutMs);
  return { outcome, answers, mergedPath, resolved: () => outcome.resolved.map((r) => [r.conflict.id, r.choice]) };
}
