// bench:sync — story sync over a simulated internet path (docs/benchmarks.md, "sync"):
// coop-server and three sidecars as processes, three headless games (SimHost) in this process,
// each sidecar behind its own DelayLink (one-way 20 / 40 / 60 ms, exponential jitter, 1 % loss
// each way), each game and sidecar on a clock offset by a known amount. Measured per repetition:
// the clock error of every game's server-time answers against the truth, the spread of the
// three games' scene times at one true instant while a cutscene plays, and chooser's pick →
// every game advanced. A second run adds a fixed 10 ms to every uplink (asymmetry). Each key is
// the median over REPS repetitions of a per-repetition p95, beside its floors from the same run.
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { SimHost } from '../src/sim/host.js';
import { parseScenario } from '../src/sim/scenario.js';
import { runStep } from '../src/sim/actions.js';
import { sceneTimeAt } from '../src/sim/scene.js';
import { machineClock, offsetClock } from '../src/util/clock.js';
import { seededRandom } from '../src/util/random.js';
import type { LogLine } from '../src/sim/log.js';
import { testServerArgs } from '../test/helpers/coop-server.js';
import { DelayLink, type LinkParams } from './sync-link.js';

const REPS = 3;
const TICK_MS = 25;
const BASE_DELAYS_MS = [20, 40, 60];
const ASYM_MS = 10;
const LINK: Omit<LinkParams, 'upMs' | 'downMs'> = { jitterMeanMs: 2, jitterMaxMs: 20, loss: 0.01 };
const OFFSETS_MS = [123_456.7, -98_765.4, 5_000.25];
const NAMES = ['V', 'Judy', 'Panam'];
const FRAME_60FPS_MS = 1000 / 60;
const CLOCK_SAMPLE_MS = 3_000,
  CLOCK_EVERY_MS = 100;
const CINE_SAMPLE_MS = 4_000,
  CINE_EVERY_MS = 20;
const HUBS_PER_REP = 30;
const WAIT_MS = 30_000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const pct = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? NaN;
};
const median = (xs: number[]) => pct(xs, 0.5);
async function until(cond: () => boolean, what: string, ms = WAIT_MS): Promise<void> {
  for (let t = 0; t < ms && !cond(); t += 5) await sleep(5);
  if (!cond()) throw new Error(`bench:sync timed out waiting for ${what}`);
}

