// The project's one seeded random generator: simulations, the ENet network
// simulator, fuzzers and benches draw from it, so a seed replays the same run.

/** A generator of uniform numbers in [0, 1). */
export type Rng = () => number;

/** 2^32: turns a uint32 into [0, 1). */
const UINT32_RANGE = 4294967296;

/** mulberry32: small, fast, full 2^32 period; good enough for test and simulation randomness. */
export function seededRandom(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / UINT32_RANGE;
  };
}

/** Smallest uniform sample Box–Muller takes a log of (log(0) is -Infinity). */
const GAUSSIAN_MIN_U = 1e-12;

/** Standard normal sample (Box–Muller). */
export function gaussian(rng: Rng): number {
  const u = Math.max(rng(), GAUSSIAN_MIN_U);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng());
}
