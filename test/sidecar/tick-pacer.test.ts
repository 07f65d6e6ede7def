// The tick pacer's control loop against a simulated server: ticks at an unknown phase, a path
// with latency both ways, timers that fire late. What it must reach: each wake's input lands
// just before the server's tick (the lead each snapshot reports small but never negative: the
// target follows the measured jitter), and no input misses its tick once locked.
import { describe, it, expect } from 'vitest';
import { PACE_GAIN, PACE_LEAD_MAX_MS, PACE_LEAD_MIN_MS, TickPacer, leadErrorMs, paceable } from '../../src/sidecar/tick-pacer.js';
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
        const { leads, pacer } = simulate({ phaseMs, upMs, downMs: upMs, lateMs: 1, ticks: 300 });
        const settled = leads.slice(200); // after 5 s
        // every tick gets its input, none missed (a miss reads as a lead of almost a tick), each
        // landing just before the tick: timers up to 1 ms late need little more than a ms
        for (const lead of settled) {
          expect(lead).toBeGreaterThan(0);
          expect(lead).toBeLessThan(PACE_LEAD_MIN_MS + 3);
        }
        expect(pacer.targetLeadMs).toBeLessThan(PACE_LEAD_MIN_MS + 2);
        expect(pacer.reports).toBeGreaterThan(250);
      });

  it('holds the phase through lost reports (a lost snapshot or input teaches nothing)', () => {
    const { leads, pacer } = simulate({ phaseMs: 11, upMs: 3, downMs: 3, lateMs: 0.5, ticks: 300, seed: 7, loseEverySnapshot: 3 });
    for (const lead of leads.slice(200)) expect(lead > 0 && lead < PACE_LEAD_MIN_MS + 3).toBe(true);
    expect(pacer.reports).toBeLessThan(210); // a third of them never came
  });

  it('aims further ahead when timers and the path jitter more, and still misses no tick', () => {
    const calm = simulate({ phaseMs: 5, upMs: 10, downMs: 10, lateMs: 1, ticks: 400, seed: 3 });
    const rough = simulate({ phaseMs: 5, upMs: 10, downMs: 10, lateMs: 4, ticks: 400, seed: 3 });
    expect(rough.pacer.targetLeadMs).toBeGreaterThan(calm.pacer.targetLeadMs + 1);
    expect(rough.pacer.targetLeadMs).toBeLessThanOrEqual(PACE_LEAD_MAX_MS);
    const missed = rough.leads.slice(100).filter((l) => l === 0 || l > TICK_MS / 2).length;
    expect(missed).toBeLessThanOrEqual(3); // of 300 ticks
  });

  it('wraps a lead of almost a tick into "too late", not "far too early"', () => {
    expect(leadErrorMs(TICK_MS - 1, TICK_MS, 2)).toBeCloseTo(-3);
    expect(leadErrorMs(2 + 3, TICK_MS, 2)).toBeCloseTo(3);
    expect(leadErrorMs(2, TICK_MS, 2)).toBeCloseTo(0);
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
    const target = pacer.targetLeadMs;
    pacer.report((target + 6) * 1000); // 6 ms early: a part of it now
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
