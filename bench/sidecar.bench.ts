// bench:sidecar — what the sidecar costs beside the game (docs/benchmarks.md "bench:sidecar").
// The sidecar bundle (dist/coop-sidecar.js, as shipped) joins coop-server with a city around it
// (NPCs and vehicles in a 200 m square: ≈ 120 in interest, 40 Hz); this process plays its game on
// the real bridge (transform at 60 Hz, every proxy message taken); a second player (coop-sim +
// its sidecar) stands near and talks half the time (push-to-talk 5 s on, 5 s off), so voice is
// received, decoded and played. Measured: the sidecar's CPU (utime + stime from /proc, % of one
// core) and RSS over MEASURE_S after WARMUP_S. Baseline, same run: the same bundle attached to
// its game with no server to join (an address that never answers). 3 repetitions, median.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { createSocket } from 'node:dgram';
import { join } from 'node:path';
import { openBridge, type Bridge, type Msg } from '../bridge/index.js';
import { proc, type Proc } from '../test/helpers/proc.js';
import { makeSpeech, writeSpeechWav } from '../test/voice/fixtures/speech.js';
import { machineInfo } from './machine.js';

const REPS = Number(process.env.SIDECAR_BENCH_REPS ?? 3);
/** Node/V8 flags for the measured sidecar (space-separated), e.g. to compare heap settings. */
const NODE_FLAGS = (process.env.SIDECAR_BENCH_NODE_FLAGS ?? '').split(' ').filter(Boolean);
const WARMUP_S = Number(process.env.SIDECAR_BENCH_WARMUP_S ?? 5);
const MEASURE_S = Number(process.env.SIDECAR_BENCH_MEASURE_S ?? 30);
/** The baseline's window: an ENet connect that is never answered gives up after ≈ 15–30 s. */
const BASELINE_MEASURE_S = Math.min(MEASURE_S, 8);
const CITY_NPCS = 100;
const CITY_VEHICLES = 40;
const CITY_AREA_M = 200;
const GAME_FRAME_MS = 1000 / 60;
const TALK_ON_MS = 5_000;
const CLK_TCK = 100; // /proc/<pid>/stat times are in clock ticks (USER_HZ, 100 on Linux)
const PAGE_BYTES = 4096;

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** utime + stime in seconds and RSS in MB of a process, from /proc. */
function procStat(pid: number): { cpuS: number; rssMb: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // Fields after the command: state is [0], utime [11], stime [12], rss (pages) [21].
  return { cpuS: (Number(f[11]) + Number(f[12])) / CLK_TCK, rssMb: (Number(f[21]) * PAGE_BYTES) / 1e6 };
}

function transform(x: number): Msg<'PlayerTransform'> {
  return { entityId: 0, pos: { x, y: 0, z: 0 }, rot: { x: 0, y: 0, z: 0, w: 1 }, vel: { x: 0, y: 0, z: 0 } };
}

/** voiceFrames: VoicePlayback frames the game got per second. */
interface Measured {
  cpuPct: number;
  rssMb: number;
  rssMaxMb: number;
  proxies: number;
  voiceFrames: number;
}

/** Runs the sidecar bundle for its game until measured; `server` null = the no-server baseline. */
async function measureSidecar(dir: string, tag: string, server: string, measureS: number): Promise<Measured> {
  const session = `sb${process.pid}${tag}`;
  const game: Bridge = openBridge({ name: session, role: 'game' });
  let proxies = 0,
    voiceFrames = 0;
  game.on('SpawnProxy', () => proxies++);
  game.on('DespawnProxy', () => proxies--);
  game.on('VoicePlayback', () => voiceFrames++);
  const frames = setInterval(() => {
    if (game.state === 'attached') game.send('PlayerTransform', transform(0));
  }, GAME_FRAME_MS);
  const child: ChildProcess = spawn(
    process.execPath,
    [...NODE_FLAGS, 'dist/coop-sidecar.js', '--server', server, '--bridge', session, '--name', tag, '--data-dir', join(dir, `id${tag}`), '--log-level', 'warn'],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  );
  try {
    await sleep(WARMUP_S * 1000);
    if (child.exitCode !== null) throw new Error(`sidecar ${tag} exited (${child.exitCode}) during warm-up`);
    const a = procStat(child.pid!);
    const v0 = voiceFrames;
    let rssMax = a.rssMb;
    for (let s = 0; s < measureS; s++) {
      await sleep(1000);
      rssMax = Math.max(rssMax, procStat(child.pid!).rssMb);
    }
    const b = procStat(child.pid!);
    if (child.exitCode !== null) throw new Error(`sidecar ${tag} exited (${child.exitCode}) while measured`);
    return { cpuPct: ((b.cpuS - a.cpuS) / measureS) * 100, rssMb: b.rssMb, rssMaxMb: rssMax, proxies, voiceFrames: (voiceFrames - v0) / measureS };
  } finally {
    clearInterval(frames);
    child.kill('SIGTERM');
    await new Promise((r) => (child.exitCode !== null ? r(null) : child.once('exit', r)));
    await game.close('bench done').catch(() => undefined);
  }
}

