// A sidecar out of the world does not wake on the game's frames (Sidecar.setInWorld), in real
// processes: beside a game reporting 60 frames a second, a sidecar whose server never answers
// (ENet's connect resent until it gives up, then the re-joins) wakes far less often than one in a server's world beside the same
// game. Wakes are the main thread's voluntary context switches (test/helpers/proc-stat.ts):
// ≈ 33 a second out of the world and ≈ 82 in it on this machine (85 out of it before).
import { createSocket } from 'node:dgram';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { PROC_WAIT_MS, ProcGroup } from '../helpers/proc.js';
import { listeningPort, testServerArgs } from '../helpers/coop-server.js';
import { startHeadlessPlayer, walkScenario } from '../helpers/headless-player.js';
import { mainThreadWakes } from '../helpers/proc-stat.js';

const GAME_HZ = 60;
/** A walk long enough to report frames for the whole test. */
const WALK_SCENARIO = walkScenario(GAME_HZ, 300);
const MEASURE_MS = 3_000;
/** In the world most frames wake it: the control that the count sees frames. */
const AWAKE_MIN_WAKES_PER_S = GAME_HZ * 0.75;
/** Out of the world at least half the frames' wakes are gone (its heartbeat and ENet's connect
 * resends remain; before Sidecar.setInWorld it woke as often as in the world). */
const ASLEEP_FEWER_WAKES_PER_S = GAME_HZ / 2;

const dir = mkdtempSync(join(tmpdir(), 'coop-asleep-'));
const procs = new ProcGroup();
const silent = createSocket('udp4');
afterAll(async () => {
  silent.close();
  await procs.stopAll('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

async function wakesPerS(pid: number): Promise<number> {
  const w0 = mainThreadWakes(pid);
  await sleep(MEASURE_MS);
  return ((mainThreadWakes(pid) - w0) * 1000) / MEASURE_MS;
}

describe('a sidecar out of the world sleeps through the game frames (real processes)', () => {
  it('wakes for a fraction of the frames while its join goes unanswered, and for each of them in a world', async () => {
    await new Promise<void>((resolve) => silent.bind(0, '127.0.0.1', resolve));
    const lost = await startHeadlessPlayer({ procs, dir, name: 'L', server: `127.0.0.1:${silent.address().port}`, logLevel: 'info', scenario: WALK_SCENARIO });
    await lost.sidecar.line(/ENet connecting to/, PROC_WAIT_MS); // the join is under way
    await sleep(500);
    const asleep = await wakesPerS(lost.sidecar.child.pid!);

    const server = procs.start(testServerArgs({ dataDir: join(dir, 'srv'), logLevel: 'silent' }));
    const port = await listeningPort(server, PROC_WAIT_MS);
    const joined = await startHeadlessPlayer({ procs, dir, name: 'J', server: `127.0.0.1:${port}`, logLevel: 'info', scenario: WALK_SCENARIO });
    await joined.sidecar.line(/joined as peer \d+/, PROC_WAIT_MS);
    await sleep(500);
    const awake = await wakesPerS(joined.sidecar.child.pid!);

    const seen = `wakes a second: ${asleep} out of the world, ${awake} in it`;
    expect(awake, seen).toBeGreaterThan(AWAKE_MIN_WAKES_PER_S);
    expect(asleep, seen).toBeLessThan(awake - ASLEEP_FEWER_WAKES_PER_S);
    expect(lost.sidecar.child.exitCode).toBeNull();
  }, 120_000);
});
