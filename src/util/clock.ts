// Time as a value passed in: every timer-driven module takes a Clock, so tests
// and the ENet simulator run on time they move by hand and never wait on the wall clock.

/** Milliseconds on a monotonic clock. */
export interface Clock {
  now(): number;
}

/** The process's monotonic clock (performance.now: never jumps with the wall clock). */
export const systemClock: Clock = { now: () => performance.now() };

/** A clock the caller moves by hand (tests, simulations). */
export class SimClock implements Clock {
  #t: number;

  constructor(startMs = 0) {
    this.#t = startMs;
  }

  now(): number {
    return this.#t;
  }

  advance(ms: number): void {
    this.#t += ms;
  }
}

const NS_PER_MS = 1e6;

/**
 * The machine's monotonic clock (CLOCK_MONOTONIC through process.hrtime): unlike systemClock,
 * whose origin is each process's start, it reads the same in every process on one machine, so a
 * test or bench can compare the clocks of several processes against one truth.
 */
export const machineClock: Clock = { now: () => Number(process.hrtime.bigint()) / NS_PER_MS };

/** A clock `offsetMs` ahead of `base` (behind when negative): another machine's clock, off by a known amount. */
export function offsetClock(offsetMs: number, base: Clock = machineClock): Clock {
  if (!Number.isFinite(offsetMs)) throw new TypeError(`clock offset must be a finite number of ms, got ${offsetMs}`);
  return { now: () => base.now() + offsetMs };
}

/** One-shot timers, injected so that tests fire them by hand. */
export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** Repeating timers, injected so that tests fire them by hand. Apart from Timers: a user of one
 * pair (and its fakes) need not carry the other. */
export interface IntervalTimers {
  setInterval(fn: () => void, ms: number): unknown;
  clearInterval(handle: unknown): void;
}

/** Node's timers. */
export const nodeTimers: Timers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

/** Node's repeating timers. */
export const nodeIntervals: IntervalTimers = {
  setInterval: (fn, ms) => setInterval(fn, ms),
  clearInterval: (h) => clearInterval(h as ReturnType<typeof setInterval>),
};
