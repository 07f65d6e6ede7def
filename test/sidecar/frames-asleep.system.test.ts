// A sidecar out of the world does not wake on the game's frames (Sidecar.setInWorld), in real
// processes: beside a game reporting 60 frames a second, a sidecar whose server never answers
// (ENet's connect resent until it gives up, then the re-joins) is woken by almost none of them,
// while one in a server's world beside the same kind of game is woken by most. What is counted
// is the game's own bridge: the wakes it issued to the sidecar's sleeping reader per frame it
// wrote (its counters, logged on SIGUSR2), a count that no scheduling can blur. Here: 0.000
// out of the world, 1.000 in it (and 1.000 out of it too before the change). The sidecar's
// main-thread wakes a second (here 15 and 65) are printed beside them for whoever reads a failure.
// The sidecars here run the default path, the native one on Linux: the reader the game wakes is
// then the native thread, which sleeps through the lazy frames out of the world as Node does
// (coop_path_sleep_through_lazy) and takes every frame in it.
import { createSocket } from 'node:dgram';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { PROC_WAIT_MS, ProcGroup, type Proc } from '../helpers/proc.js';
import { listeningPort, testServerArgs } from '../helpers/coop-server.js';
import { startHeadlessPlayer, walkScenario } from '../helpers/headless-player.js';
import { mainThreadWakes } from '../helpers/proc-stat.js';

const GAME_HZ = 60;
/** A walk long enough to report frames for the whole test. */
const WALK_SCENARIO = walkScenario(GAME_HZ, 300);
const MEASURE_MS = 3_000;
/** In the world most frames wake the sidecar (the control: the count sees frame wakes). */
const AWAKE_MIN_WAKES_PER_FRAME = 0.5;
/** Out of the world almost none do (the bridge's other messages may). */
const ASLEEP_MAX_WAKES_PER_FRAME = 0.1;

const dir = mkdtempSync(join(tmpdir(), 'coop-asleep-'));
const procs = new ProcGroup();
const silent = createSocket('udp4');
afterAll(async () => {
  silent.close();
  await procs.stopAll('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

interface GameCounters {
  wakes: number;
  framesOut: number;
}

/** The game's bridge counters, as its next `diag` line (coop-sim logs one on SIGUSR2). */
async function gameCounters(game: Proc): Promise<GameCounters> {
  const diags = () => game.json.filter((l) => l.event === 'diag');
  const seen = diags().length;
  game.child.kill('SIGUSR2');
  return vi.waitFor(() => {
    const d = diags();
    if (d.length <= seen) throw new Error('no new diag line yet');
    return d[d.length - 1].counters as GameCounters;
  }, PROC_WAIT_MS);
}

/** Over MEASURE_MS: the game's wakes of the sidecar per frame it wrote, and the sidecar's wakes a second. */
async function measure(p: { game: Proc; sidecar: Proc }): Promise<{ perFrame: number; sidecarPerS: number }> {
  const c0 = await gameCounters(p.game);
  const w0 = mainThreadWakes(p.sidecar.child.pid!);
  await sleep(MEASURE_MS);
  const c1 = await gameCounters(p.game);
  const sidecarPerS = ((mainThreadWakes(p.sidecar.child.pid!) - w0) * 1000) / MEASURE_MS;
  const frames = c1.framesOut - c0.framesOut;
  expect(frames).toBeGreaterThan((GAME_HZ * MEASURE_MS) / 1000 / 2); // the game did report its frames
  return { perFrame: (c1.wakes - c0.wakes) / frames, sidecarPerS };
}

describe('a sidecar out of the world sleeps through the game frames (real processes)', () => {
  it('is woken by almost none of the frames while its join goes unanswered, and by most of them in a world', async () => {
    await new Promise<void>((resolve) => silent.bind(0, '127.0.0.1', resolve));
    const lost = await startHeadlessPlayer({ procs, dir, name: 'L', server: `127.0.0.1:${silent.address().port}`, logLevel: 'info', scenario: WALK_SCENARIO });
    await lost.sidecar.line(/ENet connecting to/, PROC_WAIT_MS); // the join is under way
    await sleep(500);
    const asleep = await measure(lost);

    const server = procs.start(testServerArgs({ dataDir: join(dir, 'srv'), logLevel: 'silent' }));
    const port = await listeningPort(server, PROC_WAIT_MS);
    const joined = await startHeadlessPlayer({ procs, dir, name: 'J', server: `127.0.0.1:${port}`, logLevel: 'info', scenario: WALK_SCENARIO });
    await joined.sidecar.line(/joined as peer \d+/, PROC_WAIT_MS);
    await sleep(500);
    const awake = await measure(joined);

    const seen = `game wakes per frame: ${asleep.perFrame.toFixed(3)} out of the world, ${awake.perFrame.toFixed(3)} in it; sidecar wakes a second: ${asleep.sidecarPerS.toFixed(1)}, ${awake.sidecarPerS.toFixed(1)}`;
    expect(awake.perFrame, seen).toBeGreaterThan(AWAKE_MIN_WAKES_PER_FRAME);
    expect(asleep.perFrame, seen).toBeLessThan(ASLEEP_MAX_WAKES_PER_FRAME);
    expect(lost.sidecar.child.exitCode).toBeNull();
  }, 120_000);
});
