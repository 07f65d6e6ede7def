/* Fuzz driver of the game's proxies (test code, never shipped): built with
 * -fsanitize=address,undefined,float-cast-overflow by test/sidecar/proxies-asan.system.test.ts,
 * so a read or write outside a buffer, a leak or undefined behaviour aborts the run.
 *
 *   proxies-fuzz <iterations> <seed>
 *
 * Opens one region in both roles (ring of RING_BYTES) and, each iteration, runs a fresh
 * coop_proxies through a random mix of: known() with names of random length (past
 * COOP_PROXIES_NAME_MAX_BYTES too) and bytes (valid UTF-8 or not) in buffers of exactly their
 * length; forget() of known and unknown ids; forget_all(); flush(); frame() with rows of exactly `count`
 * (ids known, unknown, not a u32: NaN, ±inf, negative, 2^32, fractions; values NaN, ±inf, huge);
 * a game that reads everything, a few frames or nothing (the ring fills, spawns queue, a states
 * frame larger than the ring's payload is refused). Every frame the game reads is checked against
 * the manifest's layouts (SpawnProxy: name length within bounds, valid UTF-8, the frame exactly
 * that long; DespawnProxy: 4 bytes; RemoteEntityStates: 8 + 44 per state, 1 to
 * COOP_PROXIES_STATES_MAX_PER_FRAME states) and every answer against the header's codes. Prints
 * `spawns N despawns N states N full N dropped N` (full: steps that ended with the ring full); exits 1 on a broken invariant, 2 when the
 * region cannot be opened. */
#include "coop_hooks.h"
#include "coop_proxies.h"

#include <math.h> /* NAN, INFINITY */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "fuzz_region.h"
#include "fuzz_rng.h"

#define RING_BYTES 65536u     /* max payload 16376: 372 states, so larger frames are refused */
#define STEPS 200             /* operations per iteration */
#define MAX_ROWS 1500         /* rows in one sample (ids repeat: a row per id is not assumed) */
#define SMALL_IDS 500         /* most ids are below this, so they repeat */
#define KNOWN_BURST 24        /* entities announced at once, at most */
#define STALL_MAX 150         /* steps the game may stop reading for */
#define NAME_OVER 200u        /* names up to this many bytes past the limit */
#define SPAWN_FIXED 37u       /* SpawnProxy without its name's bytes */
#define STATE_BYTES 44u
#define STATES_HEAD 8u

static double unit(void) { return rnd() / 4294967296.0; }

static unsigned long spawns, despawns, states, full, dropped;

