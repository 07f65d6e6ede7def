// bench:e2e — motion on one screen to the other (docs/benchmarks.md "bench:e2e").
// coop-server and two coop-sidecars run as real processes on loopback; this process plays both
// games on the real bridge (game role), so both ends are stamped on one clock. Game A sends its
// transform at 60 Hz; at random moments it lifts its avatar to a new height (a marker) and
// stamps t0; game B stamps t1 when a RemoteEntityStates frame first shows A's avatar at the marker.
// Sidecar B runs with --interp-delay-ms 0: the figure is before the interpolation delay.
// Floor, same run: bridge one-way × 2 + ENet one-way × 2 (half the round trips to a bridge echo
// game and an ENet echo process) + half a tick. 3 repetitions, median.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { openBridge, type Bridge, type Msg } from '../bridge/index.js';
import { listeningPort, testServerArgs } from '../test/helpers/coop-server.js';
import { proc, type Proc } from '../test/helpers/proc.js';
import { TICK_FAST_MS } from '../src/protocol/constants.js';
import { bridgeOneWayMs, enetOneWayMs } from './e2e-floor.js';
import { machineInfo } from './machine.js';

const REPS = Number(process.env.E2E_BENCH_REPS ?? 3);
const MARKERS_PER_REP = Number(process.env.E2E_BENCH_MARKERS ?? 150);
/** Extra coop-sidecar arguments for both sidecars (space-separated), e.g. "--pace native". */
const SIDECAR_ARGS = (process.env.E2E_BENCH_SIDECAR_ARGS ?? '').split(' ').filter(Boolean);
const GAME_FRAME_MS = 1000 / 60;
/** Gap between markers: random in [min, min + spread) so they fall at every phase of the tick. */
const MARKER_GAP_MIN_MS = 150;
const MARKER_GAP_SPREAD_MS = 100;
const MARKER_STEP_M = 0.5;
/** A marker counts as shown once the remote height is within this of it (quantisation is 1 cm). */
const MARKER_MATCH_M = 0.02;
const SETTLE_MS = 1500;

const pct = (xs: number[], q: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
};
const median = (xs: number[]): number => pct(xs, 0.5);
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function transform(entityId: number, x: number, z: number): Msg<'PlayerTransform'> {
  return { entityId, pos: { x, y: 0, z }, rot: { x: 0, y: 0, z: 0, w: 1 }, vel: { x: 0, y: 0, z: 0 } };
}

interface RepResult {
  e2e: number[];
  bridgeOneWayMs: number;
  enetOneWayMs: number;
  floorMs: number;
}

