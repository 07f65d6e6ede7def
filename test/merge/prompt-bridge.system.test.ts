// The MergePrompt through the real bridge: this test process is the sidecar, the headless game
// (src/sim, a real child process) exports its save, answers the prompt and applies the result.
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openBridge, type Bridge } from '../../bridge/index.js';
import { importCoopProgress } from '../../src/sidecar/merge-import.js';
import { decodeDat, encodeDat } from '../../src/merge/dat.js';
import { proc, type Proc } from '../helpers/proc.js';
import { removeSessions, sessionName } from '../bridge/util.js';
import { item, progress, sessionOf } from './arbitraries.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
  removeSessions();
});

const base = progress({
  playerId: 'p1',
  quests: { q001_intro: 1, q003_maelstrom: 1, sq021_sickness: 0 },
  inventory: [item('Items.money', { quantity: 100 }), item('Items.Jacket_01', { seed: 5 })],
});
const coop = progress({
  playerId: 'p1',
  level: 4,
  xp: 3000,
  quests: { q001_intro: 5, q003_maelstrom: 4, sq021_sickness: 2 },
  inventory: [
    item('Items.money', { quantity: 40 }),
    item('Items.Jacket_01', { seed: 5, quality: 'Rare' }),
    item('Items.Preset_Lexington', { seed: 9, attrs: { damage: 21.5 } }),
  ],
});
const save = progress({
  playerId: 'p1',
  level: 2,
  xp: 800,
  quests: { q001_intro: 1, q003_maelstrom: 2, sq021_sickness: 3 },
  inventory: [item('Items.money', { quantity: 250 }), item('Items.Jacket_01', { seed: 5, quality: 'Uncommon' })],
});
const session = sessionOf([{ id: 'p1', base, coop }], coop.quests);

function scenario(policy: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'coop-merge-sim-'));
  const path = join(dir, 'scenario.json');
  writeFileSync(path, JSON.stringify({ name: 'merge-prompt', progressBase64: encodeDat(save).toString('base64'), mergePolicy: policy }));
  return path;
}

const attached = (b: Bridge) => new Promise<void>((resolve) => (b.state === 'attached' ? resolve() : b.once('peerAttached', () => resolve())));

async function attach(policy: string): Promise<{ bridge: Bridge; game: Proc }> {
  const s = sessionName('prompt');
  const bridge = openBridge({ name: s, role: 'sidecar' });
  const game = proc(['src/sim/main.ts', '--bridge', s, '--scenario', scenario(policy)]);
  cleanups.push(async () => {
    await bridge.close();
    if (game.child.exitCode === null) game.child.kill('SIGKILL');
    await game.exited;
  });
  await attached(bridge);
  return { bridge, game };
}

describe('MergePrompt answered by the headless game', () => {
  it('alternate answers (accept, skip, accept, skip): merged file checked field by field', async () => {
    const { bridge, game } = await attach('alternate');
    const mergedPath = join(mkdtempSync(join(tmpdir(), 'coop-merge-out-')), 'merged.dat');
    const r = await importCoopProgress({ bridge, session, playerId: 'p1', mergedPath });
    // Conflicts in order: quest q003 (1→2 vs 1→4), quest sq021 (0→3 vs 0→2), item money (quantity), item jacket (quality).
    expect(r.resolved()).toEqual([
      ['quest:q003_maelstrom', 'accept'],
      ['quest:sq021_sickness', 'skip'],
      ['item:Items.money#0', 'accept'],
      ['item:Items.Jacket_01#5', 'skip'],
    ]);
    const merged = decodeDat(readFileSync(mergedPath));
    expect(merged.playerId).toBe('p1');
    expect(merged.name).toBe('V');
    expect(merged.level).toBe(4);
    expect(merged.xp).toBe(3000);
    expect(merged.quests).toEqual({ q001_intro: 5, q003_maelstrom: 4, sq021_sickness: 3 });
    expect(merged.inventory).toEqual([
      item('Items.money', { quantity: 40 }),
      item('Items.Jacket_01', { seed: 5, quality: 'Uncommon' }),
      item('Items.Preset_Lexington', { seed: 9, attrs: { damage: 21.5 } }),
    ]);
    // The game saw the prompt rows and got the merged progress to apply.
    const prompt = await game.jsonLine((l) => l.dir === 'in' && l.type === 'MergeConflicts');
    expect((prompt.msg as { conflicts: { path: string }[] }).conflicts.map((c) => c.path)).toEqual([
      'quest:q003_maelstrom',
      'quest:sq021_sickness',
      'item:Items.money#0',
      'item:Items.Jacket_01#5',
    ]);
    await game.jsonLine((l) => l.dir === 'in' && l.type === 'ApplyProgress');
    await game.jsonLine((l) => l.dir === 'out' && l.type === 'ApplyProgressResult');
  });

  it('accept-all takes co-op on every conflict', async () => {
    const { bridge } = await attach('accept-all');
    const mergedPath = join(mkdtempSync(join(tmpdir(), 'coop-merge-out-')), 'merged.dat');
    const r = await importCoopProgress({ bridge, session, playerId: 'p1', mergedPath });
    expect(r.answers).toEqual({ schemaVersion: 1, mode: 'AcceptAll' });
    const merged = decodeDat(readFileSync(mergedPath));
    expect(merged.quests).toEqual(coop.quests);
    expect(merged.inventory.map((i) => [i.id, i.quantity, i.quality])).toEqual([
      ['Items.money', 40, 'Common'],
      ['Items.Jacket_01', 1, 'Rare'],
      ['Items.Preset_Lexington', 1, 'Common'],
    ]);
  });
});
