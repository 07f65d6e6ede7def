/* Fuzz driver of the voice receiver (test code, never shipped): built with
 * -fsanitize=address,undefined,float-cast-overflow by test/sidecar/voice-rx-asan.system.test.ts,
 * so a read or write outside a buffer, a leak or undefined behaviour aborts the run.
 *
 *   voice-rx-fuzz <corpus> <iterations> <seed>     the fuzz
 *   voice-rx-fuzz <corpus> alloc <frames>          (built with -DCOUNT_ALLOC -Wl,--wrap=malloc,--wrap=calloc)
 *
 * The corpus: real Opus packets, (u32 len, bytes) records. Each iteration runs a fresh receiver
 * (the default libopus) through a random mix of: packets from peers 0..69 (more than
 * COOP_VOICE_RX_MAX_STREAMS) with seqs that follow on, jump, wrap or are not u16, any
 * timestamps, bytes from the corpus intact, bit-flipped, truncated, extended with noise or pure
 * noise, lengths 0..1400 in buffers of exactly that length (NULL for 0), any attenuation, times
 * that step, stall, jump far or go back; catch_up (hooks check every length and read every
 * sample); remove_peer; set_volume (NaN, ±inf, negative, huge); the stats into buffers of
 * exactly their length. Prints `packets N frames N streams N`; exits 1 on a broken invariant.
 * The alloc mode: two talkers' streams exist, then so many frames of packets and catch_ups
 * must call malloc/calloc zero times: prints `first N allocations N frames N`. */
#include "coop_voice_rx.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "fuzz_rng.h"

#define STEPS 400        /* operations per iteration */
#define PEERS 70         /* peer ids 0..69: past COOP_VOICE_RX_MAX_STREAMS (64) */
#define MAX_LEN 1400     /* bytes of a packet, past VOICE_MAX_PACKET_BYTES (1275) */
#define MAX_CORPUS 4096  /* packets read from the corpus */
#define FRAME_MS 20.0
#define SAMPLES 960u


