// A token bucket on an injected clock: up to `burst` at once, refilled at `ratePerS`. Used for
// per-peer chat; one place so the limit reads the same everywhere it is applied.
// (When src/util's rate limiter lands, this is the one to replace.)

export interface TokenBucketOptions {
  /** Most actions allowed back to back (the bucket's size). */
  burst: number;
  /** Sustained actions per second (the refill rate). */
  ratePerS: number;
  /** The bucket starts full at this time (ms). */
  nowMs: number;
}

export class TokenBucket {
  readonly burst: number;
  readonly ratePerS: number;
  #tokens: number;
  #atMs: number;

  constructor(opts: TokenBucketOptions) {
    if (!(opts.burst >= 1) || !(opts.ratePerS > 0) || !Number.isFinite(opts.burst) || !Number.isFinite(opts.ratePerS)) {
      throw new RangeError(`token bucket needs burst >= 1 and a positive finite rate, got ${opts.burst} and ${opts.ratePerS}/s`);
    }
    this.burst = opts.burst;
    this.ratePerS = opts.ratePerS;
    this.#tokens = opts.burst;
    this.#atMs = opts.nowMs;
  }

  /** Tokens there are at nowMs (fractional). A clock that goes backwards refills nothing. */
  available(nowMs: number): number {
    const elapsedMs = Math.max(0, nowMs - this.#atMs);
    this.#tokens = Math.min(this.burst, this.#tokens + (elapsedMs * this.ratePerS) / 1000);
    this.#atMs = Math.max(this.#atMs, nowMs);
    return this.#tokens;
  }

  /** Takes one token if there is one. */
  take(nowMs: number): boolean {
    if (this.available(nowMs) < 1) return false;
    this.#tokens -= 1;
    return true;
  }
}
