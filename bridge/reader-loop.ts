// The reading side of a bridge: drain the in ring, spin briefly (adaptive), then sleep on the
// Sleeper until the writer wakes us; re-entered when woken. The event loop never blocks: a
// burst yields after BRIDGE_FRAMES_PER_TURN frames, and the spin is short and backs off when
// it does not pay. Stopping waits for any native wait and any drain in progress, since only
// then may the region under the ring be unmapped. A polled reader (a game that reads once per
// frame, as the plugin does) never sleeps: it drains when its owner calls poll(), and since it
// never flags itself waiting, the writer never wakes it.
import { BRIDGE_FRAMES_PER_TURN, BRIDGE_SPIN_MIN_US, BRIDGE_SPIN_PAYOFF_US, BRIDGE_SPIN_PROBE_EVERY } from './constants.js';
import type { RingReader } from './ring.js';
import { PipeSleeper, type Sleeper } from './sleeper.js';

export interface ReaderLoopOptions {
  ring: RingReader;
  sleeper: Sleeper;
  /** Longest spin before sleeping (microseconds); 0 = sleep at once. */
  spinUs: number;
  /** One whole frame at `pos` (`len` payload bytes) in the ring's data area. */
  onFrame: (type: number, pos: number, len: number) => void;
  /** A frame header whose length lies (the backlog was dropped). */
  onBad: () => void;
  /** Read only when poll() is called: no pump, no sleep, no wake (default false). */
  polled?: boolean;
}

export class ReaderLoop {
  readonly #in: RingReader;
  readonly #sleeper: Sleeper;
  readonly #onFrame: (type: number, pos: number, len: number) => void;
  readonly #onBad: () => void;
  readonly #polled: boolean;
  /** Spin budget: up to spinUs, halved each time a spin finds nothing, reset when it pays off. */
  readonly #spinMaxMs: number;
  #spinMs: number;
  #sleepsSinceProbe = 0;
  #scheduled = false;
  #draining = false;
  #stopped = false;
  #settled = false;
  #finished = false;
  #onStopped: (() => void) | undefined;
  #sleeps = 0;
  #rescues = 0;

  constructor(o: ReaderLoopOptions) {
    this.#in = o.ring;
    this.#sleeper = o.sleeper;
    this.#onFrame = o.onFrame;
    this.#onBad = o.onBad;
    this.#polled = o.polled ?? false;
    this.#spinMaxMs = this.#spinMs = o.spinUs / 1000;
  }

  /** Times the reader went to sleep. */
  get sleeps(): number {
    return this.#sleeps;
  }

  /** Lost wakes found by rescue() (should stay 0). */
  get rescues(): number {
    return this.#rescues;
  }

  /** Microseconds the reader currently spins before sleeping. */
  get spinUs(): number {
    return this.#spinMs * 1000;
  }

  start(): void {
    if (!this.#polled) this.#pump();
  }

  /** Polled reader: delivers every frame published so far; returns how many. */
  poll(): number {
    if (!this.#polled || this.#stopped || this.#draining) return 0;
    this.#draining = true;
    try {
      return this.#in.drain(this.#onFrame, Infinity, this.#onBad);
    } finally {
      this.#draining = false;
    }
  }

  /**
   * No more reading. `onStopped` runs once no native wait is pending and no drain is running
   * (at the earliest on the next turn): only then may the region be unmapped.
   */
  stop(onStopped: () => void): void {
    if (this.#stopped) return;
    this.#stopped = true;
    this.#onStopped = onStopped;
    this.#sleeper.cancel(() => {
      this.#settled = true;
      setImmediate(() => this.#finish());
    });
  }

  /** Heartbeat-tick safety net: data waiting while the reader is not about to run means a wake
   * was lost; deliver it now (at most one check period late) and count it. */
  rescue(): void {
    if (this.#polled || this.#stopped || this.#draining || this.#scheduled || !this.#in.hasData()) return;
    if (this.#sleeper.sleeping) {
      if (!(this.#sleeper instanceof PipeSleeper)) return; // the futex slice returns by itself
      this.#sleeper.poke();
    } else {
      this.#pump();
    }
    this.#rescues++;
  }

  #finish(): void {
    if (!this.#settled || this.#draining || this.#finished) return;
    this.#finished = true;
    this.#sleeper.close();
    this.#onStopped?.();
  }

  /** Drain, spin briefly (adaptive), then sleep; re-entered when woken. */
  #pump = (): void => {
    if (this.#stopped) return this.#finish();
    this.#draining = true;
    try {
      let n = this.#in.drain(this.#onFrame, BRIDGE_FRAMES_PER_TURN, this.#onBad);
      if (n >= BRIDGE_FRAMES_PER_TURN) return void this.#schedule();
      if (this.#spinMs > 0) {
        // Spin while the peer answers fast; a slow or missing answer means it is not running
        // right now (no free core), so spinning only steals its CPU: back off to sleeping.
        let last = performance.now();
        let until = last + this.#spinMs;
        let slowest = Infinity;
        while (!this.#stopped) {
          if (this.#in.hasData()) {
            const now = performance.now();
            slowest = slowest === Infinity ? now - last : Math.max(slowest, now - last);
            n += this.#in.drain(this.#onFrame, BRIDGE_FRAMES_PER_TURN, this.#onBad);
            if (n >= BRIDGE_FRAMES_PER_TURN) return void this.#schedule();
            last = performance.now();
            until = last + this.#spinMs;
          } else if (performance.now() >= until) break;
        }
        const paidOff = slowest <= BRIDGE_SPIN_PAYOFF_US / 1000;
        this.#spinMs = paidOff ? this.#spinMaxMs : this.#spinMs / 2 < BRIDGE_SPIN_MIN_US / 1000 ? 0 : this.#spinMs / 2;
      } else if (++this.#sleepsSinceProbe >= BRIDGE_SPIN_PROBE_EVERY) {
        this.#sleepsSinceProbe = 0;
        this.#spinMs = this.#spinMaxMs; // try spinning again now and then: the load may have changed
      }
    } finally {
      this.#draining = false;
    }
    if (this.#stopped) return this.#finish();
    this.#sleep();
  };

  #schedule(): void {
    if (this.#scheduled) return;
    this.#scheduled = true;
    setImmediate(() => {
      this.#scheduled = false;
      this.#pump();
    });
  }

  #sleep(): void {
    const seq = this.#in.prepareSleep();
    if (seq === undefined) return this.#schedule();
    this.#sleeps++;
    this.#sleeper.sleep(seq, this.#woken);
  }

  #woken = (): void => {
    if (this.#stopped) return this.#finish();
    this.#in.endSleep();
    this.#pump();
  };
}
