// Enough NPC and vehicle simulation to exercise the grid, interest and deltas:
// NPCs wander (~1.5 m/s): walk straight, every few seconds pick a new heading and turn towards
// it at NPC_TURN_RAD_PER_S (towards home when beyond a leash);
// vehicles drive closed polyline paths (~15 m/s), turning at the corners.
import { EntityKind } from '../protocol/schema.gen.js';
import type { World } from './world.js';
import type { Rng } from '../util/random.js';

export const NPC_SPEED_MPS = 1.5;
export const NPC_TURN_RAD_PER_S = 1.2;
export const NPC_LEASH_M = 150;
export const NPC_RETARGET_MIN_S = 2;
export const NPC_RETARGET_MAX_S = 6;
export const VEHICLE_SPEED_MPS = 15;
export const VEHICLE_LOOP_SIDE_M = 200;

interface Npc {
  id: number;
  homeX: number;
  homeY: number;
  heading: number;
  want: number;
  retargetS: number;
}
interface Vehicle {
  id: number;
  path: Float64Array;
  segLen: Float64Array;
  total: number;
  s: number;
  speed: number;
}

export class NpcSim {
  readonly #world: World;
  readonly #rng: Rng;
  readonly npcs: Npc[] = [];
  readonly vehicles: Vehicle[] = [];

  constructor(world: World, rng: Rng) {
    this.#world = world;
    this.#rng = rng;
  }

  addNpc(x: number, y: number): number {
    const heading = this.#rng() * Math.PI * 2;
    const id = this.#world.spawn(
      EntityKind.KIND_NPC,
      {
        x,
        y,
        z: 0,
        yaw: heading,
        vx: Math.cos(heading) * NPC_SPEED_MPS,
        vy: Math.sin(heading) * NPC_SPEED_MPS,
        vz: 0,
      },
      'npc',
    );
    this.npcs.push({ id, homeX: x, homeY: y, heading, want: heading, retargetS: this.#retarget() });
    return id;
  }

  /** A vehicle on a closed rectangular loop centred at (cx, cy) with a random side and start. */
  addVehicle(cx: number, cy: number, speed = VEHICLE_SPEED_MPS): number {
    const h = (VEHICLE_LOOP_SIDE_M * (0.5 + this.#rng())) / 2;
    const path = new Float64Array([cx - h, cy - h, cx + h, cy - h, cx + h, cy + h, cx - h, cy + h]);
    const segLen = new Float64Array(4);
    let total = 0;
    for (let i = 0; i < 4; i++) {
      const j = (i + 1) % 4;
      segLen[i] = Math.hypot(path[2 * j] - path[2 * i], path[2 * j + 1] - path[2 * i + 1]);
      total += segLen[i];
    }
    const v: Vehicle = { id: 0, path, segLen, total, s: this.#rng() * total, speed };
    const p = { x: 0, y: 0, z: 0, yaw: 0, vx: 0, vy: 0, vz: 0 };
    this.#pointAt(v, p);
    v.id = this.#world.spawn(EntityKind.KIND_VEHICLE, p, 'vehicle');
    this.vehicles.push(v);
    return v.id;
  }

  /** Despawns an NPC or vehicle this sim drives. */
  remove(id: number): void {
    const n = this.npcs.findIndex((e) => e.id === id);
    if (n >= 0) this.npcs.splice(n, 1);
    const v = this.vehicles.findIndex((e) => e.id === id);
    if (v >= 0) this.vehicles.splice(v, 1);
    this.#world.despawn(id);
  }

  /** Advances every NPC and vehicle by dtS seconds (positions, velocities, grid). */
  step(dtS: number): void {
    const w = this.#world,
      rng = this.#rng;
    for (const n of this.npcs) {
      const id = n.id;
      n.retargetS -= dtS;
      if (n.retargetS <= 0) {
        const dx = n.homeX - w.x[id],
          dy = n.homeY - w.y[id];
        n.want = dx * dx + dy * dy > NPC_LEASH_M * NPC_LEASH_M ? Math.atan2(dy, dx) : n.heading + (rng() - 0.5) * Math.PI;
        n.retargetS = this.#retarget();
      }
      let vx = w.vx[id],
        vy = w.vy[id];
      // Walking straight keeps its velocity: the sine and cosine only when the heading turns.
      if (n.want !== n.heading) {
        const d = Math.atan2(Math.sin(n.want - n.heading), Math.cos(n.want - n.heading));
        const stepRad = NPC_TURN_RAD_PER_S * dtS;
        if (Math.abs(d) <= stepRad) n.heading = n.want;
        else n.heading += Math.sign(d) * stepRad;
        if (n.heading === n.want) {
          n.want = n.heading = Math.atan2(Math.sin(n.heading), Math.cos(n.heading));
        }
        vx = w.vx[id] = Math.cos(n.heading) * NPC_SPEED_MPS;
        vy = w.vy[id] = Math.sin(n.heading) * NPC_SPEED_MPS;
        w.yaw[id] = n.heading;
      }
      w.x[id] += vx * dtS;
      w.y[id] += vy * dtS;
      w.commitMove(id);
    }
    const p = { x: 0, y: 0, z: 0, yaw: 0, vx: 0, vy: 0, vz: 0 };
    for (const v of this.vehicles) {
      v.s = (v.s + v.speed * dtS) % v.total;
      this.#pointAt(v, p);
      w.x[v.id] = p.x;
      w.y[v.id] = p.y;
      w.yaw[v.id] = p.yaw;
      w.vx[v.id] = p.vx;
      w.vy[v.id] = p.vy;
      w.commitMove(v.id);
    }
  }

  #retarget(): number {
    return NPC_RETARGET_MIN_S + this.#rng() * (NPC_RETARGET_MAX_S - NPC_RETARGET_MIN_S);
  }

  #pointAt(v: Vehicle, out: { x: number; y: number; yaw: number; vx: number; vy: number }): void {
    let s = v.s,
      i = 0;
    while (i < 3 && s > v.segLen[i]) {
      s -= v.segLen[i];
      i++;
    }
    const j = (i + 1) % 4;
    const ax = v.path[2 * i],
      ay = v.path[2 * i + 1];
    const ux = (v.path[2 * j] - ax) / v.segLen[i],
      uy = (v.path[2 * j + 1] - ay) / v.segLen[i];
    out.x = ax + ux * s;
    out.y = ay + uy * s;
    out.yaw = Math.atan2(uy, ux);
    out.vx = ux * v.speed;
    out.vy = uy * v.speed;
  }
}
