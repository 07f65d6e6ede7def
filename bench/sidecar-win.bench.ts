// bench:sidecar:win — what the Windows sidecar costs beside the game under wine, as a Proton or
// Steam Deck player runs it (docs/benchmarks.md "bench:sidecar:win"). Player A is the C test game
// under wine (native-shims/harness: the bridge's game role through the C frame API, as the
// plugin), reporting its transform at 60 Hz (--repeat-hz), answering each progress request with
// a mid-game player's export (--reply-to), reading every frame the sidecar writes without ever
// flagging itself waiting on ring 1 (so the sidecar's writes wake nothing, as with the plugin's
// once-a-frame poll), and launching the Windows sidecar (node.exe with the launcher's Node flags,
// the bundle, koffi's win32 binary, coopbridge.dll) through coop_launch_logged, as the plugin
// does. Beside it, in the same city and over the same window: the Linux sidecar as bench:sidecar
// measures it. Measured: node.exe's CPU and RSS (a Linux process under wine: /proc), wineserver's
// CPU (every event wake is a wineserver round trip) beside a window with the game alone, and the
// Linux sidecar's. 3 repetitions, median. Writes bench/results/sidecar-win.json.
// SIDECAR_BENCH_COMPARE_ARGS: a second window in each repetition with other sidecar arguments
// (e.g. "--pace tick" against SIDECAR_BENCH_ARGS="--pace frames"), the same game, city and
// workload, the two windows' order alternating: both in one run (wine things one at a time).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { WIN_GAME_EXE, WIN_NODE_EXE, WINE_PREFIX_DIR, wineEnv } from '../scripts/win/paths.mjs';
import { winSidecarLaunchArgs } from '../test/helpers/win-sidecar-launch.js';
import { ensureWinePrefix } from '../scripts/win/wine-prefix.mjs';
import { procStat } from '../test/helpers/proc-stat.js';
import { SIDECAR_NODE_FLAGS } from '../src/sidecar/node-flags.js';
import { median, startBenchReport } from './report.js';
import { printSummary, windowLine, windowSummary, withWineserverPct, type GameAlone, type Window } from './sidecar-win-figures.js';
import {
  CITY_AREA_M,
  CITY_NPCS,
  CITY_VEHICLES,
  GAME_TRANSFORM_HZ,
  measureWindow,
  sleep,
  startCity,
  startLinuxSidecar,
  talkWav,
  TALK_ON_MS,
} from './sidecar-city.js';
import { gameArgs, pidsOf, startWine, waitFor, wineserverPid } from './sidecar-win-game.js';

const REPS = Number(process.env.SIDECAR_BENCH_REPS ?? 3);
/** Counted from the Windows sidecar's join (node.exe under wine starts in seconds). */
const WARMUP_S = Number(process.env.SIDECAR_BENCH_WARMUP_S ?? 60);
const MEASURE_S = Number(process.env.SIDECAR_BENCH_MEASURE_S ?? 30);
/** The game alone under wine (no sidecar attached), for wineserver's share without the sidecar. */
const GAME_ALONE_S = Number(process.env.SIDECAR_BENCH_GAME_ALONE_S ?? 10);
/** Extra arguments for both sidecars (e.g. "--pace tick": fewer wakes, so fewer wineserver trips). */
const SIDECAR_ARGS = (process.env.SIDECAR_BENCH_ARGS ?? '').split(' ').filter(Boolean);
/** The compared window's extra arguments for both sidecars; unset: no compared window. */
const COMPARE_ARGS = process.env.SIDECAR_BENCH_COMPARE_ARGS?.split(' ').filter(Boolean);
/** Time the game's start, the launch and the sidecar's join may take before the warm-up counts. */
const JOIN_ALLOW_S = 20;
/** After the window the game runs out its --run-ms (it then says how many transforms it sent). */
const GAME_TAIL_S = 3;
const GAME_OPEN_WAIT_MS = 60_000;
const GONE_WAIT_MS = 30_000;
const LINUX_BUNDLE = 'dist/coop-sidecar.js';
const RESULT_FILE = 'bench/results/sidecar-win.json';

const dir = mkdtempSync(join(os.tmpdir(), 'coop-sidecar-win-bench-'));

/** The last wine program on a prefix ends its wineserver: a second wine run on ours that ends
 * meanwhile (another bench, a wine test) takes it along. Named so in procStat's error. */
const WINESERVER = `wineserver of ${WINE_PREFIX_DIR} (was another wine program using it? run this bench alone)`;

