/* fuzz_corpus.h — what the native path's fuzz drivers share (test code, never shipped): the
 * seeded random numbers (fuzz_rng.h) and the corpus of snapshots, records of (u32 tick, u32 base_tick,
 * u32 len, len bytes), little-endian, written by test/sidecar/sanitized-driver.ts. */
#ifndef COOP_FUZZ_CORPUS_H
#define COOP_FUZZ_CORPUS_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "fuzz_rng.h"

/* Records a corpus may hold. */
#define MAX_RECORDS 4096

typedef struct {
  uint32_t tick, base_tick, len;
  uint8_t *data;
} record;


static uint32_t u32le(const uint8_t *p) { return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24; }

/* Reads the corpus at path into recs (each payload malloc'd, 1 byte when empty); 0 when it is
 * missing, malformed or larger than MAX_RECORDS. */
static int load(const char *path, record *recs, int *n) {
  FILE *f = fopen(path, "rb");
  if (!f) return 0;
  uint8_t head[12];
  *n = 0;
  while (fread(head, 1, sizeof head, f) == sizeof head) {
    if (*n == MAX_RECORDS) return 0;
    record *r = &recs[(*n)++];
    r->tick = u32le(head);
    r->base_tick = u32le(head + 4);
    r->len = u32le(head + 8);
    r->data = malloc(r->len ? r->len : 1);
    if (!r->data || fread(r->data, 1, r->len, f) != r->len) return 0;
  }
  fclose(f);
  return *n > 0;
}

#endif
