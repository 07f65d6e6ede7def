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
