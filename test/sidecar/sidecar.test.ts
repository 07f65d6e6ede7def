// The sidecar glue on the in-process harness: spawn/despawn through the GameLink, and the
// interpolated positions a game is given move smoothly (bounded jerk) on a simulated clock.
import { describe, it, expect } from 'vitest';
import { mkdtempSync, writeFileSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Harness, at } from '../server/harness.js';
import { Sidecar, FRAME_MS } from '../../src/sidecar/sidecar.js';
import type { EntityState, GameLink, Transform, Vec3 } from '../../src/sidecar/game-link.js';
import { loadOrCreateIdentity } from '../../src/protocol/identity-store.js';
import { fingerprint } from '../../src/protocol/identity.js';
import { jerkStats } from '../helpers/jerk.js';

/** m/s³ over 100 ms spans (test/helpers/jerk.ts). */
const JERK_BOUND_MPS3 = 50;

class FakeGame implements GameLink {
  cb: ((t: Transform) => void) | null = null;
  spawned = new Map<number, number>();
  despawned: number[] = [];
  states = new Map<number, { tUs: number; pos: Vec3 }[]>();
  onPlayerTransform(cb: (t: Transform) => void) {
    this.cb = cb;
  }
  spawn(id: number, kind: number) {
    this.spawned.set(id, kind);
  }
  despawn(id: number) {
    this.despawned.push(id);
    this.spawned.delete(id);
  }
  entityStates(tick: number, states: readonly EntityState[]) {
    for (const s of states) (this.states.get(s.entityId) ?? this.states.set(s.entityId, []).get(s.entityId)!).push({ tUs: tick, pos: { ...s.pos } });
    return true;
  }
  interpDelay() {}
  notify() {}
}

describe('sidecar glue (in-process)', () => {
  it('spawns exactly the avatars in range and gives smooth positions', () => {
    const h = new Harness();
    const walkers = [
      { c: [0, 0], r: 20 },
      { c: [40, 0], r: 20 },
      { c: [1000, 0], r: 20 },
    ];
    const games = walkers.map(() => new FakeGame());
    const pos = (i: number, tMs: number) => {
      const w = walkers[i],
        om = 4 / w.r,
        a = (tMs / 1000) * om + i;
      return { pos: { x: w.c[0] + w.r * Math.cos(a), y: w.c[1] + w.r * Math.sin(a), z: 0 }, vel: { x: -4 * Math.sin(a), y: 4 * Math.cos(a), z: 0 } };
    };
    const peers = walkers.map((_, i) => h.add(`P${i}`, at(pos(i, h.t).pos.x, pos(i, h.t).pos.y)));
    const sidecars = peers.map((p, i) => {
      const s = new Sidecar(games[i], p.client, () => h.t);
      return s;
    });
    let nextTick = h.t,
      nextFrame = h.t,
      nextInput = h.t,
      nextGame = h.t;
    const end = h.t + 6000;
    const rawPaths = new Map<number, { tMs: number; x: number; y: number; z: number }[]>();
    while (h.t < end) {
      if (h.t >= nextGame) {
        games.forEach((g, i) => g.cb?.({ ...pos(i, h.t), rot: { x: 0, y: 0, z: 0, w: 1 } }));
        nextGame += 1000 / 60;
      }
      if (h.t >= nextInput) {
        sidecars.forEach((s) => s.sendInput());
        h.pump();
        nextInput += 25;
      }
      if (h.t >= nextTick) {
        h.server.runTick(h.t);
        h.server.recordFrame(1, h.t);
        h.pump();
        nextTick += h.server.clock.currentTickMs;
      }
      if (h.t >= nextFrame) {
        sidecars.forEach((s) => s.frame());
        const st = peers[0].client.receiver.state(peers[0].client.receiver.newestTick);
        for (let i = 0; st && i < st.count; i++) {
          const id = st.ids[i];
          (rawPaths.get(id) ?? rawPaths.set(id, []).get(id)!).push({ tMs: h.t, x: st.vals[i * 7] / 100, y: st.vals[i * 7 + 1] / 100, z: 0 });
        }
        nextFrame += FRAME_MS;
      }
      h.t += 1;
    }
    const av = peers.map((p) => p.conn.avatarId);
    expect([...games[0].spawned]).toEqual([[av[1], 0]]);
    expect([...games[1].spawned]).toEqual([[av[0], 0]]);
    expect([...games[2].spawned]).toEqual([]);
    const seen = games[0].states.get(av[1])!.slice(40); // after the playout clock settled
    const j = jerkStats(seen.map((s) => ({ tMs: s.tUs / 1000, ...s.pos })));
    expect(j.samples).toBeGreaterThan(200);
    expect(j.max).toBeLessThan(JERK_BOUND_MPS3); // the true path has 0.16 m/s³
    // the same measure on the newest snapshot as is (no interpolation) is far above the bound
    const raw = rawPaths.get(av[1])!.slice(40);
    expect(jerkStats(raw).max).toBeGreaterThan(JERK_BOUND_MPS3 * 3);
  });
});

describe('identity store', () => {
  it('makes one key per install, reuses it, refuses a corrupt file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'coop-id-'));
    const a = loadOrCreateIdentity(dir);
    expect(a.created).toBe(true);
    expect(statSync(join(dir, 'identity.pem')).mode & 0o777).toBe(0o600);
    const b = loadOrCreateIdentity(dir);
    expect(b.created).toBe(false);
    expect(fingerprint(b.keys.publicKeyRaw)).toBe(fingerprint(a.keys.publicKeyRaw));
    writeFileSync(join(dir, 'identity.pem'), 'garbage');
    expect(() => loadOrCreateIdentity(dir)).toThrow(/not an Ed25519 key/);
    expect(readFileSync(join(dir, 'identity.pem'), 'utf8')).toBe('garbage');
  });
});
