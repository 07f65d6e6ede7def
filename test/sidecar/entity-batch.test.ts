// RemoteEntityStates: one bridge frame per game frame with every moved proxy. The batch keeps
// only what changed, the real bridge carries it byte for byte (a truncated frame is a counted
// drop, never a throw), and the headless game's proxy table applies every entity in it.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CODECS, type Bridge, type MessageMap } from '../../bridge/index.js';
import { ENTITY_STATES_MAX_PER_FRAME, EntityStateBatch } from '../../src/sidecar/entity-batch.js';
import type { InterpolatedEntity } from '../../src/sidecar/interpolator.js';
import { ProxyTable } from '../../src/sim/proxies.js';
import { WAIT, bridgePair, removeSessions } from '../bridge/util.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
  removeSessions();
});

const ent = (id: number, x: number, yaw = 0): InterpolatedEntity => ({ id, x, y: 2, z: 3, yaw, vx: 1, vy: 0, vz: 0, extrapolated: false });

function frameOf(batch: EntityStateBatch): MessageMap['RemoteEntityStates'][] {
  return [...batch.chunks()].map((states) => ({ tick: 7, states: structuredClone([...states]) }));
}

describe('EntityStateBatch', () => {
  it('sends an entity once while it stands still and again when it moves or turns', () => {
    const b = new EntityStateBatch();
    b.begin();
    b.add(ent(1, 0));
    b.add(ent(2, 5));
    expect(frameOf(b)[0]!.states.map((s) => s.entityId)).toEqual([1, 2]);
    b.begin();
    b.add(ent(1, 0));
    b.add(ent(2, 6));
    expect(frameOf(b)[0]!.states.map((s) => s.entityId)).toEqual([2]);
    b.begin();
    b.add(ent(1, 0, 0.5));
    b.add(ent(2, 6));
    const [f] = frameOf(b);
    expect(f!.states.map((s) => s.entityId)).toEqual([1]);
    expect(f!.states[0]!.rot.z).toBeCloseTo(Math.sin(0.25), 12);
    b.begin();
    b.add(ent(1, 0, 0.5));
    expect(frameOf(b)).toEqual([]);
  });

  it('a forgotten entity (despawned, or its frame not taken) is sent again whatever it holds', () => {
    const b = new EntityStateBatch();
    b.begin();
    b.add(ent(1, 0));
    b.forget(1);
    b.begin();
    b.add(ent(1, 0));
    expect(frameOf(b)[0]!.states.map((s) => s.entityId)).toEqual([1]);
  });

  it('splits a frame larger than ENTITY_STATES_MAX_PER_FRAME', () => {
    const b = new EntityStateBatch();
    b.begin();
    const n = ENTITY_STATES_MAX_PER_FRAME * 2 + 3;
    for (let i = 0; i < n; i++) b.add(ent(i, i));
    const sizes = frameOf(b).map((f) => f.states.length);
    expect(sizes).toEqual([ENTITY_STATES_MAX_PER_FRAME, ENTITY_STATES_MAX_PER_FRAME, 3]);
  });
});

describe('RemoteEntityStates over the bridge', () => {
  const pair = (tag: string): { side: Bridge; game: Bridge } => bridgePair(tag, cleanups, { ringBytes: 64 * 1024 });

  it('every entity of a frame reaches the game and its proxy table applies each one', async () => {
    const { side, game } = pair('batch');
    const table = new ProxyTable();
    game.on('SpawnProxy', (m) => table.spawn(m));
    game.on('RemoteEntityStates', (m) => table.applyFrame(m));
    const n = 120;
    for (let i = 0; i < n; i++)
      side.send('SpawnProxy', { entityId: 100 + i, kind: 1, template: `npc${i}`, pos: { x: 0, y: 0, z: 0 }, rot: { x: 0, y: 0, z: 0, w: 1 } });
    const b = new EntityStateBatch();
    b.begin();
    for (let i = 0; i < n; i++) b.add({ ...ent(100 + i, i * 1.5, i / 10), vy: -i });
    b.add(ent(999, 1)); // never spawned: the game ignores it, counted
    for (const states of b.chunks()) expect(side.trySend('RemoteEntityStates', { tick: 42, states: [...states] })).toBe(true);
    await vi.waitUntil(() => table.counters.framesApplied === 1, WAIT);
    expect(table.counters).toMatchObject({ spawned: n, moved: n, unknown_entity: 1 });
    for (let i = 0; i < n; i++) {
      const p = table.get(100 + i)!;
      expect(p.pos).toEqual({ x: Math.fround(i * 1.5), y: 2, z: 3 });
      expect(p.vel).toEqual({ x: 1, y: Math.fround(-i), z: 0 });
      expect(p.rot.z).toBeCloseTo(Math.sin(i / 20), 6);
      expect(p.tick).toBe(42);
    }
  });

  it('a truncated or lying frame is a counted drop on the game side, not a throw', async () => {
    const { side, game } = pair('hostile');
    const got: number[] = [];
    game.on('RemoteEntityStates', (m) => got.push(m.states.length));
    const type = CODECS.RemoteEntityStates.id;
    const one = new Uint8Array(4 + 4 + 44);
    const dv = new DataView(one.buffer);
    dv.setUint32(4, 1, true);
    side.sendRaw(type, one.subarray(0, 4 + 4 + 20)); // cut inside the entity
    const lying = new Uint8Array(8);
    new DataView(lying.buffer).setUint32(4, 0xffffffff, true); // claims 2^32-1 entities
    side.sendRaw(type, lying);
    side.sendRaw(type, one.subarray(0, 3)); // not even the tick
    side.sendRaw(type, one); // a valid one after them still arrives
    await vi.waitUntil(() => got.length === 1, WAIT);
    expect(got).toEqual([1]);
    expect(game.counters().malformed).toBe(3);
  });

  it('the proxy table counts a state for a despawned proxy and a second spawn of the same id', () => {
    const t = new ProxyTable();
    const spawn = { entityId: 5, kind: 2, template: 'car', pos: { x: 1, y: 1, z: 1 }, rot: { x: 0, y: 0, z: 0, w: 1 } };
    t.spawn(spawn);
    t.spawn(spawn);
    t.despawn(5);
    t.applyFrame({ tick: 1, states: [{ entityId: 5, pos: { x: 0, y: 0, z: 0 }, rot: { x: 0, y: 0, z: 0, w: 1 }, vel: { x: 0, y: 0, z: 0 } }] });
    expect(t.size).toBe(0);
    expect(t.counters).toMatchObject({ spawned: 1, duplicate_spawn: 1, despawned: 1, moved: 0, unknown_entity: 1 });
  });
});
