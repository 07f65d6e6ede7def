// In-process lifecycle checks: both roles in this process (the two-process file covers the real
// boundary). Wake paths, adaptive spinning, handler errors, close.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { openBridge, type Bridge, type BridgeOptions } from '../../bridge/index.js';
import { WAIT, removeSessions, sessionName } from './util.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
  removeSessions();
});

function open(session: string, o: Partial<BridgeOptions> & Pick<BridgeOptions, 'role'>): Bridge {
  const b = openBridge({ name: session, ringBytes: 4096, ...o });
  cleanups.push(() => b.close());
  return b;
}
const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('bridge lifecycle (in process)', () => {
  for (const wake of ['pipe', 'futex'] as const) {
    it(`a sleeping reader (${wake} wake) is woken for each sparse message, and close returns`, async () => {
      const s = sessionName(`wake-${wake}`);
      const side = open(s, { role: 'sidecar', wake });
      const game = open(s, { role: 'game', wake });
      const got: number[] = [];
      side.on('DespawnProxy', (m) => got.push(m.entityId));
      for (let i = 0; i < 5; i++) {
        await tick(30); // the reader has gone to sleep by now
        game.send('DespawnProxy', { entityId: i });
        await vi.waitUntil(() => got.length === i + 1, WAIT);
      }
      expect(got).toEqual([0, 1, 2, 3, 4]);
      expect(side.counters().sleeps).toBeGreaterThanOrEqual(5);
      expect(game.counters().wakes).toBeGreaterThanOrEqual(5);
      await side.close();
      expect(side.state).toBe('closed');
    });
  }

  it('a polled reader (read: poll) gets frames only when it polls, and its writer never wakes it', async () => {
    const s = sessionName('poll');
    const side = open(s, { role: 'sidecar' });
    const game = open(s, { role: 'game', read: 'poll' });
    const got: number[] = [];
    game.on('DespawnProxy', (m) => got.push(m.entityId));
    await vi.waitUntil(() => side.state === 'attached' && game.state === 'attached', WAIT);
    for (let i = 0; i < 5; i++) {
      side.send('DespawnProxy', { entityId: i });
      await tick(10);
    }
    expect(got).toEqual([]); // nothing read before a poll
    expect(game.drain()).toBe(5);
    expect(got).toEqual([0, 1, 2, 3, 4]);
    expect(game.drain()).toBe(0);
    side.send('DespawnProxy', { entityId: 5 });
    expect(game.drain()).toBe(1);
    expect(side.counters().wakes).toBe(0);
    expect(game.counters().sleeps).toBe(0);
    // the other direction still wakes a sleeping sidecar
    const back: number[] = [];
    side.on('DespawnProxy', (m) => back.push(m.entityId));
    await tick(30);
    game.send('DespawnProxy', { entityId: 9 });
    await vi.waitUntil(() => back.length === 1, WAIT);
    expect(game.counters().wakes).toBeGreaterThanOrEqual(1);
  });

  it('an idle reader stops spinning (spin budget falls to 0 without traffic)', async () => {
    const s = sessionName('spin');
    const side = open(s, { role: 'sidecar' });
    const game = open(s, { role: 'game' });
    for (let i = 0; i < 8; i++) {
      game.send('DespawnProxy', { entityId: i });
      await tick(20);
    }
    expect(side.counters().spinUs).toBe(0);
  });

  it('a throwing handler goes to handlerError; later frames still arrive', async () => {
    const s = sessionName('throw');
    const side = open(s, { role: 'sidecar' });
    const game = open(s, { role: 'game' });
    const errors: string[] = [];
    side.on('handlerError', (e) => errors.push(`${e.name}: ${(e.error as Error).message}`));
    const ok: number[] = [];
    side.on('DespawnProxy', (m) => {
      if (m.entityId === 1) throw new Error('boom');
      ok.push(m.entityId);
    });
    for (let i = 0; i < 3; i++) game.send('DespawnProxy', { entityId: i });
    await vi.waitUntil(() => ok.length === 2, WAIT);
    expect(ok).toEqual([0, 2]);
    expect(errors).toEqual(['DespawnProxy: boom']);
  });

  it('attach, then a clean close on one side: the other hears peerGone "closed" and closes', async () => {
    const s = sessionName('close');
    const side = open(s, { role: 'sidecar' });
    const events: string[] = [];
    side.on('state', (e) => events.push(`${e.from}->${e.to}`));
    const game = open(s, { role: 'game' });
    await vi.waitUntil(() => side.state === 'attached', WAIT);
    const gone = new Promise((r) => side.once('peerGone', (e) => r(e.reason)));
    await game.close();
    expect(await gone).toBe('closed');
    await side.closed();
    expect(events).toEqual(['waiting->attached', 'attached->closed']);
  });

  it("the heartbeat check runs on the intervals given (the sidecar's ride on the game's frames), stopped on close", async () => {
    const s = sessionName('intervals');
    const armed: { fn: () => void; ms: number }[] = [];
    const cleared: unknown[] = [];
    const intervals = {
      setInterval: (fn: () => void, ms: number) => (armed.push({ fn, ms }), armed.length),
      clearInterval: (h: unknown) => cleared.push(h),
    };
    const side = open(s, { role: 'sidecar', heartbeatMs: 200, intervals });
    const game = open(s, { role: 'game' });
    expect(armed.map((a) => a.ms)).toEqual([200]);
    let checks = 0;
    side.on('heartbeat', () => checks++);
    await vi.waitUntil(() => checks === 1, WAIT); // the first check, on the turn after opening
    armed[0]!.fn(); // the next ones when the intervals say so (here by hand)
    expect(side.state).toBe('attached');
    expect(checks).toBe(2);
    await side.close();
    expect(cleared).toEqual([1]);
    await game.close();
  });

  it('with closeOnPeerGone false the sidecar waits for the next game', async () => {
    const s = sessionName('again');
    const side = open(s, { role: 'sidecar', closeOnPeerGone: false });
    const g1 = openBridge({ name: s, role: 'game' });
    await vi.waitUntil(() => side.state === 'attached', WAIT);
    await g1.close();
    await vi.waitUntil(() => side.state === 'waiting', WAIT);
    const g2 = open(s, { role: 'game' });
    await vi.waitUntil(() => side.state === 'attached', WAIT);
    const got: string[] = [];
    side.on('ConsoleCommand', (m) => got.push(m.text));
    g2.send('ConsoleCommand', { text: 'back' });
    await vi.waitUntil(() => got.length === 1, WAIT);
    expect(got).toEqual(['back']);
  });

  it('bad options fail with one clear error', () => {
    expect(() => openBridge({ name: 'bad name!', role: 'sidecar' })).toThrow(/bad bridge name 'bad name!'/);
    expect(() => openBridge({ name: sessionName('rb'), role: 'sidecar', ringBytes: 5000 })).toThrow(/ringBytes must be a power of two/);
    expect(() => openBridge({ name: sessionName('role'), role: 'server' as 'game' })).toThrow(/role must be 'game' or 'sidecar'/);
  });
});