/** The game alone (nothing attached: it beats and polls its ring) over GAME_ALONE_S. */
async function measureGameAlone(rep: number): Promise<GameAlone> {
  const session = `swa${process.pid}${rep}`;
  const game = startWine(dir, `alone${rep}`, WIN_GAME_EXE, gameArgs(dir, session, (GAME_ALONE_S + 30) * 1000));
  try {
    await waitFor('game alone open', () => game.json().find((l) => l.event === 'open'), GAME_OPEN_WAIT_MS, game);
    await sleep(2_000);
    const gamePid = game.child.pid!;
    const ws = wineserverPid();
    const a = { ws: procStat(ws, WINESERVER).cpuS, game: procStat(gamePid, 'the test game alone').cpuS };
    await sleep(GAME_ALONE_S * 1000);
    const pct = (s: number): number => (s / GAME_ALONE_S) * 100;
    return { wineserverCpuPct: pct(procStat(ws, WINESERVER).cpuS - a.ws), gameCpuPct: pct(procStat(gamePid, 'the test game alone').cpuS - a.game) };
  } finally {
    game.child.kill('SIGKILL');
    await game.exited;
  }
}

interface Rep extends Window {
  alone: GameAlone;
  /** The window with COMPARE_ARGS, when asked for. */
  compare?: Window;
}

async function oneRep(rep: number, talk: { wav: string; talkMs: number }): Promise<Rep> {
  const alone = await measureGameAlone(rep);
  // (windows numbered apart: each its own server, session and files)
  if (COMPARE_ARGS === undefined) return { alone, ...(await oneWindow(2 * rep, talk, SIDECAR_ARGS)) };
  // alternating which goes first: a drift over the run weighs on both alike
  const first = rep % 2 === 0;
  const a = first ? await oneWindow(2 * rep, talk, SIDECAR_ARGS) : undefined;
  const compare = await oneWindow(2 * rep + 1, talk, COMPARE_ARGS);
  return { alone, ...(a ?? (await oneWindow(2 * rep, talk, SIDECAR_ARGS))), compare };
}

async function oneWindow(rep: number, talk: { wav: string; talkMs: number }, args: string[]): Promise<Window> {
  const runS = JOIN_ALLOW_S + WARMUP_S + MEASURE_S + GAME_TAIL_S;
  const city = await startCity(dir, rep, talk, runS);
  const server = `127.0.0.1:${city.port}`;
  const session = `sw${process.pid}${rep}`;
  const log = join(dir, `sidecar-win${rep}.log`);
  const t0 = performance.now();
  const game = startWine(dir, `game${rep}`, WIN_GAME_EXE, [
    ...gameArgs(dir, session, runS * 1000),
    ...winSidecarLaunchArgs({
      log,
      server,
      session,
      name: `win${rep}`,
      dataDir: join(dir, `idW${rep}`),
      nodeFlags: SIDECAR_NODE_FLAGS,
      args: ['--log-level', 'warn', ...args],
    }),
  ]);
  const linux = startLinuxSidecar({
    bundle: LINUX_BUNDLE,
    server,
    tag: `lin${rep}`,
    dataDir: join(dir, `idL${rep}`),
    read: 'poll',
    flags: SIDECAR_NODE_FLAGS,
    args,
  });
  try {
    await waitFor(
      'the Windows sidecar joined',
      () => (existsSync(log) && /joined as peer/.test(readFileSync(log, 'utf8')) ? true : undefined),
      JOIN_ALLOW_S * 1000,
      game,
    );
    const winJoinS = (performance.now() - t0) / 1000;
    const nodePid = await waitFor('node.exe', () => pidsOf('node.exe', session)[0], 5_000, game);
    await sleep(WARMUP_S * 1000);
    if (linux.child.exitCode !== null) throw new Error(`the Linux sidecar exited (${linux.child.exitCode}) during warm-up`);
    const v0 = linux.counts().voiceFrames;
    const w = await measureWindow({ win: nodePid, linux: linux.pid, wineserver: wineserverPid(), game: game.child.pid! }, MEASURE_S, {
      win: WIN_NODE_EXE,
      linux: process.execPath,
    });
    const c = linux.counts();
    await linux.stop();
    // The game runs out its --run-ms, then says how many transforms it sent in how long.
    await Promise.race([game.exited, sleep((runS + 30) * 1000)]);
    const exit = game.json().find((l) => l.event === 'exit');
    if (exit === undefined) throw new Error('the game printed no exit line');
    const repeatMs = Number(exit.repeatMs);
    return {
      win: w.win,
      linux: w.linux,
      wineserverCpuPct: w.wineserver.cpuPct,
      gameCpuPct: w.game.cpuPct,
      game: {
        transformHz: (Number(exit.repeated) / repeatMs) * 1000,
        progressReplies: Number(exit.replied),
        inboundPerS: (Number(exit.inbound) / repeatMs) * 1000,
      },
      linuxGame: { proxies: c.proxies, progressExports: c.progressExports, voiceFramesPerS: (c.voiceFrames - v0) / MEASURE_S },
      winJoinS,
    };
  } catch (e) {
    console.error(
      `game stdout: ${game.out().slice(-1500)}\ngame stderr: ${game.err().slice(-1500)}\nsidecar log: ${existsSync(log) ? readFileSync(log, 'utf8').slice(-2000) : '(none)'}`,
    );
    throw e;
  } finally {
    await linux.stop().catch(() => undefined);
    if (!game.ended()) game.child.kill('SIGKILL');
    await game.exited;
    // The job object ends node.exe with the game.
    await waitFor('node.exe gone', () => (pidsOf('node.exe', session).length === 0 ? true : undefined), GONE_WAIT_MS).catch((e: Error) =>
      console.error(e.message),
    );
    await city.stop();
  }
}

