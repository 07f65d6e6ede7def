// NpcSim keeps every NPC's world velocity and yaw those of its heading, and moves it along them:
// the sine and cosine are computed only while it turns (npc-sim.ts), so a stale velocity after a
// turn, a retarget or a reused id would show here.
import { describe, expect, it } from 'vitest';
import { NpcSim, NPC_SPEED_MPS } from '../../src/server/npc-sim.js';
import { World } from '../../src/server/world.js';
import { seededRandom } from '../../src/util/random.js';

const DT_S = 0.025;

describe('NpcSim', () => {
  it("keeps each NPC's velocity and yaw those of its heading through turns, retargets and reused ids", () => {
    const rng = seededRandom(7);
    const world = new World();
    const sim = new NpcSim(world, rng);
    for (let i = 0; i < 200; i++) sim.addNpc((rng() - 0.5) * 400, (rng() - 0.5) * 400);
    let turned = 0;
    for (let t = 0; t < 800; t++) {
      if (t % 100 === 99) {
        sim.remove(sim.npcs[0].id); // its id is reused by the next NPC
        sim.addNpc((rng() - 0.5) * 400, (rng() - 0.5) * 400);
      }
      const before = sim.npcs.map((n) => ({ id: n.id, x: world.x[n.id], y: world.y[n.id], heading: n.heading }));
      sim.step(DT_S);
      for (const n of sim.npcs) {
        expect(world.vx[n.id]).toBe(Math.cos(n.heading) * NPC_SPEED_MPS);
        expect(world.vy[n.id]).toBe(Math.sin(n.heading) * NPC_SPEED_MPS);
        expect(world.yaw[n.id]).toBe(n.heading);
      }
      for (const b of before) {
        const n = sim.npcs.find((m) => m.id === b.id);
        if (!n) continue;
        if (n.heading !== b.heading) turned++;
        // Moved along the velocity it has after this step (its heading now).
        expect(world.x[n.id]).toBeCloseTo(b.x + world.vx[n.id] * DT_S, 9);
        expect(world.y[n.id]).toBeCloseTo(b.y + world.vy[n.id] * DT_S, 9);
      }
    }
    expect(turned).toBeGreaterThan(1000); // the walk above had many turning steps, not only straight ones
  });
});
