// Gives back the V8 heap's headroom in a process that runs for hours and allocates steadily (the
// sidecar beside the game: docs/sidecar.md "Memory"). V8 lets the old generation grow by at least
// 8 MB past what survived the last full collection before it collects again, and a regular
// collection keeps its half-empty pages; its memory reducer, which would compact and release
// them, starts only when the allocation rate is low, never in a city. So: every
// HEAP_TRIM_CHECK_MS look at the heap's size, and once it has grown HEAP_TRIM_GROWTH_BYTES since
// the last trim, run a full collection, which with --compact-on-every-full-gc (the sidecar's
// flags) moves the live objects together and hands the emptied pages back to the system.
// A full collection of the sidecar's ≈ 11 MB heap costs ≈ 25–30 ms of CPU: a trim at most every
// HEAP_TRIM_MIN_INTERVAL_MS bounds that whatever the heap does.
import { getHeapStatistics } from 'node:v8';

/** How often the heap's size is looked at (one getHeapStatistics call: microseconds). */
export const HEAP_TRIM_CHECK_MS = 10_000;
/** Growth of the heap since the last trim that triggers the next one. */
export const HEAP_TRIM_GROWTH_BYTES = 2 * 1024 * 1024;
/** Two trims are at least this far apart (a heap that keeps growing is not collected over and over). */
export const HEAP_TRIM_MIN_INTERVAL_MS = 30_000;

export interface HeapTrimOptions {
  /** A full collection; default: the `gc` that `--expose-gc` puts on globalThis (without it, no trims). */
  gc?: () => void;
  /** The heap's committed size in bytes; default: V8's total_heap_size. */
  heapBytes?: () => number;
  /** Monotonic milliseconds. */
  now?: () => number;
  /** Runs `check` every `ms`; returns its stop. Default: an unref'd setInterval (a trim never keeps the process alive). */
  every?: (ms: number, check: () => void) => () => void;
}

export interface HeapTrim {
  /** Trims run so far. */
  readonly trims: number;
  /** One look at the heap (what the timer calls); true if it trimmed. */
  check(): boolean;
  stop(): void;
}

function unrefInterval(ms: number, check: () => void): () => void {
  const t = setInterval(check, ms);
  t.unref();
  return () => clearInterval(t);
}

/** Starts trimming; a process without a `gc` function gets a HeapTrim that never trims. */
export function startHeapTrim(o: HeapTrimOptions = {}): HeapTrim {
  const gc = o.gc ?? globalThis.gc;
  const heapBytes = o.heapBytes ?? (() => getHeapStatistics().total_heap_size);
  const now = o.now ?? (() => performance.now());
  let trims = 0;
  let base = heapBytes();
  let lastAt = now();
  const check = (): boolean => {
    if (gc === undefined) return false;
    const size = heapBytes();
    // A heap that shrank on its own (V8's own full collection) is the new base.
    if (size < base) base = size;
    if (size - base < HEAP_TRIM_GROWTH_BYTES || now() - lastAt < HEAP_TRIM_MIN_INTERVAL_MS) return false;
    gc();
    trims++;
    base = heapBytes();
    lastAt = now();
    return true;
  };
  const stop = gc === undefined ? () => undefined : (o.every ?? unrefInterval)(HEAP_TRIM_CHECK_MS, check);
  return {
    get trims() {
      return trims;
    },
    check,
    stop,
  };
}
