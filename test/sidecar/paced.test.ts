// The sidecar paced by the server's tick (tick-pacer.ts) on the in-process harness: once the
// server reports its inputs' lead it wakes once a tick, sends one input a tick carrying the
// game's newest transform, and hands the game its proxies once a tick with path velocities, on
// which the game coasts between states (as CoopProxies.Tick does) — still a smooth path on the
// game's screen at 60 Hz. With an interpolation delay under a tick it stays frame by frame.
import { describe, it, expect } from 'vitest';
import { Harness, at, type TestPeer } from '../server/harness.js';
import { Sidecar } from '../../src/sidecar/sidecar.js';
import type { EntityState, GameLink, Transform, Vec3 } from '../../src/sidecar/game-link.js';
import { PACE_LEAD_MIN_MS } from '../../src/sidecar/tick-pacer.js';
import { HandTimers } from '../helpers/hand-timers.js';
import { jerkStats } from '../helpers/jerk.js';

/** m/s³ over 100 ms spans (as sidecar.test.ts). */
const JERK_BOUND_MPS3 = 50;
const GAME_FRAME_MS = 1000 / 60;
const RADIUS_M = 20;
const SPEED_MPS = 4;

/** A game that keeps its proxies as CoopProxies does: the last state, coasted on its velocity. */
class CoastingGame implements GameLink {
  cb: ((t: Transform) => void) | null = null;
  proxies = new Map<number, { atMs: number; pos: Vec3; vel: Vec3 }>();
  statesWritten = 0;
  /** How far each state put a proxy from where coasting on the previous one had brought it, m. */
  gaps: number[] = [];
  sleepingThroughFrames: boolean[] = [];
  constructor(private readonly now: () => number) {}
  onPlayerTransform(cb: (t: Transform) => void) {
    this.cb = cb;
  }
  spawn(id: number, _kind: number, _template: string, pos: Vec3) {
    this.proxies.set(id, { atMs: this.now(), pos: { ...pos }, vel: { x: 0, y: 0, z: 0 } });
  }
  despawn(id: number) {
    this.proxies.delete(id);
  }
  entityStates(_tick: number, states: readonly EntityState[]) {
    this.statesWritten++;
    for (const s of states) {
      const was = this.onScreen(s.entityId);
      if (was) this.gaps.push(Math.hypot(was.x - s.pos.x, was.y - s.pos.y, was.z - s.pos.z));
      this.proxies.set(s.entityId, { atMs: this.now(), pos: { ...s.pos }, vel: { ...s.vel } });
    }
    return true;
  }
  interpDelay() {}
  notify() {}
  sleepThroughFrames(on: boolean) {
    this.sleepingThroughFrames.push(on);
  }
  /** Where the game draws proxy `id` this frame. */
  onScreen(id: number): Vec3 | undefined {
    const p = this.proxies.get(id);
    if (!p) return undefined;
    const dt = (this.now() - p.atMs) / 1000;
    return { x: p.pos.x + p.vel.x * dt, y: p.pos.y + p.vel.y * dt, z: p.pos.z + p.vel.z * dt };
  }
}

/** Player i walking a circle; `withVelocity` false: a game that reports no velocity (vel 0). */
const walk = (i: number, tMs: number, withVelocity = true) => {
  const a = (tMs / 1000) * (SPEED_MPS / RADIUS_M) + i;
  const v = withVelocity ? SPEED_MPS : 0;
  return {
    pos: { x: i * 30 + RADIUS_M * Math.cos(a), y: RADIUS_M * Math.sin(a), z: 0 },
    vel: { x: -v * Math.sin(a), y: v * Math.cos(a), z: 0 },
    rot: { x: 0, y: 0, z: 0, w: 1 },
  };
};

/** Two walking players with paced-capable sidecars on hand timers, run for `ms`. */
function run(ms: number, interpDelayMs?: number, withVelocity = true) {
  const h = new Harness();
  const timers = new HandTimers(h);
  const leads: number[] = [];
  const sidecars: Sidecar[] = [];
  const peers: TestPeer[] = [0, 1].map((i) =>
    h.add(`P${i}`, at(walk(i, h.t).pos.x, walk(i, h.t).pos.y), {
      interpDelayMs,
      ackWithInput: true,
      events: {
        snapshot: (_tick, leadUs) => {
          if (i === 0) leads.push(leadUs / 1000);
          sidecars[i]?.snapshotArrived(leadUs);
        },
      },
    }),
  );
  const games = peers.map(() => new CoastingGame(() => h.t));
  /** When sidecar 0 called afterWake (what else rides on its wakes: session-wiring.ts). */
  const wakes: number[] = [];
  peers.forEach((p, i) => sidecars.push(new Sidecar(games[i], p.client, () => h.t, { timers, mayPace: true, afterWake: () => i === 0 && wakes.push(h.t) })));
  const screen: { tMs: number; x: number; y: number; z: number }[] = [];
  const seq0 = peers[0].conn.lastInputSeq;
  let nextTick = h.t + 25,
    nextFrame = h.t;
  const end = h.t + ms;
  while (h.t < end) {
    timers.fireDue();
    h.pump();
    if (h.t >= nextFrame) {
      games.forEach((g, i) => g.cb?.(walk(i, h.t, withVelocity)));
      h.pump();
      const p = games[1].onScreen(peers[0].conn.avatarId);
      if (p) screen.push({ tMs: h.t, ...p });
      nextFrame += GAME_FRAME_MS;
    }
    if (h.t >= nextTick) {
      h.server.runTick(h.t);
      h.pump();
      nextTick += h.server.clock.currentTickMs;
    }
    h.t += 0.5;
  }
  return { h, peers, games, sidecars, leads, screen, wakes, inputs: peers[0].conn.lastInputSeq - seq0 };
}

