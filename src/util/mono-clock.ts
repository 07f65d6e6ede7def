// The machine's monotonic clock in ms (CLOCK_MONOTONIC through process.hrtime): unlike
// performance.now(), whose origin is each process's start, it reads the same in every process on
// one machine, so a test or bench can compare the clocks of several processes against the truth.
// An offset clock stands in for another machine whose clock is off by a known amount.

const NS_PER_MS = 1e6;

export function monoNowMs(): number {
  return Number(process.hrtime.bigint()) / NS_PER_MS;
}

/** A clock `offsetMs` ahead of this machine's (behind when negative). */
export function offsetClock(offsetMs: number): () => number {
  if (!Number.isFinite(offsetMs)) throw new TypeError(`clock offset must be a finite number of ms, got ${offsetMs}`);
  return () => monoNowMs() + offsetMs;
}
