// Lazy frames (manifest `lazy`: PlayerTransform) and a reader that sleeps through them: such a
// frame never wakes it, any other frame does, and drain() reads what waits without breaking the
// sleep. The writer's `wakes` counter is decided synchronously in commit(), so "did not wake" is
// a count, not a timing. The TS writer and the C shim's coop_write_frame are both checked.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { MESSAGE_IDS, loadNative, openBridge, type Bridge, type BridgeOptions, type Msg } from '../../bridge/index.js';
import {
  BRIDGE_ABI_VERSION,
  CTRL_READER_WAITING,
  CTRL_WAKE_SEQ,
  OFF_RING0_CTRL,
  READER_WAITING_ANY,
  READER_WAITING_NOT_LAZY,
  ROLE_CODE,
} from '../../bridge/layout.js';
import { SCHEMA_HASH } from '../../bridge/generated/types.js';
import { encode } from './arbitrary.js';
import { WAIT, removeSessions, sessionName } from './util.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
  removeSessions();
});

/** No heartbeat check during a test (it is one of the wakes that read lazy frames). */
const NO_CHECK_MS = 60_000;
const turns = () => new Promise((r) => setTimeout(r, 20));
/** The first heartbeat check runs on the turn after opening; after it, none for NO_CHECK_MS. */
const firstCheck = (b: Bridge) => new Promise((r) => b.once('heartbeat', r));
const pt = (i: number): Msg<'PlayerTransform'> => ({ entityId: i, pos: { x: i, y: 0, z: 0 }, rot: { x: 0, y: 0, z: 0, w: 1 }, vel: { x: 0, y: 0, z: 0 } });

/** A sidecar (asleep once opened: its first pump finds nothing) and a TS game writing to it; `got`
 * lists what the sidecar handled, in order. Resolves after the sidecar's first heartbeat check. */
async function pair(tag: string, o: Partial<BridgeOptions> = {}) {
  const s = sessionName(tag);
  const side = openBridge({ name: s, role: 'sidecar', ringBytes: 4096, heartbeatMs: NO_CHECK_MS, ...o });
  const game = openBridge({ name: s, role: 'game', ringBytes: 4096 });
  cleanups.push(
    () => side.close(),
    () => game.close(),
  );
  const got: string[] = [];
  side.on('PlayerTransform', (m) => got.push(`pt${m.entityId}`));
  side.on('DespawnProxy', (m) => got.push(`despawn${m.entityId}`));
  expect(side.counters().sleeps).toBe(1);
  await firstCheck(side);
  return { side, game, got, wakes: () => game.counters().wakes };
}

describe('lazy frames and sleepThroughLazy', () => {
  for (const wake of ['pipe', 'futex'] as const) {
    it(`(${wake}) on: lazy frames do not wake the reader; the next other frame does, and all arrive in order`, async () => {
      const { side, game, got, wakes } = await pair(`lz-${wake}`, { wake });
      side.sleepThroughLazy(true);
      game.send('PlayerTransform', pt(1));
      game.send('PlayerTransform', pt(2));
      expect(wakes()).toBe(0);
      game.send('DespawnProxy', { entityId: 3 });
      expect(wakes()).toBe(1);
      await vi.waitUntil(() => got.length === 3, WAIT);
      expect(got).toEqual(['pt1', 'pt2', 'despawn3']);
      // The reader went back to sleep through lazy frames: the next one wakes nobody either.
      await vi.waitUntil(() => side.counters().sleeps === 2, WAIT);
      game.send('PlayerTransform', pt(4));
      expect(wakes()).toBe(1);
    });
  }

  it('on: a lazy frame waits in the ring until drain(), which handles it at once', async () => {
    const { side, game, got, wakes } = await pair('lz-drain');
    side.sleepThroughLazy(true);
    game.send('PlayerTransform', pt(1));
    await turns();
    expect(got).toEqual([]);
    expect(side.drain()).toBe(1);
    expect(got).toEqual(['pt1']);
    expect(side.drain()).toBe(0);
    expect(wakes()).toBe(0);
    expect(side.counters().sleeps).toBe(1); // never woken: still the first sleep
  });

  it('off (the default): a lazy frame wakes the reader', async () => {
    const { game, got, wakes } = await pair('lz-off');
    game.send('PlayerTransform', pt(1));
    expect(wakes()).toBe(1);
    await vi.waitUntil(() => got.length === 1, WAIT);
  });

  it('turned off while asleep: lazy frames wake it again, and those that came meanwhile are handled', async () => {
    const { side, game, got, wakes } = await pair('lz-toggle');
    side.sleepThroughLazy(true);
    game.send('PlayerTransform', pt(1));
    expect(wakes()).toBe(0);
    side.sleepThroughLazy(false);
    await vi.waitUntil(() => got.length === 1, WAIT); // no drain() called
    expect(wakes()).toBe(0);
    game.send('PlayerTransform', pt(2));
    expect(wakes()).toBe(1);
    await vi.waitUntil(() => got.length === 2, WAIT);
    // and on again, while asleep after that wake
    await vi.waitUntil(() => side.counters().sleeps === 2, WAIT);
    side.sleepThroughLazy(true);
    game.send('PlayerTransform', pt(3));
    expect(wakes()).toBe(1);
    expect(side.drain()).toBe(1);
    expect(got).toEqual(['pt1', 'pt2', 'pt3']);
  });

  for (const wake of ['pipe', 'futex'] as const) {
    it(`(${wake}) drain() while asleep keeps the sleep: a later frame that is not lazy still wakes it`, async () => {
      const { side, game, got, wakes } = await pair(`lz-keep-${wake}`, { wake });
      side.sleepThroughLazy(true);
      game.send('PlayerTransform', pt(1));
      expect(side.drain()).toBe(1);
      game.send('DespawnProxy', { entityId: 2 });
      expect(wakes()).toBe(1);
      await vi.waitUntil(() => got.length === 2, WAIT);
      // A drain that beats a wake already on its way: the wake finds nothing, the next one works.
      await vi.waitUntil(() => side.counters().sleeps === 2, WAIT);
      game.send('DespawnProxy', { entityId: 3 });
      expect(side.drain()).toBe(1);
      await vi.waitUntil(() => side.counters().sleeps === 3, WAIT);
      game.send('DespawnProxy', { entityId: 4 });
      await vi.waitUntil(() => got.length === 4, WAIT);
      expect(got).toEqual(['pt1', 'despawn2', 'despawn3', 'despawn4']);
      expect(wakes()).toBe(3);
    });
  }

  it('the heartbeat check reads lazy frames in place: no wake, no lost wake counted', async () => {
    const { side, game, got, wakes } = await pair('lz-beat', { heartbeatMs: 20 });
    side.sleepThroughLazy(true);
    game.send('PlayerTransform', pt(1));
    await vi.waitUntil(() => got.length === 1, WAIT);
    expect(wakes()).toBe(0);
    expect(side.counters().rescues).toBe(0);
  });

  it('drain() is 0 from inside a handler (that drain goes on) and on a closed bridge', async () => {
    const { side, game, got } = await pair('lz-reent');
    const inner: number[] = [];
    side.on('DespawnProxy', () => inner.push(side.drain()));
    side.sleepThroughLazy(true);
    game.send('PlayerTransform', pt(1));
    game.send('DespawnProxy', { entityId: 2 });
    game.send('PlayerTransform', pt(3));
    await vi.waitUntil(() => got.length === 3, WAIT);
    expect(inner).toEqual([0]);
    expect(got).toEqual(['pt1', 'despawn2', 'pt3']);
    await side.close();
    expect(side.drain()).toBe(0);
    side.sleepThroughLazy(false); // no effect, no throw
  });
});

