// bench:sidecar — what the sidecar costs beside the game (docs/benchmarks.md "bench:sidecar").
// The sidecar bundle (dist/coop-sidecar.js, as shipped) joins coop-server with a city around it
// (NPCs and vehicles in a 200 m square: ≈ 120 in interest, 40 Hz); this process plays its game on
// the real bridge (transform at 60 Hz, every proxy message taken, read once per frame as the plugin does); the sidecar gets the plugin
// launcher's Node flags (SIDECAR_NODE_FLAGS). A second player (coop-sim + its sidecar) stands
// near and talks half the time (push-to-talk 5 s on, 5 s off), so voice is received, decoded
// and played. Measured: the sidecar's CPU (utime + stime from /proc, % of one
// core) and RSS over MEASURE_S after WARMUP_S (60 s: V8's optimising settles). Baseline, same run: the same bundle attached to
// its game with no server to join (an address that never answers). 3 repetitions, median.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { createSocket } from 'node:dgram';
import { join } from 'node:path';
import { procStat } from '../test/helpers/proc-stat.js';
import { machineInfo } from './machine.js';
import { mapMedian, type RssMap, type RssPart } from './rss-map.js';
import { median } from './report.js';
import {
  CITY_AREA_M,
  CITY_NPCS,
  CITY_VEHICLES,
  measureWindow,
  sleep,
  startCity,
  startLinuxSidecar,
  talkWav,
  TALK_ON_MS,
  windowMedians,
  type GameRead,
  type WindowFigures,
} from './sidecar-city.js';
import { SIDECAR_NODE_FLAGS } from '../src/sidecar/node-flags.js';

const REPS = Number(process.env.SIDECAR_BENCH_REPS ?? 3);
/** Node/V8 flags for the measured sidecar (space-separated; default: the plugin launcher's). */
const NODE_FLAGS = (process.env.SIDECAR_BENCH_NODE_FLAGS ?? SIDECAR_NODE_FLAGS.join(' ')).split(' ').filter(Boolean);
/** Extra environment for the measured bundle only ("K=V K2=V2"), e.g. MALLOC_ARENA_MAX=2. */
const SIDECAR_ENV = Object.fromEntries(
  (process.env.SIDECAR_BENCH_SIDECAR_ENV ?? '')
    .split(' ')
    .filter(Boolean)
    .map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]),
);
/** The compared bundle's flags (default: the same). */
const COMPARE_NODE_FLAGS = (process.env.SIDECAR_BENCH_COMPARE_NODE_FLAGS ?? NODE_FLAGS.join(' ')).split(' ').filter(Boolean);
/** V8 keeps optimising the sidecar's code for about a minute (docs/benchmarks.md): measured after
 * that, as it runs for hours beside a game. SIDECAR_BENCH_WARMUP_S=5 gives the first minute. */
const WARMUP_S = Number(process.env.SIDECAR_BENCH_WARMUP_S ?? 60);
/** The measured bundle, and optionally a second one (e.g. main's, built elsewhere) measured in
 * each repetition at the same time, on the same server and talker: a before/after in one run. */
const BUNDLE = process.env.SIDECAR_BENCH_BUNDLE ?? 'dist/coop-sidecar.js';
/** Extra coop-sidecar arguments for the measured bundle (e.g. "--pace native"). */
const ARGS = (process.env.SIDECAR_BENCH_ARGS ?? '').split(' ').filter(Boolean);
/** Extra coop-sidecar arguments for the compared run ("--pace frames": the same bundle woken by
 * the game's frames, against the default paced by the server's tick); with them and no
 * SIDECAR_BENCH_COMPARE_BUNDLE, the compared bundle is the measured one. */
const COMPARE_ARGS = (process.env.SIDECAR_BENCH_COMPARE_ARGS ?? '').split(' ').filter(Boolean);
const COMPARE_BUNDLE = process.env.SIDECAR_BENCH_COMPARE_BUNDLE ?? (COMPARE_ARGS.length ? BUNDLE : undefined);
/* How the bench's game reads the sidecar's frames (GameRead, bench/sidecar-city.ts): the
 * compared bundle's game may read otherwise (SIDECAR_BENCH_COMPARE_GAME_READ), to measure this
 * very choice. */
/** The measured sidecar's stdout (e.g. --trace-opt via SIDECAR_BENCH_NODE_FLAGS), each line
 * prefixed with the seconds since it started, is appended to this file. */
