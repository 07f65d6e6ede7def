// The C interpolator (native-shims/sidecar/interpolator.c) through its koffi binding: its tuning
// is the header's (one source, parsed here), and its edge cases: the slew bound, the resync after
// a stall, the extrapolation cap, path-ahead velocities, entities appearing and leaving between
// states, yaw across ±π, states straight from the C receiver, samples larger than the first
// buffer, and hostile numbers (answered, never a crash).
import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import {
  BUFFER_MAX_SNAPSHOTS,
  INTERP_PUSH_ANSWERS,
  MAX_EXTRAPOLATION_MS,
  OFFSET_SMOOTHING,
  OUT_STRIDE,
  RESYNC_AHEAD_MS,
  SLEW_MAX_RATE,
  SLEW_TIME_CONSTANT_MS,
  loadInterpNative,
  interpPushCode,
} from '../../src/sidecar/interp-native.js';
import { SnapshotInterpolator, type InterpolatedEntity } from '../../src/sidecar/interpolator.js';
import { SnapshotReceiver } from '../../src/sidecar/snapshot-receiver.js';
import {
  SnapshotEncoder,
  emptyState,
  quantPos,
  quantVel,
  quantYaw,
  FIELD_COUNT,
  F_X,
  F_VX,
  F_YAW,
  MAX_SNAPSHOT_ENTITIES,
  type SnapshotState,
} from '../../src/protocol/snapshot-format.js';

const HEADER = readFileSync('native-shims/include/coop_interp.h', 'utf8');
const define = (name: string): string => {
  const m = new RegExp(`^#define ${name} (\\S+)`, 'm').exec(HEADER);
  expect(m, name).not.toBeNull();
  return m![1];
};

/** A state of entities `ids`, entity id at x = id + dx m moving vx m/s along x, facing yaw. */
function state(ids: number[], dx = 0, vx = 0, yaw = 0): SnapshotState {
  const s = emptyState(ids.length + 1);
  ids.forEach((id, i) => {
    s.ids[i] = id;
    s.vals[i * FIELD_COUNT + F_X] = quantPos(id + dx);
    s.vals[i * FIELD_COUNT + F_VX] = quantVel(vx);
    s.vals[i * FIELD_COUNT + F_YAW] = quantYaw(yaw);
  });
  s.count = ids.length;
  return s;
}
const byId = (out: InterpolatedEntity[]) => new Map(out.map((e) => [e.id, { ...e }]));

describe('coop_interp.h and the TypeScript side', () => {
  it('share the tuning, the limits, the output layout and the push answers', () => {
    expect(Number(define('COOP_INTERP_SLEW_MAX_RATE'))).toBe(SLEW_MAX_RATE);
    expect(Number(define('COOP_INTERP_SLEW_TIME_CONSTANT_MS'))).toBe(SLEW_TIME_CONSTANT_MS);
    expect(Number(define('COOP_INTERP_MAX_EXTRAPOLATION_MS'))).toBe(MAX_EXTRAPOLATION_MS);
    expect(Number(define('COOP_INTERP_RESYNC_AHEAD_MS'))).toBe(RESYNC_AHEAD_MS);
    expect(Number(define('COOP_INTERP_OFFSET_SMOOTHING'))).toBe(OFFSET_SMOOTHING);
    expect(Number(define('COOP_INTERP_BUFFER_MAX'))).toBe(BUFFER_MAX_SNAPSHOTS);
    expect(Number(define('COOP_INTERP_OUT_STRIDE'))).toBe(OUT_STRIDE);
    const answers = ['STORED', 'LATE', 'BAD_TIME', 'NOT_HELD', 'TOO_MANY', 'NO_MEMORY'].map((n) => Number(define(`COOP_INTERP_${n}`)));
    expect(answers).toEqual(INTERP_PUSH_ANSWERS.map((_, i) => i));
  });
});

