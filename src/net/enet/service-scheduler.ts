// When a real-time host (autoService) services itself. A datagram in wakes it on the next
// event-loop turn; a queued packet is flushed once the macrotask that queued it is done (one
// microtask, so every packet queued by the same callback, e.g. one server tick, shares one
// pass); the periodic timer only paces resends, pings and timeouts, so it fires only after a
// whole interval in which nothing else serviced the host: every service and deferred flush
// pushes it back (beside a 60 Hz game it rarely fires: one wake a second instead of 40). Each
// is coalesced. On a simulated clock (no interval) none of this runs: the caller drives
// service() by hand.
export class ServiceScheduler {
  readonly #auto: boolean;
  readonly #service: () => void;
  readonly #flush: () => void;
  #timer: NodeJS.Timeout | null = null;
  #wakeScheduled = false;
  #flushScheduled = false;
  #stopped = false;

  /**
   * `intervalMs` null = manual mode: wake() and flushSoon() do nothing and no timer runs.
   * `flush` is the deferred flush; it must check resends and timeouts (it stands in for a
   * service: the timer waits a whole interval after it).
   */
  constructor(intervalMs: number | null, service: () => void, flush: () => void) {
    this.#auto = intervalMs !== null;
    this.#service = service;
    this.#flush = flush;
    if (intervalMs !== null) {
      this.#timer = setTimeout(this.#onTimer, intervalMs);
      // the timer alone never keeps the process alive (the transport's socket does)
      this.#timer.unref();
    }
  }

  /** The host was serviced (resends and timeouts checked): the timer waits a whole interval
   * from now. refresh() re-arms in place (no new timer object), also after the timer fired. */
  serviced(): void {
    if (this.#timer !== null && !this.#stopped) this.#timer.refresh();
  }

  /** Service soon (the next turn), once however often it is asked. */
  wake(): void {
    if (!this.#auto || this.#wakeScheduled || this.#stopped) return;
    this.#wakeScheduled = true;
    setImmediate(() => {
      this.#wakeScheduled = false;
      this.#service();
    });
  }

  /** Flush at the end of the current macrotask, once however often it is asked. */
  flushSoon(): void {
    if (!this.#auto || this.#flushScheduled || this.#stopped) return;
    this.#flushScheduled = true;
    queueMicrotask(() => {
      this.#flushScheduled = false;
      if (this.#stopped) return;
      this.#flush();
      this.serviced();
    });
  }

  /** No more timer, wakes or flushes (the host is destroyed). */
  stop(): void {
    this.#stopped = true;
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
  }

  #onTimer = (): void => {
    this.#service();
    // service() normally reports serviced() itself; re-arm even if it returned early
    this.serviced();
  };
}
