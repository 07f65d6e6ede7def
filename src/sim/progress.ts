// The headless game's progress, as the game script exports it: plain fields (level, XP, quest
// facts, items), never the .dat. The scenario gives the game's progress as a .dat (base64) only
// because that is how tests write progress down; this is where the game's side of the bridge
// turns it into what CoopProgress.reds sends.
import type { ProgressData } from '../../bridge/index.js';
import { decodeDat } from '../merge/index.js';
import { fieldsFromProgress, type ProgressFields } from '../sidecar/progress-fields.js';

/**
 * What the game answers an ExportProgressRequest with: its own facts (the scenario's quests, as
 * the game script's own list) and every asked-for fact, 0 when the game has none (GetFact's answer).
 */
export function exportFields(progressBase64: string, factNames: readonly string[]): ProgressFields {
  if (progressBase64 === '') return { level: 1, xp: 0, facts: factNames.map((name) => ({ name, value: 0 })), items: [], mods: [], attrs: [] };
  const fields = fieldsFromProgress(decodeDat(Buffer.from(progressBase64, 'base64'), 'scenario progress'));
  const own = new Set(fields.facts.map((f) => f.name));
  const asked = [...new Set(factNames)].filter((n) => !own.has(n));
  return { ...fields, facts: [...fields.facts, ...asked.map((name) => ({ name, value: 0 }))] };
}

export const progressMessage = (requestId: number, fields: ProgressFields): ProgressData => ({ requestId, ...fields });
