// bench:server — one tick of the dedicated server (workload: docs/benchmarks.md#benchserver).
// Prints a table and writes bench/results/server.json. One core, no workers. Median of 3 reps.
// tick_p50/p99 are CPU time per tick (process.cpuUsage): other processes share this machine's two
// cores, and preemption by them is not the server's cost; wall-clock figures are reported too.
import { mkdirSync } from 'node:fs';
import { writeFileAtomicSync } from '../src/util/atomic-file.js';
import os from 'node:os';
import RBush from 'rbush';
import { World } from '../src/server/world.js';
import { NpcSim } from '../src/server/npc-sim.js';
import { TickPipeline, type TickClient } from '../src/server/tick-pipeline.js';
import { InterestState } from '../src/server/interest.js';
import { ClientSnapshots } from '../src/server/snapshot-writer.js';
import { SpatialGrid } from '../src/server/spatial-grid.js';
import { seededRandom, gaussian, type Rng } from '../src/util/random.js';
import { EntityKind } from '../src/protocol/schema.gen.js';
import { encodeFullState } from '../src/protocol/codec.js';
import { INTEREST_RADIUS_M } from '../src/protocol/constants.js';

const WORLD_M = 4000;
const GROUP_SIZE = 4;
const CLUSTER_SIGMA_M = 60;
const CLUSTERED_FRACTION = 0.8;
const NPC_FRACTION = 0.7;
const AVATAR_SPEED_MPS = 5;
const AVATAR_LEASH_M = 80;
const TICK_MS = 25;
const ACK_LAG_TICKS = 3; // clients ack what they got ~75 ms ago (a LAN round trip plus a frame)
const WARMUP_TICKS = 100;
const MEASURED_TICKS = 300;
const REPS = Number(process.env.SERVER_BENCH_REPS ?? 3);
/** A host with 8 players at the city density of 256 clients × 10,000 entities (≈ 39 entities a player). */
const HOST_PLAYERS = 8;
const HOST_ENTITIES = Math.round((10_000 * HOST_PLAYERS) / 256);
/** Per message on the wire beside its bytes: IPv4 + UDP headers 28, ENet header 4, command header ≤ 8 (one datagram each: an upper bound). */
const WIRE_OVERHEAD_BYTES = 28 + 4 + 8;

interface BenchClient extends TickClient {
  heading: number;
  homeX: number;
  homeY: number;
}

function buildWorld(nClients: number, nEntities: number, seed: number) {
  const rng = seededRandom(seed);
  const world = new World();
  const sim = new NpcSim(world, rng);
  const groups: [number, number][] = [];
  for (let g = 0; g < Math.ceil(nClients / GROUP_SIZE); g++) groups.push([rng() * WORLD_M, rng() * WORLD_M]);
  for (let i = 0; i < nEntities; i++) {
    let x: number, y: number;
    if (rng() < CLUSTERED_FRACTION) {
      const [gx, gy] = groups[Math.floor(rng() * groups.length)];
      x = gx + gaussian(rng) * CLUSTER_SIGMA_M;
      y = gy + gaussian(rng) * CLUSTER_SIGMA_M;
    } else {
      x = rng() * WORLD_M;
      y = rng() * WORLD_M;
    }
    if (rng() < NPC_FRACTION) sim.addNpc(x, y);
    else sim.addVehicle(x, y);
  }
  const clients: BenchClient[] = [];
  for (let c = 0; c < nClients; c++) {
    const [gx, gy] = groups[Math.floor(c / GROUP_SIZE)];
    const x = gx + (rng() - 0.5) * 20,
      y = gy + (rng() - 0.5) * 20;
    const avatarId = world.spawn(EntityKind.KIND_AVATAR, { x, y, z: 0, yaw: 0, vx: 0, vy: 0, vz: 0 }, `p${c}`, c + 1);
    clients.push({ avatarId, interest: new InterestState(), snaps: new ClientSnapshots(), inWorld: true, heading: rng() * 6.28, homeX: gx, homeY: gy });
  }
  return { world, sim, clients, rng };
}

