// When a real-time host (autoService) services itself. A datagram in wakes it on the next
// event-loop turn; a queued packet is flushed once the macrotask that queued it is done (one
// microtask, so every packet queued by the same callback, e.g. one server tick, shares one
// pass); the periodic timer only paces resends, pings and timeouts. Each is coalesced. On a
// simulated clock (no interval) none of this runs: the caller drives service() by hand.
//
// The timer is never pushed back by a service: Node keeps a re-armed (refresh()ed) timer's old
// expiry and wakes the process at it anyway, so a 25 ms timer refreshed by every service of a
// sidecar beside a 60 Hz game still woke it ≈ 50 times a second for nothing. Instead a service
// only notes its time; when the timer fires and the host was serviced within the interval,
// others are keeping it serviced and the timer waits HOST_SERVICE_BUSY_CHECK_MS before looking
// again; when it was not, the timer services the host and runs every interval until traffic
// comes back. So a busy host is woken by its timer only every HOST_SERVICE_BUSY_CHECK_MS, and
// when the traffic stops its periodic work is at most that late once.
import { HOST_SERVICE_BUSY_CHECK_MS } from './constants.js';
import { nodeTimers, type Timers } from '../../util/clock.js';

export class ServiceScheduler {
  readonly #intervalMs: number | null;
  readonly #now: () => number;
  readonly #service: () => void;
  readonly #flush: () => void;
  readonly #timers: Timers;
  #timer: unknown = null;
  #lastServicedMs: number;
  #wakeScheduled = false;
  #flushScheduled = false;
  #stopped = false;

  /**
   * `intervalMs` null = manual mode: wake() and flushSoon() do nothing and no timer runs.
   * `flush` is the deferred flush; it must check resends and timeouts (it stands in for a
   * service). `now` is the host's clock (ms); `timers` Node's (tests: their own, to count).
   */
  constructor(o: { intervalMs: number | null; now: () => number; service: () => void; flush: () => void; timers?: Timers }) {
    this.#timers = o.timers ?? nodeTimers;
    this.#intervalMs = o.intervalMs;
    this.#now = o.now;
    this.#service = o.service;
    this.#flush = o.flush;
    this.#lastServicedMs = o.now();
    if (o.intervalMs !== null) this.#arm(o.intervalMs);
  }

  /** The host was serviced (resends and timeouts checked): the timer need not do it before an
   * interval from now has passed. No timer is touched (see the file comment). */
  serviced(): void {
    this.#lastServicedMs = this.#now();
  }

  /** Service soon (the next turn), once however often it is asked. */
  wake(): void {
    if (this.#intervalMs === null || this.#wakeScheduled || this.#stopped) return;
    this.#wakeScheduled = true;
    setImmediate(() => {
      this.#wakeScheduled = false;
      this.#service();
    });
  }

  /** Flush at the end of the current macrotask, once however often it is asked. */
  flushSoon(): void {
    if (this.#intervalMs === null || this.#flushScheduled || this.#stopped) return;
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
    if (this.#timer !== null) this.#timers.clearTimeout(this.#timer);
    this.#timer = null;
  }

  #arm(ms: number): void {
    this.#timer = this.#timers.setTimeout(this.#onTimer, ms);
    // the timer alone never keeps the process alive (the transport's socket does)
    (this.#timer as { unref?: () => void }).unref?.();
  }

  #onTimer = (): void => {
    const interval = this.#intervalMs!;
    if (this.#stopped) return;
    if (this.#now() - this.#lastServicedMs < interval) {
      this.#arm(Math.max(interval, HOST_SERVICE_BUSY_CHECK_MS));
      return;
    }
    this.#service();
    // service() normally reports serviced() itself; count it even if it returned early
    this.serviced();
    if (!this.#stopped) this.#arm(interval);
  };
}
