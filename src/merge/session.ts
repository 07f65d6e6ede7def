// The co-op side of a merge, taken from a session file: which player, their baseline, and their
// progress as the session saw it (party XP and level, the session's quest stages, their inventory).
import { MERGE_SCHEMA_VERSION } from './constants.js';
import { MergeError } from './errors.js';
import type { Progress, SessionFile } from './model.js';

export interface CoopSide {
  playerId: string;
  base: Progress;
  theirs: Progress;
}

/**
 * The player to merge: `requested` if given; else the save's own player id when the session
 * knows it; else the only party member. Unknown or ambiguous → MergeError.
 */
export function choosePlayer(session: SessionFile, save: Progress, requested?: string): string {
  const ids = session.party.map((m) => m.playerId);
  if (requested !== undefined) {
    if (!ids.includes(requested)) {
      throw new MergeError('UNKNOWN_PLAYER', `player "${requested}" is not in session ${session.sessionId} (party: ${ids.join(', ') || 'empty'})`);
    }
    return requested;
  }
  if (ids.includes(save.playerId)) return save.playerId;
  if (ids.length === 1) return ids[0];
  if (ids.length === 0) throw new MergeError('UNKNOWN_PLAYER', `session ${session.sessionId} has no players`);
  throw new MergeError(
    'AMBIGUOUS_PLAYER',
    `the save's player "${save.playerId}" is not in session ${session.sessionId}; choose one with --player (${ids.join(', ')})`,
  );
}

export function coopSideFor(session: SessionFile, playerId: string): CoopSide {
  const member = session.party.find((m) => m.playerId === playerId);
  if (!member) throw new MergeError('UNKNOWN_PLAYER', `player "${playerId}" is not in session ${session.sessionId}`);
  const theirs: Progress = {
    schemaVersion: MERGE_SCHEMA_VERSION,
    playerId,
    name: member.name,
    level: member.level,
    xp: member.xp,
    quests: session.quests,
    inventory: session.inventories[playerId],
  };
  return { playerId, base: session.baselines[playerId], theirs };
}
