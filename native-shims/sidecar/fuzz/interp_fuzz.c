/* Fuzz driver of the interpolator (test code, never shipped): built with
 * -fsanitize=address,undefined,float-cast-overflow by test/sidecar/interp-asan.system.test.ts,
 * so a read or write outside a buffer, or undefined behaviour, aborts the run instead of passing
 * unseen.
 *
 *   interp-fuzz <corpus> <iterations> <seed>
 *
 * corpus: the snapshot fuzz driver's (records of u32 tick, u32 base_tick, u32 len, len bytes): a
 * client's snapshot sequence, decoded into a receiver whose states are pushed by tick. Every
 * iteration runs a fresh interpolator through a random mix of pushes (from the receiver, by a
 * held or missing tick; from arrays of exactly their length: random counts, ids in order or
 * not, random quantised values), samples into output buffers of exactly their capacity (often
 * too small), delay and path-ahead changes. Half the iterations are sane (finite times, the
 * local clock never going back) and check the clock (playout never goes back) and the yaws
 * (within [−π, π]); the other half use hostile times and delays (NaN, ±inf, ±1e300, going back).
 * Every iteration checks every answer: a known push code, a sample count no larger than the
 * largest state held, ids that were pushed. Prints `samples N entities N pushes N` and the count
 * of each push answer; exits 1 on a broken invariant, 2 on a bad corpus. */
#include "coop_interp.h"
#include "fuzz_corpus.h"

#include <math.h> /* NAN, INFINITY */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define STEPS 300            /* pushes and samples per iteration */
#define MAX_ARRAY_ENTITIES 300
#define MAX_ID 1000          /* ids pushed from arrays are below this; the city's are too */
#define ANSWERS (COOP_INTERP_NO_MEMORY + 1)

static double unit(void) { return rnd() / 4294967296.0; }



static double hostile_time(double sane) {
  static const double odd[] = {1e300, -1e300, 1.7e308, -1.7e308, 0, -1};
  switch (below(8)) {
  case 0: return NAN;
  case 1: return INFINITY;
  case 2: return -INFINITY;
  case 3: return odd[below(sizeof odd / sizeof odd[0])];
  case 4: return sane - unit() * 5000; /* back in time */
  default: return sane;
  }
}

static unsigned long answers[ANSWERS], samples, entities;

