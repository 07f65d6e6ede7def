/* Fuzz driver of the snapshot receiver (test code, never shipped): built with
 * -fsanitize=address,undefined by test/sidecar/snapshot-asan.system.test.ts, so a read or write
 * outside a buffer, or undefined behaviour, aborts the run instead of passing unseen.
 *
 *   snapshot-fuzz <corpus> <iterations> <seed>
 *
 * corpus: records of (u32 tick, u32 base_tick, u32 len, len bytes), little-endian: a client's
 * snapshot sequence, each decoding against an earlier one. Every iteration feeds a fresh receiver
 * the corpus with one record mutated (bits flipped, cut, bytes inserted, deleted or overwritten,
 * or replaced by random bytes), each payload in a buffer of exactly its length, and checks every
 * answer: a known code; on success a well-formed state (count ≤ the limit, ids ascending, yaw in
 * range), every value of it read. Prints `ok N rejected N` of the mutated records and the count
 * of each reject code among them;
 * exits 1 on a broken invariant, 2 on a bad corpus. */
#include "coop_snapshot.h"
#include "fuzz_corpus.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_RANDOM_BYTES 400 /* longest all-random payload */
#define MAX_FLIPS 8




/* A mutated copy of r in a buffer of exactly *len bytes (malloc'd; 1 byte when empty). */
static uint8_t *mutate(const record *r, uint32_t *len) {
  uint32_t n = r->len;
  uint8_t *d = malloc(n + 1);
  if (!d) exit(2);
  memcpy(d, r->data, n);
  switch (below(6)) {
  case 0: /* flip bits */
    for (uint32_t k = 1 + below(MAX_FLIPS); k-- && n;) d[below(n)] ^= (uint8_t)(1u << below(8));
    break;
  case 1: /* cut */
    n = below(n + 1);
    break;
  case 2: /* insert a byte */ {
    const uint32_t at = below(n + 1);
    memmove(d + at + 1, d + at, n - at);
    d[at] = (uint8_t)rnd();
    n++;
    break;
  }
  case 3: /* delete a byte */
    if (n) {
      const uint32_t at = below(n);
      memmove(d + at, d + at + 1, n - at - 1);
      n--;
    }
    break;
  case 4: /* overwrite a run */
    if (n) {
      const uint32_t at = below(n), run = 1 + below(n - at);
      for (uint32_t i = 0; i < run; i++) d[at + i] = (uint8_t)rnd();
    }
    break;
  default: /* all random */
    free(d);
    n = below(MAX_RANDOM_BYTES);
    d = malloc(n + 1);
    if (!d) exit(2);
    for (uint32_t i = 0; i < n; i++) d[i] = (uint8_t)rnd();
  }
  /* exactly n bytes, so the sanitizer sees a read of d[n] */
  uint8_t *exact = malloc(n ? n : 1);
  if (!exact) exit(2);
  memcpy(exact, d, n);
  free(d);
  *len = n;
  return exact;
}

/* Answers to the mutated records, by code. */
static unsigned long answers[COOP_SNAP_REJECT_LAST + 1];

/* Checks one answer and, on success, the state held. 0 on a broken invariant. */
static int check(const coop_snap_rx *rx, int rc, uint32_t tick) {
  if (rc < 0 || rc > COOP_SNAP_REJECT_LAST) {
    fprintf(stderr, "tick %u: unknown answer %d\n", tick, rc);
    return 0;
  }
  if (rc != COOP_SNAP_OK) return 1;
  const uint32_t *ids;
  const int32_t *vals;
  const int32_t count = coop_snap_rx_state(rx, tick, &ids, &vals);
  if (count < 0 || count > COOP_SNAP_MAX_ENTITIES) {
    fprintf(stderr, "tick %u: count %d\n", tick, count);
    return 0;
  }
  int64_t sum = 0;
  for (int32_t i = 0; i < count; i++) {
    if (i > 0 && ids[i] <= ids[i - 1]) {
      fprintf(stderr, "tick %u: ids not ascending at %d\n", tick, i);
      return 0;
    }
    const int32_t yaw = vals[(size_t)i * COOP_SNAP_FIELD_COUNT + 3];
    if (yaw < 0 || yaw >= COOP_SNAP_YAW_STEPS) {
      fprintf(stderr, "tick %u: yaw %d\n", tick, yaw);
      return 0;
    }
    for (int f = 0; f < COOP_SNAP_FIELD_COUNT; f++) sum += vals[(size_t)i * COOP_SNAP_FIELD_COUNT + f];
  }
  return sum != INT64_MIN; /* every value read */
}

int main(int argc, char **argv) {
  static record recs[MAX_RECORDS];
  int n = 0;
  if (argc != 4 || !load(argv[1], recs, &n)) {
    fprintf(stderr, "usage: snapshot-fuzz <corpus> <iterations> <seed> (corpus unreadable or empty)\n");
    return 2;
  }
  const long iterations = strtol(argv[2], NULL, 10);
  rng_state = (uint64_t)strtoull(argv[3], NULL, 10) * 0x9E3779B97F4A7C15ull + 1;
  /* The corpus as it is decodes in full. */
  coop_snap_rx *rx = coop_snap_rx_create();
  for (int i = 0; i < n; i++) {
    const int rc = coop_snap_rx_receive(rx, recs[i].tick, recs[i].base_tick, recs[i].data, recs[i].len);
    if (rc != COOP_SNAP_OK) {
      fprintf(stderr, "corpus record %d (tick %u) rejected: %d\n", i, recs[i].tick, rc);
      return 2;
    }
  }
  coop_snap_rx_destroy(rx);
  for (long it = 0; it < iterations; it++) {
    rx = coop_snap_rx_create();
    if (!rx) return 2;
    const int victim = (int)below((uint32_t)n);
    /* up to a few records past the mutated one: they decode against what it left */
    const int end = victim + 1 + (int)below(4) < n ? victim + 1 + (int)below(4) : n;
    for (int i = 0; i < end; i++) {
      uint32_t len = recs[i].len;
      uint8_t *data = i == victim ? mutate(&recs[i], &len) : recs[i].data;
      const int rc = coop_snap_rx_receive(rx, recs[i].tick, recs[i].base_tick, data, len);
      if (i == victim) {
        free(data);
        if (rc >= 0 && rc <= COOP_SNAP_REJECT_LAST) answers[rc]++;
      }
      if (!check(rx, rc, recs[i].tick)) return 1;
    }
    coop_snap_rx_destroy(rx);
  }
  unsigned long rejected = 0;
  for (int c = 1; c <= COOP_SNAP_REJECT_LAST; c++) rejected += answers[c];
  printf("ok %lu rejected %lu\n", answers[COOP_SNAP_OK], rejected);
  for (int c = 1; c <= COOP_SNAP_REJECT_LAST; c++) printf("code %d %lu\n", c, answers[c]);
  for (int i = 0; i < n; i++) free(recs[i].data);
  return 0;
}
