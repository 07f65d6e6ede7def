// Must show, end to end with real processes: coop-server + 2 sidecars + 2 headless games over
// ENet; the games report progress (baseline at join, then co-op progress); Ctrl-C on the server
// writes the session file; coop-merge on it with Alice's single-player .dat finds the conflicts;
// a headless game answers the MergePrompt through the bridge; coop-merge --resolve writes the
// merged file, checked field by field, and the game applies it.
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openBridge, type Bridge } from '../../bridge/index.js';
import { applyProgress, promptConflicts } from '../../src/sidecar/merge-import.js';
import { decodeDat, encodeDat } from '../../src/merge/dat.js';
import { parseSessionText } from '../../src/merge/io.js';
import { ConflictsFileSchema, type Progress, type SessionFile } from '../../src/merge/model.js';
import { removeSessions, sessionName } from '../bridge/util.js';
import { item, progress } from './arbitraries.js';
import { runMerge } from './cli-helpers.js';
import { proc, standAt, startPlayer, startServer, stopAll, type Proc } from './procs.js';

const POLL_MS = 200;
const dir = mkdtempSync(join(tmpdir(), 'coop-merge-e2e-'));
const procs: Proc[] = [];
let bridge: Bridge | undefined;
afterAll(async () => {
  await bridge?.close();
  await stopAll(procs);
  removeSessions();
});

const b64 = (p: Progress) => encodeDat(p).toString('base64');
const jacket = (quality: 'Common' | 'Rare') => item('Items.Jacket_01', { seed: 5, quality });
const lexington = item('Items.Preset_Lexington', { seed: 9, quality: 'Rare', mods: ['Items.Silencer'], attrs: { damage: 21.5, iconic: false } });
const katana = item('Items.Katana', { seed: 11, quality: 'Epic' });

const alice = {
  base: progress({
    playerId: 'alice-sp',
    name: 'Alice',
    level: 3,
    xp: 1000,
    quests: { q001_intro: 1, q003_maelstrom: 1 },
    inventory: [item('Items.money', { quantity: 100 }), jacket('Common')],
  }),
  coop: progress({
    playerId: 'alice-sp',
    name: 'Alice',
    level: 5,
    xp: 4200,
    quests: { q001_intro: 4, q003_maelstrom: 4 },
    inventory: [item('Items.money', { quantity: 40 }), jacket('Rare'), lexington],
  }),
  // Her single-player game afterwards: she also moved q003 (differently), made money, got a katana.
  solo: progress({
    playerId: 'alice-sp',
    name: 'Alice',
    level: 4,
    xp: 1500,
    quests: { q001_intro: 1, q003_maelstrom: 2, sq_solo: 3 },
    inventory: [item('Items.money', { quantity: 250 }), jacket('Common'), katana],
  }),
};
const bob = {
  base: progress({
    playerId: 'bob-sp',
    name: 'Bob',
    level: 7,
    xp: 9000,
    quests: { q001_intro: 3, sq021_sickness: 1 },
    inventory: [item('Items.money', { quantity: 500 })],
  }),
  coop: progress({
    playerId: 'bob-sp',
    name: 'Bob',
    level: 7,
    xp: 9100,
    quests: { q001_intro: 4, sq021_sickness: 2 },
    inventory: [item('Items.money', { quantity: 520 })],
  }),
};

const scenario = (who: typeof alice | typeof bob, x: number) => ({
  name: `progress-${who.base.name}`,
  progressBase64: b64(who.base),
  steps: [
    standAt(x),
    { at: 0, do: 'progress', base64: b64(who.coop), afterExports: 1 }, // plays once in the session
  ],
});