int main(int argc, char **argv) {
  static record recs[MAX_RECORDS];
  int n = 0;
  if (argc != 4 || !load(argv[1], recs, &n)) {
    fprintf(stderr, "usage: interp-fuzz <corpus> <iterations> <seed> (corpus unreadable or empty)\n");
    return 2;
  }
  const long iterations = strtol(argv[2], NULL, 10);
  rng_state = (uint64_t)strtoull(argv[3], NULL, 10) * 0x9E3779B97F4A7C15ull + 1;
  for (long it = 0; it < iterations; it++) {
    const int sane = it % 2 == 0;
    coop_snap_rx *rx = coop_snap_rx_create();
    coop_interp *ip = coop_interp_create(below(4) == 0 ? unit() * 300 : 80);
    if (!rx || !ip) return 2;
    double local = unit() * 1e6, server = 1e5 + unit() * 1e6, last_playout = -1e308;
    uint32_t largest = 0; /* entities of the largest state pushed */
    int next = 0;         /* the next corpus record to decode */
    for (int step = 0; step < STEPS; step++) {
      local += sane ? unit() * 40 : unit() * 80 - 20;
      const uint32_t what = below(10);
      if (what < 3 && next < n) { /* decode the next record, push it by tick (sometimes a wrong one) */
        const record *r = &recs[next++];
        if (coop_snap_rx_receive(rx, r->tick, r->base_tick, r->data, r->len) != COOP_SNAP_OK) {
          fprintf(stderr, "corpus record %d rejected\n", next - 1);
          return 2;
        }
        server += 25;
        const int64_t tick = below(8) == 0 ? (int64_t)r->tick + 1 + below(100) : (int64_t)r->tick;
        const double at = sane ? local - unit() * 30 : hostile_time(local);
        const int rc = coop_interp_push_rx(ip, sane ? server : hostile_time(server), rx, tick, at, (int)below(2));
        if (rc < 0 || rc >= ANSWERS) {
          fprintf(stderr, "push_rx: answer %d\n", rc);
          return 1;
        }
        answers[rc]++;
        const int32_t held = coop_snap_rx_state(rx, tick, NULL, NULL);
        if (rc == COOP_INTERP_STORED && (uint32_t)held > largest) largest = (uint32_t)held;
        if (held < 0 && rc != COOP_INTERP_NOT_HELD) {
          fprintf(stderr, "push_rx of a missing tick answered %d\n", rc);
          return 1;
        }
      } else if (what == 3 && below(8) == 0) { /* entities without arrays, or too many */
        const int rc = coop_interp_push(ip, server, NULL, NULL, below(2) ? 1 + below(3) : COOP_INTERP_MAX_ENTITIES + 1, local, 1);
        if (rc != COOP_INTERP_TOO_MANY) {
          fprintf(stderr, "push without arrays: answer %d\n", rc);
          return 1;
        }
        answers[rc]++;
      } else if (what < 5) { /* push arrays of exactly their length */
        const uint32_t count = below(MAX_ARRAY_ENTITIES + 1);
        uint32_t *ids = malloc((count ? count : 1) * sizeof *ids);
        int32_t *vals = malloc((count ? count : 1) * COOP_SNAP_FIELD_COUNT * sizeof *vals);
        if (!ids || !vals) return 2;
        const int ordered = below(4) != 0;
        uint32_t id = 0;
        for (uint32_t i = 0; i < count; i++) {
          id = ordered ? id + 1 + below(3) : below(MAX_ID);
          ids[i] = id % MAX_ID;
          for (int f = 0; f < COOP_SNAP_FIELD_COUNT; f++)
            vals[i * COOP_SNAP_FIELD_COUNT + f] = f == 3 && sane ? (int32_t)below(COOP_SNAP_YAW_STEPS) : (int32_t)rnd();
        }
        server += below(3) == 0 ? -unit() * 50 : 25; /* sometimes late */
        const int rc = coop_interp_push(ip, sane ? server : hostile_time(server), ids, vals, count, sane ? local : hostile_time(local), (int)below(2));
        if (rc < 0 || rc >= ANSWERS) {
          fprintf(stderr, "push: answer %d\n", rc);
          return 1;
        }
        answers[rc]++;
        if (rc == COOP_INTERP_STORED && count > largest) largest = count;
        free(ids);
        free(vals);
      } else if (what == 5) {
        coop_interp_set_delay(ip, sane ? 80 + below(5) * 20 : hostile_time(100));
        coop_interp_set_path_ahead(ip, below(2) ? 0 : sane ? 25 : hostile_time(25));
      } else { /* sample into a buffer of exactly cap entities */
        const uint32_t cap = below(3) == 0 ? below(8) : largest + 1;
        double *out = malloc((cap ? cap : 1) * COOP_INTERP_OUT_STRIDE * sizeof *out);
        if (!out) return 2;
        const double at = sane ? local : hostile_time(local);
        const int32_t count = coop_interp_sample(ip, at, out, cap);
        samples++;
        if (count < 0 || (uint32_t)count > largest) {
          fprintf(stderr, "sample: %d entities, the largest state %u\n", count, largest);
          return 1;
        }
        entities += (unsigned long)count;
        const int32_t again = coop_interp_last(ip, out, cap);
        if (again != count) {
          fprintf(stderr, "last: %d, sample: %d\n", again, count);
          return 1;
        }
        if ((uint32_t)count <= cap) {
          for (int32_t i = 0; i < count; i++) {
            const double *e = out + (size_t)i * COOP_INTERP_OUT_STRIDE;
            const double id = e[COOP_INTERP_O_ID], ex = e[COOP_INTERP_O_EXTRAPOLATED];
            if (!(id >= 0 && id <= 4294967295.0) || (ex != 0 && ex != 1)) {
              fprintf(stderr, "entity %d: id %g extrapolated %g\n", i, id, ex);
              return 1;
            }
            if (sane && !(e[COOP_INTERP_O_YAW] >= -3.1415927 && e[COOP_INTERP_O_YAW] <= 3.1415927)) {
              fprintf(stderr, "entity %d: yaw %g\n", i, e[COOP_INTERP_O_YAW]);
              return 1;
            }
          }
        }
        const double p = coop_interp_playout(ip);
        if (sane && count > 0) {
          if (!(p >= last_playout)) {
            fprintf(stderr, "playout went back: %.17g after %.17g\n", p, last_playout);
            return 1;
          }
          last_playout = p;
        }
        free(out);
      }
    }
    coop_interp_destroy(ip);
    coop_snap_rx_destroy(rx);
  }
  printf("samples %lu entities %lu\n", samples, entities);
  for (int c = 0; c < ANSWERS; c++) printf("answer %d %lu\n", c, answers[c]);
  for (int i = 0; i < n; i++) free(recs[i].data);
  return 0;
}
