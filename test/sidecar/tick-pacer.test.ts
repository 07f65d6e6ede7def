// The tick pacer's control loop against a simulated server: ticks at an unknown phase, a path
// with latency both ways, timers that fire late. What it must reach: each wake's input lands
// just before the server's tick (the lead each snapshot reports near PACE_TARGET_LEAD_MS), and
// no input misses its tick once locked.
import { describe, it, expect } from 'vitest';
import { PACE_GAIN, PACE_TARGET_LEAD_MS, TickPacer, leadErrorMs, paceable } from '../../src/sidecar/tick-pacer.js';
import type { Timers } from '../../src/util/clock.js';
import { seededRandom } from '../../src/util/random.js';

const TICK_MS = 25;

/** A discrete-event world: the pacer's timers, a server ticking at `phaseMs` + k × TICK_MS. */
function simulate(o: { phaseMs: number; upMs: number; downMs: number; lateMs: number; ticks: number; seed?: number; loseEverySnapshot?: number }) {
  const rand = seededRandom(o.seed ?? 1);
  let now = 0;
  const armed: { timer: { at: number; fn: () => void } | null } = { timer: null };
  const timers: Timers = {
    // a timer fires up to lateMs after its time, as an event loop's does
    setTimeout: (fn, ms) => (armed.timer = { at: now + ms + rand() * o.lateMs, fn }),
    clearTimeout: (h) => {
      if (armed.timer === h) armed.timer = null;
    },
  };
  const arrivals: number[] = []; // inputs at the server
  const snapshots: { at: number; leadUs: number }[] = []; // on their way to the sidecar
  const leads: number[] = []; // ms, per tick (0: no input that tick)
  let prevTick = -Infinity;
  const pacer = new TickPacer({
    timers,
    now: () => now,
    onTick: () => {
      for (const s of snapshots.splice(0).filter((x) => x.at <= now || (snapshots.push(x), false))) pacer.report(s.leadUs);
      arrivals.push(now + o.upMs);
    },
  });
  pacer.start(TICK_MS);
  for (let k = 1; k <= o.ticks; k++) {
    const tickAt = o.phaseMs + k * TICK_MS;
    while (armed.timer && armed.timer.at <= tickAt) {
      const t = armed.timer;
      armed.timer = null;
      now = t.at;
      t.fn();
    }
    now = tickAt;
    const mine = arrivals.filter((a) => a > prevTick && a <= tickAt);
    const leadMs = mine.length ? tickAt - Math.max(...mine) : 0;
    leads.push(leadMs);
    if (!o.loseEverySnapshot || k % o.loseEverySnapshot !== 0)
      snapshots.push({ at: tickAt + o.downMs, leadUs: leadMs ? Math.max(1, Math.round(leadMs * 1000)) : 0 });
    prevTick = tickAt;
  }
  return { leads, pacer };
}

describe('TickPacer: one wake a server tick, just before it', () => {
  for (const phaseMs of [0, 7, 13, 24.5])
    for (const upMs of [0.2, 6, 31, 60])
      it(`locks onto a server ticking at phase ${phaseMs} ms over a ${upMs} ms path, timers up to 1 ms late`, () => {
        const { leads, pacer } = simulate({ phaseMs, upMs, downMs: upMs, lateMs: 1, ticks: 120 });
        const settled = leads.slice(60);
        // every tick gets exactly one input, none missed, each landing just before the tick
        for (const lead of settled) {
          expect(lead).toBeGreaterThan(PACE_TARGET_LEAD_MS - 1.5);
          expect(lead).toBeLessThan(PACE_TARGET_LEAD_MS + 2.5);
        }
        expect(pacer.reports).toBeGreaterThan(100);
      });

  it('holds the phase through lost reports (a lost snapshot or input teaches nothing)', () => {
    const { leads, pacer } = simulate({ phaseMs: 11, upMs: 3, downMs: 3, lateMs: 0.5, ticks: 200, seed: 7, loseEverySnapshot: 3 });
    for (const lead of leads.slice(60)) expect(Math.abs(lead - PACE_TARGET_LEAD_MS)).toBeLessThan(2);
    expect(pacer.reports).toBeLessThan(140); // a third of them never came
  });

  it('wraps a lead of almost a tick into "too late", not "far too early"', () => {
    expect(leadErrorMs(TICK_MS - 1, TICK_MS)).toBeCloseTo(-1 - PACE_TARGET_LEAD_MS);
    expect(leadErrorMs(PACE_TARGET_LEAD_MS + 3, TICK_MS)).toBeCloseTo(3);
    expect(leadErrorMs(PACE_TARGET_LEAD_MS, TICK_MS)).toBeCloseTo(0);
  });

  it('ignores a report of no input (0) and reports while stopped', () => {
    let now = 0;
    const armed: number[] = [];
    const pacer = new TickPacer({ timers: { setTimeout: (_f, ms) => armed.push(ms), clearTimeout: () => undefined }, now: () => now, onTick: () => undefined });
    pacer.report(5000);
    expect(pacer.reports).toBe(0);
    pacer.start(TICK_MS);
    const due = pacer.dueMs;
    pacer.report(0);
    expect(pacer.dueMs).toBe(due);
    pacer.report((PACE_TARGET_LEAD_MS + 6) * 1000); // 6 ms early: a part of it now
    expect(pacer.dueMs).toBeCloseTo(due + 6 * PACE_GAIN);
    now = 1;
    pacer.stop();
    expect(pacer.running).toBe(false);
  });

  it('paces only while the interpolation delay covers a snapshot held for a tick', () => {
    expect(paceable(80, 25)).toBe(true);
    expect(paceable(0, 25)).toBe(false); // bench:e2e shows each snapshot as it comes
    expect(paceable(40, 25)).toBe(false);
    expect(paceable(80, 0)).toBe(false); // tick not known yet
  });
});