async function oneRep(dir: string, rep: number): Promise<RepResult> {
  const procs: Proc[] = [];
  const bridges: Bridge[] = [];
  try {
    const server = proc(testServerArgs({ dataDir: join(dir, `srv${rep}`) }));
    procs.push(server);
    const port = await listeningPort(server);
    const session = (tag: string): string => `e2e${process.pid}${rep}${tag}`;
    const games = { A: openBridge({ name: session('A'), role: 'game' }), B: openBridge({ name: session('B'), role: 'game' }) };
    bridges.push(games.A, games.B);
    // The games send every frame from the start: a sidecar joins once it has heard its game.
    let zA = 0;
    const frames = setInterval(() => {
      if (games.A.state === 'attached') games.A.send('PlayerTransform', transform(0, 0, zA));
      if (games.B.state === 'attached') games.B.send('PlayerTransform', transform(0, 3, 0));
    }, GAME_FRAME_MS);
    for (const tag of ['A', 'B'] as const) {
      const extra = tag === 'B' ? ['--interp-delay-ms', '0'] : [];
      const sc = proc([
        'src/sidecar/main.ts',
        '--server',
        `127.0.0.1:${port}`,
        '--bridge',
        session(tag),
        '--name',
        tag,
        '--data-dir',
        join(dir, `id${tag}`),
        '--log-level',
        'warn',
        ...extra,
        ...SIDECAR_ARGS,
      ]);
      procs.push(sc);
      await sc.line(/joined as peer/);
    }
    // A's avatar is the proxy B spawned (the only other player here).
    let avatar = -1;
    games.B.on('SpawnProxy', (m) => {
      if (m.kind === 0) avatar = m.entityId;
    });
    let pending: { z: number; t0: number } | null = null;
    const e2e: number[] = [];
    games.B.on('RemoteEntityStates', (m) => {
      if (pending === null) return;
      const s = m.states.find((e) => e.entityId === avatar);
      if (s && Math.abs(s.pos.z - pending.z) <= MARKER_MATCH_M) {
        e2e.push(performance.now() - pending.t0);
        pending = null;
      }
    });
    await sleep(SETTLE_MS);
    if (avatar < 0) throw new Error('game B never got a proxy for A');
    for (let k = 0; k < MARKERS_PER_REP; k++) {
      await sleep(MARKER_GAP_MIN_MS + Math.random() * MARKER_GAP_SPREAD_MS);
      zA = (k % 2 === 0 ? 1 : 2) * MARKER_STEP_M;
      pending = { z: zA, t0: performance.now() };
      games.A.send('PlayerTransform', transform(0, 0, zA));
    }
    await sleep(MARKER_GAP_MIN_MS);
    clearInterval(frames);
    for (const p of procs.slice(1).reverse()) await p.stop();
    const bridgeMs = await bridgeOneWayMs(`e2ef${process.pid}${rep}`);
    const enetMs = await enetOneWayMs();
    return { e2e, bridgeOneWayMs: bridgeMs, enetOneWayMs: enetMs, floorMs: 2 * bridgeMs + 2 * enetMs + TICK_FAST_MS / 2 };
  } finally {
    for (const p of procs.reverse()) await p.stop().catch(() => undefined);
    for (const b of bridges) await b.close('bench done').catch(() => undefined);
  }
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(os.tmpdir(), 'coop-e2e-bench-'));
  const reps: RepResult[] = [];
  const load: number[] = [os.loadavg()[0]];
  for (let r = 0; r < REPS; r++) {
    reps.push(await oneRep(dir, r));
    load.push(os.loadavg()[0]);
    const last = reps[reps.length - 1];
    console.error(`rep ${r + 1}/${REPS}: ${last.e2e.length} markers, p50 ${median(last.e2e).toFixed(2)} ms, floor ${last.floorMs.toFixed(2)} ms`);
  }
  const results = {
    e2e_ms_p50: +median(reps.map((r) => median(r.e2e))).toFixed(2),
    e2e_ms_p99: +median(reps.map((r) => pct(r.e2e, 0.99))).toFixed(2),
    e2e_floor_ms: +median(reps.map((r) => r.floorMs)).toFixed(2),
    bridge_one_way_ms: +median(reps.map((r) => r.bridgeOneWayMs)).toFixed(3),
    enet_one_way_ms: +median(reps.map((r) => r.enetOneWayMs)).toFixed(3),
    half_tick_ms: TICK_FAST_MS / 2,
    markers: reps.map((r) => r.e2e.length),
  };
  const out = {
    benchmark: 'bench:e2e',
    results,
    over_floor_ms: { p50: +(results.e2e_ms_p50 - results.e2e_floor_ms).toFixed(2), p99: +(results.e2e_ms_p99 - results.e2e_floor_ms).toFixed(2) },
    goal: { p50: 'floor + 2 ms', p99: `floor + one tick (${TICK_FAST_MS} ms)` },
    repetitions: REPS,
    runs: reps.map((r) => ({ p50: median(r.e2e), p99: pct(r.e2e, 0.99), floor: r.floorMs, bridge: r.bridgeOneWayMs, enet: r.enetOneWayMs })),
    workload: {
      markers_per_rep: MARKERS_PER_REP,
      game_frame_ms: GAME_FRAME_MS,
      sidecar_b_interp_delay_ms: 0,
      sidecar_args: SIDECAR_ARGS.join(' '),
      server: 'coop-server --npcs 0 --vehicles 0, 40 Hz',
      marker_gap_ms: [MARKER_GAP_MIN_MS, MARKER_GAP_MIN_MS + MARKER_GAP_SPREAD_MS],
    },
    load_average_1m: load,
    machine: machineInfo(),
    date: new Date().toISOString(),
  };
  mkdirSync('bench/results', { recursive: true });
  writeFileSync('bench/results/e2e.json', `${JSON.stringify(out, null, 2)}\n`);
  console.log(
    `e2e_ms_p50 ${results.e2e_ms_p50}  e2e_ms_p99 ${results.e2e_ms_p99}  e2e_floor_ms ${results.e2e_floor_ms} (bridge ${results.bridge_one_way_ms} × 2 + enet ${results.enet_one_way_ms} × 2 + ${results.half_tick_ms})`,
  );
  console.log(
    `over floor: p50 +${out.over_floor_ms.p50} ms, p99 +${out.over_floor_ms.p99} ms; load ${load.map((l) => l.toFixed(1)).join(' ')}; median of ${REPS}`,
  );
  process.exit(0);
}

await main();
