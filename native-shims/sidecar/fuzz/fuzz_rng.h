/* fuzz_rng.h — the native path's fuzz drivers' seeded random numbers (test code, never shipped):
 * xorshift64*, seeded by each driver from its command line (rng_state). */
#ifndef COOP_FUZZ_RNG_H
#define COOP_FUZZ_RNG_H

#include <stdint.h>

static uint64_t rng_state;
static inline uint32_t rnd(void) {
  rng_state ^= rng_state >> 12;
  rng_state ^= rng_state << 25;
  rng_state ^= rng_state >> 27;
  return (uint32_t)((rng_state * 2685821657736338717ull) >> 32);
}
static inline uint32_t below(uint32_t n) { return n ? rnd() % n : 0; }

#endif