describe('the C interpolator', () => {
  it('slews to a new delay within ±SLEW_MAX_RATE of real time; a fixed delay keeps real time', () => {
    /** Playout steps of 25 ms frames, the tick rate changing to 100 ms at frame 100. */
    const steps = (ip: SnapshotInterpolator): number[] => {
      const out: number[] = [];
      for (let k = 0; k < 400; k++) {
        const now = 1000 + 25 * k;
        ip.push(50_000 + 25 * k, state([1]), now);
        if (k === 100) ip.onTickRateChange(100);
        const before = ip.playoutMs;
        ip.sample(now);
        if (before !== null) out.push(ip.playoutMs! - before);
      }
      return out;
    };
    const slewing = new SnapshotInterpolator(25); // 80 → 200 ms: 120 ms to lose, at most 10 % a frame
    const s = steps(slewing);
    expect(slewing.interpDelayMs).toBe(200);
    for (const d of s) {
      expect(d).toBeGreaterThanOrEqual(25 * (1 - SLEW_MAX_RATE) - 1e-9);
      expect(d).toBeLessThanOrEqual(25 * (1 + SLEW_MAX_RATE) + 1e-9);
    }
    expect(s.slice(99, 120).every((d) => Math.abs(d - 25 * (1 - SLEW_MAX_RATE)) < 1e-9)).toBe(true); // at the bound, not a jump
    expect(Math.abs(slewing.currentDelayMs - 200)).toBeLessThan(1);
    const fixed = new SnapshotInterpolator(25, 80);
    const f = steps(fixed);
    expect(fixed.interpDelayMs).toBe(80);
    expect(f.every((d) => Math.abs(d - 25) < 1e-9)).toBe(true);
  });

  it('slews a jump of the clock offset under RESYNC_AHEAD_MS, and jumps to one over it', () => {
    /** Playout step over a 25 ms frame after the server's clock appeared `jumpMs` ahead. */
    const stepAfterJump = (jumpMs: number): number => {
      const ip = new SnapshotInterpolator(25, 80);
      ip.push(10_000, state([1]), 0);
      ip.sample(0);
      expect(ip.playoutMs).toBe(10_000 - 80);
      ip.push(10_025 + jumpMs, state([1]), 25); // a faster arrival: followed at once
      ip.sample(25);
      return ip.playoutMs! - (10_000 - 80);
    };
    expect(stepAfterJump(RESYNC_AHEAD_MS / 2)).toBeCloseTo(25 * (1 + SLEW_MAX_RATE), 9);
    expect(stepAfterJump(RESYNC_AHEAD_MS * 5)).toBe(25 + RESYNC_AHEAD_MS * 5);
  });

  it('extrapolates along the velocity for at most MAX_EXTRAPOLATION_MS, then holds', () => {
    const ip = new SnapshotInterpolator(25, 0);
    ip.push(1000, state([4], 0, 10), 0);
    const at = (t: number) => ip.sample(t)[0]!;
    expect(at(0)).toMatchObject({ id: 4, x: 4, extrapolated: false });
    expect(at(50).x).toBeCloseTo(4 + 0.5, 9);
    expect(at(50).extrapolated).toBe(true);
    expect(at(MAX_EXTRAPOLATION_MS).x).toBeCloseTo(4 + 2, 9);
    expect(at(5 * MAX_EXTRAPOLATION_MS).x).toBeCloseTo(4 + 2, 9);
  });

  it('interpolates entities in both states; one that appears is shown as it is, one that left is gone', () => {
    const ip = new SnapshotInterpolator(25, 0);
    ip.push(1000, state([1, 2, 5], 0), 0);
    ip.push(1100, state([2, 3, 5], 1), 100);
    ip.sample(0);
    const mid = byId(ip.sample(50));
    expect([...mid.keys()]).toEqual([2, 3, 5]);
    expect(mid.get(2)!.x).toBeCloseTo(2.5, 9);
    expect(mid.get(5)!.x).toBeCloseTo(5.5, 9);
    expect(mid.get(3)!.x).toBeCloseTo(4, 9); // not in the older state: the newer's own
    const appearing = new SnapshotInterpolator(25, 0);
    appearing.push(1000, state([]), 0);
    appearing.push(1100, state([9]), 100);
    appearing.sample(0);
    expect(appearing.sample(10).map((e) => e.x)).toEqual([9]); // from the newer state on, where it is there
    const leaving = new SnapshotInterpolator(25, 0);
    leaving.push(1000, state([9]), 0);
    leaving.push(1100, state([]), 100);
    expect(leaving.sample(0).map((e) => e.id)).toEqual([9]); // at the older state: still there
    expect(leaving.sample(10)).toEqual([]);
  });

  it('gives path-ahead velocities towards where the path is ahead_ms later; reported ones where that is past the newest state', () => {
    const ip = new SnapshotInterpolator(25, 0);
    ip.pathAheadMs = 25;
    ip.push(1000, state([1, 2], 0, 7), 0);
    ip.push(1100, state([1, 3], 1, 7), 100); // entity 1: 1 m in 100 ms = 10 m/s along the path
    ip.sample(0);
    const out = byId(ip.sample(50));
    expect(out.get(1)!.vx).toBeCloseTo(10, 6);
    expect(out.get(3)!.vx).toBe(0); // only in the newer state: shown where its path is, standing
    const late = byId(ip.sample(90)); // 90 + 25 is past the newest state
    expect(late.get(1)!.vx).toBeCloseTo(7, 9);
    ip.pathAheadMs = null;
    expect(byId(ip.sample(60)).get(1)!.vx).toBeCloseTo(7, 9);
  });

  it('turns the short way across ±π both ways, staying within [−π, π]', () => {
    for (const [from, to] of [
      [Math.PI - 0.2, -Math.PI + 0.2],
      [-Math.PI + 0.2, Math.PI - 0.2],
    ]) {
      const ip = new SnapshotInterpolator(25, 0);
      ip.push(1000, state([1], 0, 0, from), 0);
      ip.push(1100, state([1], 0, 0, to), 100);
      ip.sample(0);
      for (let t = 0; t <= 100; t += 10) {
        const yaw = ip.sample(t)[0]!.yaw;
        expect(Math.abs(yaw)).toBeGreaterThan(Math.PI - 0.21);
        expect(Math.abs(yaw)).toBeLessThanOrEqual(Math.PI);
      }
    }
  });

  it('takes states straight from the C receiver, the same as from arrays', () => {
    const rx = new SnapshotReceiver();
    const enc = new SnapshotEncoder();
    const s1 = state([3, 8, 20], 0, 2),
      s2 = state([3, 8, 21], 0.5, 2);
    expect(rx.decode(1, 0, enc.encode(s1, null, 0).slice())).toBeNull();
    expect(rx.decode(2, 1, enc.encode(s2, s1, 25).slice())).toBeNull();
    const fromRx = new SnapshotInterpolator(25, 0),
      fromArrays = new SnapshotInterpolator(25, 0);
    expect(fromRx.pushFrom(1000, rx, 1, 0)).toBe(true);
    expect(fromRx.pushFrom(1025, rx, 2, 25)).toBe(true);
    expect(fromRx.pushFrom(1050, rx, 7, 50)).toBe(false); // not held
    fromArrays.push(1000, s1, 0);
    fromArrays.push(1025, s2, 25);
    for (const t of [0, 10, 25, 100]) expect(JSON.stringify(fromRx.sample(t))).toBe(JSON.stringify(fromArrays.sample(t)));
    rx.close();
    expect(fromRx.pushFrom(1075, rx, 2, 75)).toBe(false); // closed
  });

  it('hands out samples larger than its first buffer, and keeps at most BUFFER_MAX_SNAPSHOTS states', () => {
    const ip = new SnapshotInterpolator(25, 0);
    const ids = Array.from({ length: 1000 }, (_, i) => i * 2 + 1);
    ip.push(1000, state(ids), 0);
    const out = ip.sample(0);
    expect(out.length).toBe(1000);
    expect(out[999]).toMatchObject({ id: 1999, x: 1999 });
    // sampled once at the start: nothing passed, so every state stays until the buffer is full
    for (let k = 1; k < 2 * BUFFER_MAX_SNAPSHOTS; k++) ip.push(1000 + k, state([1]), 0);
    expect(ip.held).toBe(BUFFER_MAX_SNAPSHOTS);
  });

  it('answers hostile numbers and shapes without a crash', () => {
    const n = loadInterpNative();
    const h = n.create(NaN)!;
    expect(n.delay(h)).toBe(0);
    n.setDelay(h, -5);
    n.setDelay(h, Infinity);
    expect(n.delay(h)).toBe(0);
    const ids = new Uint32Array([1, 2]),
      vals = new Int32Array(2 * FIELD_COUNT);
    const code = (name: (typeof INTERP_PUSH_ANSWERS)[number]) => interpPushCode(name);
    expect(n.push(h, NaN, ids, vals, 2, 0, 1)).toBe(code('bad-time'));
    expect(n.push(h, -Infinity, ids, vals, 2, 0, 1)).toBe(code('bad-time'));
    expect(n.push(h, 1000, ids, vals, MAX_SNAPSHOT_ENTITIES + 1, 0, 1)).toBe(code('too-many'));
    expect(n.push(h, 1000, ids, vals, 2, NaN, 1)).toBe(code('stored')); // stored; its arrival taught nothing
    expect(n.playout(h)).toBeNaN();
    expect(n.sample(h, 0, new Float64Array(OUT_STRIDE * 4), 4)).toBe(0); // no clock offset yet
    expect(n.push(h, 1000, ids, vals, 2, 0, 1)).toBe(code('late')); // the offset learned, the state a duplicate
    expect(n.push(h, 999, ids, vals, 0, 0, 1)).toBe(code('late'));
    const out = new Float64Array(OUT_STRIDE * 4);
    expect(n.sample(h, 0, out, 4)).toBe(2);
    for (const t of [NaN, Infinity, -Infinity]) expect(n.sample(h, t, out, 4)).toBe(0);
    expect(n.playout(h)).toBeCloseTo(1000 - 0.05, 9); // the slower arrival (999 at 0) drifted the offset
    expect(n.sample(h, 1e300, out, 1)).toBe(2); // more than cap: counted, not written
    expect(n.last(h, out, 4)).toBe(2);
    expect(out[1]).toBe(0); // x of entity 1, held
    n.setPathAhead(h, NaN);
    n.setPathAhead(h, -1);
    expect(n.sample(h, -1e300, out, 4)).toBe(2);
    expect(n.push(h, 2e300, ids, vals, 2, -1e300, 1)).toBe(code('stored'));
    expect(n.sample(h, 1e308, out, 4)).toBe(2);
    n.destroy(h);
    // the class: a state whose count exceeds its arrays is cut to them, not read past them
    const ip = new SnapshotInterpolator(25, 0);
    const s = state([1, 2]);
    s.count = 1_000_000;
    ip.push(1000, s, 0);
    expect(ip.sample(0).length).toBe(s.ids.length);
    ip.close();
    expect(ip.sample(10)).toEqual([]);
    expect(ip.playoutMs).toBeNull();
  });
});
