// The city workload that bench:sidecar and bench:sidecar:win measure a sidecar in (docs/benchmarks.md):
// coop-server with NPCs and vehicles in a 200 m square (≈ 110 in interest at 40 Hz), a talker (a
// headless game and its sidecar standing 3 m from the origin, push-to-talk half the time), a
// Linux sidecar beside this process's game on the real bridge, and the per-process figures
// over a measured window (CPU from /proc, RSS and its split, the event loop's wakes).
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openBridge, type Bridge, type Msg } from '../bridge/index.js';
import { listeningPort, testServerArgs } from '../test/helpers/coop-server.js';
import { mainThreadWakes, procStat, rssSplit } from '../test/helpers/proc-stat.js';
import { proc, type Proc } from '../test/helpers/proc.js';
import { makeSpeech, writeSpeechWav } from '../test/voice/fixtures/speech.js';
import { median } from './report.js';
import { rssMap, type RssMap } from './rss-map.js';
import { answerProgress, midGameProgress } from './sidecar-game.js';

export const CITY_NPCS = 100;
export const CITY_VEHICLES = 40;
export const CITY_AREA_M = 200;
export const GAME_TRANSFORM_HZ = 60;
export const GAME_FRAME_MS = 1000 / GAME_TRANSFORM_HZ;
export const TALK_ON_MS = 5_000;
/** How long the talker and its sidecar take to start and join, on top of what is measured. */
const TALKER_SLACK_S = 15;

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** The game's transform (standing at x on the ground). */
export function transform(x: number): Msg<'PlayerTransform'> {
  return { entityId: 0, pos: { x, y: 0, z: 0 }, rot: { x: 0, y: 0, z: 0, w: 1 }, vel: { x: 0, y: 0, z: 0 } };
}

/** The talker's speech as a WAV under dir, and how long it lasts. */
export function talkWav(dir: string): { wav: string; talkMs: number } {
  const wav = join(dir, 'talk.wav');
  const speech = makeSpeech({ minSeconds: TALK_ON_MS / 1000 });
  writeSpeechWav(wav, speech);
  return { wav, talkMs: Math.floor((speech.samples.length / 48_000) * 1000) };
}

export interface City {
  port: number;
  stop(): Promise<void>;
}

