// The reading side of a bridge: drain the in ring, spin briefly (adaptive), then sleep on the
// Sleeper until the writer wakes us; re-entered when woken. The event loop never blocks: a
// burst yields after BRIDGE_FRAMES_PER_TURN frames, and the spin is short and backs off when
// it does not pay. Stopping waits for any native wait and any drain in progress, since only
// then may the region under the ring be unmapped. A polled reader (a game that reads once per
// frame, as the plugin does) never sleeps: it drains when its owner calls drain(), and since it
// never flags itself waiting, the writer never wakes it. A reader that sleeps through lazy
// frames (a sidecar paced by the server's tick) is woken only by frames that are not lazy; the
// lazy ones wait for that wake, the heartbeat check or its owner's drain(), which reads in
// place while the sleep goes on (the waiting word untouched, so no later wake is lost).
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
  /** Read only when drain() is called: no pump, no sleep, no wake (default false). */
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
  /** Sleeps are not ended by lazy frames (the waiting word says READER_WAITING_NOT_LAZY). */
  #throughLazy = false;
  #drainQueued = false;
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

  /**
   * Delivers every frame published so far, now; returns how many. Any state: while asleep it
   * reads in place and leaves the sleep and its waiting word as they are, so the next frame
   * that should wake the reader still does. 0 after stop() or when called from a handler
   * during a drain (that drain goes on and the reader loop reads what comes after).
   */
  drain(): number {
    if (this.#stopped || this.#draining) return 0;
    this.#draining = true;
    try {
      return this.#in.drain(this.#onFrame, Infinity, this.#onBad);
    } finally {
      this.#draining = false;
    }
  }

  /** While on, lazy frames do not end a sleep (no effect on a polled reader: it never sleeps).
   * Asleep, the waiting word is switched at once; turned off, lazy frames that came in while it
   * was on are delivered on the next turn. */
  sleepThroughLazy(on: boolean): void {
    if (this.#throughLazy === on) return;
    this.#throughLazy = on;
    if (this.#polled || this.#stopped || !this.#sleeper.sleeping) return; // the next sleep uses it
    // false: a writer already took the word and its wake is on the way (it reads everything)
    if (this.#in.retarget(on) && !on && this.#in.hasData()) this.#queueDrain();
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
      // Sleeping through lazy frames, data waiting is expected (lazy frames wake nobody): this
      // check is one of the wakes that read them, in place. Not counted as a lost wake.
      if (this.#throughLazy) return void this.drain();
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

  /** A drain on the next turn (at most one queued); drain() itself refuses once stopped. */
  #queueDrain(): void {
    if (this.#drainQueued) return;
    this.#drainQueued = true;
    setImmediate(() => {
      this.#drainQueued = false;
      this.drain();
    });
  }

  #sleep(): void {
    const seq = this.#in.prepareSleep(this.#throughLazy);
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
