// Timers on a clock the test moves by hand: advance() fires each timer due on the way, at its
// own time, in time order (a timer a callback sets fires too when it falls inside).
// Setting `now` forward by hand is a stalled process: the next advance() fires what is overdue then.
import type { Clock, Timers } from '../../src/util/clock.js';

export class ManualClock implements Timers {
  now = 0;
  /** The same time as a Clock (for modules that take one). */
  readonly clock: Clock = { now: () => this.now };
  #next = 1;
  #due = new Map<number, { at: number; fn: () => void }>();
  setTimeout(fn: () => void, ms: number): unknown {
    const id = this.#next++;
    this.#due.set(id, { at: this.now + ms, fn });
    return id;
  }
  clearTimeout(handle: unknown): void {
    this.#due.delete(handle as number);
  }
  get pending(): number {
    return this.#due.size;
  }
  /** When the earliest timer is due (Infinity: none). */
  get nextAt(): number {
    return Math.min(Infinity, ...[...this.#due.values()].map((t) => t.at));
  }
  advance(ms: number): void {
    const end = this.now + ms;
    for (;;) {
      const next = [...this.#due].filter(([, t]) => t.at <= end).sort((a, b) => a[1].at - b[1].at)[0];
      if (!next) break;
      this.#due.delete(next[0]);
      this.now = Math.max(this.now, next[1].at); // a timer overdue (the test set `now` past it: a stall) fires late
      next[1].fn();
    }
    this.now = end;
  }
}
