// Must show: SnapshotWriter (one copy of the world per tick, shared records, ids ordered from the
// previous snapshot) writes for every client exactly the bytes the per-client reference encoder
// (SnapshotEncoder on that client's own copies of the values) writes, over many ticks with
// interest changes, late and lost acks, despawns and ids reused.
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { World } from '../../src/server/world.js';
import { NpcSim } from '../../src/server/npc-sim.js';
import { InterestManager, InterestState } from '../../src/server/interest.js';
import { ClientSnapshots, SnapshotWriter, SNAPSHOT_HISTORY } from '../../src/server/snapshot-writer.js';
import { SnapshotEncoder, emptyState, FIELD_COUNT, type SnapshotState } from '../../src/protocol/snapshot-format.js';
import { EntityKind } from '../../src/protocol/schema.gen.js';
import { seededRandom } from '../../src/util/random.js';

const TICK_MS = 25;

/** What a client held at each tick, the old way: ids and their values copied out of the world. */
function copyOf(ids: readonly number[], world: World): SnapshotState {
  const sorted = [...ids].sort((a, b) => a - b);
  const s = emptyState(sorted.length + 1);
  sorted.forEach((id, i) => {
    s.ids[i] = id;
    s.vals.set(world.q.subarray(id * FIELD_COUNT, (id + 1) * FIELD_COUNT), i * FIELD_COUNT);
  });
  s.count = sorted.length;
  return s;
}

describe('SnapshotWriter', () => {
  it('writes the bytes of the per-client reference encoder', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 }), fc.integer({ min: 1, max: 6 }), fc.integer({ min: 20, max: 200 }), (seed, nClients, nEntities) => {
        const rng = seededRandom(seed);
        const world = new World({ halfExtentM: 600 });
        const sim = new NpcSim(world, rng);
        for (let i = 0; i < nEntities; i++) {
          const x = (rng() - 0.5) * 300,
            y = (rng() - 0.5) * 300;
          if (i % 3 === 0) sim.addVehicle(x, y);
          else sim.addNpc(x, y);
        }
        const interest = new InterestManager(world);
        const writer = new SnapshotWriter();
        const reference = new SnapshotEncoder();
        const clients = Array.from({ length: nClients }, (_, c) => ({
          avatar: world.spawn(EntityKind.KIND_AVATAR, { x: (rng() - 0.5) * 300, y: 0, z: 0, yaw: 0, vx: 4, vy: 0, vz: 0 }, `p${c}`, c + 1),
          interest: new InterestState(),
          snaps: new ClientSnapshots(),
          held: new Map<number, { state: SnapshotState; timeMs: number }>(),
          ackLag: 1 + Math.floor(rng() * 5),
        }));
        for (let t = 1; t <= 60; t++) {
          sim.step(TICK_MS / 1000);
          if (t % 15 === 0 && sim.npcs.length > 2) {
            sim.remove(sim.npcs[0].id); // its id is reused by the next NPC
            sim.addNpc((rng() - 0.5) * 300, (rng() - 0.5) * 300);
          }
          for (const c of clients)
            world.setPose(c.avatar, { x: world.x[c.avatar] + 0.1, y: world.y[c.avatar] + (rng() - 0.5) * 8, z: 0, yaw: 0, vx: 4, vy: 0, vz: 0 });
          world.quantiseAll();
          const simTimeMs = t * TICK_MS;
          for (const c of clients) {
            if (t > c.ackLag && rng() < 0.8) c.snaps.ack(t - c.ackLag); // some acks lost
            interest.update(c.interest, world.x[c.avatar], world.y[c.avatar], c.avatar, [], []);
            const acked = c.snaps.ackedTick;
            const base = acked > t - SNAPSHOT_HISTORY && acked >= 0 ? c.held.get(acked) : undefined;
            const want = reference.encode(copyOf(c.interest.members, world), base?.state ?? null, base ? simTimeMs - base.timeMs : 0).slice();
            // Half the clients give their interest generation (the order is copied while it holds).
            const w = writer.write(c.snaps, t, c.interest.members, world, simTimeMs, c.avatar % 2 ? c.interest.generation : -1);
            expect(w.baseTick).toBe(base ? acked : 0);
            expect(w.data.slice()).toEqual(want);
            c.held.set(t, { state: copyOf(c.interest.members, world), timeMs: simTimeMs });
          }
        }
      }),
      { numRuns: 40 },
    );
  });
});
