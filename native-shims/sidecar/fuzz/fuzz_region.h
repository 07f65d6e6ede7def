/* fuzz_region.h — one region opened in both roles in this process, for the fuzz drivers whose
 * code writes what the game reads (test code, never shipped): the sidecar role writes, the game
 * role reads it back. Its name carries the driver's pid, so runs side by side do not meet. */
#ifndef COOP_FUZZ_REGION_H
#define COOP_FUZZ_REGION_H

#include <stdint.h>
#include <stdio.h>
#include <unistd.h>

#include "coop_hooks.h"
#include "coop_shim.h"

typedef struct {
  char name[64];
  coop_region *side;
  coop_region *game;
} fuzz_region;

/* 0, or 2 (what a driver exits with; said on stderr) when the region cannot be opened. */
static inline int fuzz_region_open(fuzz_region *r, const char *driver, uint32_t ring_bytes) {
  snprintf(r->name, sizeof r->name, "%s_%ld", driver, (long)getpid());
  r->side = coop_open(r->name, COOP_ROLE_SIDECAR, ring_bytes, COOP_ABI_VERSION, COOP_SCHEMA_HASH);
  r->game = coop_open(r->name, COOP_ROLE_GAME, ring_bytes, COOP_ABI_VERSION, COOP_SCHEMA_HASH);
  if (r->side && r->game && coop_status(r->side) == COOP_OK && coop_status(r->game) == COOP_OK) return 0;
  fprintf(stderr, "%s: cannot open region %s\n", driver, r->name);
  return 2;
}

static inline void fuzz_region_close(fuzz_region *r) {
  coop_close(r->game);
  coop_close(r->side);
  coop_unlink(r->name);
}

#endif
