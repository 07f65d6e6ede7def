// Applying the player's answer (AcceptAll, or SkipEach with accept/skip per conflict) to a merge.
import { MergeError } from './errors.js';
import { mergeProgress, type MergeInput, type MergeOutcome } from './merge.js';
import type { Answers, Choice, Conflict } from './model.js';

export function choiceFor(answers: Answers, conflict: Conflict): Choice | undefined {
  if (answers.mode === 'AcceptAll') return 'accept';
  return Object.hasOwn(answers.choices, conflict.id) ? answers.choices[conflict.id] : undefined;
}

/**
 * Merges with the answers applied. An answer naming no conflict of this merge (a stale or
 * mistyped answers file) is refused with BAD_ANSWER rather than silently ignored.
 */
export function mergeWithAnswers(input: Omit<MergeInput, 'decide'>, answers: Answers | undefined): MergeOutcome {
  if (!answers) return mergeProgress(input);
  const outcome = mergeProgress({ ...input, decide: (c) => choiceFor(answers, c) });
  if (answers.mode === 'SkipEach') {
    const known = new Set([...outcome.conflicts, ...outcome.resolved.map((r) => r.conflict)].map((c) => c.id));
    const stray = Object.keys(answers.choices).filter((id) => !known.has(id));
    if (stray.length > 0) {
      throw new MergeError('BAD_ANSWER', `answer for ${stray.length} conflict(s) this merge does not have: ${stray.slice(0, 3).join(', ')}`);
    }
  }
  return outcome;
}
