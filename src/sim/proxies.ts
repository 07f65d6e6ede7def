// The headless game's proxies: what the real game's CoopEngine keeps for each remote entity
// (spawned by SpawnProxy, moved by RemoteEntityStates or the older one-entity RemoteEntityState,
// gone on DespawnProxy). A state for an entity never spawned is counted and ignored, as the game
// ignores a MoveProxy for an unknown id.
import type { MessageMap } from '../../bridge/index.js';

export interface Proxy {
  kind: number;
  template: string;
  pos: { x: number; y: number; z: number };
  rot: { x: number; y: number; z: number; w: number };
  vel: { x: number; y: number; z: number };
  /** The sidecar's sample tick of the last state applied (µs mod 2^32; 0 until moved). */
  tick: number;
  moves: number;
}

type StateFields = Pick<MessageMap['RemoteEntityState'], 'entityId' | 'pos' | 'rot' | 'vel'>;

export class ProxyTable {
  readonly #proxies = new Map<number, Proxy>();
  readonly counters = { spawned: 0, despawned: 0, moved: 0, framesApplied: 0, unknown_entity: 0, duplicate_spawn: 0 };

  get size(): number {
    return this.#proxies.size;
  }
  get(id: number): Readonly<Proxy> | undefined {
    return this.#proxies.get(id);
  }
  ids(): number[] {
    return [...this.#proxies.keys()];
  }

  spawn(m: MessageMap['SpawnProxy']): void {
    if (this.#proxies.has(m.entityId)) {
      this.counters.duplicate_spawn++;
      return;
    }
    this.#proxies.set(m.entityId, { kind: m.kind, template: m.template, pos: { ...m.pos }, rot: { ...m.rot }, vel: { x: 0, y: 0, z: 0 }, tick: 0, moves: 0 });
    this.counters.spawned++;
  }

  despawn(entityId: number): void {
    if (this.#proxies.delete(entityId)) this.counters.despawned++;
    else this.counters.unknown_entity++;
  }

  /** One batched frame: every entity in it is applied (or counted as unknown). */
  applyFrame(m: MessageMap['RemoteEntityStates']): void {
    this.counters.framesApplied++;
    for (const s of m.states) this.#move(s, m.tick);
  }

  /** The one-entity message (older sidecars). */
  applyOne(m: MessageMap['RemoteEntityState']): void {
    this.#move(m, m.tick);
  }

  #move(s: StateFields, tick: number): void {
    const p = this.#proxies.get(s.entityId);
    if (!p) {
      this.counters.unknown_entity++;
      return;
    }
    p.pos = { ...s.pos };
    p.rot = { ...s.rot };
    p.vel = { ...s.vel };
    p.tick = tick;
    p.moves++;
    this.counters.moved++;
  }
}

/** The game's proxy table, kept in the context's shared state (made on first use). */
export function proxiesOf(state: Map<string, unknown>): ProxyTable {
  let t = state.get('proxies') as ProxyTable | undefined;
  if (!t) state.set('proxies', (t = new ProxyTable()));
  return t;
}
