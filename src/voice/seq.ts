// Wrap-safe sequence and timestamp arithmetic (u16 seq, u32 timestamps), in one place.

/** Signed distance a − b in u16 space, in −32768..32767. */
export function seqDiff(a: number, b: number): number {
  return (((a - b) & 0xffff) << 16) >> 16;
}

export function seqAdd(a: number, n: number): number {
  return (a + n) & 0xffff;
}

/** Signed distance a − b in u32 space, in −2^31..2^31−1. */
export function tsDiff(a: number, b: number): number {
  return (a - b) | 0;
}

export function tsAdd(a: number, n: number): number {
  return (a + n) >>> 0;
}