function moveAvatars(world: World, clients: BenchClient[], rng: Rng, dtS: number): void {
  for (const c of clients) {
    const id = c.avatarId;
    const dx = c.homeX - world.x[id],
      dy = c.homeY - world.y[id];
    c.heading = dx * dx + dy * dy > AVATAR_LEASH_M ** 2 ? Math.atan2(dy, dx) : c.heading + (rng() - 0.5) * 0.4;
    const vx = Math.cos(c.heading) * AVATAR_SPEED_MPS,
      vy = Math.sin(c.heading) * AVATAR_SPEED_MPS;
    world.setPose(id, { x: world.x[id] + vx * dtS, y: world.y[id] + vy * dtS, z: 0, yaw: c.heading, vx, vy, vz: 0 });
  }
}

const pct = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};
const median = (xs: number[]): number => pct(xs, 50);

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

/** Grid vs rbush vs plain scan on the same moving workload: (moves + queries) per second. */
function spatialRun(seed: number) {
  const ROUNDS = 30;
  const { world, sim, clients } = buildWorld(256, 10_000, seed);
  const n = world.idLimit;
  const frames: Float64Array[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    sim.step(TICK_MS / 1000);
    frames.push(Float64Array.from({ length: 2 * n }, (_, i) => (i % 2 ? world.y[i >> 1] : world.x[i >> 1])));
  }
  const qs = clients.map((c) => [world.x[c.avatarId], world.y[c.avatarId]] as const);
  const ids: number[] = [];
  for (let id = 1; id < n; id++) if (world.isAlive(id)) ids.push(id);
  const ops = ROUNDS * (ids.length + qs.length);
  const R = INTEREST_RADIUS_M,
    out: number[] = [];
  let check = 0;
  const timeIt = (fn: () => void): number => {
    const t0 = performance.now();
    fn();
    return ops / ((performance.now() - t0) / 1000);
  };

  const gridOps = (half: number) => {
    const g = new SpatialGrid({ halfExtentM: half });
    for (const id of ids) g.add(id, frames[0][2 * id], frames[0][2 * id + 1]);
    return timeIt(() => {
      for (const f of frames) {
        for (const id of ids) g.move(id, f[2 * id], f[2 * id + 1]);
        for (const [x, y] of qs) {
          out.length = 0;
          check += g.query(x, y, R, out);
        }
      }
    });
  };
  type Item = { minX: number; minY: number; maxX: number; maxY: number; id: number };
  const rbushOps = () => {
    const tree = new RBush<Item>();
    const items: Item[] = [];
    for (const id of ids) {
      const x = frames[0][2 * id],
        y = frames[0][2 * id + 1];
      items[id] = { minX: x, minY: y, maxX: x, maxY: y, id };
      tree.insert(items[id]);
    }
    return timeIt(() => {
      for (const f of frames) {
        for (const id of ids) {
          const it = items[id];
          tree.remove(it);
          it.minX = it.maxX = f[2 * id];
          it.minY = it.maxY = f[2 * id + 1];
          tree.insert(it);
        }
        for (const [x, y] of qs) {
          out.length = 0;
          for (const it of tree.search({ minX: x - R, minY: y - R, maxX: x + R, maxY: y + R }))
            if ((it.minX - x) ** 2 + (it.minY - y) ** 2 <= R * R) out.push(it.id);
          check += out.length;
        }
      }
    });
  };
  const bruteOps = () => {
    const px = new Float64Array(n),
      py = new Float64Array(n);
    return timeIt(() => {
      for (const f of frames) {
        for (const id of ids) {
          px[id] = f[2 * id];
          py[id] = f[2 * id + 1];
        }
        for (const [x, y] of qs) {
          out.length = 0;
          for (const id of ids) if ((px[id] - x) ** 2 + (py[id] - y) ** 2 <= R * R) out.push(id);
          check += out.length;
        }
      }
    });
  };
  const res = { dense: gridOps(8192), map: gridOps(0), rbush: rbushOps(), brute: bruteOps() };
  if (check < 0) console.log(check);
  return res;
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
]) {
  console.log(`${k.padEnd(40)}${results[k]}`);
}
const machine = {
  load_average_1m: os.loadavg()[0],
  cpu: os.cpus()[0]?.model ?? 'unknown',
  cores: os.cpus().length,
  node: process.version,
  platform: `${os.platform()} ${os.release()}`,
};
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
};
mkdirSync('bench/results', { recursive: true });
writeFileAtomicSync('bench/results/server.json', JSON.stringify({ results, machine, workload, date: new Date().toISOString() }, null, 2));
console.log('\nwrote bench/results/server.json');
