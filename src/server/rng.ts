// Seeded PRNG (mulberry32): simulations and benches are reproducible.
export type Rng = () => number;

// One mulberry32 for the project: the ENet simulator's (the server may use the transport layer).
export { seededRandom as mulberry32 } from '../net/enet/index.js';

/** Standard normal sample (Box–Muller). */
export function gaussian(rng: Rng): number {
  const u = Math.max(rng(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng());
}
