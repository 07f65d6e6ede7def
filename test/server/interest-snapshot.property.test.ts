// Must show: after every tick, each client's interest set equals a brute-force distance check
// under the hysteresis rule (enter <= 120 m, stay <= 128 m, planar, own avatar excluded), and
// the world each client decodes from its delta snapshots equals the server's within quantisation.
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { World } from '../../src/server/world.js';
import { InterestManager, InterestState } from '../../src/server/interest.js';
import { SnapshotWriter, ClientSnapshots } from '../../src/server/snapshot-writer.js';
import { NpcSim } from '../../src/server/npc-sim.js';
import { seededRandom } from '../../src/util/random.js';
import { SnapshotReceiver } from '../../src/sidecar/snapshot-receiver.js';
import { EntityKind } from '../../src/protocol/schema.gen.js';
import { INTEREST_RADIUS_M, INTEREST_EXIT_M } from '../../src/protocol/constants.js';
import {
  FIELD_COUNT,
  F_X,
  F_Y,
  F_Z,
  F_YAW,
  F_VX,
  dequantPos,
  dequantVel,
  dequantYaw,
  POS_MAX_ERROR_M,
  VEL_MAX_ERROR_MPS,
  YAW_MAX_ERROR_RAD,
} from '../../src/protocol/snapshot-format.js';

const TICK_S = 0.025;
const EPS = 1e-6;

interface Client {
  avatar: number;
  interest: InterestState;
  snaps: ClientSnapshots;
  rx: SnapshotReceiver;
  pendingAcks: { at: number; tick: number }[];
  brute: Set<number>;
}

