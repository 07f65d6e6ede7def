// Timers that ride on the wakes a process has anyway. A process woken often by something else
// (the sidecar: the game's 60 frames a second, or its paced tick) calls wake() on each such
// wake, and every timer due by then runs there instead of waking the process on its own. A
// timer never runs before its due time; it runs on the first wake at or after it, or, when no
// wake comes, by a fallback Node timer at most the slack later.
//
// One fallback timer for all of them, never moved later while wakes come: Node wakes the
// process at a timer's old expiry even after clearTimeout() or refresh() (it keeps the earliest
// expiry it scheduled; measured: a timer cleared and re-armed 250 ms ahead on each of 60 wakes
// a second took them from 55.3 to 58.6 a second). So a fallback per timer, cancelled when its
// timer rides a wake, would cost as many wakes as the timers themselves. Instead, while wakes
// come (the last two within the slack), the fallback only looks every WAKE_TIMERS_WATCH_MS
// whether they still do; when they stopped, it runs what is due and from then on fires at each
// due time plus the slack. Moving the fallback earlier is free (Node reschedules at once), so a timer set while no
// wakes come is never later than its due time plus the slack.
import { nodeTimers, systemClock, type Clock, type IntervalTimers, type Timers } from './clock.js';

/** How late a timer may run so that a wake can carry it, ms: above a frame of a game at 20
 * frames a second (50 ms) and twice the server's 25 ms tick that paces a sidecar, so a 60 Hz
 * game's frames (16.7 ms) and the paced ticks carry every timer. Wakes this close together
 * count as coming. */
export const WAKE_TIMERS_SLACK_MS = 50;
/** While wakes come, how often the fallback looks whether they still do, ms: each look costs a
 * wake of its own (2 a second), and when the wakes stop a timer runs at most this late, once. */
export const WAKE_TIMERS_WATCH_MS = 500;

export interface WakeTimersOptions {
  clock?: Clock;
  /** The fallback's timer (Node's; tests: their own). */
  fallback?: Timers;
  slackMs?: number;
  watchMs?: number;
  /** A timer's callback threw: by default rethrown on its own (an uncaught exception, as a
   * throwing Node timer is), after the other timers due have run. */
  onError?: (err: unknown) => void;
}

/** A timer of WakeTimers; unref(): it does not keep the process alive (as Node's timers). */
export interface WakeTimer {
  unref(): WakeTimer;
  ref(): WakeTimer;
}

class Entry implements WakeTimer {
  live = true;
  refed = true;
  constructor(
    readonly owner: WakeTimers,
    public dueMs: number,
    readonly fn: () => void,
    /** 0: one-shot. */
    readonly periodMs: number,
  ) {}
  unref(): WakeTimer {
    this.refed = false;
    this.owner.replan();
    return this;
  }
  ref(): WakeTimer {
    this.refed = true;
    this.owner.replan();
    return this;
  }
}

export class WakeTimers implements Timers, IntervalTimers {
  readonly #clock: Clock;
  readonly #fallback: Timers;
  readonly #slackMs: number;
  readonly #watchMs: number;
  readonly #onError: (err: unknown) => void;
  #entries: Entry[] = [];
  /** No entry is due before this (a bound: wake() returns at once before it). */
  #nextDueMs = Infinity;
  #fallbackHandle: unknown = null;
  #fallbackAtMs = Infinity;
  #lastWakeMs = -Infinity;
  #prevWakeMs = -Infinity;
  #running = false;
  /** Timers run on a wake, and by the fallback; the fallback's firings (its wakes). */
  readonly counts = { onWake: 0, byFallback: 0, fallbackFired: 0 };

  constructor(o: WakeTimersOptions = {}) {
    this.#clock = o.clock ?? systemClock;
    this.#fallback = o.fallback ?? nodeTimers;
    this.#slackMs = o.slackMs ?? WAKE_TIMERS_SLACK_MS;
    this.#watchMs = Math.max(o.watchMs ?? WAKE_TIMERS_WATCH_MS, this.#slackMs);
    this.#onError =
      o.onError ??
      ((err) =>
        queueMicrotask(() => {
          throw err;
        }));
  }

