// What bench:sidecar's game answers besides reading frames: an export of the player's progress
// whenever the sidecar asks (ExportProgressRequest: at join and every PROGRESS_POLL_MS), as the
// game script does (CoopProgress.reds), so the measured sidecar validates and encodes it as in a
// real session (zod, protobuf). A mid-game player: level 24, 30 quests, 150 items.
import type { Bridge } from '../bridge/index.js';
import { MERGE_SCHEMA_VERSION, QUALITIES, type Progress } from '../src/merge/index.js';
import { fieldsFromProgress, type ProgressFields } from '../src/sidecar/progress-fields.js';

const QUESTS = 30;
const ITEMS = 150;

export function midGameProgress(): ProgressFields {
  const p: Progress = {
    schemaVersion: MERGE_SCHEMA_VERSION,
    playerId: 'bench',
    name: 'V',
    level: 24,
    xp: 51_234,
    quests: Object.fromEntries(Array.from({ length: QUESTS }, (_, i) => [`q${100 + i}_quest`, 1 + (i % 6)])),
    inventory: Array.from({ length: ITEMS }, (_, i) => ({
      id: `Items.Preset_Item_${i}`,
      seed: i % 3 === 0 ? 0 : 1_000 + i,
      quantity: i % 3 === 0 ? 1 + i : 1,
      quality: QUALITIES[i % QUALITIES.length],
      mods: i % 4 === 0 ? [`Items.Mod_${i}`] : [],
      attrs: (i % 5 === 0 ? { damage: i, iconic: i % 2 === 0 } : {}) as Record<string, number | boolean>,
    })),
  };
  return fieldsFromProgress(p);
}

/** Answers every ExportProgressRequest on `game` with `fields`; returns how many it answered. */
export function answerProgress(game: Bridge, fields: ProgressFields): { answered: number } {
  const n = { answered: 0 };
  game.on('ExportProgressRequest', (m) => {
    if (game.trySend('ProgressData', { requestId: m.requestId, ...fields })) n.answered++;
  });
  return n;
}
