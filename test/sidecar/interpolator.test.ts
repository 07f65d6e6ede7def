import { describe, it, expect } from 'vitest';
import { SnapshotInterpolator, MAX_EXTRAPOLATION_MS, SLEW_MAX_RATE } from '../../src/sidecar/interpolator.js';
import { emptyState, quantPos, quantVel, quantYaw, FIELD_COUNT, F_X, F_VX, F_YAW } from '../../src/protocol/snapshot-format.js';
import { seededRandom } from '../../src/util/random.js';

const SPEED = 5; // m/s along x
function snap(id: number, x: number, vx: number) {
  const s = emptyState(1);
  s.count = 1;
  s.ids[0] = id;
  s.vals[F_X] = quantPos(x);
  s.vals[F_VX] = quantVel(vx);
  return s;
}

/** Drives an interpolator: server ticks at tickMs(t), 16 ms frames, jittered arrival. */
function run(opts: { ms: number; tickMs: (serverT: number) => number; stopAt?: number; seed?: number }) {
  const rng = seededRandom(opts.seed ?? 1);
  const it = new SnapshotInterpolator(opts.tickMs(0));
  const frames: { t: number; x: number; delay: number; playout: number; extrap: boolean }[] = [];
  const arrivals: { at: number; serverT: number }[] = [];
  let serverT = 0,
    lastTick = 0;
  while (serverT < opts.ms) {
    const tick = opts.tickMs(serverT);
    if (tick !== lastTick) {
      arrivals.push({ at: serverT + 30, serverT: -tick });
      lastTick = tick;
    }
    serverT += tick;
    if (opts.stopAt === undefined || serverT < opts.stopAt) arrivals.push({ at: serverT + 30 + rng() * 15, serverT });
  }
  arrivals.sort((a, b) => a.at - b.at);
  let ai = 0;
  for (let now = 0; now < opts.ms; now += 16) {
    while (ai < arrivals.length && arrivals[ai].at <= now) {
      const a = arrivals[ai++];
      if (a.serverT < 0) it.onTickRateChange(-a.serverT);
      else it.push(a.serverT + 5000, snap(7, (a.serverT * SPEED) / 1000, SPEED), a.at); // server clock offset 5 s
    }
    const out = it.sample(now);
    if (out.length) frames.push({ t: now, x: out[0].x, delay: it.currentDelayMs, playout: it.playoutMs!, extrap: out[0].extrapolated });
  }
  return { it, frames };
}

describe('SnapshotInterpolator (IMT-4)', () => {
  it('interpDelayMs = max(2 × tickMs, 80) on every TickRateChange', () => {
    const it = new SnapshotInterpolator(25);
    expect(it.interpDelayMs).toBe(80);
    for (const [tick, d] of [
      [40, 80],
      [50, 100],
      [20, 80],
      [45, 90],
      [25, 80],
    ]) {
      it.onTickRateChange(tick);
      expect(it.interpDelayMs).toBe(d);
    }
  });

  it('slews to a new delay: playout never goes back, never stops, rate within bounds', () => {
    const { frames } = run({ ms: 8000, tickMs: (t) => (t < 3000 ? 25 : 50) });
    const late = frames.filter((f) => f.t > 7000);
    for (const f of late) expect(Math.abs(f.delay - 100)).toBeLessThan(5); // reached the 50 ms tick's 100 ms
    const early = frames.filter((f) => f.t > 2000 && f.t < 3000);
    for (const f of early) expect(Math.abs(f.delay - 80)).toBeLessThan(5);
    for (let i = 1; i < frames.length; i++) {
      const dp = frames[i].playout - frames[i - 1].playout,
        dt = frames[i].t - frames[i - 1].t;
      if (i > 3) {
        expect(dp).toBeGreaterThanOrEqual(dt * (1 - SLEW_MAX_RATE) - 1e-9); // no freeze, no snap back
        expect(dp).toBeLessThanOrEqual(dt * (1 + SLEW_MAX_RATE) + 1e-9);
      }
      expect(frames[i].x).toBeGreaterThanOrEqual(frames[i - 1].x - 1e-9); // the walker never moves backwards
    }
  });

  it('positions between snapshots follow the true path within a few cm', () => {
    const { frames } = run({ ms: 4000, tickMs: () => 25 });
    for (const f of frames.filter((g) => g.t > 1000)) {
      const truth = ((f.playout - 5000) * SPEED) / 1000;
      expect(Math.abs(f.x - truth)).toBeLessThan(0.02);
    }
  });

  it('extrapolates for at most MAX_EXTRAPOLATION_MS when snapshots stop, then holds', () => {
    const { frames } = run({ ms: 4000, tickMs: () => 25, stopAt: 2000 });
    const lastX = ((2000 - 25) * SPEED) / 1000;
    const after = frames.filter((f) => f.t > 3000);
    expect(after.length).toBeGreaterThan(10);
    for (const f of after) {
      expect(f.extrap).toBe(true);
      expect(Math.abs(f.x - (lastX + (SPEED * MAX_EXTRAPOLATION_MS) / 1000))).toBeLessThan(0.011); // within quantisation
    }
    expect(FIELD_COUNT).toBe(7);
    expect(F_VX).toBe(4);
  });
});

describe('SnapshotInterpolator yaw', () => {
  it('turns the short way across ±π, and the objects it hands out are rewritten by the next sample', () => {
    const it = new SnapshotInterpolator(25, 0);
    const withYaw = (yaw: number) => {
      const s = snap(3, 0, 0);
      s.vals[F_YAW] = quantYaw(yaw);
      return s;
    };
    it.push(1000, withYaw(Math.PI - 0.1), 0);
    it.push(1100, withYaw(-Math.PI + 0.1), 100);
    const yaws: number[] = [];
    for (let t = 0; t <= 100; t += 25) {
      const out = it.sample(t);
      yaws.push(out[0]!.yaw);
    }
    // Through π (0.2 rad the short way), never back through 0.
    for (const y of yaws) expect(Math.abs(y)).toBeGreaterThan(Math.PI - 0.11);
    expect(Math.abs(yaws[2]!)).toBeCloseTo(Math.PI, 2);
    const a = it.sample(100)[0]!;
    const b = it.sample(100)[0]!;
    expect(a).toBe(b);
  });

  it('learns the clock offset only from snapshots whose arrival is known (not from ones held for a paced tick)', () => {
    /** Playout time at each 25 ms step; snapshots read 20 ms after they came, known or not. */
    const playout = (arrivalKnown: boolean): number[] => {
      const it = new SnapshotInterpolator(25, 80);
      it.push(10_000, snap(7, 0, SPEED), 1_000); // arrived at 1000: server − local = 9000
      const out: number[] = [];
      for (let k = 1; k <= 80; k++) {
        it.push(10_000 + 25 * k, snap(7, (25 * k * SPEED) / 1000, SPEED), 1_000 + 25 * k + 20, arrivalKnown);
        it.sample(1_000 + 25 * k + 20);
        out.push(it.playoutMs!);
      }
      return out;
    };
    const held = playout(false),
      asRead = playout(true);
    // held: the playout keeps the first arrival's clock: server time − 80 ms at every step
    held.forEach((p, i) => expect(p).toBeCloseTo(10_000 + 25 * (i + 1) + 20 - 80, 0));
    // taken as arrivals, the late reads pull the clock (and what is shown) back towards 20 ms later
    expect(held[79] - asRead[79]).toBeGreaterThan(10);
  });
});