async function main(): Promise<void> {
  ensureWinePrefix(console.log);
  const report = startBenchReport();
  const talk = talkWav(dir);
  const reps: Rep[] = [];
  try {
    for (let r = 0; r < REPS; r++) {
      const x = await oneRep(r, talk);
      reps.push(x);
      console.error(`rep ${r + 1}/${REPS}: ${windowLine(x, x.alone)}${x.compare ? `\n  compare: ${windowLine(x.compare, x.alone)}` : ''}`);
    }
  } finally {
    spawnSync('wineserver', ['-k'], { env: wineEnv(), stdio: 'ignore' });
  }
  const alone = reps.map((r) => r.alone);
  const median_ = windowSummary(reps, alone);
  const compare =
    COMPARE_ARGS &&
    windowSummary(
      reps.map((r) => r.compare!),
      alone,
    );
  /** Each repetition's compared window against its own (node.exe, then with wineserver's extra), median. */
  const ratio = (f: (w: Window, a: GameAlone) => number): number => +median(reps.map((r) => f(r.compare!, r.alone) / f(r, r.alone))).toFixed(3);
  const result = {
    bench: 'sidecar-win',
    date: new Date().toISOString(),
    machine: report.machine(),
    goal: { win_sidecar_cpu_pct: '≤ 1', win_sidecar_rss_mb: '≤ 64' },
    workload: {
      warmup_s: WARMUP_S,
      warmup_from: "the Windows sidecar's join (the Linux sidecar, started with the game, warms up that much longer)",
      measure_s: MEASURE_S,
      game_alone_s: GAME_ALONE_S,
      npcs: CITY_NPCS,
      vehicles: CITY_VEHICLES,
      area_m: CITY_AREA_M,
      game_transform_hz: GAME_TRANSFORM_HZ,
      talker: `push-to-talk ${TALK_ON_MS} ms on, ${TALK_ON_MS} ms off`,
      win_game:
        'C test game (coop-game.exe) under wine: --repeat-hz 60 transform, --reply-to ExportProgressRequest with a mid-game export, reads every frame in its ~1 ms loop (never waits on ring 1), launches node.exe through coop_launch_logged',
      win_sidecar: `node.exe ${SIDECAR_NODE_FLAGS.join(' ')} coop-sidecar.mjs (koffi win32, coopbridge.dll)`,
      linux_sidecar: `node ${SIDECAR_NODE_FLAGS.join(' ')} ${LINUX_BUNDLE} beside openBridge({role:'game', read:'poll'}) at 60 Hz`,
      cpu: 'utime+stime from /proc/<pid>/stat over measure_s, % of one core (node.exe is a Linux process under wine)',
      sidecar_args: SIDECAR_ARGS.join(' '),
      ...(COMPARE_ARGS && {
        compare_args: COMPARE_ARGS.join(' '),
        compare:
          'a second window each repetition with compare_args for both sidecars (own city and game), after the first in even repetitions, before it in odd ones',
      }),
      wine: spawnSync('wine', ['--version'], { encoding: 'utf8' }).stdout.trim(),
    },
    repetitions: REPS,
    median: median_,
    ...(compare && {
      compare_median: compare,
      compare_ratio: {
        win_sidecar_cpu: ratio((w) => w.win.cpuPct),
        win_sidecar_with_wineserver_cpu: ratio(withWineserverPct),
        linux_sidecar_cpu: ratio((w) => w.linux.cpuPct),
      },
    }),
    runs: reps,
  };
  report.printHeader('bench:sidecar:win', REPS);
  printSummary(`sidecar args: ${SIDECAR_ARGS.join(' ') || '(none)'}`, median_);
  if (compare) {
    printSummary(`compare, sidecar args: ${COMPARE_ARGS!.join(' ') || '(none)'}`, compare);
    console.log(
      `\ncompare / first, median of each repetition's ratio: node.exe cpu ${result.compare_ratio!.win_sidecar_cpu}, node.exe + wineserver's extra ${result.compare_ratio!.win_sidecar_with_wineserver_cpu}, linux sidecar cpu ${result.compare_ratio!.linux_sidecar_cpu}`,
    );
  }
  report.write(RESULT_FILE, result);
  rmSync(dir, { recursive: true, force: true });
  process.exit(0);
}

await main();