const TRACE_FILE = process.env.SIDECAR_BENCH_TRACE_FILE;
const GAME_READ = (process.env.SIDECAR_BENCH_GAME_READ ?? 'poll') as GameRead;
const COMPARE_GAME_READ = (process.env.SIDECAR_BENCH_COMPARE_GAME_READ ?? GAME_READ) as GameRead;
const MEASURE_S = Number(process.env.SIDECAR_BENCH_MEASURE_S ?? 30);
/** The baseline's window, past its start-up (its first 10 s: 2.3 % of a core, then 0.5 %) and
 * before its unanswered connect gives up and the sidecar exits (3, at ≈ 30–40 s). */
const BASELINE_MEASURE_S = Math.min(MEASURE_S, 10);
const BASELINE_WARMUP_S = Math.min(WARMUP_S, 15);
/** The floor: a bare Node process woken this often (game frames 60 + snapshots 40 + ENet's
 * 25 ms service timer 40), doing nothing else: what the wakes alone cost on this machine. */
const FLOOR_WAKES_HZ = 60 + 40 + 40;
const FLOOR_WARMUP_MS = 2_000;

/** A sidecar's window (sidecar-city.ts) and what its game got. voiceFrames: VoicePlayback
 * frames a second. */
interface Measured extends WindowFigures {
  proxies: number;
  voiceFrames: number;
  /** Progress exports the game answered (the sidecar asks at join and every 10 s). */
  progressExports: number;
  /** The same RSS by mapping (bench/rss-map.ts). */
  map: RssMap;
}

interface Rep {
  city: Measured;
  compare?: Measured;
  idle: Measured;
  floor: { cpuPct: number; rssMb: number };
}

/** Runs the sidecar bundle for its game until measured (the no-server baseline: a `server` that never answers). */
interface MeasureOptions {
  measureS: number;
  warmupS?: number;
  bundle?: string;
  read?: GameRead;
  flags?: string[];
  env?: Record<string, string>;
  /** Extra coop-sidecar arguments. */
  args?: string[];
}

async function measureSidecar(dir: string, tag: string, server: string, o: MeasureOptions): Promise<Measured> {
  const { measureS, warmupS = WARMUP_S, bundle = BUNDLE, read = GAME_READ, flags = NODE_FLAGS, args = [] } = o;
  const sc = startLinuxSidecar({
    bundle,
    server,
    tag,
    dataDir: join(dir, `id${tag}`),
    read,
    flags,
    args,
    env: o.env,
    traceFile: bundle === BUNDLE ? TRACE_FILE : undefined,
  });
  try {
    await sleep(warmupS * 1000);
    if (sc.child.exitCode !== null) throw new Error(`sidecar ${tag} exited (${sc.child.exitCode}) during warm-up`);
    const v0 = sc.counts().voiceFrames;
    const { w } = await measureWindow({ w: sc.pid }, measureS, { w: process.execPath });
    if (sc.child.exitCode !== null) throw new Error(`sidecar ${tag} exited (${sc.child.exitCode}) while measured`);
    const c = sc.counts();
    return {
      cpuPct: w.cpuPct,
      rssMb: w.rssMb,
      rssMaxMb: w.rssMaxMb,
      rssMeanMb: w.rssMeanMb,
      proxies: c.proxies,
      progressExports: c.progressExports,
      voiceFrames: (c.voiceFrames - v0) / measureS,
      wakesPerS: w.wakesPerS,
      split: w.split,
      map: w.map!,
    };
  } finally {
    await sc.stop();
  }
}

/** A bare `node` woken FLOOR_WAKES_HZ times a second: CPU and RSS over BASELINE_MEASURE_S. */
async function measureFloor(): Promise<{ cpuPct: number; rssMb: number }> {
  const child = spawn(process.execPath, ['-e', `setInterval(() => {}, ${1000 / FLOOR_WAKES_HZ})`], { stdio: 'ignore' });
  try {
    await sleep(FLOOR_WARMUP_MS);
    const a = procStat(child.pid!);
    await sleep(BASELINE_MEASURE_S * 1000);
    const b = procStat(child.pid!);
    return { cpuPct: ((b.cpuS - a.cpuS) / BASELINE_MEASURE_S) * 100, rssMb: b.rssMb };
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => (child.exitCode !== null ? r(null) : child.once('exit', r)));
  }
}

