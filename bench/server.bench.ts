// bench:server — one tick of the dedicated server (workload: docs/benchmarks.md#benchserver).
// Prints a table and writes bench/results/server.json. One core, no workers. Median of 3 reps.
// tick_p50/p99 are CPU time per tick (process.cpuUsage): other processes share this machine's two
// cores, and preemption by them is not the server's cost; wall-clock figures are reported too.
import { mkdirSync } from 'node:fs';
import { writeFileAtomicSync } from '../src/util/atomic-file.js';
import os from 'node:os';
import { TickPipeline, type TickClient } from '../src/server/tick-pipeline.js';
import { encodeFullState } from '../src/protocol/codec.js';
import { buildWorld, median, moveAvatars, pct, TICK_MS, WARMUP_TICKS, WORLD_M } from './server-workload.js';
import type { SendRun } from './tick-send.js';
import { proc } from '../test/helpers/proc.js';
import { machineInfo } from './machine.js';
import { spatialRun } from './spatial-compare.js';

const ACK_LAG_TICKS = 3; // clients ack what they got ~75 ms ago (a LAN round trip plus a frame)
const MEASURED_TICKS = 300;
const REPS = Number(process.env.SERVER_BENCH_REPS ?? 3);
/** One send run: 256 clients' set-up (≤ 180 s on a loaded machine) plus 1,500 paced ticks. */
const SEND_RUN_TIMEOUT_MS = 300_000;
/** A host with 8 players at the city density of 256 clients × 10,000 entities (≈ 39 entities a player). */
const HOST_PLAYERS = 8;
const HOST_ENTITIES = Math.round((10_000 * HOST_PLAYERS) / 256);
/** Per message on the wire beside its bytes: IPv4 + UDP headers 28, ENet header 4, command header ≤ 8 (one datagram each: an upper bound). */
const WIRE_OVERHEAD_BYTES = 28 + 4 + 8;

function tickRun(nClients: number, nEntities: number, seed: number, measureFull: boolean) {
  const { world, sim, clients, rng } = buildWorld(nClients, nEntities, seed);
  const pipe = new TickPipeline(world, sim);
  const times: number[] = [],
    walls: number[] = [];
  let interest = 0,
    deltaBytes = 0,
    entities = 0,
    fullBytes = 0,
    fullDeltaBytes = 0;
  let sink = 0,
    measuring = false,
    sentBytes = 0,
    sentMessages = 0;
  const out = (_c: TickClient, _k: string, b: Uint8Array): void => {
    sink += b.length;
    if (measuring) {
      sentBytes += b.length;
      sentMessages++;
    }
  };
  for (let t = 1; t <= WARMUP_TICKS + MEASURED_TICKS; t++) {
    const t0 = performance.now(),
      c0 = process.cpuUsage();
    for (const c of clients) if (t - ACK_LAG_TICKS >= 1) c.snaps.ack(t - ACK_LAG_TICKS);
    moveAvatars(world, clients, rng, TICK_MS / 1000);
    measuring = t > WARMUP_TICKS;
    pipe.run(t, t * TICK_MS, TICK_MS, clients, out);
    const cu = process.cpuUsage(c0);
    const wall = performance.now() - t0;
    if (t <= WARMUP_TICKS) continue;
    times.push((cu.user + cu.system) / 1000);
    walls.push(wall);
    interest += pipe.stats.interestTotal / pipe.stats.clients;
    deltaBytes += pipe.stats.snapshotBytes;
    entities += pipe.stats.interestTotal;
    if (measureFull && t % 20 === 0) {
      for (const c of clients) {
        const ents = c.interest.members.map((id) => ({
          id,
          kind: world.kind[id],
          x: world.x[id],
          y: world.y[id],
          z: world.z[id],
          yaw: world.yaw[id],
          vx: world.vx[id],
          vy: world.vy[id],
          vz: world.vz[id],
        }));
        fullBytes += encodeFullState({ tick: t, entities: ents }).length;
      }
      fullDeltaBytes += pipe.stats.snapshotBytes;
    }
  }
  if (sink < 0) console.log(sink);
  const perClientPerS = 1000 / TICK_MS / MEASURED_TICKS / nClients;
  return {
    uploadBytesPerSPerClient: sentBytes * perClientPerS,
    uploadWireBytesPerSPerClient: (sentBytes + sentMessages * WIRE_OVERHEAD_BYTES) * perClientPerS,
    fullUploadBytesPerSPerClient: fullDeltaBytes ? ((sentBytes * fullBytes) / fullDeltaBytes) * perClientPerS : 0,
    p50: pct(times, 50),
    p99: pct(times, 99),
    wallP50: pct(walls, 50),
    wallP99: pct(walls, 99),
    avgInterest: interest / MEASURED_TICKS,
    bytesPerEntity: deltaBytes / entities,
    fullOverDelta: fullDeltaBytes ? fullBytes / fullDeltaBytes : 0,
  };
}

