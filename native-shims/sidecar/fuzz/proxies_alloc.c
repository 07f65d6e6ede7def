/* Allocation check of the game's proxies (test code, never shipped): linked with
 * -Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc by test/sidecar/proxies-asan.system.test.ts.
 *
 *   proxies-alloc <entities> <frames>
 *
 * Knows <entities> entities (random u32 ids), shows them all in a first frame (spawns and states:
 * the memory grows here), then runs <frames> more frames of the same entities, some moving, some
 * standing still, in a new order each time, with a game that reads everything. Prints
 * `first N allocations N states N`: the first frame's allocations (the wrap works), then those
 * after it (0 is the promise of
 * coop_proxies.h: no allocation per frame once every entity has been seen). Exits 2 when the
 * region cannot be opened, 1 when a frame fails. */
#include "coop_hooks.h"
#include "coop_proxies.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "fuzz_region.h"
#include "fuzz_rng.h"

#define RING_BYTES (1024u * 1024u)

static unsigned long allocations;
void *__real_malloc(size_t n);
void *__real_calloc(size_t n, size_t size);
void *__real_realloc(void *p, size_t n);
void *__wrap_malloc(size_t n) {
  allocations++;
  return __real_malloc(n);
}
void *__wrap_calloc(size_t n, size_t size) {
  allocations++;
  return __real_calloc(n, size);
}
void *__wrap_realloc(void *p, size_t n) {
  allocations++;
  return __real_realloc(p, n);
}


int main(int argc, char **argv) {
  rng_state = 88172645463325252ull;
  if (argc != 3) {
    fprintf(stderr, "usage: proxies-alloc <entities> <frames>\n");
    return 2;
  }
  const int32_t n = (int32_t)strtol(argv[1], NULL, 10);
  const long frames = strtol(argv[2], NULL, 10);
  fuzz_region region;
  if (n <= 0 || fuzz_region_open(&region, "proxies_alloc", RING_BYTES)) return 2;
  coop_region *side = region.side, *game = region.game;
  uint32_t cap = coop_max_payload(game);
  uint8_t *buf = malloc(cap);
  double *rows = calloc((size_t)n * COOP_INTERP_OUT_STRIDE, sizeof *rows);
  coop_proxies *p = coop_proxies_create();
  if (!buf || !rows || !p) return 2;
  for (int32_t i = 0; i < n; i++) {
    uint32_t id = rnd();
    char name[32];
    int len = snprintf(name, sizeof name, "Character.npc_%d", (int)i);
    if (coop_proxies_known(p, id, 1, (const uint8_t *)name, (uint32_t)len) != COOP_PROXIES_OK) return 1;
    rows[(size_t)i * COOP_INTERP_OUT_STRIDE + COOP_INTERP_O_ID] = id;
  }
  unsigned long states = 0, before = 0, start = allocations;
  for (long f = 0; f <= frames; f++) {
    if (f == 1) before = allocations;
    for (int32_t i = 0; i < n; i++) { /* some move, some stand still */
      double *r = rows + (size_t)i * COOP_INTERP_OUT_STRIDE;
      if (rnd() % 3) continue;
      for (int k = COOP_INTERP_O_X; k <= COOP_INTERP_O_VZ; k++) r[k] = (double)(rnd() % 10000) / 7.0;
    }
    for (int32_t i = n - 1; i > 0; i--) { /* a new order */
      int32_t j = (int32_t)(rnd() % (uint32_t)(i + 1));
      double t[COOP_INTERP_OUT_STRIDE];
      memcpy(t, rows + (size_t)i * COOP_INTERP_OUT_STRIDE, sizeof t);
      memcpy(rows + (size_t)i * COOP_INTERP_OUT_STRIDE, rows + (size_t)j * COOP_INTERP_OUT_STRIDE, sizeof t);
      memcpy(rows + (size_t)j * COOP_INTERP_OUT_STRIDE, t, sizeof t);
    }
    int32_t w = coop_proxies_frame(p, side, (uint32_t)f * 16000u, rows, n);
    if (w < 0) return 1;
    states += (unsigned long)w;
    uint16_t type;
    uint32_t len;
    while (coop_read_frame(game, &type, buf, cap, &len) == 1) {
    }
  }
  printf("first %lu allocations %lu states %lu\n", before - start, allocations - before, states);
  coop_proxies_destroy(p);
  free(rows);
  free(buf);
  fuzz_region_close(&region);
  return 0;
}