async function oneRep(dir: string, rep: number, talk: { wav: string; talkMs: number }): Promise<Rep> {
  // The baseline: nothing answers on this port (a bound socket that never replies).
  const silent = createSocket('udp4');
  await new Promise<void>((r) => silent.bind(0, '127.0.0.1', () => r()));
  let city: Awaited<ReturnType<typeof startCity>> | undefined;
  try {
    const floor = await measureFloor();
    const idle = await measureSidecar(dir, `idle${rep}`, `127.0.0.1:${silent.address().port}`, { measureS: BASELINE_MEASURE_S, warmupS: BASELINE_WARMUP_S });
    // (long enough for the measured bundles and their start-up)
    city = await startCity(dir, rep, talk, WARMUP_S + MEASURE_S);
    const server = `127.0.0.1:${city.port}`;
    const measureCompare = (): Promise<Measured | undefined> =>
      COMPARE_BUNDLE === undefined
        ? Promise.resolve(undefined)
        : measureSidecar(dir, `cmp${rep}`, server, {
            measureS: MEASURE_S,
            bundle: COMPARE_BUNDLE,
            read: COMPARE_GAME_READ,
            flags: COMPARE_NODE_FLAGS,
            args: COMPARE_ARGS,
          });
    // Both bundles run at the same time, each with its own game, on the same server and talker:
    // whatever else the machine does in that window weighs on both alike. (One after the other,
    // two 20–30 s windows differed by ±15 % for the same bundle on this shared VM.)
    const [measured, compare] = await Promise.all([
      measureSidecar(dir, `city${rep}`, server, { measureS: MEASURE_S, env: SIDECAR_ENV, args: ARGS }),
      measureCompare(),
    ]);
    return { city: measured, idle, floor, compare };
  } finally {
    silent.close();
    await city?.stop();
  }
}