describe("the C shim's writer (coop_write_frame, as the game's plugin writes) obeys the same rule", () => {
  const native = loadNative();

  function nativeGame(session: string) {
    const h = native.open(session, ROLE_CODE.game, 4096, BRIDGE_ABI_VERSION, SCHEMA_HASH);
    if (!h) throw new Error('no handle');
    expect(native.status(h)).toBe(0);
    cleanups.push(() => native.close(h));
    const words = new Int32Array(native.view(native.base(h), native.size(h)), 0, 128);
    return {
      write: <K extends 'PlayerTransform' | 'ConsoleCommand'>(name: K, msg: Msg<K>) => {
        const p = encode(name, msg);
        expect(native.writeFrame(h, MESSAGE_IDS[name], p, p.byteLength)).toBe(0);
      },
      waiting: () => Atomics.load(words, (OFF_RING0_CTRL + CTRL_READER_WAITING) / 4),
      wakeSeq: () => Atomics.load(words, (OFF_RING0_CTRL + CTRL_WAKE_SEQ) / 4),
    };
  }

  it('a PlayerTransform leaves a reader sleeping through lazy frames asleep; the next message wakes it', async () => {
    const s = sessionName('lz-c');
    const side: Bridge = openBridge({ name: s, role: 'sidecar', ringBytes: 4096, heartbeatMs: NO_CHECK_MS });
    cleanups.push(() => side.close());
    const g = nativeGame(s);
    await firstCheck(side);
    const got: string[] = [];
    side.on('PlayerTransform', (m) => got.push(`pt${m.entityId}`));
    side.on('ConsoleCommand', (m) => got.push(m.text));
    expect(g.waiting()).toBe(READER_WAITING_ANY);
    side.sleepThroughLazy(true);
    expect(g.waiting()).toBe(READER_WAITING_NOT_LAZY);
    const seq = g.wakeSeq();
    g.write('PlayerTransform', pt(1));
    expect(g.wakeSeq()).toBe(seq);
    expect(g.waiting()).toBe(READER_WAITING_NOT_LAZY);
    await turns();
    expect(got).toEqual([]);
    g.write('ConsoleCommand', { text: 'now' });
    expect(g.wakeSeq()).toBe(seq + 1);
    await vi.waitUntil(() => got.length === 2, WAIT);
    expect(got).toEqual(['pt1', 'now']);
    // off: the same PlayerTransform wakes it
    await vi.waitUntil(() => g.waiting() === READER_WAITING_NOT_LAZY, WAIT);
    side.sleepThroughLazy(false);
    expect(g.waiting()).toBe(READER_WAITING_ANY);
    g.write('PlayerTransform', pt(2));
    expect(g.wakeSeq()).toBe(seq + 2);
    await vi.waitUntil(() => got.length === 3, WAIT);
  });
});
