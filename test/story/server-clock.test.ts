// The sidecar's server clock on a simulated path: known offset, known one-way delays. The
// min-delay filter must pick the fastest round trip, its error must stay within the bound it
// reports, an asymmetric path must bias it by half the asymmetry, and forged or broken replies
// must be refused with a reason.
import { describe, expect, it } from 'vitest';
import { CLOCK_PROBE_FAST_MS, CLOCK_PROBE_MS, CLOCK_REPLY_MAX_MS, CLOCK_WINDOW_SAMPLES, ServerClock } from '../../src/sidecar/story/server-clock.js';
import { seededRandom } from '../../src/util/random.js';

/** One probe over a path with these one-way delays; server = client + offset; hold = server's time between t2 and t3. */
function exchange(clock: ServerClock, t: { now: number }, offsetMs: number, upMs: number, downMs: number, holdMs = 0.2): void {
  const p = clock.probe();
  t.now += upMs;
  const t2Ms = t.now + offsetMs;
  t.now += holdMs;
  const t3Ms = t.now + offsetMs;
  t.now += downMs;
  expect(clock.reply({ seq: p.seq, t1Ms: p.t1Ms, t2Ms, t3Ms })).toBe(null);
}

describe('ServerClock (NTP four timestamps, min-delay filter)', () => {
  it('is not synced before a sample, then knows the offset within its bound', () => {
    const t = { now: 1000 };
    const clock = new ServerClock(() => t.now);
    expect(clock.synced).toBe(false);
    expect(Number.isNaN(clock.serverNow())).toBe(true);
    exchange(clock, t, 12_345.5, 20, 20);
    expect(clock.synced).toBe(true);
    expect(clock.offsetMs).toBeCloseTo(12_345.5, 6);
    expect(clock.errorBoundMs).toBeCloseTo(20, 6);
    expect(clock.serverNow()).toBeCloseTo(t.now + 12_345.5, 6);
  });

  it('trusts the fastest round trip of the window: jitter on one direction does not move it', () => {
    const t = { now: 0 };
    const clock = new ServerClock(() => t.now);
    const rnd = seededRandom(7);
    const offset = -40_000.25;
    for (let i = 0; i < CLOCK_WINDOW_SAMPLES; i++) {
      // 20 ms base each way, 0..30 ms jitter added independently: skewed samples, one clean one
      const clean = i === 5;
      exchange(clock, t, offset, 20 + (clean ? 0 : rnd() * 30), 20 + (clean ? 0 : rnd() * 30));
      t.now += CLOCK_PROBE_FAST_MS;
    }
    expect(Math.abs(clock.offsetMs - offset)).toBeLessThan(1e-6);
    expect(clock.bestRttMs).toBeCloseTo(40, 6);
    expect(clock.probeIntervalMs).toBe(CLOCK_PROBE_MS);
  });

  it('its error never exceeds the bound it reports, whatever the path does', () => {
    const t = { now: 0 };
    const clock = new ServerClock(() => t.now);
    const rnd = seededRandom(11);
    for (let i = 0; i < 200; i++) {
      exchange(clock, t, 777.7, 1 + rnd() * 80, 1 + rnd() * 80, rnd() * 5);
      expect(Math.abs(clock.offsetMs - 777.7)).toBeLessThanOrEqual(clock.errorBoundMs + 1e-9);
      t.now += 100;
    }
  });

  it('a fixed asymmetry biases it by half the difference (no method can see it)', () => {
    const t = { now: 0 };
    const clock = new ServerClock(() => t.now);
    for (let i = 0; i < 8; i++) exchange(clock, t, 500, 30, 40, 0);
    expect(clock.offsetMs - 500).toBeCloseTo(-5, 6);
  });

  it('the window slides: an old fast sample is replaced once it falls out', () => {
    const t = { now: 0 };
    const clock = new ServerClock(() => t.now);
    exchange(clock, t, 100, 5, 5);
    for (let i = 0; i < CLOCK_WINDOW_SAMPLES; i++) exchange(clock, t, 130, 25, 25);
    expect(clock.offsetMs).toBeCloseTo(130, 6); // the server's clock stepped; the estimate followed
  });

  it('refuses replies to probes it never sent, forged t1, broken and too-late times', () => {
    const t = { now: 0 };
    const clock = new ServerClock(() => t.now);
    expect(clock.reply({ seq: 99, t1Ms: 0, t2Ms: 1, t3Ms: 1 })).toBe('unknown_probe');
    const a = clock.probe();
    expect(clock.reply({ seq: a.seq, t1Ms: a.t1Ms + 1, t2Ms: 1, t3Ms: 1 })).toBe('unknown_probe');
    const b = clock.probe();
    t.now += 10;
    expect(clock.reply({ seq: b.seq, t1Ms: b.t1Ms, t2Ms: 5, t3Ms: 4 })).toBe('bad_times'); // t3 before t2
    const c = clock.probe();
    t.now += 10;
    expect(clock.reply({ seq: c.seq, t1Ms: c.t1Ms, t2Ms: 0, t3Ms: 50 })).toBe('bad_times'); // held longer than the round trip
    const d = clock.probe();
    t.now += 10;
    expect(clock.reply({ seq: d.seq, t1Ms: d.t1Ms, t2Ms: Number.NaN, t3Ms: 1 })).toBe('bad_times');
    const e = clock.probe();
    t.now += 6_000;
    expect(clock.reply({ seq: e.seq, t1Ms: e.t1Ms, t2Ms: 1, t3Ms: 1 })).toBe('too_late');
    expect(clock.synced).toBe(false);
    expect(clock.rejects).toEqual({ unknown_probe: 2, bad_times: 3, too_late: 1 });
    // a reply is taken once: a replayed one is unknown
    const f = clock.probe();
    t.now += 2;
    expect(clock.reply({ seq: f.seq, t1Ms: f.t1Ms, t2Ms: 1, t3Ms: 1 })).toBe(null);
    expect(clock.reply({ seq: f.seq, t1Ms: f.t1Ms, t2Ms: 1, t3Ms: 1 })).toBe('unknown_probe');
  });

  it('awaits a reply from a probe until it comes, or until it is too late to count', () => {
    const t = { now: 1000 };
    const clock = new ServerClock(() => t.now);
    expect(clock.awaitingReply).toBe(false);
    exchange(clock, t, 500, 10, 10);
    expect(clock.awaitingReply).toBe(false); // answered
    clock.probe(); // lost
    expect(clock.awaitingReply).toBe(true);
    t.now += CLOCK_REPLY_MAX_MS + 1;
    expect(clock.awaitingReply).toBe(false);
  });
});
