// The authoritative world: AvatarProxy, NpcProxy and VehicleProxy entities in struct-of-arrays
// form, kept in the SpatialGrid, with a per-tick quantised copy the snapshot writer reads.
import { SpatialGrid, type SpatialGridOptions } from './spatial-grid.js';
import { EntityKind } from '../protocol/schema.gen.js';
import { FIELD_COUNT, F_X, F_Y, F_Z, F_YAW, F_VX, F_VY, F_VZ, quantPos, quantVel, quantYaw } from '../protocol/snapshot-format.js';

export const WORLD_INITIAL_CAPACITY = 1024;
/** Entity ids start at 1 so that 0 can mean "none" on the wire. */
export const FIRST_ENTITY_ID = 1;

export interface EntityPose {
  x: number;
  y: number;
  z: number;
  yaw: number;
  vx: number;
  vy: number;
  vz: number;
}

export class World {
  readonly grid: SpatialGrid;
  kind = new Uint8Array(WORLD_INITIAL_CAPACITY);
  alive = new Uint8Array(WORLD_INITIAL_CAPACITY);
  x = new Float64Array(WORLD_INITIAL_CAPACITY);
  y = new Float64Array(WORLD_INITIAL_CAPACITY);
  z = new Float64Array(WORLD_INITIAL_CAPACITY);
  yaw = new Float64Array(WORLD_INITIAL_CAPACITY);
  vx = new Float64Array(WORLD_INITIAL_CAPACITY);
  vy = new Float64Array(WORLD_INITIAL_CAPACITY);
  vz = new Float64Array(WORLD_INITIAL_CAPACITY);
  /** Quantised pose per entity (FIELD_COUNT ints), refreshed by quantiseAll() once per tick. */
  q = new Int32Array(WORLD_INITIAL_CAPACITY * FIELD_COUNT);
  owner = new Uint32Array(WORLD_INITIAL_CAPACITY);
  names: string[] = [];
  /** Entities nobody is told about while listed (a spectator's own avatar, SA-1). */
  readonly hidden = new Set<number>();
  #free: number[] = [];
  #next = FIRST_ENTITY_ID;
  #count = 0;

  constructor(gridOpts: SpatialGridOptions = {}) {
    this.grid = new SpatialGrid({ initialCapacity: WORLD_INITIAL_CAPACITY, ...gridOpts });
  }

  get count(): number {
    return this.#count;
  }
  /** One past the largest id ever used (sizes scratch arrays). */
  get idLimit(): number {
    return this.#next;
  }
  isAlive(id: number): boolean {
    return id > 0 && id < this.alive.length && this.alive[id] === 1;
  }

  spawn(kind: EntityKind, pose: EntityPose, name = '', ownerPeerId = 0): number {
    const id = this.#free.pop() ?? this.#next++;
    this.#grow(id + 1);
    this.kind[id] = kind;
    this.alive[id] = 1;
    this.names[id] = name;
    this.owner[id] = ownerPeerId;
    this.#setPose(id, pose);
    this.grid.add(id, pose.x, pose.y);
    this.quantise(id);
    this.#count++;
    return id;
  }

  despawn(id: number): void {
    if (!this.isAlive(id)) return;
    this.alive[id] = 0;
    this.hidden.delete(id);
    this.grid.remove(id);
    this.names[id] = '';
    this.#free.push(id);
    this.#count--;
  }

  /** Sets the pose and moves the entity in the grid. */
  setPose(id: number, pose: EntityPose): void {
    this.#setPose(id, pose);
    this.grid.move(id, pose.x, pose.y);
  }

  /** After writing x/y directly into the arrays (hot path), re-bin the entity. */
  commitMove(id: number): void {
    this.grid.move(id, this.x[id], this.y[id]);
  }

  quantise(id: number): void {
    const o = id * FIELD_COUNT,
      q = this.q;
    q[o + F_X] = quantPos(this.x[id]);
    q[o + F_Y] = quantPos(this.y[id]);
    q[o + F_Z] = quantPos(this.z[id]);
    q[o + F_YAW] = quantYaw(this.yaw[id]);
    q[o + F_VX] = quantVel(this.vx[id]);
    q[o + F_VY] = quantVel(this.vy[id]);
    q[o + F_VZ] = quantVel(this.vz[id]);
  }

  quantiseAll(): void {
    for (let id = FIRST_ENTITY_ID; id < this.#next; id++) if (this.alive[id]) this.quantise(id);
  }

  #setPose(id: number, p: EntityPose): void {
    this.x[id] = p.x;
    this.y[id] = p.y;
    this.z[id] = p.z;
    this.yaw[id] = p.yaw;
    this.vx[id] = p.vx;
    this.vy[id] = p.vy;
    this.vz[id] = p.vz;
  }

  #grow(need: number): void {
    if (need <= this.alive.length) return;
    let cap = this.alive.length;
    while (cap < need) cap *= 2;
    const g = <T extends Uint8Array | Float64Array | Uint32Array | Int32Array>(a: T, n = cap): T => {
      const b = new (a.constructor as new (len: number) => T)(n);
      b.set(a);
      return b;
    };
    this.kind = g(this.kind);
    this.alive = g(this.alive);
    this.owner = g(this.owner);
    this.x = g(this.x);
    this.y = g(this.y);
    this.z = g(this.z);
    this.yaw = g(this.yaw);
    this.vx = g(this.vx);
    this.vy = g(this.vy);
    this.vz = g(this.vz);
    this.q = g(this.q, cap * FIELD_COUNT);
  }
}
