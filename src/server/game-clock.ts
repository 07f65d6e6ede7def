// IMT-3 GameClock: adapts the tick to the server's own frame time.
//   moving average of frame time over the last 1 s;
//   average > 25 ms            -> tick 40 ms (25 Hz);
//   average < 12 ms for 2 s    -> tick 25 ms (40 Hz);
//   the tick is always clamped to 20..50 ms. Time is injected (now in ms).
import { TICK_FAST_MS, TICK_SLOW_MS, TICK_MIN_MS, TICK_MAX_MS } from '../protocol/constants.js';

export const CLOCK_WINDOW_MS = 1000;
export const CLOCK_SLOW_DOWN_ABOVE_MS = 25;
export const CLOCK_SPEED_UP_BELOW_MS = 12;
export const CLOCK_SPEED_UP_AFTER_MS = 2000;

export const clampTick = (ms: number): number => Math.min(TICK_MAX_MS, Math.max(TICK_MIN_MS, Math.round(ms)));

export interface GameClockOptions {
  initialTickMs?: number;
  /** false pins the tick (--fixed-tick); frame times are still averaged for status. */
  adaptive?: boolean;
}

export class GameClock {
  #tickMs: number;
  readonly #adaptive: boolean;
  #times: number[] = [];
  #frames: number[] = [];
  #head = 0;
  #sum = 0;
  #belowSince: number | null = null;

  constructor(opts: GameClockOptions = {}) {
    this.#tickMs = clampTick(opts.initialTickMs ?? TICK_FAST_MS);
    this.#adaptive = opts.adaptive ?? true;
  }

  get currentTickMs(): number {
    return this.#tickMs;
  }

  /** Moving average of frame time over the window (0 with no samples). */
  get averageMs(): number {
    const n = this.#times.length - this.#head;
    return n > 0 ? this.#sum / n : 0;
  }

  /** Records one frame; returns the new tick when it changed, else null. */
  record(frameTimeMs: number, nowMs: number): number | null {
    if (!Number.isFinite(frameTimeMs) || frameTimeMs < 0) return null;
    this.#times.push(nowMs);
    this.#frames.push(frameTimeMs);
    this.#sum += frameTimeMs;
    while (this.#head < this.#times.length && this.#times[this.#head] <= nowMs - CLOCK_WINDOW_MS) {
      this.#sum -= this.#frames[this.#head++];
    }
    if (this.#head > 1024) {
      this.#times = this.#times.slice(this.#head);
      this.#frames = this.#frames.slice(this.#head);
      this.#head = 0;
    }
    if (!this.#adaptive) return null;
    const avg = this.averageMs;
    if (avg < CLOCK_SPEED_UP_BELOW_MS) this.#belowSince ??= nowMs;
    else this.#belowSince = null;
    let want = this.#tickMs;
    if (avg > CLOCK_SLOW_DOWN_ABOVE_MS) want = TICK_SLOW_MS;
    else if (this.#belowSince !== null && nowMs - this.#belowSince >= CLOCK_SPEED_UP_AFTER_MS) want = TICK_FAST_MS;
    want = clampTick(want);
    if (want === this.#tickMs) return null;
    this.#tickMs = want;
    return want;
  }

  /** Operator override (clamped); returns the new tick when it changed. */
  setTickMs(ms: number): number | null {
    const t = clampTick(ms);
    if (t === this.#tickMs) return null;
    this.#tickMs = t;
    return t;
  }
}