describe('interest + delta snapshots (property)', () => {
  it('interest equals brute force under hysteresis and decoded worlds match the server', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 ** 31 }),
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 10, max: 150 }),
        fc.array(
          fc.record({
            moves: fc.array(fc.tuple(fc.double({ min: -40, max: 40, noNaN: true }), fc.double({ min: -40, max: 40, noNaN: true })), {
              minLength: 5,
              maxLength: 5,
            }),
            lossMask: fc.integer({ min: 0, max: 31 }),
            ackDelay: fc.integer({ min: 0, max: 6 }),
            teleport: fc.boolean(),
          }),
          { minLength: 5, maxLength: 40 },
        ),
        (seed, nClients, nEntities, ticks) => {
          const rng = seededRandom(seed);
          const world = new World({ halfExtentM: 600 }); // small dense area: the Map overflow runs too
          const sim = new NpcSim(world, rng);
          const spread = 400;
          for (let i = 0; i < nEntities; i++) {
            const x = (rng() - 0.5) * spread,
              y = (rng() - 0.5) * spread;
            if (i % 3 === 0) sim.addVehicle(x, y);
            else sim.addNpc(x, y);
          }
          const interest = new InterestManager(world);
          const writer = new SnapshotWriter();
          const clients: Client[] = [];
          for (let c = 0; c < nClients; c++) {
            const avatar = world.spawn(
              EntityKind.KIND_AVATAR,
              { x: (rng() - 0.5) * spread, y: (rng() - 0.5) * spread, z: 1, yaw: 0, vx: 0, vy: 0, vz: 0 },
              `p${c}`,
              c + 1,
            );
            clients.push({
              avatar,
              interest: new InterestState(),
              snaps: new ClientSnapshots(),
              rx: new SnapshotReceiver(),
              pendingAcks: [],
              brute: new Set(),
            });
          }
          let despawned = false;
          for (let t = 1; t <= ticks.length; t++) {
            const step = ticks[t - 1];
            sim.step(TICK_S);
            if (!despawned && t === Math.floor(ticks.length / 2) && sim.npcs.length > 0) {
              sim.remove(sim.npcs[0].id);
              despawned = true;
            }
            clients.forEach((cl, c) => {
              const [dx, dy] = step.moves[c];
              const id = cl.avatar;
              const nx = step.teleport && c === 0 ? (rng() - 0.5) * spread * 3 : world.x[id] + dx;
              world.setPose(id, { x: nx, y: world.y[id] + dy, z: 1, yaw: Math.atan2(dy, dx), vx: dx / TICK_S, vy: dy / TICK_S, vz: 0 });
            });
            world.quantiseAll();
            clients.forEach((cl, c) => {
              const ax = world.x[cl.avatar],
                ay = world.y[cl.avatar];
              const added: number[] = [],
                removed: number[] = [];
              const before = new Set(cl.interest.members);
              interest.update(cl.interest, ax, ay, cl.avatar, added, removed);
              // brute force under the rule
              const want = new Set<number>();
              for (let id = 1; id < world.idLimit; id++) {
                if (!world.isAlive(id) || id === cl.avatar) continue;
                const d = Math.hypot(world.x[id] - ax, world.y[id] - ay);
                if (d <= INTEREST_RADIUS_M - EPS || (cl.brute.has(id) && d <= INTEREST_EXIT_M - EPS)) want.add(id);
                else if (d <= INTEREST_RADIUS_M + EPS || (cl.brute.has(id) && d <= INTEREST_EXIT_M + EPS)) {
                  if (cl.interest.members.includes(id)) want.add(id); // on the boundary within float error: accept either
                }
              }
              const got = new Set(cl.interest.members);
              expect([...got].sort((a, b) => a - b)).toEqual([...want].sort((a, b) => a - b));
              expect(got.size).toBe(cl.interest.members.length); // no duplicates
              // the diff is exactly the change
              expect(added.sort((a, b) => a - b)).toEqual([...got].filter((id) => !before.has(id)).sort((a, b) => a - b));
              expect(removed.sort((a, b) => a - b)).toEqual([...before].filter((id) => !got.has(id)).sort((a, b) => a - b));
              cl.brute = want;

              // acks arrive late (ackDelay ticks) or are lost with the snapshot
              for (const a of cl.pendingAcks.filter((p) => p.at <= t)) expect(cl.snaps.ack(a.tick)).not.toBe('never_sent');
              cl.pendingAcks = cl.pendingAcks.filter((p) => p.at > t);
              const w = writer.write(cl.snaps, t, cl.interest.members, world, t * TICK_S * 1000);
              if (step.lossMask & (1 << c)) return; // snapshot lost on the way
              const r = cl.rx.receive(t, w.baseTick, w.data.slice());
              expect(r.ok).toBe(true);
              if (!r.ok) return;
              cl.pendingAcks.push({ at: t + step.ackDelay, tick: t });
              const s = r.state;
              expect(Array.from(s.ids.subarray(0, s.count))).toEqual([...got].sort((a, b) => a - b));
              for (let i = 0; i < s.count; i++) {
                const id = s.ids[i],
                  o = i * FIELD_COUNT;
                expect(Math.abs(dequantPos(s.vals[o + F_X]) - world.x[id])).toBeLessThanOrEqual(POS_MAX_ERROR_M + EPS);
                expect(Math.abs(dequantPos(s.vals[o + F_Y]) - world.y[id])).toBeLessThanOrEqual(POS_MAX_ERROR_M + EPS);
                expect(Math.abs(dequantPos(s.vals[o + F_Z]) - world.z[id])).toBeLessThanOrEqual(POS_MAX_ERROR_M + EPS);
                expect(Math.abs(dequantVel(s.vals[o + F_VX]) - world.vx[id])).toBeLessThanOrEqual(VEL_MAX_ERROR_MPS + EPS);
                const dy = dequantYaw(s.vals[o + F_YAW]) - world.yaw[id];
                expect(Math.abs(Math.atan2(Math.sin(dy), Math.cos(dy)))).toBeLessThanOrEqual(YAW_MAX_ERROR_RAD + EPS);
              }
            });
          }
        },
      ),
      { numRuns: 60 },
    );
  });

  it('acks for snapshots never sent are refused', () => {
    const world = new World();
    const snaps = new ClientSnapshots();
    expect(snaps.ack(1)).toBe('never_sent');
    new SnapshotWriter().write(snaps, 5, [], world, 125);
    expect(snaps.ack(6)).toBe('never_sent');
    expect(snaps.ack(4)).toBe('never_sent');
    expect(snaps.ack(5)).toBe('ok');
    expect(snaps.ack(5)).toBe('stale');
  });
});
