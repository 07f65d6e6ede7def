// The project's one rate limiter: a token bucket. It holds `burst` tokens, refills at `perSecond`,
// and each event takes one; an empty bucket refuses. "N events per W ms" is a bucket with
// burst N refilled at N per W ms: the same long-run rate as a fixed window, without the window
// edge where a fixed counter lets 2N through. Time is passed in, never read here.

export const MS_PER_S = 1000;
/** Float rounding allowed in a refill: a take at exactly the time msUntil named succeeds. */
const TOKEN_EPSILON = 1e-9;

export interface RateLimit {
  /** Tokens a full bucket holds: the most events let through at once. */
  burst: number;
  /** Tokens added per second. */
  perSecond: number;
}

/** "At most `count` events per `windowMs`" as a bucket. */
export function perWindow(count: number, windowMs: number): RateLimit {
  return { burst: count, perSecond: (count * MS_PER_S) / windowMs };
}

export class TokenBucket {
  readonly #limit: RateLimit;
  #tokens: number;
  #refilledAtMs: number;

  /** Starts full at `nowMs`. */
  constructor(limit: RateLimit, nowMs: number) {
    this.#limit = limit;
    this.#tokens = limit.burst;
    this.#refilledAtMs = nowMs;
  }

  /**
   * Takes `count` tokens (one event, or a batch of `count`) when there are that many; false (and
   * nothing taken) otherwise.
   */
  take(nowMs: number, count = 1): boolean {
    this.#refill(nowMs);
    if (this.#tokens + TOKEN_EPSILON < count) return false;
    this.#tokens = Math.max(0, this.#tokens - count);
    return true;
  }

  /**
   * Ms from `nowMs` until take(count) would succeed (0 = now; Infinity when `count` is more than
   * the bucket holds): when to try again rather than drop.
   */
  msUntil(nowMs: number, count = 1): number {
    if (count > this.#limit.burst) return Infinity;
    this.#refill(nowMs);
    return this.#tokens + TOKEN_EPSILON >= count ? 0 : ((count - this.#tokens) * MS_PER_S) / this.#limit.perSecond;
  }

  /** True when the bucket has refilled completely: it remembers nothing and can be forgotten. */
  isFull(nowMs: number): boolean {
    this.#refill(nowMs);
    return this.#tokens >= this.#limit.burst;
  }

  #refill(nowMs: number): void {
    // A clock that steps back (an injected one) refills nothing rather than draining the bucket.
    const elapsedMs = Math.max(0, nowMs - this.#refilledAtMs);
    this.#tokens = Math.min(this.#limit.burst, this.#tokens + (elapsedMs * this.#limit.perSecond) / MS_PER_S);
    this.#refilledAtMs = Math.max(this.#refilledAtMs, nowMs);
  }
}

/**
 * One bucket per key (a source IP, a peer), at most `maxKeys` of them: a new key beyond that
 * forgets every bucket (a spoofed-address flood cannot grow memory; the cost is a moment of
 * leniency). sweep() forgets buckets that have refilled.
 */
export class KeyedRateLimiter<K> {
  readonly #limit: RateLimit;
  readonly #maxKeys: number;
  readonly #buckets = new Map<K, TokenBucket>();

  constructor(limit: RateLimit, maxKeys: number) {
    this.#limit = limit;
    this.#maxKeys = maxKeys;
  }

  get size(): number {
    return this.#buckets.size;
  }

  take(key: K, nowMs: number): boolean {
    let bucket = this.#buckets.get(key);
    if (!bucket) {
      if (this.#buckets.size >= this.#maxKeys) this.#buckets.clear();
      bucket = new TokenBucket(this.#limit, nowMs);
      this.#buckets.set(key, bucket);
    }
    return bucket.take(nowMs);
  }

  /** Forgets full buckets; returns how many it forgot. */
  sweep(nowMs: number): number {
    let n = 0;
    for (const [key, bucket] of this.#buckets) {
      if (!bucket.isFull(nowMs)) continue;
      this.#buckets.delete(key);
      n++;
    }
    return n;
  }
}
