// Push-to-talk as the sidecar decides it. The game's scripts only forward the key: every press
// (a key repeat or a second press included) is PushToTalkDown, a release or a menu opening is
// PushToTalkUp. A release can be lost (the game swallows it when the same key also picks an item
// up, or the focus moves mid-press), so a press not confirmed within PTT_RELEASE_TIMEOUT_MS is
// let go here; each new press starts the wait again. Time is injected: tests run the clock.
import { nodeTimers, type Timers } from '../util/clock.js';

/** Longest a press is trusted without its release, ms. */
export const PTT_RELEASE_TIMEOUT_MS = 30_000;

export type PttChange = 'press' | 'release' | 'timeout';

/** The latch's default timers: Node's, unref'd (the release timeout never keeps the sidecar alive). */
const UNREF_TIMERS: Timers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms).unref(),
  clearTimeout: nodeTimers.clearTimeout,
};

export interface PushToTalkOptions {
  /** The talk state changed (down: talking), and why. */
  onChange: (down: boolean, why: PttChange) => void;
  timeoutMs?: number;
  timers?: Timers;
}

export class PushToTalkLatch {
  readonly #o: PushToTalkOptions;
  readonly #timers: Timers;
  readonly timeoutMs: number;
  #held = false;
  #timer: unknown;
  #closed = false;

  constructor(o: PushToTalkOptions) {
    this.#o = o;
    this.#timers = o.timers ?? UNREF_TIMERS;
    this.timeoutMs = o.timeoutMs ?? PTT_RELEASE_TIMEOUT_MS;
  }

  get held(): boolean {
    return this.#held;
  }

  /** PushToTalkDown: talking, and the release wait (re)starts. */
  down(): void {
    if (this.#closed) return;
    this.#disarm();
    this.#timer = this.#timers.setTimeout(() => this.#let('timeout'), this.timeoutMs);
    if (this.#held) return;
    this.#held = true;
    this.#o.onChange(true, 'press');
  }

  /** PushToTalkUp (the key, or a menu opening): not talking; nothing when already not. */
  up(): void {
    this.#let('release');
  }

  close(): void {
    this.#disarm();
    this.#closed = true;
  }

  #let(why: PttChange): void {
    this.#disarm();
    if (!this.#held) return;
    this.#held = false;
    this.#o.onChange(false, why);
  }

  #disarm(): void {
    if (this.#timer !== undefined) this.#timers.clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}
