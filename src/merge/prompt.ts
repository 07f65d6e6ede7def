// The merge prompt's data, both ways: conflicts → rows the game lists (MergeConflicts in the
// hook manifest: id, path, base, ours, theirs as display text), and the player's decisions
// (MergeAnswer: id, accept) → an answers file for coop-merge --resolve. Pure data: the sidecar
// moves these through the bridge.
import { MERGE_SCHEMA_VERSION } from './constants.js';
import { MergeError } from './errors.js';
import type { Answers, Choice, Conflict, ItemSnap } from './model.js';

/** One prompt row; `id` is the row number the game answers with (1-based). */
export interface PromptRow {
  id: number;
  /** The conflict id, e.g. `quest:q003_maelstrom` or `item:Items.money#0`: kind and name. */
  path: string;
  base: string;
  ours: string;
  theirs: string;
}

export interface PromptDecision {
  id: number;
  accept: boolean;
}

function itemText(it: ItemSnap | null, fields: readonly string[]): string {
  if (!it) return '(none)';
  const parts: string[] = [];
  for (const f of fields) {
    if (f === 'presence') parts.push(`x${it.quantity} ${it.quality}${it.mods.length ? ` [${it.mods.join(', ')}]` : ''}`);
    else if (f === 'quantity') parts.push(`x${it.quantity}`);
    else if (f === 'quality') parts.push(it.quality);
    else if (f === 'mods') parts.push(`mods [${it.mods.join(', ')}]`);
    else if (f.startsWith('attrs.')) {
      const name = f.slice('attrs.'.length);
      parts.push(`${name} ${Object.hasOwn(it.attrs, name) ? String(it.attrs[name]) : '(none)'}`);
    }
  }
  return parts.join(', ');
}

const stageText = (s: number | null) => (s === null ? '(none)' : `stage ${s}`);

export function promptRows(conflicts: readonly Conflict[]): PromptRow[] {
  return conflicts.map((c, i) =>
    c.kind === 'quest'
      ? { id: i + 1, path: c.id, base: stageText(c.base), ours: stageText(c.ours), theirs: stageText(c.theirs) }
      : { id: i + 1, path: c.id, base: itemText(c.base, c.fields), ours: itemText(c.ours, c.fields), theirs: itemText(c.theirs, c.fields) },
  );
}

/**
 * The answers file for the rows' decisions. Every row accepted → AcceptAll; otherwise SkipEach
 * with one choice per answered row. A decision for a row that was not asked → BAD_ANSWER.
 */
export function answersFromDecisions(conflicts: readonly Conflict[], decisions: readonly PromptDecision[]): Answers {
  const choices: Record<string, Choice> = {};
  for (const d of decisions) {
    const c = Number.isInteger(d.id) && d.id >= 1 ? conflicts[d.id - 1] : undefined;
    if (!c) throw new MergeError('BAD_ANSWER', `the prompt answered row ${d.id}, which was not asked (${conflicts.length} rows)`);
    choices[c.id] = d.accept ? 'accept' : 'skip';
  }
  const ids = conflicts.map((c) => c.id);
  if (ids.length > 0 && ids.every((id) => choices[id] === 'accept')) return { schemaVersion: MERGE_SCHEMA_VERSION, mode: 'AcceptAll' };
  return { schemaVersion: MERGE_SCHEMA_VERSION, mode: 'SkipEach', choices };
}