const configs = (
  process.env.SERVER_BENCH_CONFIGS
    ? JSON.parse(process.env.SERVER_BENCH_CONFIGS)
    : [
        [HOST_PLAYERS, HOST_ENTITIES],
        [64, 1000],
        [64, 10_000],
        [256, 1000],
        [256, 10_000],
      ]
) as [number, number][];
const loadBefore = os.loadavg();
const results: Record<string, number> = {};
const table: string[][] = [['clients', 'entities', 'tick p50 ms', 'tick p99 ms', 'wall p50 ms', 'wall p99 ms', 'avg interest', 'bytes/entity']];
for (const [c, e] of configs) {
  const host = c === HOST_PLAYERS && e === HOST_ENTITIES;
  const reps = Array.from({ length: REPS }, (_, r) => tickRun(c, e, 1000 + r, (c === 256 && e === 10_000) || host));
  if (host) {
    results[`host_upload_bytes_per_s_per_client_${c}c`] = Math.round(median(reps.map((r) => r.uploadBytesPerSPerClient)));
    results[`host_upload_wire_bytes_per_s_per_client_${c}c`] = Math.round(median(reps.map((r) => r.uploadWireBytesPerSPerClient)));
    results[`host_upload_full_state_bytes_per_s_per_client_${c}c`] = Math.round(median(reps.map((r) => r.fullUploadBytesPerSPerClient)));
    results[`host_avg_interest_${c}c`] = +median(reps.map((r) => r.avgInterest)).toFixed(1);
  }
  const key = `${c}c_${e}e`;
  results[`tick_p50_ms_${key}`] = +median(reps.map((r) => r.p50)).toFixed(3);
  results[`tick_p99_ms_${key}`] = +median(reps.map((r) => r.p99)).toFixed(3);
  results[`tick_wall_p50_ms_${key}`] = +median(reps.map((r) => r.wallP50)).toFixed(3);
  results[`tick_wall_p99_ms_${key}`] = +median(reps.map((r) => r.wallP99)).toFixed(3);
  const avgI = median(reps.map((r) => r.avgInterest));
  const bpe = median(reps.map((r) => r.bytesPerEntity));
  if (c === 256 && e === 10_000) {
    results.avg_interest_size_256c_10000e = +avgI.toFixed(1);
    results.snapshot_bytes_per_entity = +bpe.toFixed(2);
    results.snapshot_bytes_ratio_full_over_delta = +median(reps.map((r) => r.fullOverDelta)).toFixed(2);
  }
  table.push([
    String(c),
    String(e),
    results[`tick_p50_ms_${key}`].toFixed(2),
    results[`tick_p99_ms_${key}`].toFixed(2),
    results[`tick_wall_p50_ms_${key}`].toFixed(2),
    results[`tick_wall_p99_ms_${key}`].toFixed(2),
    avgI.toFixed(1),
    bpe.toFixed(2),
  ]);
}
const sp = Array.from({ length: REPS }, (_, r) => spatialRun(2000 + r));
const m = (k: 'dense' | 'map' | 'rbush' | 'brute') => median(sp.map((s) => s[k]));
results.grid_ops_per_s = Math.round(m('dense'));
results.grid_map_cells_ops_per_s = Math.round(m('map'));
results.rbush_ops_per_s = Math.round(m('rbush'));
results.bruteforce_ops_per_s = Math.round(m('brute'));
results.grid_vs_rbush_speedup = +median(sp.map((s) => s.dense / s.rbush)).toFixed(2);
results.grid_vs_bruteforce_speedup = +median(sp.map((s) => s.dense / s.brute)).toFixed(2);
results.grid_dense_vs_map_cells_speedup = +median(sp.map((s) => s.dense / s.map)).toFixed(2);

