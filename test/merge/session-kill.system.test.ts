// Must show: kill the server (SIGKILL, no chance to clean up) at random moments during a session,
// many runs: the newest session file always parses and is never older than one autosave period.
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeDat } from '../../src/merge/dat.js';
import { parseSessionText } from '../../src/merge/io.js';
import { seededRandom } from '../../src/util/random.js';
import { item, progress } from './arbitraries.js';
import { standAt, startPlayer, startServer, stopAll, type Proc } from './procs.js';

const RUNS = 6;
const PARALLEL = 1; // one run at a time: the machine is shared with other suites
const AUTOSAVE_S = 1;
const AUTOSAVE_MS = AUTOSAVE_S * 1000;
/** Kill moments: uniformly within this window after the player joined. */
const KILL_WINDOW_MS = 3500;
/**
 * How late a timer may fire on a loaded 2-core machine running other suites in parallel (the
 * autosave is a plain interval timer): the age bound is one period plus this.
 */
const SCHEDULING_SLACK_MS = 500;
const SEED = 0x5e55_10;

const dir = mkdtempSync(join(tmpdir(), 'coop-merge-kill-'));
const procs: Proc[] = [];
afterAll(() => stopAll(procs));

const player = (name: string) =>
  progress({ playerId: name.toLowerCase(), name, level: 2, xp: 300, quests: { q001_intro: 1 }, inventory: [item('Items.money', { quantity: 10 })] });

async function run(i: number, killAfterMs: number): Promise<{ i: number; killAfterMs: number; ageMs: number; seq: number; players: number }> {
  const sessionId = `kill-${i}`;
  const dataDir = join(dir, `srv-${i}`); // one data folder per run
  const server = await startServer(dataDir, sessionId, AUTOSAVE_S);
  procs.push(server);
  const base = player(`P${i}`);
  const p = startPlayer({
    dir,
    tag: `k${i}`,
    port: server.port,
    name: base.name,
    scenario: {
      name: 'kill',
      progressBase64: encodeDat(base).toString('base64'),
      steps: [standAt(0), { at: 0, do: 'progress', base64: encodeDat({ ...base, xp: 900 }).toString('base64'), afterExports: 1 }],
    },
  });
  procs.push(p.game, p.sidecar);
  const JOIN_TIMEOUT_MS = 60_000;
  await Promise.race([
    p.sidecar.line(/joined as peer/), // the session is under way
    new Promise((_, reject) =>
      setTimeout(
        () =>
          reject(
            new Error(`run ${i}: no join: ${p.sidecar.lines.join(' | ')} ${p.sidecar.err()} GAME ${p.game.lines.slice(0, 6).join(' | ')} ${p.game.err()}`),
          ),
        JOIN_TIMEOUT_MS,
      ),
    ),
  ]);
  await new Promise((r) => setTimeout(r, killAfterMs));
  const killAt = Date.now();
  server.child.kill('SIGKILL');
  await server.exited;
  await stopAll([p.sidecar, p.game]);

  const saves = join(dataDir, 'SavedGames', 'Coop');
  const newest = readdirSync(saves)
    .filter((f) => f.endsWith('.json') && !f.startsWith('.'))
    .map((f) => ({ f, m: statSync(join(saves, f)).mtimeMs }))
    .sort((a, b) => b.m - a.m)[0];
  expect(newest.f).toBe(`${sessionId}.json`);
  const s = parseSessionText(readFileSync(join(saves, newest.f), 'utf8')); // throws if torn
  expect(s.sessionId).toBe(sessionId);
  return { i, killAfterMs, ageMs: killAt - Date.parse(s.savedAt), seq: s.seq, players: s.party.length };
}

describe('session file under SIGKILL at random moments', () => {
  it(`${RUNS} runs: the newest file parses and is at most one autosave period (${AUTOSAVE_S} s) old`, async () => {
    const rand = seededRandom(SEED);
    const plan = Array.from({ length: RUNS }, (_, i) => ({ i, killAfterMs: Math.round(rand() * KILL_WINDOW_MS) }));
    const results: Awaited<ReturnType<typeof run>>[] = [];
    for (let k = 0; k < plan.length; k += PARALLEL) {
      results.push(...(await Promise.all(plan.slice(k, k + PARALLEL).map((r) => run(r.i, r.killAfterMs)))));
    }
    const why = JSON.stringify(results);
    for (const r of results) {
      expect(r.ageMs, why).toBeLessThanOrEqual(AUTOSAVE_MS + SCHEDULING_SLACK_MS);
      expect(r.ageMs, why).toBeGreaterThanOrEqual(0);
    }
    // The runs killed late enough saw the player (the file holds real session content).
    expect(
      results.some((r) => r.players === 1),
      why,
    ).toBe(true);
  }, 240_000);
});
