/* Fuzz driver of the voice frames and lip-sync in C (test code, never shipped): built with
 * -fsanitize=address,undefined,float-cast-overflow by test/sidecar/voice-out-asan.system.test.ts,
 * so a read or write outside a buffer, a leak or undefined behaviour aborts the run.
 *
 *   voice-out-fuzz <iterations> <seed>
 *
 * Each iteration: random set_avatar / forget / frame calls on one coop_visemes over peer ids that
 * are mostly few and sometimes anything, with PCM of any length in a buffer of exactly that
 * length (checked against a model of VoiceVisemes kept here: which peer has which avatar and
 * last viseme); and random frames of every writer (PCM and names of any length up to beyond
 * their limits, names of random bytes) into a small ring a game reads now and then, each frame
 * read checked against the manifest's layout. Prints `changes N written N full N refused N`;
 * exits 1 on a broken invariant, 2 when the region cannot be opened. */
#include "coop_hooks.h"
#include "coop_voice_out.h"

#include <math.h> /* NAN, INFINITY */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "fuzz_region.h"
#include "fuzz_rng.h"

#define RING_BYTES 16384u /* max payload 4088: longer playbacks are refused */
#define STEPS 300         /* operations per iteration */
#define PEERS 8           /* the usual peer ids 1..PEERS */
#define NO_LAST 0xFFu


static unsigned long changes, written, full, refused;

typedef struct {
  uint32_t entity;
  uint8_t last;
} model_peer;

static uint32_t any_peer(void) { return below(10) == 0 ? rnd() : 1 + below(PEERS); }

static int16_t *any_pcm(uint32_t *n) {
  const uint32_t r = below(10);
  *n = r == 0 ? below(4) : r < 8 ? 960 : below(COOP_VOICE_OUT_PCM_MAX_SAMPLES + 64);
  int16_t *pcm = malloc((*n ? *n : 1) * sizeof *pcm);
  if (!pcm) exit(2);
  const int32_t amp = (int32_t)below(4) * 3000;
  for (uint32_t i = 0; i < *n; i++) pcm[i] = below(3) == 0 ? (int16_t)rnd() : (int16_t)((int32_t)below(2 * (uint32_t)amp + 1) - amp);
  return pcm;
}

static int visemes_run(void) {
  coop_visemes *v = coop_visemes_create();
  if (!v) return 2;
  model_peer model[PEERS + 1];
  for (int i = 0; i <= PEERS; i++) model[i] = (model_peer){0, NO_LAST};
  coop_visemes_counts want = {0, 0, 0};
  for (int s = 0; s < STEPS; s++) {
    const uint32_t peer = any_peer();
    model_peer *m = peer >= 1 && peer <= PEERS ? &model[peer] : NULL;
    const uint32_t op = below(10);
    if (op == 0) {
      const uint32_t e = below(3) == 0 ? 0 : rnd();
      if (coop_visemes_set_avatar(v, peer, e) != 0) return fprintf(stderr, "set_avatar refused\n"), 1;
      if (m) m->entity = e;
      else if (e) coop_visemes_set_avatar(v, peer, 0); /* keep the model to peers 1..PEERS */
    } else if (op == 1) {
      coop_visemes_forget(v, peer);
      if (m) m->last = NO_LAST;
    } else {
      uint32_t n;
      int16_t *pcm = any_pcm(&n);
      uint32_t entity = 0;
      uint8_t id = 0;
      const int rc = coop_visemes_frame(v, peer, n ? pcm : NULL, n, &entity, &id);
      const uint8_t c = coop_viseme_of_frame(n ? pcm : NULL, n);
      free(pcm);
      want.frames++;
      const int has = m && m->entity != 0;
      if (!has) want.no_avatar++;
      const int change = has && m->last != c;
      if (change) {
        want.changes++;
        m->last = c;
        changes++;
      }
      if (rc != change || (rc && (entity != m->entity || id != c)) || c >= COOP_VISEME_COUNT)
        return fprintf(stderr, "frame: answer %d (want %d), entity %u, viseme %u\n", rc, change, entity, id), 1;
    }
  }
  coop_visemes_counts got;
  coop_visemes_get_counts(v, &got);
  if (memcmp(&got, &want, sizeof got) != 0) return fprintf(stderr, "counts differ\n"), 1;
  coop_visemes_destroy(v);
  return 0;
}