/** The city sidecar's RSS by mapping, beside the no-server baseline's (and the compared bundle's). */
function printMap(city: RssMap, idle: RssMap, compare?: RssMap): void {
  console.log(`\n${'rss by mapping, MB'.padEnd(20)} ${'city'.padStart(8)} ${'no server'.padStart(10)}${compare ? ' compare'.padStart(10) : ''}`);
  for (const k of Object.keys(city) as RssPart[])
    console.log(`${k.padEnd(20)} ${city[k].toFixed(2).padStart(8)} ${idle[k].toFixed(2).padStart(10)}${compare ? compare[k].toFixed(2).padStart(10) : ''}`);
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(os.tmpdir(), 'coop-sidecar-bench-'));
  const talk = talkWav(dir);
  const reps: Rep[] = [];
  const load = [os.loadavg()[0]];
  for (let r = 0; r < REPS; r++) {
    reps.push(await oneRep(dir, r, talk));
    load.push(os.loadavg()[0]);
    const x = reps[reps.length - 1];
    console.error(
      `rep ${r + 1}/${REPS}: city ${x.city.cpuPct.toFixed(2)} % ${x.city.rssMb.toFixed(1)} MB (${x.city.proxies} proxies, ${x.city.voiceFrames} voice frames, ${x.city.wakesPerS.toFixed(0)} wakes/s);${x.compare ? ` compare ${x.compare.cpuPct.toFixed(2)} % ${x.compare.rssMb.toFixed(1)} MB ${x.compare.wakesPerS.toFixed(0)} wakes/s;` : ''} idle ${x.idle.cpuPct.toFixed(2)} % ${x.idle.rssMb.toFixed(1)} MB; floor ${x.floor.cpuPct.toFixed(2)} % ${x.floor.rssMb.toFixed(1)} MB`,
    );
  }
  const m = (f: (r: Rep) => number): number => +median(reps.map(f)).toFixed(2);
  const results = {
    ...windowMedians(
      'sidecar',
      reps.map((r) => r.city),
    ),
    ...windowMedians(
      'baseline',
      reps.map((r) => r.idle),
    ),
    wake_floor_cpu_pct: m((r) => r.floor.cpuPct),
    wake_floor_rss_mb: m((r) => r.floor.rssMb),
    proxies_in_interest: m((r) => r.city.proxies),
    progress_exports_answered: m((r) => r.city.progressExports),
    voice_frames_played_per_s: m((r) => r.city.voiceFrames),
    sidecar_rss_map_mb: mapMedian(reps.map((r) => r.city.map)),
    baseline_rss_map_mb: mapMedian(reps.map((r) => r.idle.map)),
    ...(COMPARE_BUNDLE === undefined
      ? {}
      : {
          compare_rss_map_mb: mapMedian(reps.map((r) => r.compare!.map)),
          ...windowMedians(
            'compare',
            reps.map((r) => r.compare!),
          ),
        }),
  };
  const out = {
    benchmark: 'bench:sidecar',
    results,
    goal: { sidecar_cpu_pct: '≤ 1', sidecar_rss_mb: '≤ 64' },
    repetitions: REPS,
    runs: reps,
    workload: {
      warmup_s: WARMUP_S,
      measure_s: MEASURE_S,
      npcs: CITY_NPCS,
      vehicles: CITY_VEHICLES,
      area_m: CITY_AREA_M,
      game_transform_hz: 60,
      talker: `push-to-talk ${TALK_ON_MS} ms on, ${TALK_ON_MS} ms off`,
      baseline: `same bundle and game, server address that never answers, measured over ${BASELINE_MEASURE_S} s after ${BASELINE_WARMUP_S} s (past its start-up; the connect gives up and the sidecar exits later)`,
      wake_floor: `a bare node process with a ${FLOOR_WAKES_HZ} Hz empty timer, over ${BASELINE_MEASURE_S} s`,
      cpu: 'utime+stime from /proc/<pid>/stat over measure_s, % of one core',
      node_flags: NODE_FLAGS.join(' '),
      bundle: BUNDLE,
      game_read: GAME_READ,
      sidecar_env: process.env.SIDECAR_BENCH_SIDECAR_ENV ?? '',
      args: ARGS.join(' '),
      ...(COMPARE_BUNDLE === undefined
        ? {}
        : {
            compare_bundle: COMPARE_BUNDLE,
            compare_game_read: COMPARE_GAME_READ,
            compare_node_flags: COMPARE_NODE_FLAGS.join(' '),
            compare_args: COMPARE_ARGS.join(' '),
          }),
    },
    load_average_1m: load,
    machine: machineInfo(),
    date: new Date().toISOString(),
  };
  mkdirSync('bench/results', { recursive: true });
  writeFileSync('bench/results/sidecar.json', `${JSON.stringify(out, null, 2)}\n`);
  const row = (k: string, city: number, base: number, goal: string): string =>
    `${k.padEnd(16)} ${String(city).padStart(8)} ${String(base).padStart(10)} ${(city / base).toFixed(2).padStart(7)}  ${goal}`;
  console.log(`${'figure'.padEnd(16)} ${'city'.padStart(8)} ${'no server'.padStart(10)} ${'ratio'.padStart(7)}  goal`);
  console.log(row('cpu % of a core', results.sidecar_cpu_pct, results.baseline_cpu_pct, '≤ 1'));
  console.log(row('rss MB', results.sidecar_rss_mb, results.baseline_rss_mb, '≤ 64'));
  console.log(`${'rss MB, mean'.padEnd(16)} ${String(results.sidecar_rss_mean_mb).padStart(8)}`);
  console.log(row('loop wakes/s', results.sidecar_wakes_per_s, results.baseline_wakes_per_s, ''));
  console.log(
    `city rss: ${results.sidecar_rss_anon_mb} MB anonymous (heap), ${results.sidecar_rss_file_mb} MB file-backed (node, libraries), ${results.sidecar_rss_shmem_mb} MB bridge rings (shared with the game)`,
  );
  console.log(
    `floor: a bare node woken ${FLOOR_WAKES_HZ}/s: ${results.wake_floor_cpu_pct} % of a core, ${results.wake_floor_rss_mb} MB (city/floor ${(results.sidecar_cpu_pct / results.wake_floor_cpu_pct).toFixed(2)}, ${(results.sidecar_rss_mb / results.wake_floor_rss_mb).toFixed(2)})`,
  );
  printMap(results.sidecar_rss_map_mb, results.baseline_rss_map_mb, results.compare_rss_map_mb);
  if (results.compare_cpu_pct !== undefined)
    console.log(
      `compare ${COMPARE_BUNDLE}: ${results.compare_cpu_pct} % / ${results.compare_rss_mb} MB; this bundle / compare: cpu ${(results.sidecar_cpu_pct / results.compare_cpu_pct).toFixed(2)}, wakes ${results.compare_wakes_per_s} -> ${results.sidecar_wakes_per_s}, rss ${(results.sidecar_rss_mb / results.compare_rss_mb!).toFixed(2)} (mean over the window ${results.sidecar_rss_mean_mb} / ${results.compare_rss_mean_mb} MB, ${(results.sidecar_rss_mean_mb / results.compare_rss_mean_mb!).toFixed(2)})`,
    );
  console.log(
    `${results.proxies_in_interest} proxies, ${results.voice_frames_played_per_s} voice frames/s; load ${load.map((l) => l.toFixed(1)).join(' ')}; median of ${REPS}`,
  );
  process.exit(0);
}

await main();
