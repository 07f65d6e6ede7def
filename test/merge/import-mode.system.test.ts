// coop-sidecar --import as a real process beside the headless game: the player's own identity
// picks them in the session file; the game answers the prompt and applies the merged progress.
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadOrCreateIdentity } from '../../src/protocol/identity-store.js';
import { decodeDat, encodeDat } from '../../src/merge/dat.js';
import { fingerprint } from '../../src/protocol/identity.js';
import { removeSessions, sessionName } from '../bridge/util.js';
import { item, progress, sessionOf } from './arbitraries.js';
import { proc, stopAll, type Proc } from './procs.js';

const procs: Proc[] = [];
afterAll(async () => {
  await stopAll(procs);
  removeSessions();
});

describe('coop-sidecar --import', () => {
  it("merges this player's co-op progress into the game, asking about the conflict", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'coop-import-'));
    const dataDir = join(dir, 'me');
    const me = fingerprint(loadOrCreateIdentity(dataDir).keys.publicKeyRaw);
    const base = progress({ playerId: me, name: 'V', quests: { q1: 1, q2: 1 }, inventory: [item('Items.money', { quantity: 10 })] });
    const coop = progress({
      playerId: me,
      name: 'V',
      xp: 700,
      level: 3,
      quests: { q1: 5, q2: 4 },
      inventory: [item('Items.money', { quantity: 10 }), item('Items.Gun', { seed: 4 })],
    });
    const sessionPath = join(dir, 'session.json');
    writeFileSync(
      sessionPath,
      JSON.stringify(
        sessionOf(
          [
            { id: me, base, coop },
            { id: 'someone-else', base: { ...base, playerId: 'someone-else' }, coop: { ...coop, playerId: 'someone-else' } },
          ],
          coop.quests,
          'imp',
        ),
      ),
    );
    const save = progress({ playerId: 'sp', name: 'V', xp: 200, quests: { q1: 1, q2: 2 }, inventory: [item('Items.money', { quantity: 30 })] });
    const scen = join(dir, 'game.json');
    writeFileSync(scen, JSON.stringify({ name: 'import', progressBase64: encodeDat(save).toString('base64'), mergePolicy: 'accept-all' }));
    const s = sessionName('import');
    const game = proc(['src/sim/main.ts', '--bridge', s, '--scenario', scen]);
    const out = join(dir, 'merged.dat');
    const sidecar = proc(['src/sidecar/main.ts', '--bridge', s, '--import', sessionPath, '--data-dir', dataDir, '--out', out, '--log-level', 'warn']);
    procs.push(game, sidecar);
    expect(await sidecar.exited, sidecar.lines.join('\n') + sidecar.err()).toBe(0);
    expect(sidecar.lines.join('\n')).toContain('1 conflict(s) answered');
    const merged = decodeDat(readFileSync(out));
    expect(merged).toEqual({
      ...save,
      playerId: me, // the game names no player: the sidecar files its export under this install's identity
      xp: 700,
      level: 3,
      quests: { q1: 5, q2: 4 },
      inventory: [item('Items.money', { quantity: 30 }), item('Items.Gun', { seed: 4 })],
    });
    await game.line(/"dir":"in".*"type":"MergeConflicts"/);
    await game.line(/"dir":"in".*"type":"ApplyProgress"/);
  }, 120_000);

  it('a session file this player is not in: one clear line, exit 1, nothing written', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'coop-import-'));
    const sessionPath = join(dir, 'session.json');
    const other = progress({ playerId: 'someone-else' });
    writeFileSync(sessionPath, JSON.stringify(sessionOf([{ id: 'someone-else', base: other, coop: other }], {}, 'imp')));
    const s = sessionName('import-bad');
    const out = join(dir, 'merged.dat');
    const sidecar = proc(['src/sidecar/main.ts', '--bridge', s, '--import', sessionPath, '--data-dir', join(dir, 'me'), '--out', out, '--log-level', 'warn']);
    procs.push(sidecar);
    expect(await sidecar.exited).toBe(1);
    expect(sidecar.lines.join('\n')).toMatch(/is not in session imp/);
    expect(() => readFileSync(out)).toThrow();
  }, 60_000);
});