/* Reads every frame waiting and checks it against its layout. */
static int drain(coop_region *game, uint8_t *buf, uint32_t cap) {
  for (;;) {
    uint16_t type = 0;
    uint32_t len = 0;
    const int rc = coop_read_frame(game, &type, buf, cap, &len);
    if (rc == 0) return 0;
    if (rc != 1) return fprintf(stderr, "read: %d\n", rc), 1;
    uint32_t count = len >= 8 ? (uint32_t)buf[4] | (uint32_t)buf[5] << 8 | (uint32_t)buf[6] << 16 | (uint32_t)buf[7] << 24 : 0;
    int ok = type == COOP_MSG_VOICE_PLAYBACK ? len >= 8 && count == len - 8 && count % 2 == 0
           : type == COOP_MSG_MIC_ICON_SHOW  ? len >= 8 && count == len - 8 && count <= COOP_VOICE_OUT_NAME_MAX_BYTES
           : type == COOP_MSG_MIC_ICON_HIDE  ? len == COOP_MSG_MIC_ICON_HIDE_BYTES
           : type == COOP_MSG_VISEME_PLAY    ? len == COOP_MSG_VISEME_PLAY_BYTES
                                              : 0;
    if (!ok) return fprintf(stderr, "frame type %u of %u bytes off its layout\n", type, len), 1;
  }
}

static void count(int rc) {
  if (rc == COOP_VOICE_OUT_WRITTEN) written++;
  else if (rc == COOP_VOICE_OUT_FULL) full++;
  else refused++;
}

static int frames_run(coop_region *side, coop_region *game, uint8_t *buf, uint32_t cap) {
  static const double times[] = {0.0, -0.0, NAN, INFINITY, 1e300};
  for (int s = 0; s < STEPS; s++) {
    const uint32_t op = below(4);
    int rc;
    if (op == 0) {
      uint32_t n;
      int16_t *pcm = any_pcm(&n);
      rc = coop_voice_out_playback(below(50) == 0 ? NULL : side, rnd(), n ? pcm : NULL, n);
      free(pcm);
    } else if (op == 1) {
      rc = coop_voice_out_viseme(side, rnd(), (uint8_t)rnd(), below(2) ? times[below(5)] : (double)rnd());
    } else if (op == 2) {
      const uint32_t n = below(4) == 0 ? below(COOP_VOICE_OUT_NAME_MAX_BYTES + 16) : below(40);
      uint8_t *name = malloc(n ? n : 1);
      if (!name) return 2;
      const int ascii = below(2);
      for (uint32_t i = 0; i < n; i++) name[i] = ascii ? (uint8_t)(0x20 + below(0x5f)) : (uint8_t)rnd();
      rc = coop_voice_out_mic_show(side, rnd(), n ? name : NULL, n);
      free(name);
    } else {
      rc = coop_voice_out_mic_hide(side, rnd());
    }
    if (rc < COOP_VOICE_OUT_ERR_REFUSED || rc > COOP_VOICE_OUT_WRITTEN) return fprintf(stderr, "writer answer %d\n", rc), 1;
    count(rc);
    if (below(20) == 0 && drain(game, buf, cap)) return 1;
  }
  return drain(game, buf, cap);
}

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: voice-out-fuzz <iterations> <seed>\n");
    return 2;
  }
  const long iterations = strtol(argv[1], NULL, 10);
  rng_state = (uint64_t)strtoull(argv[2], NULL, 10) * 0x9E3779B97F4A7C15ull + 1;
  fuzz_region region;
  if (fuzz_region_open(&region, "voice_out_fuzz", RING_BYTES)) return 2;
  coop_region *side = region.side, *game = region.game;
  const uint32_t cap = coop_max_payload(game);
  uint8_t *buf = malloc(cap);
  if (!buf) return 2;
  int rc = 0;
  for (long it = 0; it < iterations && rc == 0; it++) {
    rc = visemes_run();
    if (rc == 0) rc = frames_run(side, game, buf, cap);
  }
  free(buf);
  fuzz_region_close(&region);
  if (rc) return rc;
  printf("changes %lu written %lu full %lu refused %lu\n", changes, written, full, refused);
  return 0;
}