#define CHECK(cond)                                                     \
  do {                                                                  \
    if (!(cond)) {                                                      \
      fprintf(stderr, "voice-rx-fuzz: %s (line %d)\n", #cond, __LINE__); \
      exit(1);                                                          \
    }                                                                   \
  } while (0)

static uint8_t *corpus[MAX_CORPUS];
static uint32_t corpus_len[MAX_CORPUS];
static uint32_t corpus_n;
static unsigned long packets, frames;
static volatile long sink_sum;

#ifdef COUNT_ALLOC
static unsigned long allocations;
void *__real_malloc(size_t n);
void *__real_calloc(size_t k, size_t n);
void *__wrap_malloc(size_t n) {
  allocations += 1;
  return __real_malloc(n);
}
void *__wrap_calloc(size_t k, size_t n) {
  allocations += 1;
  return __real_calloc(k, n);
}
#endif

static void on_decoded(void *ctx, uint32_t peer, const int16_t *pcm, uint32_t samples) {
  (void)ctx;
  CHECK(samples == SAMPLES && peer != 0 && pcm);
  for (uint32_t i = 0; i < samples; i++) sink_sum += pcm[i];
}
static void on_talking(void *ctx, uint32_t peer, int on) {
  (void)ctx;
  CHECK(peer != 0 && (on == 0 || on == 1));
}
static void on_played(void *ctx, uint32_t peer, uint32_t seq, double now) {
  (void)ctx;
  CHECK(peer != 0 && seq <= 0xffff && isfinite(now));
}
static void on_frame(void *ctx, const int16_t *pcm, uint32_t samples, uint32_t index) {
  (void)ctx;
  (void)index;
  CHECK(samples == SAMPLES && pcm);
  for (uint32_t i = 0; i < samples; i++) sink_sum += pcm[i];
  frames += 1;
}
static const coop_voice_rx_hooks HOOKS = {on_decoded, on_talking, on_played, on_frame, NULL};

static void read_corpus(const char *path) {
  FILE *f = fopen(path, "rb");
  CHECK(f);
  uint8_t head[4];
  while (corpus_n < MAX_CORPUS && fread(head, 1, 4, f) == 4) {
    uint32_t len = head[0] | head[1] << 8 | head[2] << 16 | (uint32_t)head[3] << 24;
    CHECK(len > 0 && len <= MAX_LEN);
    corpus[corpus_n] = malloc(len);
    CHECK(corpus[corpus_n] && fread(corpus[corpus_n], 1, len, f) == len);
    corpus_len[corpus_n++] = len;
  }
  fclose(f);
  CHECK(corpus_n > 0);
}

/* a packet's bytes in a buffer of exactly their length (NULL when 0) */
static uint8_t *bytes(uint32_t *len) {
  const uint32_t c = below(corpus_n);
  uint32_t n = corpus_len[c];
  switch (below(6)) {
  case 0: n = below(MAX_LEN + 1); break;                   /* noise */
  case 1: n = n > 1 ? 1 + below(n - 1) : n; break;         /* truncated */
  case 2: n = n + below(MAX_LEN - n + 1); break;           /* extended */
  default: break;                                          /* intact or flipped */
  }
  *len = n;
  if (n == 0) return NULL;
  uint8_t *b = malloc(n);
  CHECK(b);
  for (uint32_t i = 0; i < n; i++) b[i] = i < corpus_len[c] ? corpus[c][i] : (uint8_t)rnd();
  if (below(3) == 0) b[below(n)] ^= (uint8_t)(1u << below(8));
  if (below(20) == 0) b[0] = (uint8_t)rnd(); /* any TOC */
  return b;
}

static double next_time(double now) {
  switch (below(40)) {
  case 0: return now + 2000 + below(20000);     /* a stall, past the idle and free times */
  case 1: return now - below(500);              /* back */
  case 2: return now + 1e9;                     /* far */
  case 3: return below(2) ? NAN : INFINITY;     /* not a time (the caller's bug: refused) */
  default: return now + below(25) + below(1000) / 1000.0;
  }
}

static void fuzz(uint32_t iterations) {
  uint16_t seq[PEERS];
  uint32_t ts[PEERS];
  for (uint32_t it = 0; it < iterations; it++) {
    coop_voice_rx *rx = coop_voice_rx_create(NULL);
    CHECK(rx && coop_voice_rx_status(rx) == COOP_VOICE_RX_OK);
    for (uint32_t p = 0; p < PEERS; p++) {
      seq[p] = (uint16_t)rnd();
      ts[p] = rnd();
    }
    double now = below(2) ? 0 : (double)rnd();
    for (uint32_t s = 0; s < STEPS; s++) {
      double t = next_time(now);
      if (isfinite(t)) now = t;
      const uint32_t op = below(16);
      if (op < 9) {
        const uint32_t p = below(4) == 0 ? below(PEERS) : 1 + below(3);
        uint32_t sq = seq[p], tm = ts[p];
        switch (below(8)) {
        case 0: sq = rnd(); break;                         /* any u32, often not a u16 */
        case 1: sq = (uint16_t)(sq - below(60)); break;     /* back: late, duplicate */
        case 2: sq = (uint16_t)(sq + below(200)); tm = rnd(); break;
        default: seq[p] = (uint16_t)(seq[p] + 1); ts[p] += 960u * (1 + (below(5) == 0) * below(20)); break;
        }
        uint32_t len;
        uint8_t *b = bytes(&len);
        coop_voice_rx_packet(rx, p, sq, tm, b, len, below(4) == 0 ? rnd() : below(300), t);
        free(b);
        packets += 1;
      } else if (op < 13) {
        const int32_t n = coop_voice_rx_catch_up(rx, t, below(10) == 0 ? NULL : &HOOKS);
        CHECK(n >= 0 && n <= 10);
        const double due = coop_voice_rx_next_due_ms(rx);
        CHECK(due == -1 || isfinite(due));
      } else if (op == 13) {
        coop_voice_rx_remove_peer(rx, below(PEERS), &HOOKS);
      } else if (op == 14) {
        const double g[] = {NAN, INFINITY, -INFINITY, -1, 0, 0.5, 1, 2, 3, 1e300};
        coop_voice_rx_set_volume(rx, g[below(10)]);
      } else {
        double st[COOP_VOICE_RX_S_COUNT];
        CHECK(coop_voice_rx_stats(rx, st, COOP_VOICE_RX_S_COUNT) == COOP_VOICE_RX_S_COUNT);
        CHECK(st[COOP_VOICE_RX_S_STREAMS] <= COOP_VOICE_RX_MAX_STREAMS);
        double ps[COOP_VOICE_RX_P_COUNT];
        const uint32_t k = coop_voice_rx_stream_stats(rx, below(PEERS), ps, COOP_VOICE_RX_P_COUNT);
        CHECK(k == 0 || (k == COOP_VOICE_RX_P_COUNT && ps[COOP_VOICE_RX_P_BUFFERED] <= COOP_VOICE_RX_JITTER_SLOTS));
        CHECK(coop_voice_rx_any_talking(rx) == 0 || coop_voice_rx_any_talking(rx) == 1);
      }
    }
    coop_voice_rx_destroy(rx);
  }
  printf("packets %lu frames %lu\n", packets, frames);
}

#ifdef COUNT_ALLOC
/* two talkers, one packet each per frame (loss and DTX from the corpus as it is), played as due */
static void alloc_run(uint32_t n_frames) {
  allocations = 0; /* the corpus's own */
  coop_voice_rx *rx = coop_voice_rx_create(NULL);
  CHECK(rx && coop_voice_rx_status(rx) == COOP_VOICE_RX_OK);
  double now = 0;
  for (uint32_t p = 1; p <= 2; p++) coop_voice_rx_packet(rx, p, 0, 0, corpus[0], corpus_len[0], 0, now);
  const unsigned long first = allocations;
  for (uint32_t f = 1; f <= n_frames; f++) {
    now = f * FRAME_MS;
    for (uint32_t p = 1; p <= 2; p++)
      if (below(10) != 0) coop_voice_rx_packet(rx, p, f & 0xffff, f * SAMPLES, corpus[f % corpus_n], corpus_len[f % corpus_n], 0, now + below(30));
    coop_voice_rx_catch_up(rx, now + below(40), &HOOKS);
  }
  printf("first %lu allocations %lu frames %lu\n", first, allocations - first, frames);
  coop_voice_rx_destroy(rx);
}
#endif

int main(int argc, char **argv) {
  if (argc != 4) {
    fprintf(stderr, "usage: voice-rx-fuzz <corpus> <iterations> <seed> | <corpus> alloc <frames>\n");
    return 2;
  }
  read_corpus(argv[1]);
  rng_state = 0x9e3779b97f4a7c15ull ^ strtoull(argv[3], NULL, 10);
#ifdef COUNT_ALLOC
  if (strcmp(argv[2], "alloc") == 0) {
    alloc_run((uint32_t)strtoul(argv[3], NULL, 10));
    for (uint32_t i = 0; i < corpus_n; i++) free(corpus[i]);
    return 0;
  }
#endif
  fuzz((uint32_t)strtoul(argv[2], NULL, 10));
  for (uint32_t i = 0; i < corpus_n; i++) free(corpus[i]);
  return 0;
}