// The tick with its ENet sends to real peers in another process (tick-send.ts), 256 × 10,000,
// each run in a fresh process (tick-send-run.ts), as a server holds one world.
async function tickSendRunAlone(clients: number, entities: number, seed: number, batchSends: boolean): Promise<SendRun> {
  const p = proc(['bench/tick-send-run.ts', JSON.stringify({ clients, entities, seed, batchSends })], { name: 'tick-send-run' });
  const line = await p.jsonLine((l) => 'sendRun' in l, SEND_RUN_TIMEOUT_MS);
  await p.exited;
  return line.sendRun as SendRun;
}
const SEND_CONFIG: [number, number] = [256, 10_000];
if (process.env.SERVER_BENCH_SEND !== '0') {
  const [c, e] = SEND_CONFIG;
  const key = `${c}c_${e}e`;
  const runs: SendRun[] = [];
  for (let r = 0; r < REPS; r++) runs.push(await tickSendRunAlone(c, e, 1000 + r, true));
  // Baseline in the same run: one run whose datagrams leave one dgram send each (no sendmmsg).
  const unbatched = await tickSendRunAlone(c, e, 1000, false);
  const m = (f: (r: SendRun) => number, digits = 3): number => +median(runs.map(f)).toFixed(digits);
  results[`tick_with_send_p50_ms_${key}`] = m((r) => r.p50);
  results[`tick_with_send_p99_ms_${key}`] = m((r) => r.p99);
  results[`tick_with_send_wall_p50_ms_${key}`] = m((r) => r.wallP50);
  results[`tick_with_send_wall_p99_ms_${key}`] = m((r) => r.wallP99);
  results[`send_flush_p50_ms_${key}`] = m((r) => r.flushP50);
  results[`send_flush_p99_ms_${key}`] = m((r) => r.flushP99);
  results[`send_flush_p50_ms_unbatched_${key}`] = +unbatched.flushP50.toFixed(3);
  results[`tick_with_send_p50_ms_unbatched_${key}`] = +unbatched.p50.toFixed(3);
  results[`tick_with_send_p99_ms_unbatched_${key}`] = +unbatched.p99.toFixed(3);
  results[`send_flush_unbatched_over_batched_p50_${key}`] = +(unbatched.flushP50 / results[`send_flush_p50_ms_${key}`]).toFixed(2);
  results[`server_cpu_ms_per_tick_with_receive_${key}`] = m((r) => r.cpuPerTickAll);
  results[`send_datagrams_per_tick_${key}`] = m((r) => r.datagramsPerTick, 1);
  results[`snapshots_sent_per_s_${key}`] = m((r) => r.snapshotsSentPerS, 0);
  results[`snapshots_received_per_s_${key}`] = m((r) => r.snapshotsReceivedPerS, 0);
  results[`snapshots_received_over_sent_${key}`] = m((r) => r.receivedOverSent, 4);
  results[`datagrams_received_over_sent_${key}`] = m((r) => r.datagramsReceivedOverSent, 4);
  results[`clients_process_cpu_pct_${key}`] = m((r) => r.clientsCpuPct, 1);
  results[`snapshots_decoded_by_clients_${key}`] = m((r) => r.decoded, 0);
  results[`snapshots_rejected_by_clients_${key}`] = Math.max(...runs.map((r) => r.rejected));
  results[`acks_never_sent_${key}`] = Math.max(...runs.map((r) => r.acksNeverSent));
  results[`client_disconnects_${key}`] = Math.max(...runs.map((r) => r.disconnects));
  results[`send_run_server_and_clients_on_own_cores_${key}`] = runs.every((r) => r.pinned) ? 1 : 0;
  results[`send_snapshot_bytes_per_entity_${key}`] = m((r) => r.bytesPerEntity, 2);
  const base = results[`tick_p99_ms_${key}`];
  if (base) results[`tick_with_send_over_tick_p99_${key}`] = +(results[`tick_with_send_p99_ms_${key}`] / base).toFixed(2);
  table.push([
    `${c} +send`,
    String(e),
    results[`tick_with_send_p50_ms_${key}`].toFixed(2),
    results[`tick_with_send_p99_ms_${key}`].toFixed(2),
    results[`tick_with_send_wall_p50_ms_${key}`].toFixed(2),
    results[`tick_with_send_wall_p99_ms_${key}`].toFixed(2),
    m((r) => r.avgInterest, 1).toFixed(1),
    results[`send_snapshot_bytes_per_entity_${key}`].toFixed(2),
  ]);
}

