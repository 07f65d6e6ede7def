import { describe, expect, it } from 'vitest';
import { HEAP_TRIM_CHECK_MS, HEAP_TRIM_GROWTH_BYTES, HEAP_TRIM_MIN_INTERVAL_MS, startHeapTrim } from '../../src/util/heap-trim.js';

const MB = 1024 * 1024;

/** A heap the test sizes by hand, a gc that shrinks it back to `live`, and a clock moved by hand. */
function fake(startBytes: number) {
  const s = { heap: startBytes, live: startBytes, t: 0, gcs: 0, every: [] as number[], stopped: 0 };
  const trim = startHeapTrim({
    gc: () => {
      s.gcs++;
      s.heap = s.live;
    },
    heapBytes: () => s.heap,
    now: () => s.t,
    every: (ms) => {
      s.every.push(ms);
      return () => s.stopped++;
    },
  });
  return { s, trim };
}

describe('heap trim', () => {
  it('collects once the heap has grown HEAP_TRIM_GROWTH_BYTES since the last trim, not before', () => {
    const { s, trim } = fake(10 * MB);
    expect(s.every).toEqual([HEAP_TRIM_CHECK_MS]);
    s.t = HEAP_TRIM_MIN_INTERVAL_MS;
    s.heap = 10 * MB + HEAP_TRIM_GROWTH_BYTES - 1;
    expect(trim.check()).toBe(false);
    s.heap = 10 * MB + HEAP_TRIM_GROWTH_BYTES;
    expect(trim.check()).toBe(true);
    expect([s.gcs, trim.trims, s.heap]).toEqual([1, 1, 10 * MB]);
    // The base is what the collection left: the same growth again is needed.
    s.t += HEAP_TRIM_MIN_INTERVAL_MS;
    s.heap = 10 * MB + MB;
    expect(trim.check()).toBe(false);
    expect(s.gcs).toBe(1);
  });

  it('never trims twice within HEAP_TRIM_MIN_INTERVAL_MS, however fast the heap grows', () => {
    const { s, trim } = fake(10 * MB);
    s.t = HEAP_TRIM_MIN_INTERVAL_MS;
    s.heap = 20 * MB;
    s.live = 15 * MB; // a heap that really grew: the collection gives back only part
    expect(trim.check()).toBe(true);
    s.heap = 40 * MB;
    s.t += HEAP_TRIM_MIN_INTERVAL_MS - 1;
    expect(trim.check()).toBe(false);
    s.t += 1;
    expect(trim.check()).toBe(true);
    expect(s.gcs).toBe(2);
  });

  it('takes a heap that V8 shrank on its own as the new base', () => {
    const { s, trim } = fake(10 * MB);
    s.t = HEAP_TRIM_MIN_INTERVAL_MS;
    s.heap = 8 * MB;
    expect(trim.check()).toBe(false);
    s.heap = 8 * MB + HEAP_TRIM_GROWTH_BYTES;
    expect(trim.check()).toBe(true);
  });

  it('stop() ends the checks', () => {
    const { s, trim } = fake(10 * MB);
    trim.stop();
    expect(s.stopped).toBe(1);
  });

  it('without a gc function (node without --expose-gc) never trims and starts no timer', () => {
    let timers = 0;
    let heap = 10 * MB;
    const trim = startHeapTrim({
      gc: undefined,
      heapBytes: () => heap,
      now: () => 1e9,
      every: () => {
        timers++;
        return () => undefined;
      },
    });
    heap = 100 * MB;
    // (vitest runs without --expose-gc: globalThis.gc is the undefined fallback here)
    expect(globalThis.gc).toBeUndefined();
    expect(trim.check()).toBe(false);
    expect([timers, trim.trims]).toEqual([0, 0]);
    trim.stop();
  });
});
