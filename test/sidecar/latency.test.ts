// Where the sidecar could add latency between a game's move and the other game's screen
// (bench:e2e): a report held back by the input rate, and a snapshot that arrives just after a
// game frame. On the in-process harness with a hand-moved clock and hand-fired timers.
import { describe, it, expect } from 'vitest';
import { Harness, at, type TestPeer } from '../server/harness.js';
import { Sidecar, INPUT_BURST, INPUT_MAX_HZ, sampleTickUs } from '../../src/sidecar/sidecar.js';
import type { EntityState, GameLink, Transform, Vec3 } from '../../src/sidecar/game-link.js';
import { decodeMsg } from '../../src/protocol/codec.js';
import { HandTimers } from '../helpers/hand-timers.js';

class FakeGame implements GameLink {
  cb: ((t: Transform) => void) | null = null;
  states: { id: number; tUs: number; pos: Vec3 }[] = [];
  onPlayerTransform(cb: (t: Transform) => void) {
    this.cb = cb;
  }
  /** One game frame's report of the player at height z. */
  report(z: number): void {
    this.cb?.({ pos: { x: 0, y: 0, z }, rot: { x: 0, y: 0, z: 0, w: 1 }, vel: { x: 0, y: 0, z: 0 } });
  }
  spawn() {}
  despawn() {}
  entityStates(tick: number, states: readonly EntityState[]) {
    for (const s of states) this.states.push({ id: s.entityId, tUs: tick, pos: { ...s.pos } });
    return true;
  }
  interpDelay() {}
  notify() {}
}

/** Heights of the player reports the server got from this peer since the last call. */
function reportsSent(p: TestPeer): number[] {
  const zs: number[] = [];
  for (const m of p.toServer.splice(0)) {
    const d = decodeMsg(m.bytes);
    if (d.ok && d.kind === 'playerState') zs.push(d.msg.playerState!.z!);
  }
  return zs;
}

/** One sidecar on hand-driven timers, its join's reports already taken. */
function reportingSidecar() {
  const h = new Harness();
  const a = h.add('A', at(0, 0));
  const timers = new HandTimers(h);
  const game = new FakeGame();
  new Sidecar(game, a.client, () => h.t, { timers });
  reportsSent(a);
  return { h, a, timers, game };
}

describe('sidecar: reports to the server', () => {
  it('sends a report between frames at once; one over the rate goes out when the rate allows, carrying the latest', () => {
    const { h, a, timers, game } = reportingSidecar();
    game.report(1);
    h.t += 1;
    game.report(2); // a report between frames: within the burst
    expect(reportsSent(a)).toEqual([1, 2]);
    h.t += 1;
    game.report(3); // over the rate: held, not dropped
    h.t += 1;
    game.report(4); // folded into the held one
    expect(reportsSent(a)).toEqual([]);
    expect(timers.pending).toHaveLength(1);
    const due = timers.pending[0].dueMs;
    expect(due - (h.t - 1)).toBeLessThanOrEqual(1000 / INPUT_MAX_HZ); // at most one token's time after report 3
    h.t = due;
    timers.fireDue();
    expect(reportsSent(a)).toEqual([4]);
  });

  it('never holds a 60 Hz game, even with an extra report between frames', () => {
    const { h, a, timers, game } = reportingSidecar();
    const start = h.t;
    let sent = 0;
    for (let f = 1; f <= 120; f++) {
      h.t = start + (f * 1000) / 60;
      game.report(f);
      if (f % 12 === 0) {
        h.t += 2; // 2 ms after the frame: the kind of report bench:e2e makes
        game.report(-f);
        sent++;
      }
      sent++;
      expect(timers.pending).toHaveLength(0);
    }
    expect(reportsSent(a)).toHaveLength(sent);
  });

  it('holds a 144 Hz game to the rate, each held report out within one token time', () => {
    const { h, a, timers, game } = reportingSidecar();
    const start = h.t;
    const stepMs = 0.25;
    let nextFrame = start;
    let frames = 0;
    while (h.t < start + 1000) {
      timers.fireDue();
      if (h.t >= nextFrame) {
        game.report(++frames);
        nextFrame += 1000 / 144;
        for (const t of timers.pending) expect(t.dueMs - h.t).toBeLessThanOrEqual(1000 / INPUT_MAX_HZ);
      }
      h.t += stepMs;
    }
    const zs = reportsSent(a);
    expect(frames).toBeGreaterThanOrEqual(144);
    expect(zs.length).toBeLessThanOrEqual(INPUT_MAX_HZ + INPUT_BURST);
    expect(zs.length).toBeGreaterThanOrEqual(INPUT_MAX_HZ - 2);
    expect([...zs].sort((x, y) => x - y)).toEqual(zs); // in order, none repeated
  });
});

describe('sidecar: snapshots to the game', () => {
  /** A and B joined and in each other's interest; B's game has just reported a frame. */
  function twoPlayers(interpDelayMs: number | undefined) {
    const h = new Harness();
    const timers = new HandTimers(h);
    let sidecarB: Sidecar | null = null;
    const a = h.add('A', at(0, 0));
    const b = h.add('B', at(3, 0), { interpDelayMs, events: { snapshot: () => sidecarB?.snapshotArrived() } });
    const gameA = new FakeGame();
    const gameB = new FakeGame();
    new Sidecar(gameA, a.client, () => h.t, { timers });
    sidecarB = new Sidecar(gameB, b.client, () => h.t, { timers });
    for (let i = 0; i < 8; i++) {
      gameA.report(0);
      gameB.report(0);
      h.tick();
    }
    return { h, a, gameA, gameB, avatarA: a.conn.avatarId };
  }

  it('with an interpolation delay under a frame, shows a snapshot as it arrives, even 1 ms after a game frame', () => {
    const { h, gameA, gameB, avatarA } = twoPlayers(0);
    gameB.report(0); // B's game frame
    gameA.report(0.5); // A moves
    h.pump();
    h.t += 1;
    const before = gameB.states.length;
    h.server.runTick(h.t); // the snapshot reaches B 1 ms after B's frame
    h.pump();
    const shown = gameB.states.slice(before).filter((s) => s.id === avatarA);
    expect(shown).toHaveLength(1);
    expect(shown[0].tUs).toBe(sampleTickUs(h.t));
    expect(shown[0].pos.z).toBeCloseTo(0.5, 2);
  });

  it('with the default delay, leaves a snapshot to the next game frame (it is not due on screen yet)', () => {
    const { h, gameA, gameB, avatarA } = twoPlayers(undefined);
    gameB.report(0);
    gameA.report(0.5);
    h.pump();
    h.t += 1;
    const before = gameB.states.length;
    h.server.runTick(h.t);
    h.pump();
    expect(gameB.states.slice(before).filter((s) => s.id === avatarA)).toHaveLength(0);
  });
});