describe('sidecar paced by the server tick (in-process)', () => {
  it('wakes once a tick just before it, sends one input a tick, and the coasting game still shows a smooth path', () => {
    const { sidecars, games, leads, screen, inputs } = run(6000);
    expect(sidecars.every((s) => s.paced)).toBe(true);
    expect(games[0].sleepingThroughFrames).toEqual([true]);
    // one input a tick (40 a second), not one a game frame (60)
    expect(inputs).toBeGreaterThan(6 * 40 - 10);
    expect(inputs).toBeLessThan(6 * 40 + 10);
    // states once a tick too
    expect(games[1].statesWritten).toBeLessThan(6 * 40 + 10);
    // locked: every tick got its input, landing just before the tick
    for (const lead of leads.slice(-80)) expect(lead > 0 && lead < PACE_LEAD_MIN_MS + 3).toBe(true);
    const j = jerkStats(screen.slice(60));
    expect(j.samples).toBeGreaterThan(250);
    expect(j.max).toBeLessThan(JERK_BOUND_MPS3);
  });

  it('gives each state the velocity that carries the proxy to the next, even from a game that reports none', () => {
    // coasting on the reported velocity (0 here) would leave each proxy standing for a tick and
    // jump it 10 cm (4 m/s × 25 ms) at every state
    const { sidecars, games, screen } = run(3000, undefined, false);
    expect(sidecars[1].paced).toBe(true);
    const gaps = games[1].gaps.slice(60).sort((a, b) => a - b);
    expect(gaps.length).toBeGreaterThan(50);
    expect(gaps[gaps.length - 1]).toBeLessThan(0.02); // within the 1 cm quantisation, both ends
    expect(jerkStats(screen.slice(60)).max).toBeLessThan(JERK_BOUND_MPS3);
    sidecars[0].close();
    expect(games[0].sleepingThroughFrames).toEqual([true, false]);
  });

  it('stays frame by frame, even when allowed to pace, while the interpolation delay is under a tick (each snapshot shown as it comes)', () => {
    const { sidecars, games, inputs } = run(2000, 0);
    expect(sidecars.some((s) => s.paced)).toBe(false);
    expect(games[0].sleepingThroughFrames).toEqual([]);
    expect(inputs).toBeGreaterThan(2 * 60 - 10); // one a game frame
  });

  it('calls afterWake once a paced tick, and once a game frame when by frames (the timers due ride there)', () => {
    const lastSecond = (w: number[]) => w.filter((t) => t > w.at(-1)! - 1000).length;
    const paced = run(3000);
    expect(paced.sidecars[0].paced).toBe(true);
    expect(Math.abs(lastSecond(paced.wakes) - 40)).toBeLessThanOrEqual(2);
    const byFrames = run(2000, 0);
    expect(Math.abs(lastSecond(byFrames.wakes) - 60)).toBeLessThanOrEqual(2);
  });

  it('stops pacing when the session is forgotten (link lost), and the game wakes it on frames again', () => {
    const { sidecars, games } = run(1500);
    expect(sidecars[0].paced).toBe(true);
    sidecars[0].forgetAll();
    expect(sidecars[0].paced).toBe(false);
    expect(games[0].sleepingThroughFrames).toEqual([true, false]);
  });

  it('sleeps through the frames out of the world (joining, link lost), paced or not, and wakes on them again once back in it', () => {
    const { sidecars, games } = run(1500);
    expect(games[0].sleepingThroughFrames).toEqual([true]);
    // the link is lost while paced: the frames stay asleep (out of the world they carry nothing)
    sidecars[0].setInWorld(false);
    sidecars[0].forgetAll();
    expect(sidecars[0].paced).toBe(false);
    expect(games[0].sleepingThroughFrames).toEqual([true]);
    // welcomed again, by frames until the server reports the lead
    sidecars[0].setInWorld(true);
    expect(games[0].sleepingThroughFrames).toEqual([true, false]);
    sidecars[0].setInWorld(true);
    expect(games[0].sleepingThroughFrames).toEqual([true, false]);

    // never paced (a delay under a tick): asleep out of the world only
    const byFrames = run(500, 0);
    byFrames.sidecars[1].setInWorld(false);
    expect(byFrames.games[1].sleepingThroughFrames).toEqual([true]);
    byFrames.sidecars[1].setInWorld(true);
    expect(byFrames.games[1].sleepingThroughFrames).toEqual([true, false]);
  });
});