/** coop-server with the city, and the talker joined to it: running for at least runS seconds. */
export async function startCity(dir: string, rep: number, talk: { wav: string; talkMs: number }, runS: number): Promise<City> {
  const procs: Proc[] = [];
  const stop = async (): Promise<void> => {
    for (const p of procs.reverse()) await p.stop().catch(() => undefined);
  };
  try {
    const server = proc(testServerArgs({ dataDir: join(dir, `srv${rep}`), npcs: CITY_NPCS, vehicles: CITY_VEHICLES, areaM: CITY_AREA_M }));
    procs.push(server);
    const port = await listeningPort(server);
    // The talker: a headless game walking in place beside us, push-to-talk half the time.
    const total = (runS + TALKER_SLACK_S) * 1000;
    const steps: unknown[] = [
      {
        at: 0,
        do: 'walk',
        path: [
          [3, 0, 0],
          [3, 0.1, 0],
        ],
        speedMps: 0.001,
        hz: 10,
      },
    ];
    for (let t = 1_000; t < total; t += 2 * TALK_ON_MS)
      steps.push({ at: t, do: 'mic', wav: talk.wav }, { at: t, do: 'ptt', holdMs: Math.min(TALK_ON_MS, talk.talkMs) });
    const scen = join(dir, `talker${rep}.json`);
    writeFileSync(scen, JSON.stringify({ name: 'talker', steps }));
    const tSession = `sbt${process.pid}${rep}`;
    const sim = proc(['src/sim/main.ts', '--bridge', tSession, '--scenario', scen, '--quiet']);
    procs.push(sim);
    await sim.jsonLine((l) => l.event === 'open');
    const sc = proc([
      'src/sidecar/main.ts',
      '--server',
      `127.0.0.1:${port}`,
      '--bridge',
      tSession,
      '--name',
      'talker',
      '--data-dir',
      join(dir, 'idT'),
      '--log-level',
      'warn',
    ]);
    procs.push(sc);
    await sc.line(/joined as peer/);
    return { port, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}

/** How the bench's game reads the sidecar's frames: 'poll' once per frame before it reports its
 * transform, as the game's plugin does (CoopFrameTick → CoopBridgePoll), so the sidecar's writes
 * wake nothing; 'wake' sleeps on the wake pipe (a wake per write). */
export type GameRead = 'poll' | 'wake';

export interface LinuxSidecarOptions {
  bundle: string;
  server: string;
  tag: string;
  dataDir: string;
  read: GameRead;
  flags: readonly string[];
  env?: Record<string, string>;
  /** Extra coop-sidecar arguments. */
  args?: readonly string[];
  /** The sidecar's stdout, each line prefixed with the seconds since it started, appended here. */
  traceFile?: string;
}

/** A Linux sidecar bundle running beside this process's game (openBridge, game role). */
export interface LinuxSidecar {
  pid: number;
  child: ChildProcess;
  /** Proxies the game holds now, VoicePlayback frames so far, progress exports answered. */
  counts(): { proxies: number; voiceFrames: number; progressExports: number };
  stop(): Promise<void>;
}

/** Starts the game (transform at 60 Hz, every proxy message taken, each progress request answered
 * with a mid-game player's export) and the sidecar bundle beside it. */
export function startLinuxSidecar(o: LinuxSidecarOptions): LinuxSidecar {
  const session = `sb${process.pid}${o.tag}`;
  const game: Bridge = openBridge({ name: session, role: 'game', read: o.read });
  let proxies = 0,
    voiceFrames = 0;
  game.on('SpawnProxy', () => proxies++);
  game.on('DespawnProxy', () => proxies--);
  game.on('VoicePlayback', () => voiceFrames++);
  const exports = answerProgress(game, midGameProgress());
  const frames = setInterval(() => {
    if (o.read === 'poll') game.drain();
    if (game.state === 'attached') game.send('PlayerTransform', transform(0));
  }, GAME_FRAME_MS);
  const child = spawn(
    process.execPath,
    [...o.flags, o.bundle, '--server', o.server, '--bridge', session, '--name', o.tag, '--data-dir', o.dataDir, '--log-level', 'warn', ...(o.args ?? [])],
    { stdio: ['ignore', o.traceFile !== undefined ? 'pipe' : 'ignore', 'inherit'], env: o.env === undefined ? process.env : { ...process.env, ...o.env } },
  );
  if (child.stdout && o.traceFile !== undefined) {
    const traceFile = o.traceFile;
    const t0 = performance.now();
    let rest = '';
    child.stdout.on('data', (chunk: Buffer) => {
      const lines = (rest + chunk.toString()).split('\n');
      rest = lines.pop()!;
      const at = ((performance.now() - t0) / 1000).toFixed(1);
      appendFileSync(traceFile, lines.map((l) => `${at} ${l}\n`).join(''));
    });
  }
  return {
    pid: child.pid!,
    child,
    counts: () => ({ proxies, voiceFrames, progressExports: exports.answered }),
    stop: async () => {
      clearInterval(frames);
      child.kill('SIGTERM');
      await new Promise((r) => (child.exitCode !== null ? r(null) : child.once('exit', r)));
      await game.close('bench done').catch(() => undefined);
    },
  };
}

/** One process's figures over a window. */
export interface WindowFigures {
  /** utime + stime over the window, % of one core. */
  cpuPct: number;
  /** RSS at the end, the highest and the mean of the 1 s samples (the mean is steadier: a heap's
   * growth between two full collections moves the end sample by ± 2 MB). */
  rssMb: number;
  rssMaxMb: number;
  rssMeanMb: number;
  /** The main thread's voluntary context switches a second (mainThreadWakes). */
  wakesPerS: number;
  split: { anonMb: number; fileMb: number; shmemMb: number };
  /** The same RSS by mapping (bench/rss-map.ts); only for the processes asked. */
  map?: RssMap;
}

/** What windowMedians reports of each window, and where it takes it from. */
const WINDOW_FIGURES = {
  cpu_pct: (w: WindowFigures) => w.cpuPct,
  rss_mb: (w: WindowFigures) => w.rssMb,
  rss_max_mb: (w: WindowFigures) => w.rssMaxMb,
  rss_mean_mb: (w: WindowFigures) => w.rssMeanMb,
  rss_anon_mb: (w: WindowFigures) => w.split.anonMb,
  rss_file_mb: (w: WindowFigures) => w.split.fileMb,
  rss_shmem_mb: (w: WindowFigures) => w.split.shmemMb,
  wakes_per_s: (w: WindowFigures) => w.wakesPerS,
} as const;

/** One process's figures over the repetitions' windows, each the median (2 decimals), under
 * `<name>_cpu_pct`, `<name>_rss_mb` and the rest of WINDOW_FIGURES' keys. */
export function windowMedians<N extends string>(name: N, windows: readonly WindowFigures[]): Record<`${N}_${keyof typeof WINDOW_FIGURES}`, number> {
  return Object.fromEntries(Object.entries(WINDOW_FIGURES).map(([key, pick]) => [`${name}_${key}`, +median(windows.map(pick)).toFixed(2)])) as Record<
    `${N}_${keyof typeof WINDOW_FIGURES}`,
    number
  >;
}

/** Measures the processes over the same measureS seconds (RSS sampled each second); `mapped`
 * names those whose RSS is also read by mapping at the end, with the path of their node binary
 * (rssMap). Throws when one ends meanwhile. */
export async function measureWindow<K extends string>(
  pids: Record<K, number>,
  measureS: number,
  mapped: Partial<Record<K, string>> = {},
): Promise<Record<K, WindowFigures>> {
  const keys = Object.keys(pids) as K[];
  const stat = (k: K): ReturnType<typeof procStat> => procStat(pids[k], k);
  const a = new Map(
    keys.map((k) => {
      const stat0 = stat(k);
      return [k, { stat: stat0, wakes: mainThreadWakes(pids[k]), rssMax: stat0.rssMb, rssSum: 0 }];
    }),
  );
  for (let s = 0; s < measureS; s++) {
    await sleep(1000);
    for (const k of keys) {
      const x = a.get(k)!;
      const rss = stat(k).rssMb;
      x.rssMax = Math.max(x.rssMax, rss);
      x.rssSum += rss;
    }
  }
  const out = {} as Record<K, WindowFigures>;
  for (const k of keys) {
    const x = a.get(k)!;
    const b = stat(k);
    out[k] = {
      cpuPct: ((b.cpuS - x.stat.cpuS) / measureS) * 100,
      rssMb: b.rssMb,
      rssMaxMb: x.rssMax,
      rssMeanMb: x.rssSum / measureS,
      wakesPerS: (mainThreadWakes(pids[k]) - x.wakes) / measureS,
      split: rssSplit(pids[k]),
      ...(mapped[k] !== undefined ? { map: rssMap(pids[k], mapped[k]) } : {}),
    };
  }
  return out;
}
