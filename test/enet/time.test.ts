import { describe, expect, it } from 'vitest';
import { ENET_TIME_OVERFLOW_MS } from '../../src/net/enet/constants.js';
import { timeAdd, timeDifference, timeFromMs, timeGreater, timeGreaterEqual, timeLess, timeLessEqual } from '../../src/net/enet/time.js';

const WRAP = 2 ** 32;

describe('enet time (wrap-safe, as ENet time.h)', () => {
  it('orders plain times', () => {
    expect(timeLess(1, 2)).toBe(true);
    expect(timeLess(2, 1)).toBe(false);
    expect(timeGreater(2, 1)).toBe(true);
    expect(timeLessEqual(2, 2)).toBe(true);
    expect(timeGreaterEqual(2, 2)).toBe(true);
    expect(timeDifference(10, 3)).toBe(7);
    expect(timeDifference(3, 10)).toBe(7);
  });

  it('orders times across the 2^32 wrap', () => {
    const before = WRAP - 5; // 4294967291
    const after = 10; // wrapped
    expect(timeLess(before, after)).toBe(true);
    expect(timeGreater(after, before)).toBe(true);
    expect(timeGreaterEqual(before, after)).toBe(false);
    expect(timeDifference(after, before)).toBe(15);
    expect(timeDifference(before, after)).toBe(15);
    expect(timeAdd(before, 20)).toBe(15);
    expect(timeFromMs(WRAP + 7.9)).toBe(7);
  });

  it('takes a time within the overflow window behind as the past, across the wrap', () => {
    const farAhead = WRAP - ENET_TIME_OVERFLOW_MS; // 0 - farAhead = OVERFLOW (mod 2^32)
    expect(timeLess(0, farAhead)).toBe(true);
    expect(timeLess(0, farAhead + 1)).toBe(false); // now within the window: taken as the past
    expect(timeGreater(0, farAhead + 1)).toBe(true);
    expect(timeDifference(0, farAhead + 1)).toBe(ENET_TIME_OVERFLOW_MS - 1);
  });
});