  setTimeout(fn: () => void, ms: number): WakeTimer {
    return this.#add(fn, ms, 0);
  }
  clearTimeout(handle: unknown): void {
    this.#remove(handle);
  }
  setInterval(fn: () => void, ms: number): WakeTimer {
    return this.#add(fn, ms, Math.max(1, ms));
  }
  clearInterval(handle: unknown): void {
    this.#remove(handle);
  }

  /** The process is awake anyway: runs every timer due by now. Cheap when none is. */
  wake(): void {
    const now = this.#clock.now();
    this.#prevWakeMs = this.#lastWakeMs;
    this.#lastWakeMs = now;
    if (now < this.#nextDueMs || this.#running) return;
    this.counts.onWake += this.#runDue(now);
    this.replan();
  }

  /** Timers waiting (live). */
  get pending(): number {
    return this.#entries.length;
  }

  #add(fn: () => void, ms: number, periodMs: number): Entry {
    const e = new Entry(this, this.#clock.now() + Math.max(0, ms), fn, periodMs);
    this.#entries.push(e);
    this.#nextDueMs = Math.min(this.#nextDueMs, e.dueMs);
    this.replan();
    return e;
  }

  #remove(handle: unknown): void {
    if (!(handle instanceof Entry) || handle.owner !== this || !handle.live) return;
    handle.live = false;
    this.#entries = this.#entries.filter((e) => e !== handle);
    // #nextDueMs stays a bound (at most early); the fallback is left armed (see the file comment)
    if (this.#entries.length === 0) this.#disarm();
  }

  /** Runs the live entries due by now, earliest first; an interval moves on by whole periods
   * from its planned time (no drift, no burst after a stall). Returns how many ran. */
  #runDue(now: number): number {
    this.#running = true;
    let ran = 0;
    try {
      const due = this.#entries.filter((e) => e.dueMs <= now).sort((a, b) => a.dueMs - b.dueMs);
      for (const e of due) {
        if (!e.live) continue; // cleared by a callback before it
        if (e.periodMs > 0) e.dueMs += e.periodMs * (Math.floor((now - e.dueMs) / e.periodMs) + 1);
        else {
          e.live = false;
          this.#entries = this.#entries.filter((x) => x !== e);
        }
        ran++;
        try {
          e.fn();
        } catch (err) {
          this.#onError(err);
        }
      }
    } finally {
      this.#running = false;
    }
    return ran;
  }

  /** Arms the fallback so that it fires by the next due time plus the slack, or, while wakes
   * come, no sooner than a watch from now; never moves it later. Called by the timers
   * themselves (a ref() or unref()); nothing else needs to. */
  replan(): void {
    if (this.#running) return; // #runDue plans once it is done
    const now = this.#clock.now();
    let next = Infinity;
    let refed = false;
    for (const e of this.#entries) {
      next = Math.min(next, e.dueMs);
      refed ||= e.refed;
    }
    this.#nextDueMs = next;
    if (next === Infinity) return this.#disarm();
    const at = this.#wakesCome(now) ? Math.max(next + this.#slackMs, now + this.#watchMs) : next + this.#slackMs;
    if (at < this.#fallbackAtMs) {
      this.#disarm();
      this.#fallbackAtMs = at;
      this.#fallbackHandle = this.#fallback.setTimeout(this.#onFallback, Math.max(0, at - now));
    }
    // the fallback keeps the process alive while a timer that does is waiting (Node's rule)
    const h = this.#fallbackHandle as { ref?: () => void; unref?: () => void } | null;
    if (refed) h?.ref?.();
    else h?.unref?.();
  }

  /** The last two wakes, and the last one, within the slack: wakes come often enough to carry
   * every timer in time (a wake alone is not enough: a 10 Hz game's would hold them 100 ms). */
  #wakesCome(now: number): boolean {
    return now - this.#lastWakeMs <= this.#slackMs && this.#lastWakeMs - this.#prevWakeMs <= this.#slackMs;
  }

  #disarm(): void {
    if (this.#fallbackHandle !== null) this.#fallback.clearTimeout(this.#fallbackHandle);
    this.#fallbackHandle = null;
    this.#fallbackAtMs = Infinity;
  }

  #onFallback = (): void => {
    this.#fallbackHandle = null;
    this.#fallbackAtMs = Infinity;
    this.counts.fallbackFired++;
    const now = this.#clock.now();
    this.counts.byFallback += this.#runDue(now);
    this.replan();
  };
}