#define CHECK(cond)                                                        \
  do {                                                                     \
    if (!(cond)) {                                                         \
      fprintf(stderr, "proxies-fuzz: %s (line %d)\n", #cond, __LINE__);    \
      exit(1);                                                             \
    }                                                                      \
  } while (0)

static int valid_utf8(const uint8_t *s, uint32_t n) { /* the checker's own, deliberately plain */
  for (uint32_t i = 0; i < n;) {
    uint32_t c = s[i], len, cp;
    if (c < 0x80) len = 1, cp = c;
    else if ((c & 0xE0) == 0xC0) len = 2, cp = c & 0x1F;
    else if ((c & 0xF0) == 0xE0) len = 3, cp = c & 0x0F;
    else if ((c & 0xF8) == 0xF0) len = 4, cp = c & 0x07;
    else return 0;
    if (len > n - i) return 0;
    for (uint32_t k = 1; k < len; k++) {
      if ((s[i + k] & 0xC0) != 0x80) return 0;
      cp = cp << 6 | (s[i + k] & 0x3Fu);
    }
    static const uint32_t min[5] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < min[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
    i += len;
  }
  return 1;
}

/* The game: reads up to max frames and checks each against the manifest's layouts. */
static void game_reads(coop_region *game, uint8_t *buf, uint32_t cap, long max) {
  for (long k = 0; k < max; k++) {
    uint16_t type = 0;
    uint32_t len = 0;
    int rc = coop_read_frame(game, &type, buf, cap, &len);
    CHECK(rc == 0 || rc == 1);
    if (rc == 0) return;
    uint32_t n;
    switch (type) {
    case COOP_MSG_SPAWN_PROXY:
      CHECK(len >= SPAWN_FIXED);
      memcpy(&n, buf + 5, 4);
      CHECK(n <= COOP_PROXIES_NAME_MAX_BYTES && len == SPAWN_FIXED + n);
      CHECK(valid_utf8(buf + 9, n));
      spawns++;
      break;
    case COOP_MSG_DESPAWN_PROXY:
      CHECK(len == COOP_MSG_DESPAWN_PROXY_BYTES);
      despawns++;
      break;
    case COOP_MSG_REMOTE_ENTITY_STATES:
      CHECK(len >= STATES_HEAD);
      memcpy(&n, buf + 4, 4);
      CHECK(n >= 1 && n <= COOP_PROXIES_STATES_MAX_PER_FRAME && len == STATES_HEAD + n * STATE_BYTES);
      states += n;
      break;
    default: CHECK(!"a frame type proxies.c does not write");
    }
  }
}

/* Ids from BAD_NAME_IDS up are only ever offered with a name that is refused (known again
 * ignores the name, so a refused name's answer is certain only for an id never known). */
#define BAD_NAME_IDS 0xFFFFFF00u
static uint32_t random_id(void) { return below(4) ? below(SMALL_IDS) : rnd() % BAD_NAME_IDS; }

static double hostile(double sane) {
  switch (below(12)) {
  case 0: return NAN;
  case 1: return INFINITY;
  case 2: return -INFINITY;
  case 3: return 1e300;
  case 4: return -0.0;
  default: return sane;
  }
}

static double row_id(void) {
  switch (below(16)) {
  case 0: return NAN;
  case 1: return -1;
  case 2: return 4294967296.0;
  case 3: return 0.5 + below(SMALL_IDS);
  case 4: return INFINITY;
  case 5: return -1e300;
  default: return (double)random_id();
  }
}

static void known_random(coop_proxies *p) {
  uint32_t len = below(3) ? below(40) : below(COOP_PROXIES_NAME_MAX_BYTES + NAME_OVER);
  uint8_t *name = (uint8_t *)malloc(len ? len : 1); /* exactly len: a read past it is caught */
  CHECK(name != NULL);
  int valid = below(2);
  for (uint32_t i = 0; i < len; i++) name[i] = valid ? (uint8_t)(0x20 + below(0x5F)) : (uint8_t)rnd();
  if (valid && len >= 3 && below(2)) memcpy(name + len - 3, "\xE2\x9C\x93", 3); /* a check mark */
  int refused = len > COOP_PROXIES_NAME_MAX_BYTES || !valid_utf8(name, len);
  uint32_t id = refused ? BAD_NAME_IDS + below(UINT32_MAX - BAD_NAME_IDS) : random_id();
  int rc = coop_proxies_known(p, id, (uint8_t)rnd(), len ? name : NULL, len);
  if (len > COOP_PROXIES_NAME_MAX_BYTES) CHECK(rc == COOP_PROXIES_ERR_TOO_LONG);
  else if (valid_utf8(name, len)) CHECK(rc == COOP_PROXIES_OK);
  else CHECK(rc == COOP_PROXIES_ERR_BAD_NAME);
  free(name);
}

static void frame_random(coop_proxies *p, coop_region *region, int sane) {
  int32_t count = (int32_t)below(MAX_ROWS + 1);
  double *rows = (double *)malloc((size_t)(count ? count : 1) * COOP_INTERP_OUT_STRIDE * sizeof *rows);
  CHECK(rows != NULL);
  for (int32_t i = 0; i < count; i++) {
    double *r = rows + (size_t)i * COOP_INTERP_OUT_STRIDE;
    r[COOP_INTERP_O_ID] = sane ? (double)below(SMALL_IDS) : row_id();
    for (int f = COOP_INTERP_O_X; f <= COOP_INTERP_O_VZ; f++) {
      double v = below(3) ? (double)below(2) : (unit() - 0.5) * 1e4; /* often the same value again */
      r[f] = sane ? v : hostile(v);
    }
    r[COOP_INTERP_O_EXTRAPOLATED] = below(2);
  }
  int32_t rc = coop_proxies_frame(p, region, rnd(), count ? rows : NULL, count);
  CHECK(rc >= 0 || rc == COOP_PROXIES_ERR_DROPPED);
  if (rc == COOP_PROXIES_ERR_DROPPED) dropped++;
  free(rows);
}

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: proxies-fuzz <iterations> <seed>\n");
    return 2;
  }
  const long iterations = strtol(argv[1], NULL, 10);
  rng_state = (uint64_t)strtoull(argv[2], NULL, 10) * 0x9E3779B97F4A7C15ull + 1;
  fuzz_region region;
  if (fuzz_region_open(&region, "proxies_fuzz", RING_BYTES)) return 2;
  coop_region *side = region.side, *game = region.game;
  uint32_t cap = coop_max_payload(game);
  uint8_t *buf = (uint8_t *)malloc(cap);
  CHECK(buf != NULL);
  CHECK(coop_proxies_frame(NULL, side, 0, NULL, 0) == COOP_PROXIES_ERR_ARGS);
  CHECK(coop_proxies_known(NULL, 1, 0, NULL, 0) == COOP_PROXIES_ERR_ARGS);
  CHECK(coop_proxies_forget(NULL, side, 1) == COOP_PROXIES_ERR_ARGS);
  CHECK(coop_proxies_flush(NULL, side) == COOP_PROXIES_ERR_ARGS);
  coop_proxies_forget_all(NULL, side);
  coop_proxies_destroy(NULL);
  for (long it = 0; it < iterations; it++) {
    const int sane = it % 2 == 0;
    coop_proxies *p = coop_proxies_create();
    CHECK(p != NULL);
    CHECK(coop_proxies_frame(p, side, 0, NULL, 1) == COOP_PROXIES_ERR_ARGS);
    CHECK(coop_proxies_frame(p, side, 0, NULL, -1) == COOP_PROXIES_ERR_ARGS);
    long stalled = 0;
    for (int step = 0; step < STEPS; step++) {
      uint32_t op = below(100);
      if (op < 20)
        for (uint32_t k = below(KNOWN_BURST); k > 0; k--) known_random(p);
      else if (op < 27) {
        int rc = coop_proxies_forget(p, side, random_id());
        CHECK(rc == COOP_PROXIES_OK || rc == COOP_PROXIES_ERR_DROPPED);
      } else if (op == 26) {
        int32_t rc = coop_proxies_flush(p, side);
        CHECK(rc >= 0 || rc == COOP_PROXIES_ERR_DROPPED);
      } else if (op == 27 && below(2)) {
        coop_proxies_forget_all(p, side);
        CHECK(coop_proxies_spawned_count(p) == 0);
      } else frame_random(p, side, sane);
      if (stalled > 0) stalled--;
      else if (below(20) == 0) stalled = below(STALL_MAX);
      else game_reads(game, buf, cap, below(4) ? 1L << 30 : (long)below(4));
      /* a probe (a despawn of id 0, which the game's check takes like any other) counts full rings */
      if (coop_write_frame(side, COOP_MSG_DESPAWN_PROXY, "\0\0\0", 4) == 1) full++;
    }
    if (below(2)) coop_proxies_forget_all(p, side);
    coop_proxies_destroy(p); /* with spawns and despawns still queued, sometimes */
    game_reads(game, buf, cap, 1L << 30);
  }
  free(buf);
  fuzz_region_close(&region);
  printf("spawns %lu despawns %lu states %lu full %lu dropped %lu\n", spawns, despawns, states, full, dropped);
  return 0;
}