for (const row of table) console.log(row.map((v) => v.padStart(13)).join(''));
console.log('');
for (const k of [
  'grid_ops_per_s',
  'grid_map_cells_ops_per_s',
  'rbush_ops_per_s',
  'bruteforce_ops_per_s',
  'grid_vs_rbush_speedup',
  'grid_vs_bruteforce_speedup',
  'grid_dense_vs_map_cells_speedup',
  'snapshot_bytes_per_entity',
  'snapshot_bytes_ratio_full_over_delta',
  'avg_interest_size_256c_10000e',
  ...Object.keys(results).filter((k) => k.startsWith('host_')),
  ...Object.keys(results).filter((k) => !k.startsWith('host_') && /send|snapshots_|acks_never|server_cpu|datagrams_|client/.test(k)),
]) {
  console.log(`${k.padEnd(52)}${results[k]}`);
}
const machine = { ...machineInfo(), load_average_1m_before: +loadBefore[0].toFixed(2), load_average_1m: +os.loadavg()[0].toFixed(2) };
const workload = {
  world_m: WORLD_M,
  tick_ms: TICK_MS,
  ack_lag_ticks: ACK_LAG_TICKS,
  warmup_ticks: WARMUP_TICKS,
  measured_ticks: MEASURED_TICKS,
  reps: REPS,
  statistic: 'median of reps',
  tick_time: 'tick_p50/p99 = process CPU time (user+sys) per tick, so a noisy shared machine does not count other processes; tick_wall_* = wall clock',
  host: `${HOST_PLAYERS} players, ${HOST_ENTITIES} entities (the 256c × 10,000e density); upload = snapshot + interest messages per client per second; wire adds ${WIRE_OVERHEAD_BYTES} B a message (IPv4/UDP, ENet header and command); full_state = the same with full-state protobuf snapshots`,
  tick_includes:
    'avatar inputs, npc/vehicle sim + grid moves, quantise, interest query+diff, InterestAdd/Remove encode, snapshot delta + envelope encode (no socket send)',
  tick_with_send:
    'the same tick at 256c × 10,000e, paced every 25 ms, plus every message queued on its ENet peer as coop-server sends it (snapshots unreliable on channel 1, interest reliable on channel 0) and host.flush(): datagrams built and sent by sendto on 127.0.0.1 to 256 ENet client hosts in another process (bench/tick-clients.ts) that acknowledge as sidecars do; acks are taken between ticks (server_cpu_ms_per_tick_with_receive counts them); ENet throttle deceleration 0 so that every snapshot is sent',
};
mkdirSync('bench/results', { recursive: true });
writeFileAtomicSync('bench/results/server.json', JSON.stringify({ results, machine, workload, date: new Date().toISOString() }, null, 2));
console.log('\nwrote bench/results/server.json');
