// IMT-2 interest management. Per connection: members = entities the client is told about.
// Rule (planar distance d from the client's avatar, own avatar excluded):
//   enter when d <= INTEREST_RADIUS_M (120 m); stay while d <= INTEREST_EXIT_M (128 m).
// Diffs use generation stamps in scratch arrays shared by all connections (no sort, no Set).
import { INTEREST_RADIUS_M, INTEREST_EXIT_M } from '../protocol/constants.js';
import type { World } from './world.js';

export class InterestState {
  members: number[] = [];
  #spare: number[] = [];
  /** Bumped on every change; carried by InterestAdd/InterestRemove. */
  generation = 0;
  has(id: number): boolean {
    return this.members.includes(id);
  }
  /** @internal swap the rebuilt list in. */
  swap(): void {
    const m = this.members;
    this.members = this.#spare;
    this.#spare = m;
  }
  /** @internal the list being rebuilt. */
  get spare(): number[] {
    return this.#spare;
  }
}

export interface InterestRadii {
  enterM: number;
  exitM: number;
}
export const DEFAULT_RADII: InterestRadii = { enterM: INTEREST_RADIUS_M, exitM: INTEREST_EXIT_M };

export class InterestManager {
  readonly #world: World;
  readonly #radii: InterestRadii;
  #member = new Uint32Array(1024);
  #seen = new Uint32Array(1024);
  #stamp = 0;
  #scratch: number[] = [];

  constructor(world: World, radii: InterestRadii = DEFAULT_RADII) {
    if (!(radii.exitM >= radii.enterM)) throw new TypeError('exit radius must be >= enter radius');
    this.#world = world;
    this.#radii = radii;
  }

  /** Recomputes st around (ax, ay); appends the differences to added / removed. */
  update(st: InterestState, ax: number, ay: number, selfId: number, added: number[], removed: number[]): void {
    const world = this.#world;
    if (this.#member.length < world.idLimit) {
      let cap = this.#member.length;
      while (cap < world.idLimit) cap *= 2;
      this.#member = new Uint32Array(cap);
      this.#seen = new Uint32Array(cap);
      this.#stamp = 0;
    }
    const s = ++this.#stamp;
    const member = this.#member,
      seen = this.#seen;
    const old = st.members;
    for (let i = 0; i < old.length; i++) member[old[i]] = s;
    const found = this.#scratch;
    const nFound = world.grid.query(ax, ay, this.#radii.exitM, found);
    // Written by index and cut to length at the end: `length = 0` would free the list's storage.
    const next = st.spare;
    let nNext = 0;
    const enter2 = this.#radii.enterM * this.#radii.enterM;
    const wx = world.x,
      wy = world.y,
      hidden = world.hidden.size > 0 ? world.hidden : null;
    const addedBefore = added.length,
      removedBefore = removed.length;
    for (let i = 0; i < nFound; i++) {
      const id = found[i];
      if (id === selfId || (hidden !== null && hidden.has(id))) continue;
      if (member[id] === s) {
        seen[id] = s;
        next[nNext++] = id;
      } else {
        const dx = wx[id] - ax,
          dy = wy[id] - ay;
        if (dx * dx + dy * dy <= enter2) {
          next[nNext++] = id;
          added.push(id);
        }
      }
    }
    next.length = nNext;
    for (let i = 0; i < old.length; i++) if (seen[old[i]] !== s) removed.push(old[i]);
    st.swap();
    if (added.length !== addedBefore || removed.length !== removedBefore) st.generation++;
    if (this.#stamp >= 0xfffffff0) {
      this.#member.fill(0);
      this.#seen.fill(0);
      this.#stamp = 0;
    }
  }
}
