import { describe, it, expect } from 'vitest';
import { GameClock, clampTick, CLOCK_WINDOW_MS } from '../../src/server/game-clock.js';

/** Independent reference: the tick the IMT-3 rules give for the frame history so far. */
function reference(history: { t: number; f: number }[], now: number, prevTick: number, belowSince: { v: number | null }): number {
  const win = history.filter((h) => h.t > now - CLOCK_WINDOW_MS);
  const avg = win.reduce((s, h) => s + h.f, 0) / win.length;
  if (avg < 12) belowSince.v ??= now;
  else belowSince.v = null;
  if (avg > 25) return 40;
  if (belowSince.v !== null && now - belowSince.v >= 2000) return 25;
  return prevTick;
}

describe('GameClock (IMT-3)', () => {
  it('goes 25 → 40 → 25 exactly per the thresholds under synthetic frame-time load', () => {
    const clock = new GameClock();
    expect(clock.currentTickMs).toBe(25);
    // phases of server frame time (ms) and their length (ms of simulated time)
    const phases = [
      { f: 10, ms: 3000 },
      { f: 20, ms: 2000 },
      { f: 31, ms: 3000 },
      { f: 18, ms: 3000 },
      { f: 11, ms: 1500 },
      { f: 4, ms: 4000 },
    ];
    const history: { t: number; f: number }[] = [];
    const below = { v: null as number | null };
    let now = 0,
      expectTick = 25;
    const changes: { at: number; tick: number }[] = [];
    for (const p of phases) {
      const end = now + p.ms;
      while (now < end) {
        now += clock.currentTickMs; // the server ticks at its current rate
        history.push({ t: now, f: p.f });
        expectTick = reference(history, now, expectTick, below);
        const changed = clock.record(p.f, now);
        if (changed !== null) changes.push({ at: now, tick: changed });
        expect(clock.currentTickMs).toBe(expectTick);
      }
    }
    expect(changes.map((c) => c.tick)).toEqual([40, 25]);
    // 40 came during the 31 ms phase (starts at 5000 ms); 25 only ≥ 2 s after the average fell below 12
    expect(changes[0].at).toBeGreaterThan(5000);
    expect(changes[0].at).toBeLessThan(6000);
    expect(changes[1].at).toBeGreaterThan(11_000 + 2000);
  });

  it('a spike that lifts the 1 s average above 25 slows down; a short calm does not speed up', () => {
    const clock = new GameClock();
    let now = 0;
    for (let i = 0; i < 40; i++) clock.record(5, (now += 25));
    expect(clock.record(2000, (now += 25))).toBe(40); // (39×5+2000)/40 > 25
    for (let i = 0; i < 25; i++) expect(clock.record(1, (now += 40))).toBeNull(); // < 2 s of calm... and the spike still in the window
    expect(clock.currentTickMs).toBe(40);
  });

  it('clamps to 20..50 ms and ignores NaN or negative frame times', () => {
    expect(clampTick(5)).toBe(20);
    expect(clampTick(80)).toBe(50);
    expect(new GameClock({ initialTickMs: 99 }).currentTickMs).toBe(50);
    const c = new GameClock();
    expect(c.record(NaN, 1)).toBeNull();
    expect(c.record(-3, 2)).toBeNull();
    expect(c.averageMs).toBe(0);
    expect(c.setTickMs(10)).toBe(20);
  });

  it('a fixed clock never changes on load', () => {
    const c = new GameClock({ adaptive: false, initialTickMs: 30 });
    for (let t = 0; t < 5000; t += 30) expect(c.record(45, t)).toBeNull();
    expect(c.currentTickMs).toBe(30);
  });
});