async function waitForSession(file: string, done: (s: SessionFile) => boolean, server: Proc): Promise<SessionFile> {
  for (;;) {
    if (server.child.exitCode !== null) throw new Error(`server exited: ${server.err()}`);
    const s = parseSessionText(readFileSync(file, 'utf8')); // every autosave must parse
    if (done(s)) return s;
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}

describe('end to end: session → Ctrl-C → coop-merge → MergePrompt in the headless game → merged file', () => {
  it("merges Alice's co-op progress into her single-player save with her answers", async () => {
    const server = await startServer(join(dir, 'srv'), 'e2e-merge', 1);
    procs.push(server);
    for (const [who, x, tag] of [
      [alice, 0, 'a'],
      [bob, 30, 'b'],
    ] as const) {
      const p = startPlayer({ dir, tag, port: server.port, name: who.base.name, scenario: scenario(who, x) });
      procs.push(p.game, p.sidecar);
    }
    // The autosave shows both players' co-op progress arriving.
    const live = await waitForSession(server.sessionFile, (s) => s.party.length === 2 && s.party.every((m) => m.xp === 4200 || m.xp === 9100), server);
    expect(live.reason).toBe('autosave');

    server.child.kill('SIGINT'); // Ctrl-C
    expect(await server.exited).toBe(0);
    const session = parseSessionText(readFileSync(server.sessionFile, 'utf8'));
    expect(session.reason).toBe('SIGINT');
    expect(session.sessionId).toBe('e2e-merge');
    const idOf = (name: string) => session.party.find((m) => m.name === name)!.playerId;
    const [idA, idB] = [idOf('Alice'), idOf('Bob')];
    expect(idA).toMatch(/^[0-9a-f]+$/); // the server's persistent identity, not the game's id
    expect(session.baselines[idA]).toEqual({ ...alice.base, playerId: idA });
    expect(session.baselines[idB]).toEqual({ ...bob.base, playerId: idB });
    expect(session.party.map((m) => [m.name, m.level, m.xp])).toEqual(
      expect.arrayContaining([
        ['Alice', 5, 4200],
        ['Bob', 7, 9100],
      ]),
    );
    expect(session.quests).toEqual({ q001_intro: 4, q003_maelstrom: 4, sq021_sickness: 2 });
    expect(session.inventories[idA]).toEqual(alice.coop.inventory);

    // coop-merge with Alice's single-player export: two true conflicts need her decision.
    const dat = join(dir, 'alice.dat');
    writeFileSync(dat, encodeDat(alice.solo));
    const out = join(dir, 'merged.dat');
    const conflictsPath = join(dir, 'conflicts.json');
    const first = await runMerge([server.sessionFile, dat, '--player', idA, '--out', out, '--conflicts', conflictsPath]);
    expect(first.code, first.stderr).toBe(3);
    const conflicts = ConflictsFileSchema.parse(JSON.parse(readFileSync(conflictsPath, 'utf8'))).conflicts;
    expect(conflicts.map((c) => c.id)).toEqual(['quest:q003_maelstrom', 'item:Items.money#0']);

    // The MergePrompt in her (headless) game: 'alternate' accepts row 1 and skips row 2.
    const s = sessionName('e2e-prompt');
    bridge = openBridge({ name: s, role: 'sidecar' });
    const scen = join(dir, 'prompt.json');
    writeFileSync(scen, JSON.stringify({ name: 'prompt', mergePolicy: 'alternate', progressBase64: b64(alice.solo) }));
    const game = proc(['src/sim/main.ts', '--bridge', s, '--scenario', scen]);
    procs.push(game);
    await new Promise<void>((resolve) => (bridge!.state === 'attached' ? resolve() : bridge!.once('peerAttached', () => resolve())));
    const answers = await promptConflicts(bridge, conflicts);
    expect(answers).toEqual({ schemaVersion: 1, mode: 'SkipEach', choices: { 'quest:q003_maelstrom': 'accept', 'item:Items.money#0': 'skip' } });
    const answersPath = join(dir, 'answers.json');
    writeFileSync(answersPath, JSON.stringify(answers));

    const second = await runMerge([server.sessionFile, dat, '--player', idA, '--out', out, '--resolve', answersPath]);
    expect(second.code, second.stderr).toBe(0);
    const merged = decodeDat(readFileSync(out));
    expect(merged.schemaVersion).toBe(1);
    expect(merged.playerId).toBe('alice-sp');
    expect(merged.name).toBe('Alice');
    expect(merged.level).toBe(5); // highest
    expect(merged.xp).toBe(4200); // highest
    expect(merged.quests).toEqual({
      q001_intro: 4, // moved in co-op only, higher → co-op
      q003_maelstrom: 4, // conflict, accepted → co-op
      sq_solo: 3, // single-player only
      sq021_sickness: 2, // the session's, missing in the save → added
    });
    expect(merged.inventory).toEqual([
      item('Items.money', { quantity: 250 }), // conflict, skipped → the save's
      jacket('Rare'), // changed in co-op only → co-op
      katana, // single-player only, kept
      lexington, // new in co-op → added with its details
    ]);

    // And the game applies it.
    await applyProgress(bridge, decodeDat(readFileSync(out)));
    const line = await game.line(/"dir":"in".*"type":"ApplyProgress"/);
    expect(line).toBeTruthy();
  }, 180_000);
});
