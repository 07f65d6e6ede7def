// coop-sidecar --import <session.json>: brings this player's co-op progress into the game beside
// the sidecar (no server needed): export → three-way merge → MergePrompt when both sides changed
// a thing → merged .dat written atomically → applied in game. The player is this install's
// identity (the same id the server filed the session under).
import { resolve } from 'node:path';
import type { Bridge } from '../../bridge/index.js';
import { countOf, readSessionFile, type SessionFile } from '../merge/index.js';
import { importCoopProgress } from './merge-import.js';

export const IMPORT_EXIT_OK = 0;
export const IMPORT_EXIT_ERROR = 1;

export async function runImportMode(o: { bridge: Bridge; sessionPath: string; playerId: string; out: string; say: (line: string) => void }): Promise<number> {
  let session: SessionFile;
  try {
    session = readSessionFile(o.sessionPath);
  } catch (err) {
    o.say((err as Error).message);
    return IMPORT_EXIT_ERROR;
  }
  if (resolve(o.out) === resolve(o.sessionPath)) {
    o.say(`--out ${o.out} is the session file: refusing to write over an input`);
    return IMPORT_EXIT_ERROR;
  }
  if (!session.party.some((m) => m.playerId === o.playerId)) {
    o.say(`this player (${o.playerId.slice(0, 16)}…) is not in session ${session.sessionId}`);
    return IMPORT_EXIT_ERROR;
  }
  o.say(`importing session ${session.sessionId}: waiting for the game`);
  if (o.bridge.state !== 'attached') await new Promise<void>((r) => o.bridge.once('peerAttached', () => r()));
  try {
    const r = await importCoopProgress({ bridge: o.bridge, session, playerId: o.playerId, mergedPath: o.out });
    const k = countOf(r.outcome);
    o.say(
      `merged: ${k.quests} quest(s), ${k.itemsAdded} item(s) added, ${k.itemsUpdated} updated, ${k.resolved} conflict(s) answered, ${k.conflicts} left as in the save`,
    );
    o.say(`wrote ${o.out}; the game applied it`);
    return IMPORT_EXIT_OK;
  } catch (err) {
    o.say(`import failed: ${(err as Error).message}`);
    return IMPORT_EXIT_ERROR;
  }
}
