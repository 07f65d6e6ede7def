// A client's snapshots in the city workload of bench:sidecar (bench/sidecar-city.ts: 100 NPCs and
// 40 vehicles in a 200 m square, ≈ 110 in interest), written by the server's own SnapshotWriter
// at 40 Hz, each a delta against the newest tick the client acked (acks arriving ACK_DELAY_TICKS
// later). For bench:snapshot and the snapshot fuzz tests (their corpus).
import { World } from '../../src/server/world.js';
import { NpcSim } from '../../src/server/npc-sim.js';
import { InterestManager, InterestState } from '../../src/server/interest.js';
import { ClientSnapshots, SnapshotWriter } from '../../src/server/snapshot-writer.js';
import { seededRandom } from '../../src/util/random.js';
import { EntityKind } from '../../src/protocol/schema.gen.js';

export const CITY_NPCS = 100;
export const CITY_VEHICLES = 40;
export const CITY_AREA_M = 200;
const TICK_MS = 25;
/** Round trip of a snapshot and its ack, in ticks (≈ 50 ms). */
const ACK_DELAY_TICKS = 2;

export interface CitySnapshot {
  tick: number;
  baseTick: number;
  /** Entities in it. */
  count: number;
  data: Uint8Array;
}

/** `ticks` consecutive snapshots from tick 1 (the first a full one), after `warmupTicks` of
 * simulation so the NPCs move. */
export function citySnapshots(ticks: number, seed = 12345, warmupTicks = 40): CitySnapshot[] {
  const rng = seededRandom(seed);
  const world = new World();
  const sim = new NpcSim(world, rng);
  const half = CITY_AREA_M / 2;
  for (let i = 0; i < CITY_NPCS; i++) sim.addNpc((rng() * 2 - 1) * half, (rng() * 2 - 1) * half);
  for (let i = 0; i < CITY_VEHICLES; i++) sim.addVehicle((rng() * 2 - 1) * half, (rng() * 2 - 1) * half);
  const avatar = world.spawn(EntityKind.KIND_AVATAR, { x: 3, y: 0, z: 0, yaw: 0, vx: 0, vy: 0, vz: 0 }, 'me', 1);
  for (let i = 0; i < warmupTicks; i++) sim.step(TICK_MS / 1000);
  const interest = new InterestManager(world);
  const state = new InterestState();
  const snaps = new ClientSnapshots();
  const writer = new SnapshotWriter();
  const out: CitySnapshot[] = [];
  const added: number[] = [],
    removed: number[] = [];
  for (let t = 1; t <= ticks; t++) {
    sim.step(TICK_MS / 1000);
    world.quantiseAll();
    interest.update(state, world.x[avatar], world.y[avatar], avatar, added, removed);
    if (t > ACK_DELAY_TICKS) snaps.ack(t - ACK_DELAY_TICKS);
    const w = writer.write(snaps, t, state.members, world, (warmupTicks + t) * TICK_MS);
    out.push({ tick: t, baseTick: w.baseTick, count: w.count, data: w.data.slice() });
  }
  return out;
}