async function oneRep(dir: string, rep: number, wav: string, talkMs: number): Promise<{ city: Measured; idle: Measured }> {
  const procs: Proc[] = [];
  // The baseline: nothing answers on this port (a bound socket that never replies).
  const silent = createSocket('udp4');
  await new Promise<void>((r) => silent.bind(0, '127.0.0.1', () => r()));
  try {
    const idle = await measureSidecar(dir, `idle${rep}`, `127.0.0.1:${silent.address().port}`, BASELINE_MEASURE_S);
    const server = proc([
      'src/server/main.ts',
      '--port',
      '0',
      '--host',
      '127.0.0.1',
      '--npcs',
      String(CITY_NPCS),
      '--vehicles',
      String(CITY_VEHICLES),
      '--area-m',
      String(CITY_AREA_M),
      '--data-dir',
      join(dir, `srv${rep}`),
      '--no-dash',
      '--no-console',
      '--log-level',
      'warn',
    ]);
    procs.push(server);
    const port = (await server.line(/listening on udp [^:]+:(\d+)/))[1];
    // The talker: a headless game walking in place beside us, push-to-talk half the time.
    const total = (WARMUP_S + MEASURE_S + 5) * 1000;
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
    for (let t = 1_000; t < total; t += 2 * TALK_ON_MS) steps.push({ at: t, do: 'mic', wav }, { at: t, do: 'ptt', holdMs: Math.min(TALK_ON_MS, talkMs) });
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
    const city = await measureSidecar(dir, `city${rep}`, `127.0.0.1:${port}`, MEASURE_S);
    return { city, idle };
  } finally {
    silent.close();
    for (const p of procs.reverse()) await p.stop().catch(() => undefined);
  }
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(os.tmpdir(), 'coop-sidecar-bench-'));
  const wav = join(dir, 'talk.wav');
  const speech = makeSpeech({ minSeconds: TALK_ON_MS / 1000 });
  writeSpeechWav(wav, speech);
  const talkMs = Math.floor((speech.samples.length / 48_000) * 1000);
  const reps: { city: Measured; idle: Measured }[] = [];
  const load = [os.loadavg()[0]];
  for (let r = 0; r < REPS; r++) {
    reps.push(await oneRep(dir, r, wav, talkMs));
    load.push(os.loadavg()[0]);
    const x = reps[reps.length - 1];
    console.error(
      `rep ${r + 1}/${REPS}: city ${x.city.cpuPct.toFixed(2)} % ${x.city.rssMb.toFixed(1)} MB (${x.city.proxies} proxies, ${x.city.voiceFrames} voice frames); idle ${x.idle.cpuPct.toFixed(2)} % ${x.idle.rssMb.toFixed(1)} MB`,
    );
  }
  const m = (f: (r: { city: Measured; idle: Measured }) => number): number => +median(reps.map(f)).toFixed(2);
  const results = {
    sidecar_cpu_pct: m((r) => r.city.cpuPct),
    sidecar_rss_mb: m((r) => r.city.rssMb),
    sidecar_rss_max_mb: m((r) => r.city.rssMaxMb),
    baseline_cpu_pct: m((r) => r.idle.cpuPct),
    baseline_rss_mb: m((r) => r.idle.rssMb),
    proxies_in_interest: m((r) => r.city.proxies),
    voice_frames_played_per_s: m((r) => r.city.voiceFrames),
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
      baseline: `same bundle and game, server address that never answers, measured over ${BASELINE_MEASURE_S} s (the connect gives up later)`,
      cpu: 'utime+stime from /proc/<pid>/stat over measure_s, % of one core',
    },
    load_average_1m: load,
    machine: machineInfo(),
    date: new Date().toISOString(),
  };
  mkdirSync('bench/results', { recursive: true });
  writeFileSync('bench/results/sidecar.json', `${JSON.stringify(out, null, 2)}\n`);
  console.log(
    `sidecar_cpu_pct ${results.sidecar_cpu_pct} (baseline ${results.baseline_cpu_pct})  sidecar_rss_mb ${results.sidecar_rss_mb} (baseline ${results.baseline_rss_mb}, max ${results.sidecar_rss_max_mb})`,
  );
  console.log(
    `${results.proxies_in_interest} proxies, ${results.voice_frames_played_per_s} voice frames/s; load ${load.map((l) => l.toFixed(1)).join(' ')}; median of ${REPS}`,
  );
  process.exit(0);
}

await main();
