// The sidecar's one wake per server tick (docs/sidecar.md "Paced by the server's tick"). Beside a
// game at 60 Hz the sidecar used to wake on every game frame: to send the player's transform at
// once and to hand the game freshly interpolated proxies. Neither needs a frame's wake when the
// interpolation delay spans more than a tick: the server takes inputs once a tick, so one send
// that lands just before the tick carries as fresh a transform as sixty would; and a snapshot
// handed to the game up to a tick after it came is still before its playout time. So the sidecar
// wakes once a tick, just before the server's, and does everything then.
//
// Where "just before" lies is measured, not guessed: each snapshot says how long before its tick
// our newest input arrived (Snapshot.input_lead_us). The pacer moves its next wake by a part of
// the difference to PACE_TARGET_LEAD_MS: a control loop, not a clock estimate, so neither the
// clocks' offset nor the path's latency needs to be known, and timer lateness is corrected too.
import type { Timers } from '../util/clock.js';

/** The lead on the server's tick to aim for: enough for a late timer and the path's jitter. */
export const PACE_TARGET_LEAD_MS = 4;
/** Share of a measured error corrected at once. A report comes a round trip late (≈ 5 ticks over
 * 120 ms): a larger gain over-corrects on a long path and oscillates (0.2 did at 60 ms each way);
 * this one settles within ≈ 2 s from any phase (test/sidecar/tick-pacer.test.ts). */
export const PACE_GAIN = 0.15;
/** At most this share of a tick is corrected at once (one odd report cannot throw the phase). */
export const PACE_MAX_STEP_SHARE = 0.25;
/** Paced only while the interpolation delay exceeds a tick by this much: a snapshot held up to a
 * tick (and its jitter) is then still before its playout time. */
export const PACE_DELAY_SLACK_MS = 20;

/** Whether a session may be paced: the delay covers a held snapshot. */
export const paceable = (interpDelayMs: number, tickMs: number): boolean => tickMs > 0 && interpDelayMs >= tickMs + PACE_DELAY_SLACK_MS;

/** The error of a reported lead against the target, wrapped into (−tick/2, tick/2]: a lead of
 * almost a tick is an input that just missed its tick (counted in the next), i.e. too late. */
export function leadErrorMs(leadMs: number, tickMs: number): number {
  const e = (leadMs - PACE_TARGET_LEAD_MS) % tickMs;
  const wrapped = e < 0 ? e + tickMs : e;
  return wrapped > tickMs / 2 ? wrapped - tickMs : wrapped;
}

export class TickPacer {
  readonly #timers: Timers;
  readonly #now: () => number;
  readonly #onTick: () => void;
  #tickMs = 0;
  /** The next wake as planned (local ms); planned times, not firing times, so lateness does not add up. */
  #dueMs = 0;
  #handle: unknown = null;
  /** Reports taken and corrections made (tests, logs). */
  reports = 0;

  constructor(o: { timers: Timers; now: () => number; onTick: () => void }) {
    this.#timers = o.timers;
    this.#now = o.now;
    this.#onTick = o.onTick;
  }

  get running(): boolean {
    return this.#handle !== null;
  }
  /** The next wake (local ms), while running. */
  get dueMs(): number {
    return this.#dueMs;
  }

  /** Starts waking every tickMs, the first a tick from now (the reports then find the phase). */
  start(tickMs: number): void {
    this.#tickMs = tickMs;
    if (this.running) return;
    this.#dueMs = this.#now() + tickMs;
    this.#arm();
  }

  stop(): void {
    if (this.#handle !== null) this.#timers.clearTimeout(this.#handle);
    this.#handle = null;
  }

  /** A snapshot's Snapshot.input_lead_us (0: no input of ours reached that tick: nothing to learn). */
  report(leadUs: number): void {
    if (!this.running || leadUs <= 0) return;
    this.reports++;
    const maxStep = this.#tickMs * PACE_MAX_STEP_SHARE;
    const step = Math.min(maxStep, Math.max(-maxStep, PACE_GAIN * leadErrorMs(leadUs / 1000, this.#tickMs)));
    // too early (positive error): wake later; too late: earlier
    this.#dueMs += step;
    this.#rearm();
  }

  #arm(): void {
    this.#handle = this.#timers.setTimeout(() => this.#fire(), Math.max(0, this.#dueMs - this.#now()));
  }

  #rearm(): void {
    this.#timers.clearTimeout(this.#handle);
    this.#arm();
  }

  #fire(): void {
    this.#handle = null;
    const now = this.#now();
    this.#dueMs += this.#tickMs;
    // a stalled process (a blocked loop, a suspended game) does not catch up tick by tick
    if (this.#dueMs <= now) this.#dueMs = now + this.#tickMs;
    this.#arm();
    this.#onTick();
  }
}
