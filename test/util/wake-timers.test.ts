// Timers that ride on the wakes a process has anyway (src/util/wake-timers.ts), on a clock the
// test moves: never before their due time, on the first wake at or after it, by the fallback at
// the due time plus the slack when no wake comes, cleared in every state, intervals on their
// planned times, a throwing callback reported without stopping the others, and — what the
// mechanism is for — the fallback firing only every watch while wakes come.
import { describe, expect, it } from 'vitest';
import { WAKE_TIMERS_SLACK_MS, WAKE_TIMERS_WATCH_MS, WakeTimers, type WakeTimersOptions } from '../../src/util/wake-timers.js';
import { ManualClock } from '../helpers/manual-timers.js';

const SLACK = WAKE_TIMERS_SLACK_MS;
const FRAME_MS = 1000 / 60;

function setup(o: WakeTimersOptions = {}) {
  const m = new ManualClock();
  const timers = new WakeTimers({ clock: m.clock, fallback: m, ...o });
  /** Moves the clock to `t`, waking the process there (a game frame). */
  const wakeAt = (t: number): void => {
    m.advance(t - m.now);
    timers.wake();
  };
  return { m, timers, wakeAt };
}

describe('WakeTimers', () => {
  it('the slack outlasts a 60 Hz frame and a paced 25 ms tick with margin, and the watch outlasts the slack', () => {
    expect(SLACK).toBeGreaterThanOrEqual(2 * 25);
    expect(WAKE_TIMERS_WATCH_MS).toBeGreaterThan(SLACK);
  });

  it('a timer never runs before its due time, however often the process wakes', () => {
    const { m, timers, wakeAt } = setup();
    const ran: number[] = [];
    timers.setTimeout(() => ran.push(m.now), 100);
    for (const t of [1, 50, 99, 99.999]) wakeAt(t);
    expect(ran).toEqual([]);
    wakeAt(100);
    expect(ran).toEqual([100]);
    m.advance(1000); // the fallback, if it fires, finds nothing left
    expect(ran).toEqual([100]);
    expect(timers.counts.onWake).toBe(1);
    expect(timers.counts.byFallback).toBe(0);
  });

  it('it runs on the first wake at or after its due time', () => {
    const { m, timers, wakeAt } = setup();
    const ran: number[] = [];
    timers.setTimeout(() => ran.push(m.now), 200);
    wakeAt(190);
    wakeAt(190 + FRAME_MS);
    expect(ran).toEqual([190 + FRAME_MS]);
  });

  it('without wakes, the fallback runs it at its due time plus the slack', () => {
    const { m, timers } = setup();
    const ran: number[] = [];
    timers.setTimeout(() => ran.push(m.now), 100);
    m.advance(100 + SLACK - 0.001);
    expect(ran).toEqual([]);
    m.advance(0.001);
    expect(ran).toEqual([100 + SLACK]);
    expect(timers.counts.byFallback).toBe(1);
    expect(m.pending).toBe(0); // nothing left: no fallback armed
  });

  it('a timer cleared before its due time, or due and not yet run, never runs; clearing twice or after it ran is harmless', () => {
    const { m, timers, wakeAt } = setup();
    const ran: string[] = [];
    const early = timers.setTimeout(() => ran.push('early'), 100);
    const due = timers.setTimeout(() => ran.push('due'), 100);
    const kept = timers.setTimeout(() => ran.push('kept'), 100);
    timers.clearTimeout(early);
    m.advance(120); // due, the fallback not yet fired, no wake
    timers.clearTimeout(due);
    timers.clearTimeout(due);
    wakeAt(121);
    timers.clearTimeout(kept);
    m.advance(1000);
    expect(ran).toEqual(['kept']);
    expect(timers.pending).toBe(0);
    timers.clearTimeout({}); // not one of ours
    timers.clearTimeout(undefined);
  });

  it('a callback may clear a timer due on the same wake (it does not run) and set new ones (they run on a later wake)', () => {
    const { m, timers, wakeAt } = setup();
    const ran: string[] = [];
    let second: unknown;
    timers.setTimeout(() => {
      ran.push('first');
      timers.clearTimeout(second);
      timers.setTimeout(() => ran.push('third'), 0);
    }, 10);
    second = timers.setTimeout(() => ran.push('second'), 20);
    wakeAt(30);
    expect(ran).toEqual(['first']);
    wakeAt(31);
    expect(ran).toEqual(['first', 'third']);
    m.advance(1000);
    expect(ran).toEqual(['first', 'third']);
  });

  it('timers due on one wake run earliest first', () => {
    const { timers, wakeAt } = setup();
    const ran: number[] = [];
    for (const ms of [30, 10, 20]) timers.setTimeout(() => ran.push(ms), ms);
    wakeAt(40);
    expect(ran).toEqual([10, 20, 30]);
  });

  it('an interval keeps its planned times, riding on wakes or by the fallback: no drift', () => {
    const { m, timers, wakeAt } = setup();
    const ran: number[] = [];
    const h = timers.setInterval(() => ran.push(m.now), 200);
    // 10 s of 60 Hz frames: each run on the first frame at or after k × 200 ms
    for (let k = 1; k * FRAME_MS <= 10_000; k++) wakeAt(k * FRAME_MS);
    expect(ran).toHaveLength(50);
    ran.forEach((t, i) => {
      const planned = (i + 1) * 200;
      expect(t).toBeGreaterThanOrEqual(planned);
      expect(t - planned).toBeLessThan(FRAME_MS + 1e-9);
    });
    // then 2 s without a wake: the fallback, each run the slack after its planned time
    ran.length = 0;
    m.advance(2_000);
    expect(ran.length).toBeGreaterThanOrEqual(9);
    for (const t of ran.slice(1)) expect((t - SLACK) % 200).toBeCloseTo(0, 6);
    timers.clearInterval(h);
    m.advance(1_000);
    expect(ran.length).toBeLessThanOrEqual(10);
    expect(m.pending).toBe(0);
  });

  it('an interval that missed periods (a stalled process) runs once and goes on at its next planned time', () => {
    const { m, timers, wakeAt } = setup();
    const ran: number[] = [];
    timers.setInterval(() => ran.push(m.now), 100);
    m.now = 1_030; // the process stalled: no timer and no wake for 1 s
    m.advance(0); // then the overdue fallback fires
    expect(ran).toEqual([1_030]);
    wakeAt(1_090);
    expect(ran).toEqual([1_030]);
    wakeAt(1_100);
    expect(ran).toEqual([1_030, 1_100]);
  });

  it('a callback that throws is reported as a Node timer would be, and neither the other timers due nor its interval stop', () => {
    const errors: unknown[] = [];
    const { timers, wakeAt } = setup({ onError: (e) => errors.push(e) });
    const ran: string[] = [];
    timers.setInterval(() => {
      ran.push('thrower');
      throw new Error('boom');
    }, 100);
    timers.setTimeout(() => ran.push('other'), 100);
    expect(() => wakeAt(100)).not.toThrow();
    wakeAt(200);
    expect(ran).toEqual(['thrower', 'other', 'thrower']);
    expect(errors.map((e) => (e as Error).message)).toEqual(['boom', 'boom']);
  });

  it('while wakes come, the fallback fires only once a watch and runs nothing; when they stop, what is due runs within a watch, then by the slack', () => {
    const { m, timers, wakeAt } = setup();
    // what the sidecar sets: a 200 ms heartbeat, ENet's 25 ms timer re-armed at 200 ms, a 1 s loss report
    const ran = { beat: 0, enet: 0, loss: 0 };
    timers.setInterval(() => ran.beat++, 200);
    const enet = (): void => {
      ran.enet++;
      timers.setTimeout(enet, 200);
    };
    timers.setTimeout(enet, 25);
    timers.setInterval(() => ran.loss++, 1_000);
    for (let k = 1; k <= 600; k++) wakeAt((k * 1000) / 60);
    expect(ran.beat).toBe(50);
    expect(ran.loss).toBe(10);
    expect(timers.counts.byFallback).toBe(0);
    // the timers' own ≈ 65 wakes in 10 s are down to the watch's
    expect(timers.counts.fallbackFired).toBeLessThanOrEqual(10_000 / WAKE_TIMERS_WATCH_MS + 1);
    // the game stops sending frames: the next beat runs within a watch, the ones after by the slack
    const beats: number[] = [];
    timers.setInterval(() => beats.push(m.now), 200);
    const stoppedAt = m.now;
    m.advance(3_000);
    expect(beats[0]! - stoppedAt).toBeLessThanOrEqual(WAKE_TIMERS_WATCH_MS);
    // each later one at or after its planned time and at most the slack after it (sooner when
    // another timer's fallback carries it)
    for (const b of beats.slice(1)) {
      const late = (b - stoppedAt) % 200;
      expect(late).toBeGreaterThanOrEqual(0);
      expect(late).toBeLessThanOrEqual(SLACK + 1e-6);
    }
    expect(beats.length).toBeGreaterThanOrEqual(14);
  });

  it('wakes further apart than the slack (a 10 Hz game) do not hold a timer back: it runs at most the slack late', () => {
    const { m, timers, wakeAt } = setup();
    const late: number[] = [];
    let due = 0;
    const again = (): void => {
      late.push(m.now - due);
      due = m.now + 25;
      timers.setTimeout(again, 25); // as ENet's service timer does, from its own run
    };
    due = 25;
    timers.setTimeout(again, 25);
    for (let t = 100; t <= 5_000; t += 100) wakeAt(t);
    expect(late.length).toBeGreaterThan(5_000 / 100);
    expect(Math.max(...late)).toBeLessThanOrEqual(SLACK + 1e-9);
  });

  it('a timer set while no wakes come pulls the fallback in: never later than its due time plus the slack', () => {
    const { m, timers } = setup();
    const ran: number[] = [];
    timers.setTimeout(() => ran.push(m.now), 5_000);
    m.advance(10);
    timers.setTimeout(() => ran.push(m.now), 25);
    m.advance(100);
    expect(ran).toEqual([10 + 25 + SLACK]);
  });

  it('the fallback keeps the process alive only while a timer that does waits (unref, as Node)', () => {
    const refs: boolean[] = [];
    const fallback = {
      setTimeout: () => ({ ref: () => refs.push(true), unref: () => refs.push(false) }),
      clearTimeout: () => undefined,
    };
    const timers = new WakeTimers({ clock: { now: () => 0 }, fallback });
    const a = timers.setTimeout(() => undefined, 100).unref();
    expect(refs.at(-1)).toBe(false);
    const b = timers.setInterval(() => undefined, 100);
    expect(refs.at(-1)).toBe(true);
    b.unref();
    expect(refs.at(-1)).toBe(false);
    a.ref();
    expect(refs.at(-1)).toBe(true);
  });
});