interface Child {
  child: ChildProcess;
  lines: string[];
  err: string;
}
function node(args: string[]): Child {
  const child = spawn(process.execPath, ['--import', 'tsx', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const c: Child = { child, lines: [], err: '' };
  createInterface({ input: child.stdout! }).on('line', (l) => c.lines.push(l));
  child.stderr!.on('data', (d: Buffer) => {
    c.err += d.toString();
  });
  return c;
}

interface Player {
  name: string;
  off: number;
  host: SimHost;
  lines: LogLine[];
  sidecar: Child;
  link: DelayLink;
}
const act = (p: Player, step: Record<string, unknown>) => runStep({ at: 0, ...step } as never, p.host.context);
const inbound = (p: Player, type: string) => p.lines.filter((l) => l.dir === 'in' && l.type === type);

async function setup(dir: string, asymMs: number): Promise<{ players: Player[]; stop: () => Promise<void> }> {
  const server = node(testServerArgs({ dataDir: join(dir, 'server'), extra: ['--fixed-tick', '--tick-ms', String(TICK_MS)] }));
  await until(() => server.lines.some((l) => /listening on udp/.test(l)), `coop-server (${server.err})`);
  const port = Number(/:(\d+) session/.exec(server.lines.find((l) => /listening on udp/.test(l))!)![1]);
  const rng = seededRandom(asymMs + 1);
  const players: Player[] = [];
  for (let i = 0; i < 3; i++) {
    const link = await DelayLink.open({ address: '127.0.0.1', port }, { ...LINK, upMs: BASE_DELAYS_MS[i]! + asymMs, downMs: BASE_DELAYS_MS[i]! }, rng);
    const session = `bs${process.pid}${i}${asymMs}`;
    const lines: LogLine[] = [];
    const host = new SimHost({
      bridge: { name: session, role: 'game' },
      quietFrames: true,
      clock: offsetClock(OFFSETS_MS[i]!),
      log: (l) => lines.push({ ...l, truthMs: machineClock.now() }),
      scenario: parseScenario({
        name: NAMES[i],
        steps: [
          {
            at: 0,
            do: 'walk',
            path: [
              [i * 3, 0, 0],
              [i * 3, 0.01, 0],
            ],
            speedMps: 0.001,
            hz: 10,
          },
        ],
      }),
    });
    const sidecar = node([
      'src/sidecar/main.ts',
      '--server',
      `127.0.0.1:${link.port}`,
      '--bridge',
      session,
      '--name',
      NAMES[i]!,
      '--data-dir',
      join(dir, `id-${i}`),
      '--log-level',
      'warn',
      `--clock-offset-ms=${OFFSETS_MS[i]}`,
    ]);
    players.push({ name: NAMES[i]!, off: OFFSETS_MS[i]!, host, lines, sidecar, link });
  }
  for (const p of players) await until(() => p.sidecar.lines.some((l) => /joined as peer/.test(l)), `${p.name} joining (${p.sidecar.err})`);
  // let every clock fill its window (fast probes) and every avatar reach every game
  await sleep(3_000);
  return {
    players,
    stop: async () => {
      for (const p of players) p.sidecar.child.kill('SIGINT');
      await sleep(1_000);
      for (const p of players) {
        await p.host.stop('bench over').catch(() => undefined);
        p.link.close();
      }
      server.child.kill('SIGINT');
      await sleep(500);
      for (const c of [server, ...players.map((p) => p.sidecar)]) if (c.child.exitCode === null) c.child.kill('SIGKILL');
    },
  };
}

/** |server time answered − true server time| for every reply within the sampling window. */
async function clockErrors(players: Player[]): Promise<{ errors: number[]; bounds: number[] }> {
  const errors: number[] = [],
    bounds: number[] = [];
  const seen = players.map((p) => inbound(p, 'ServerTimeReply').length);
  let id = 1;
  for (let t = 0; t < CLOCK_SAMPLE_MS; t += CLOCK_EVERY_MS) {
    for (const p of players) await act(p, { do: 'serverTime', requestId: id++ });
    await sleep(CLOCK_EVERY_MS);
  }
  await sleep(200);
  players.forEach((p, i) => {
    for (const l of inbound(p, 'ServerTimeReply').slice(seen[i])) {
      const m = l.msg as { serverTimeMs: number; localTimeMs: number; errorBoundMs: number; synced: boolean };
      if (!m.synced) continue;
      errors.push(Math.abs(m.serverTimeMs - (m.localTimeMs - p.off))); // the server's story clock is the machine's
      bounds.push(m.errorBoundMs);
    }
  });
  return { errors, bounds };
}

/** Largest difference between the games' scene times at one true instant, sampled while it plays. */
async function cineDrift(players: Player[], rep: number): Promise<number[]> {
  const owner = players[rep % 3]!;
  await act(owner, { do: 'cinematic', sceneId: 'q003_deal_maelstrom', timeS: 0 });
  await until(() => players.every((p) => !Number.isNaN(sceneTimeAt(p.host.context, machineClock.now() + p.off))), 'every game playing the scene');
  const spreads: number[] = [];
  for (let t = 0; t < CINE_SAMPLE_MS; t += CINE_EVERY_MS) {
    const truth = machineClock.now();
    const times = players.map((p) => sceneTimeAt(p.host.context, truth + p.off));
    spreads.push(Math.max(...times) - Math.min(...times));
    await sleep(CINE_EVERY_MS);
  }
  await act(owner, { do: 'endCinematic', skipped: true });
  await until(() => players.every((p) => Number.isNaN(sceneTimeAt(p.host.context, machineClock.now() + p.off))), 'the scene ended everywhere');
  return spreads;
}

/** Chooser's pick (true time) → the last game's DialogueAdvance (true time), per hub. */
async function dialogAdvance(players: Player[], rep: number): Promise<number[]> {
  const out: number[] = [];
  for (let k = 0; k < HUBS_PER_REP; k++) {
    const chooser = players[k % 3]!;
    const conversationId = 1000 * (rep + 1) + k;
    await act(chooser, { do: 'dialogue', conversationId, hubId: 1, choices: ['Yes.', 'No.', '[Leave]'] });
    const others = players.filter((p) => p !== chooser);
    await until(
      () => others.every((p) => inbound(p, 'DialogueWheelRemote').some((l) => (l.msg as { conversationId: number }).conversationId === conversationId)),
      'the wheel everywhere',
    );
    const advanced = (p: Player) => inbound(p, 'DialogueAdvance').find((l) => (l.msg as { conversationId: number }).conversationId === conversationId);
    const t0 = machineClock.now();
    await act(chooser, { do: 'pick', conversationId, hubId: 1, choiceIndex: k % 3 });
    await until(() => players.every((p) => advanced(p)), 'every game advanced');
    out.push(Math.max(...players.map((p) => advanced(p)!.truthMs as number)) - t0);
    await act(chooser, { do: 'endDialogue', conversationId });
  }
  return out;
}

async function run(asymMs: number): Promise<Record<string, number>> {
  const dir = mkdtempSync(join(tmpdir(), 'coop-bench-sync-'));
  const { players, stop } = await setup(dir, asymMs);
  const reps: Record<string, number>[] = [];
  try {
    for (let rep = 0; rep < REPS; rep++) {
      const marks = players.map((p) => ({ up: p.link.up.length, down: p.link.down.length }));
      const clock = await clockErrors(players);
      const drift = await cineDrift(players, rep);
      const advance = await dialogAdvance(players, rep);
      // the advance waits for the slowest link: its round trip (realized transit times) is the floor
      const rtt = players.map((p, i) => median(p.link.up.slice(marks[i]!.up)) + median(p.link.down.slice(marks[i]!.down)));
      reps.push({
        clock_offset_error_ms_p95: pct(clock.errors, 0.95),
        clock_error_bound_ms_p50: median(clock.bounds),
        cine_drift_ms_p95: pct(drift, 0.95),
        dialog_advance_ms_p95: pct(advance, 0.95),
        dialog_advance_ms_p50: median(advance),
        link_rtt_ms_p50: Math.max(...rtt),
        link_rtt_fastest_ms_p50: Math.min(...rtt),
        samples_clock: clock.errors.length,
        samples_cine: drift.length,
        samples_dialog: advance.length,
      });
      console.error(`bench:sync ${asymMs ? 'asym' : 'sym'} rep ${rep + 1}/${REPS}: ${JSON.stringify(reps.at(-1))}`);
    }
  } finally {
    await stop();
    rmSync(dir, { recursive: true, force: true });
  }
  const keys = Object.keys(reps[0]!);
  return Object.fromEntries(keys.map((k) => [k, +median(reps.map((r) => r[k]!)).toFixed(3)]));
}

const sym = await run(0);
const asym = await run(ASYM_MS);
const results: Record<string, number | string | boolean> = {
  ...sym,
  tick_ms: TICK_MS,
  frame_60fps_ms: +FRAME_60FPS_MS.toFixed(3),
  dialog_advance_vs_rtt_plus_tick: +(sym.dialog_advance_ms_p95! / (sym.link_rtt_ms_p50! + TICK_MS)).toFixed(3),
  cine_drift_vs_frame: +(sym.cine_drift_ms_p95! / FRAME_60FPS_MS).toFixed(3),
  clock_error_vs_bound: +(sym.clock_offset_error_ms_p95! / sym.clock_error_bound_ms_p50!).toFixed(3),
  goal_clock_error_p95_le_2ms: sym.clock_offset_error_ms_p95! <= 2,
  goal_cine_drift_p95_le_frame: sym.cine_drift_ms_p95! <= FRAME_60FPS_MS,
  goal_dialog_advance_p95_le_rtt_plus_tick: sym.dialog_advance_ms_p95! <= sym.link_rtt_ms_p50! + TICK_MS,
  ...Object.fromEntries(Object.entries(asym).map(([k, v]) => [`${k}_asym`, v])),
  asymmetry_ms: ASYM_MS,
  clock_error_asym_vs_half_asymmetry: +(asym.clock_offset_error_ms_p95! / (ASYM_MS / 2)).toFixed(3),
  repetitions: REPS,
  workload: `3 sidecars behind UDP relays: one-way ${BASE_DELAYS_MS.join('/')} ms + exponential jitter (mean ${LINK.jitterMeanMs} ms, cap ${LINK.jitterMaxMs} ms), ${LINK.loss * 100} % loss each way; asym run: +${ASYM_MS} ms on every uplink; game clocks offset ${OFFSETS_MS.join(', ')} ms`,
};
const machine = { cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length, node: process.version, loadavg_1m_at_end: +loadavg()[0]!.toFixed(2) };
console.table(
  Object.fromEntries(
    Object.entries(results)
      .filter(([k]) => k !== 'workload')
      .map(([k, v]) => [k, { value: v }]),
  ),
);
console.log(machine);
mkdirSync('bench/results', { recursive: true });
writeFileSync('bench/results/sync.json', JSON.stringify({ area: 'sync', date: new Date().toISOString(), machine, results }, null, 2) + '\n');
console.log('wrote bench/results/sync.json');
process.exit(0);
