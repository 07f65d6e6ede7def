// When a real-time host (autoService) services itself. A datagram in wakes it on the next
// event-loop turn; a queued packet is flushed once the macrotask that queued it is done (one
// microtask, so every packet queued by the same callback, e.g. one server tick, shares one
// pass); the periodic timer only paces resends, pings and timeouts. Each is coalesced. On a
// simulated clock (no interval) none of this runs: the caller drives service() by hand.
export class ServiceScheduler {
  readonly #auto: boolean;
  readonly #service: () => void;
  readonly #flush: () => void;
  #timer: NodeJS.Timeout | null = null;
  #wakeScheduled = false;
  #flushScheduled = false;
  #stopped = false;

  /** `intervalMs` null = manual mode: wake() and flushSoon() do nothing and no timer runs. */
  constructor(intervalMs: number | null, service: () => void, flush: () => void) {
    this.#auto = intervalMs !== null;
    this.#service = service;
    this.#flush = flush;
    if (intervalMs !== null) {
      this.#timer = setInterval(service, intervalMs);
      // the timer alone never keeps the process alive (the transport's socket does)
      this.#timer.unref();
    }
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
      this.#flush();
    });
  }

  /** No more timer, wakes or flushes (the host is destroyed). */
  stop(): void {
    this.#stopped = true;
    if (this.#timer !== null) clearInterval(this.#timer);
    this.#timer = null;
  }
}
