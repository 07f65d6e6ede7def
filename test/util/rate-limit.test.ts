import { describe, expect, it } from 'vitest';
import { KeyedRateLimiter, TokenBucket, perWindow } from '../../src/util/rate-limit.js';

describe('token bucket', () => {
  it('lets a burst through at once, then refuses until time refills it', () => {
    const b = new TokenBucket({ burst: 3, perSecond: 10 }, 0);
    expect([b.take(0), b.take(0), b.take(0), b.take(0)]).toEqual([true, true, true, false]);
    expect(b.take(50)).toBe(false); // half a token
    expect(b.take(100)).toBe(true); // one token after 100 ms at 10/s
    expect(b.take(100)).toBe(false);
  });

  it('never holds more than the burst however long it idles', () => {
    const b = new TokenBucket({ burst: 2, perSecond: 1000 }, 0);
    expect(b.isFull(1e9)).toBe(true);
    const passed = [0, 0, 0, 0].filter(() => b.take(1e9)).length;
    expect(passed).toBe(2);
    expect(b.isFull(1e9)).toBe(false);
  });

  it('a batch takes as many tokens as it carries, or none', () => {
    const b = new TokenBucket({ burst: 10, perSecond: 10 }, 0);
    expect(b.take(0, 8)).toBe(true);
    expect(b.take(0, 3)).toBe(false); // 2 left: nothing taken
    expect(b.take(0, 2)).toBe(true);
    expect(b.take(500, 6)).toBe(false);
    expect(b.take(500, 5)).toBe(true);
  });

  it('a steady rate at the limit is never refused', () => {
    const b = new TokenBucket({ burst: 1, perSecond: 50 }, 0);
    for (let t = 0; t < 10_000; t += 20) expect(b.take(t)).toBe(true);
  });

  it('a clock stepping back neither refills nor drains', () => {
    const b = new TokenBucket({ burst: 2, perSecond: 1 }, 1000);
    expect(b.take(1000)).toBe(true);
    expect(b.take(0)).toBe(true);
    expect(b.take(500)).toBe(false);
  });

  it('perWindow(N, W) passes N at once and N more a window later', () => {
    const limit = perWindow(40, 10_000);
    expect(limit).toEqual({ burst: 40, perSecond: 4 });
    const b = new TokenBucket(limit, 0);
    let passed = 0;
    for (let i = 0; i < 100; i++) if (b.take(0)) passed++;
    expect(passed).toBe(40);
    passed = 0;
    for (let i = 0; i < 100; i++) if (b.take(10_000)) passed++;
    expect(passed).toBe(40);
  });
});

describe('token bucket: when to try again', () => {
  it('says how long until the next token, and a take succeeds exactly then', () => {
    const b = new TokenBucket({ burst: 2, perSecond: 100 }, 0); // one token per 10 ms
    expect(b.msUntil(0)).toBe(0);
    expect(b.take(0)).toBe(true);
    expect(b.take(3)).toBe(true); // 0.3 tokens back: 0.3 left
    expect(b.take(3)).toBe(false);
    expect(b.msUntil(3)).toBeCloseTo(7, 9);
    expect(b.take(9.9)).toBe(false);
    expect(b.take(10)).toBe(true);
    expect(b.msUntil(10, 2)).toBeCloseTo(20, 9);
    expect(b.msUntil(10, 3)).toBe(Infinity); // more than the bucket ever holds
  });
});

describe('keyed rate limiter', () => {
  it('keeps one bucket per key', () => {
    const r = new KeyedRateLimiter<string>({ burst: 1, perSecond: 1 }, 100);
    expect(r.take('a', 0)).toBe(true);
    expect(r.take('a', 0)).toBe(false);
    expect(r.take('b', 0)).toBe(true);
    expect(r.size).toBe(2);
  });

  it('forgets every bucket when a new key would pass maxKeys (memory stays bounded)', () => {
    const r = new KeyedRateLimiter<number>({ burst: 1, perSecond: 1 }, 3);
    for (let k = 0; k < 1000; k++) {
      r.take(k, 0);
      expect(r.size).toBeLessThanOrEqual(3);
    }
  });

  it('sweep forgets only refilled buckets', () => {
    const r = new KeyedRateLimiter<string>({ burst: 2, perSecond: 1 }, 100);
    r.take('idle', 0);
    r.take('busy', 0);
    r.take('busy', 0);
    expect(r.sweep(1000)).toBe(1); // 'idle' is full again after 1 s; 'busy' still needs 1 s more
    expect(r.size).toBe(1);
    expect(r.sweep(2000)).toBe(1);
    expect(r.size).toBe(0);
  });
});
