// The city workload of bench:server (docs/benchmarks.md#benchserver), shared by the tick without
// sends (server.bench.ts) and the tick with its ENet sends (tick-send.ts): a 4 km world, clients
// in groups of 4, 70 % NPCs / 30 % vehicles, 80 % clustered around the groups (σ = 60 m).
import { World } from '../src/server/world.js';
import { NpcSim } from '../src/server/npc-sim.js';
import type { TickClient } from '../src/server/tick-pipeline.js';
import { InterestState } from '../src/server/interest.js';
import { ClientSnapshots } from '../src/server/snapshot-writer.js';
import { seededRandom, gaussian, type Rng } from '../src/util/random.js';
import { EntityKind } from '../src/protocol/schema.gen.js';

export const WORLD_M = 4000;
const GROUP_SIZE = 4;
const CLUSTER_SIGMA_M = 60;
const CLUSTERED_FRACTION = 0.8;
const NPC_FRACTION = 0.7;
const AVATAR_SPEED_MPS = 5;
const AVATAR_LEASH_M = 80;
export const TICK_MS = 25;
/** Ticks before measuring, with and without sends (30 s when paced): a server runs for hours,
 * and V8 optimises a function called once a tick only after hundreds of ticks, on a worker thread
 * that shares the server's one core and its CPU time. After 100 ticks p99 was 11.5–11.8 ms (8.8–9.5 after 400); after 400,
 * TurboFan still compiled the tick's avatar moves at tick ≈ 640 (19 ms of a worker thread, inside
 * one measured tick: --trace-opt) and timer and ENet functions until ≈ tick 900. */
export const WARMUP_TICKS = 1200;

export interface BenchClient extends TickClient {
  heading: number;
  homeX: number;
  homeY: number;
}

export function buildWorld(nClients: number, nEntities: number, seed: number) {
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

/** The players' inputs: each avatar walks about its group's spot. */
export function moveAvatars(world: World, clients: BenchClient[], rng: Rng, dtS: number): void {
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

export const pct = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};
export const median = (xs: number[]): number => pct(xs, 50);
