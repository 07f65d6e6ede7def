/* voice_rx.c — the listening side of voice in C (coop_voice_rx.h): an exact port of
 * src/voice/jitter-buffer.ts, receiver.ts, the decode of decoder.ts and the playout clock of
 * voice-chat.ts. Times are doubles in ms and every expression keeps the TypeScript's order, so
 * the same inputs give the same decisions; the mix is a float accumulator, as the TypeScript's
 * Float32Array, and the output rounds as Math.round. */
#if !defined(_WIN32) && !defined(_POSIX_C_SOURCE)
#define _POSIX_C_SOURCE 200809L
#endif
#include "coop_voice_rx.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#ifdef _WIN32
#include <windows.h>
#else
#include <dlfcn.h>
#endif

/* ---- src/voice/constants.ts (and receiver.ts, relay.ts, voice-chat.ts): the test
 * voice-rx-native.test.ts compares each with the TypeScript through coop_voice_rx_constant_* ---- */
#define VOICE_SAMPLE_RATE_HZ 48000
#define VOICE_CHANNELS 1
#define VOICE_FRAME_MS 20
#define VOICE_FRAME_SAMPLES 960
#define VOICE_MAX_PACKET_BYTES 1275
#define VOICE_DTX_MAX_BYTES 2
#define JITTER_WINDOW_PACKETS 50
#define JITTER_LATE_DROP_MS 200
#define JITTER_MIN_DELAY_MS VOICE_FRAME_MS
#define JITTER_MAX_DELAY_MS 160
#define JITTER_INITIAL_DELAY_MS 40
#define JITTER_DELAY_FACTOR 4
#define JITTER_MAX_CONCEAL_FRAMES 5
#define JITTER_IDLE_RESET_MS 1000
#define VOICE_PLAYOUT_IDLE_MS (JITTER_IDLE_RESET_MS + JITTER_MAX_DELAY_MS + JITTER_MAX_CONCEAL_FRAMES * VOICE_FRAME_MS)
#define VOICE_VOLUME_DEFAULT 1
#define VOICE_VOLUME_MAX 2
#define VOICE_STREAM_FREE_MS 10000     /* receiver.ts */
#define VOICE_TALKING_HOLD_MS 400      /* receiver.ts */
#define VOICE_ATTENUATION_SILENT_Q8 256 /* relay.ts */
#define PLAYOUT_MAX_CATCHUP_FRAMES 10  /* voice-chat.ts */

#define SAMPLES_PER_MS (VOICE_SAMPLE_RATE_HZ / 1000)
#define JITTER_GAIN (1.0 / 16) /* RFC 3550 §6.4.1 */

static const struct {
  const char *name;
  double value;
} CONSTANTS[] = {
    {"VOICE_SAMPLE_RATE_HZ", VOICE_SAMPLE_RATE_HZ},
    {"VOICE_CHANNELS", VOICE_CHANNELS},
    {"VOICE_FRAME_MS", VOICE_FRAME_MS},
    {"VOICE_FRAME_SAMPLES", VOICE_FRAME_SAMPLES},
    {"VOICE_MAX_PACKET_BYTES", VOICE_MAX_PACKET_BYTES},
    {"VOICE_DTX_MAX_BYTES", VOICE_DTX_MAX_BYTES},
    {"JITTER_WINDOW_PACKETS", JITTER_WINDOW_PACKETS},
    {"JITTER_LATE_DROP_MS", JITTER_LATE_DROP_MS},
    {"JITTER_MIN_DELAY_MS", JITTER_MIN_DELAY_MS},
    {"JITTER_MAX_DELAY_MS", JITTER_MAX_DELAY_MS},
    {"JITTER_INITIAL_DELAY_MS", JITTER_INITIAL_DELAY_MS},
    {"JITTER_DELAY_FACTOR", JITTER_DELAY_FACTOR},
    {"JITTER_MAX_CONCEAL_FRAMES", JITTER_MAX_CONCEAL_FRAMES},
    {"JITTER_IDLE_RESET_MS", JITTER_IDLE_RESET_MS},
    {"VOICE_PLAYOUT_IDLE_MS", VOICE_PLAYOUT_IDLE_MS},
    {"VOICE_VOLUME_DEFAULT", VOICE_VOLUME_DEFAULT},
    {"VOICE_VOLUME_MAX", VOICE_VOLUME_MAX},
    {"VOICE_STREAM_FREE_MS", VOICE_STREAM_FREE_MS},
    {"VOICE_TALKING_HOLD_MS", VOICE_TALKING_HOLD_MS},
    {"VOICE_ATTENUATION_SILENT_Q8", VOICE_ATTENUATION_SILENT_Q8},
    {"PLAYOUT_MAX_CATCHUP_FRAMES", PLAYOUT_MAX_CATCHUP_FRAMES},
};
#define CONSTANT_COUNT (sizeof CONSTANTS / sizeof CONSTANTS[0])

/* ---- libopus, loaded at run time (src/voice/opus-native.ts: the same calls) ---- */
typedef struct OpusDecoder OpusDecoder;
typedef OpusDecoder *(*opus_decoder_create_fn)(int32_t fs, int channels, int *error);
typedef void (*opus_decoder_destroy_fn)(OpusDecoder *st);
typedef int (*opus_decode_fn)(OpusDecoder *st, const unsigned char *data, int32_t len, int16_t *pcm, int frame_size, int decode_fec);
#define OPUS_OK 0

#ifdef _WIN32
static const char *const OPUS_NAMES[] = {"opus.dll", "libopus-0.dll"};
#else
static const char *const OPUS_NAMES[] = {"libopus.so.0", "libopus.so"};
#endif
#define OPUS_NAME_COUNT (sizeof OPUS_NAMES / sizeof OPUS_NAMES[0])

enum { JB_IDLE = 0, JB_BUFFERING = 1, JB_PLAYING = 2 };
enum { F_NONE = 0, F_AUDIO, F_LOST, F_DTX };

typedef struct {
  uint8_t used;
  uint16_t seq;
  uint16_t len;
  uint32_t ts;
  double arrival;
  uint8_t payload[VOICE_MAX_PACKET_BYTES];
} jb_entry;

typedef struct {
  double malformed, duplicate, late, out_of_window, full;
  double audio, lost, dtx, talkspurts, stretched, shrunk;
} jb_counts;

/* VoiceJitterBuffer */
typedef struct {
  int state;
  uint32_t count;
  int has_last_seq;
  uint16_t last_seq;
  double last_arrival;
  uint32_t ref_ts;
  double base;
  double min_transit;
  double target;
  uint32_t cursor_ts;
  uint32_t concealed;
  int silent;
  double jitter_ms;
  int has_prev;
  double prev_arrival;
  uint32_t prev_ts;
  jb_counts n;
  jb_entry e[COOP_VOICE_RX_JITTER_SLOTS];
} jitter;

/* a pulled PlayoutFrame: payloads point into the buffer's slots (valid until the next push) */
typedef struct {
  int kind;
  uint16_t seq;
  const uint8_t *payload;
  uint32_t len;
  const uint8_t *fec;
  uint32_t fec_len;
} playout;

typedef struct {
  uint32_t peer_id;
  OpusDecoder *dec;
  double gain;
  double last_packet_ms;
  double last_frame_ms;
  int talking;
  double dec_packets, dec_fec, dec_plc, dec_invalid;
  jitter jb;
} stream;

struct coop_voice_rx {
  int status;
  void *lib;
  opus_decoder_create_fn decoder_create;
  opus_decoder_destroy_fn decoder_destroy;
  opus_decode_fn decode;
  stream *streams[COOP_VOICE_RX_MAX_STREAMS]; /* in order of creation, as the TypeScript's Map */
  uint32_t stream_count;
  double volume;
  /* VoiceReceiver.counters and VoiceChat's drop */
  double packets, frames_out, streams_opened, streams_freed, bad_message, no_decoder, too_many;
  /* the playout clock (VoiceChat): frame n plays at t0 + n * VOICE_FRAME_MS */
  int running;
  double t0;
  double played;
  double last_packet_ms;
  float mix[VOICE_FRAME_SAMPLES];
  int16_t pcm[VOICE_FRAME_SAMPLES];
  int16_t out[VOICE_FRAME_SAMPLES];
};

/* ---- seq.ts ---- */
static int32_t seq_diff(uint32_t a, uint32_t b) { return (int32_t)(int16_t)(uint16_t)(a - b); }
static uint16_t seq_add(uint32_t a, int32_t n) { return (uint16_t)(a + (uint32_t)n); }
static int32_t ts_diff(uint32_t a, uint32_t b) { return (int32_t)(a - b); }
static uint32_t ts_add(uint32_t a, uint32_t n) { return a + n; }

/* Math.round: the nearest integer, ties towards +inf (floor(x + 0.5) misrounds 0.49999999999999994) */
static double js_round(double x) {
  double r = floor(x);
  return x - r >= 0.5 ? r + 1 : r;
}

/* ---- jitter-buffer.ts ---- */
static double jb_rel(const jitter *jb, uint32_t ts) { return (double)ts_diff(ts, jb->ref_ts) / SAMPLES_PER_MS; }

static jb_entry *jb_get(jitter *jb, uint16_t seq) {
  if (jb->count == 0) return NULL;
  for (uint32_t i = 0; i < COOP_VOICE_RX_JITTER_SLOTS; i++)
    if (jb->e[i].used && jb->e[i].seq == seq) return &jb->e[i];
  return NULL;
}

static jb_entry *jb_oldest(jitter *jb) {
  jb_entry *best = NULL;
  if (jb->count == 0) return NULL;
  for (uint32_t i = 0; i < COOP_VOICE_RX_JITTER_SLOTS; i++)
    if (jb->e[i].used && (!best || seq_diff(jb->e[i].seq, best->seq) < 0)) best = &jb->e[i];
  return best;
}

static void jb_delete(jitter *jb, jb_entry *e) {
  e->used = 0;
  jb->count -= 1;
}

static double jb_desired_delay(const jitter *jb) {
  double raw = JITTER_MIN_DELAY_MS + JITTER_DELAY_FACTOR * jb->jitter_ms;
  double frames = ceil(raw / VOICE_FRAME_MS);
  double d = frames * VOICE_FRAME_MS;
  if (d < JITTER_MIN_DELAY_MS) d = JITTER_MIN_DELAY_MS;
  return d > JITTER_MAX_DELAY_MS ? JITTER_MAX_DELAY_MS : d;
}

static void jb_set_state(jitter *jb, int to) {
  if (jb->state == to) return;
  jb->state = to;
  if (to == JB_BUFFERING) jb->target = jb->has_prev ? jb_desired_delay(jb) : JITTER_INITIAL_DELAY_MS;
}

static void jb_update_jitter(jitter *jb, uint32_t ts, double now) {
  if (jb->has_prev) {
    double d = fabs(now - jb->prev_arrival - (double)ts_diff(ts, jb->prev_ts) / SAMPLES_PER_MS);
    if (d > JITTER_LATE_DROP_MS) d = JITTER_LATE_DROP_MS;
    jb->jitter_ms += (d - jb->jitter_ms) * JITTER_GAIN;
  }
  jb->has_prev = 1;
  jb->prev_arrival = now;
  jb->prev_ts = ts;
}

static void jb_init(jitter *jb) {
  memset(jb, 0, sizeof *jb);
  jb->state = JB_IDLE;
  jb->last_arrival = -INFINITY;
  jb->base = INFINITY;
  jb->min_transit = INFINITY;
  jb->target = JITTER_MIN_DELAY_MS;
}

/* push(): 1 when kept */
static int jb_push(jitter *jb, uint32_t seq, uint32_t ts, const uint8_t *payload, uint32_t len, double now) {
  if (seq > 0xffff || len == 0 || len > VOICE_MAX_PACKET_BYTES || !payload) {
    jb->n.malformed += 1;
    return 0;
  }
  if (jb->state == JB_IDLE && now - jb->last_arrival > JITTER_IDLE_RESET_MS) {
    jb->has_last_seq = 0;
    jb->has_prev = 0;
  }
  if (jb_get(jb, (uint16_t)seq)) {
    jb->n.duplicate += 1;
    return 0;
  }
  if (jb->has_last_seq) {
    int32_t d = seq_diff(seq, jb->last_seq);
    if (d <= 0) {
      jb->n.late += 1;
      return 0;
    }
    if (d > JITTER_WINDOW_PACKETS) {
      jb->n.out_of_window += 1;
      return 0;
    }
  } else if (jb->count > 0) {
    const jb_entry *first = jb_oldest(jb);
    if (abs(seq_diff(seq, first->seq)) > JITTER_WINDOW_PACKETS) {
      jb->n.out_of_window += 1;
      return 0;
    }
  }
  if (jb->state == JB_IDLE) {
    jb->ref_ts = ts;
    jb->base = INFINITY;
    jb->min_transit = INFINITY;
    jb_set_state(jb, JB_BUFFERING);
  }
  double transit = now - jb_rel(jb, ts);
  if (jb->state == JB_PLAYING && ts_diff(ts, jb->cursor_ts) < 0) {
    jb->n.late += 1;
    return 0;
  }
  if (transit - jb->min_transit > JITTER_LATE_DROP_MS) {
    jb->n.late += 1;
    return 0;
  }
  /* C only: every slot taken (the TypeScript's Map would grow; only a hostile sender gets here) */
  if (jb->count >= COOP_VOICE_RX_JITTER_SLOTS) {
    jb->n.full += 1;
    return 0;
  }
  if (transit < jb->min_transit) jb->min_transit = transit;
  if (jb->state == JB_BUFFERING && transit < jb->base) jb->base = transit;
  jb_update_jitter(jb, ts, now);
  jb_entry *slot = NULL;
  for (uint32_t i = 0; i < COOP_VOICE_RX_JITTER_SLOTS && !slot; i++)
    if (!jb->e[i].used) slot = &jb->e[i];
  slot->used = 1;
  slot->seq = (uint16_t)seq;
  slot->ts = ts;
  slot->len = (uint16_t)len;
  slot->arrival = now;
  memcpy(slot->payload, payload, len);
  jb->count += 1;
  jb->last_arrival = now;
  return 1;
}

static void jb_advance(jitter *jb) { jb->cursor_ts = ts_add(jb->cursor_ts, VOICE_FRAME_SAMPLES); }

/* pull(): the frame to play now (kind F_NONE: nothing) */
static playout jb_pull(jitter *jb, double now) {
  playout f = {F_NONE, 0, NULL, 0, NULL, 0};
  if (jb->state == JB_BUFFERING) {
    jb_entry *first = jb_oldest(jb);
    while (first && now - jb->base - jb_rel(jb, first->ts) >= jb->target + VOICE_FRAME_MS) {
      jb_delete(jb, first);
      jb->n.late += 1;
      jb->has_last_seq = 1;
      jb->last_seq = first->seq;
      first = jb_oldest(jb);
    }
    if (!first) {
      jb_set_state(jb, JB_IDLE);
      return f;
    }
    if (now < jb->base + jb_rel(jb, first->ts) + jb->target) return f;
    jb->cursor_ts = first->ts;
    jb->has_last_seq = 1;
    jb->last_seq = seq_add(first->seq, -1);
    jb->concealed = 0;
    jb->silent = 0;
    jb->n.talkspurts += 1;
    jb_set_state(jb, JB_PLAYING);
  }
  if (jb->state != JB_PLAYING) return f;
  double desired = jb_desired_delay(jb);
  if (desired >= jb->target + VOICE_FRAME_MS) {
    jb->target += VOICE_FRAME_MS;
    jb->n.stretched += 1;
    f.kind = F_LOST;
    return f;
  }
  jb_entry *next = jb_get(jb, seq_add(jb->last_seq, 1));
  while (next && ts_diff(next->ts, jb->cursor_ts) < 0) {
    jb_delete(jb, next);
    jb->n.late += 1;
    jb->last_seq = next->seq;
    next = jb_get(jb, seq_add(next->seq, 1));
  }
  uint32_t ts = jb->cursor_ts;
  if (next && next->ts == ts) {
    jb_delete(jb, next);
    jb->last_seq = next->seq;
    jb_advance(jb);
    jb->concealed = 0;
    jb->silent = next->len <= VOICE_DTX_MAX_BYTES;
    jb->n.audio += 1;
    f.kind = F_AUDIO;
    f.seq = next->seq;
    f.payload = next->payload; /* the slot is free but untouched until the next push */
    f.len = next->len;
    return f;
  }
  if (next) {
    jb_advance(jb);
    if (desired <= jb->target - VOICE_FRAME_MS && ts_diff(next->ts, jb->cursor_ts) > 0) {
      jb->target -= VOICE_FRAME_MS;
      jb_advance(jb);
      jb->n.shrunk += 1;
    }
    jb->n.dtx += 1;
    f.kind = F_DTX;
    return f;
  }
  if (jb->count > 0) {
    jb->last_seq = seq_add(jb->last_seq, 1);
    const jb_entry *after = jb_get(jb, seq_add(jb->last_seq, 1));
    f.kind = F_LOST;
    if (after && after->ts == ts_add(ts, VOICE_FRAME_SAMPLES)) {
      f.fec = after->payload;
      f.fec_len = after->len;
    }
    jb_advance(jb);
    jb->n.lost += 1;
    return f;
  }
  if (jb->concealed >= JITTER_MAX_CONCEAL_FRAMES) {
    jb_set_state(jb, JB_IDLE);
    return f;
  }
  jb->concealed += 1;
  jb_advance(jb);
  if (jb->silent) {
    jb->n.dtx += 1;
    f.kind = F_DTX;
    return f;
  }
  jb->n.lost += 1;
  f.kind = F_LOST;
  return f;
}

/* ---- decoder.ts: decodeFrame ---- */
static void conceal(coop_voice_rx *rx, stream *s, int16_t *pcm) {
  int n = rx->decode(s->dec, NULL, 0, pcm, VOICE_FRAME_SAMPLES, 0);
  if (n != VOICE_FRAME_SAMPLES) memset(pcm, 0, VOICE_FRAME_SAMPLES * sizeof *pcm);
}

static void decode_frame(coop_voice_rx *rx, stream *s, const uint8_t *bytes, uint32_t len, const uint8_t *next, uint32_t next_len, int16_t *pcm) {
  memset(pcm, 0, VOICE_FRAME_SAMPLES * sizeof *pcm);
  if (bytes) {
    if (len > 0 && len <= VOICE_MAX_PACKET_BYTES) {
      int n = rx->decode(s->dec, bytes, (int32_t)len, pcm, VOICE_FRAME_SAMPLES, 0);
      if (n == VOICE_FRAME_SAMPLES) {
        s->dec_packets += 1;
        return;
      }
    }
    s->dec_invalid += 1;
    conceal(rx, s, pcm);
    return;
  }
  if (next && next_len > 0 && next_len <= VOICE_MAX_PACKET_BYTES) {
    int n = rx->decode(s->dec, next, (int32_t)next_len, pcm, VOICE_FRAME_SAMPLES, 1);
    if (n == VOICE_FRAME_SAMPLES) {
      s->dec_fec += 1;
      return;
    }
  }
  s->dec_plc += 1;
  conceal(rx, s, pcm);
}

/* ---- the library ---- */
static void *lib_open(const char *name) {
#ifdef _WIN32
  return (void *)LoadLibraryA(name);
#else
  return dlopen(name, RTLD_NOW | RTLD_LOCAL);
#endif
}

static void *lib_sym(void *lib, const char *name) {
#ifdef _WIN32
  return (void *)GetProcAddress((HMODULE)lib, name);
#else
  return dlsym(lib, name);
#endif
}

static void lib_close(void *lib) {
#ifdef _WIN32
  FreeLibrary((HMODULE)lib);
#else
  dlclose(lib);
#endif
}

static int load_opus(coop_voice_rx *rx, const char *name) {
  for (uint32_t i = 0; !rx->lib && i < (name ? 1 : OPUS_NAME_COUNT); i++) rx->lib = lib_open(name ? name : OPUS_NAMES[i]);
  if (!rx->lib) return COOP_VOICE_RX_ERR_NO_OPUS;
  /* a function pointer through void* (POSIX's dlsym contract) */
  void *c = lib_sym(rx->lib, "opus_decoder_create"), *d = lib_sym(rx->lib, "opus_decoder_destroy"), *x = lib_sym(rx->lib, "opus_decode");
  if (!c || !d || !x) return COOP_VOICE_RX_ERR_NO_OPUS;
  memcpy(&rx->decoder_create, &c, sizeof c);
  memcpy(&rx->decoder_destroy, &d, sizeof d);
  memcpy(&rx->decode, &x, sizeof x);
  return COOP_VOICE_RX_OK;
}

COOP_API coop_voice_rx *coop_voice_rx_create(const char *opus_library) {
  coop_voice_rx *rx = calloc(1, sizeof *rx);
  if (!rx) return NULL;
  rx->volume = VOICE_VOLUME_DEFAULT;
  rx->last_packet_ms = -INFINITY;
  rx->status = load_opus(rx, opus_library);
  return rx;
}

COOP_API int coop_voice_rx_status(const coop_voice_rx *rx) { return rx ? rx->status : COOP_VOICE_RX_ERR_NO_MEMORY; }

/* ---- receiver.ts ---- */
static void set_talking(stream *s, int on, const coop_voice_rx_hooks *h) {
  if (s->talking == on) return;
  s->talking = on;
  if (h && h->talking) h->talking(h->ctx, s->peer_id, on);
}

static int find_stream(const coop_voice_rx *rx, uint32_t peer_id) {
  for (uint32_t i = 0; i < rx->stream_count; i++)
    if (rx->streams[i]->peer_id == peer_id) return (int)i;
  return -1;
}

static void remove_at(coop_voice_rx *rx, uint32_t i, const coop_voice_rx_hooks *h) {
  stream *s = rx->streams[i];
  set_talking(s, 0, h);
  rx->decoder_destroy(s->dec);
  free(s);
  memmove(&rx->streams[i], &rx->streams[i + 1], (rx->stream_count - i - 1) * sizeof rx->streams[0]);
  rx->stream_count -= 1;
  rx->streams_freed += 1;
}

COOP_API void coop_voice_rx_destroy(coop_voice_rx *rx) {
  if (!rx) return;
  while (rx->stream_count > 0) remove_at(rx, rx->stream_count - 1, NULL);
  if (rx->lib) lib_close(rx->lib);
  free(rx);
}

static double gain_of_attenuation(uint32_t q8) {
  double g = 1 - (double)(q8 < VOICE_ATTENUATION_SILENT_Q8 ? q8 : VOICE_ATTENUATION_SILENT_Q8) / VOICE_ATTENUATION_SILENT_Q8;
  return g > 0 ? g : 0;
}

static void on_packet(coop_voice_rx *rx, uint32_t from, uint32_t seq, uint32_t ts, const uint8_t *opus, uint32_t len, uint32_t q8, double now) {
  rx->packets += 1;
  int i = find_stream(rx, from);
  stream *s;
  if (i < 0) {
    if (rx->stream_count >= COOP_VOICE_RX_MAX_STREAMS) {
      rx->too_many += 1;
      return;
    }
    s = malloc(sizeof *s);
    int err = 0;
    OpusDecoder *dec = s ? rx->decoder_create(VOICE_SAMPLE_RATE_HZ, VOICE_CHANNELS, &err) : NULL;
    if (!dec || err != OPUS_OK) {
      if (dec) rx->decoder_destroy(dec);
      free(s);
      rx->no_decoder += 1;
      return;
    }
    memset(s, 0, sizeof *s);
    s->peer_id = from;
    s->dec = dec;
    s->gain = 1;
    s->last_packet_ms = now;
    s->last_frame_ms = -INFINITY;
    jb_init(&s->jb);
    rx->streams[rx->stream_count++] = s;
    rx->streams_opened += 1;
  } else {
    s = rx->streams[i];
  }
  if (jb_push(&s->jb, seq, ts, opus, len, now)) {
    s->gain = gain_of_attenuation(q8);
    s->last_packet_ms = now;
  }
}

static void mix_add(coop_voice_rx *rx, stream *s, const playout *f, double now, const coop_voice_rx_hooks *h) {
  if (f->kind == F_AUDIO)
    decode_frame(rx, s, f->payload, f->len, NULL, 0, rx->pcm);
  else
    decode_frame(rx, s, NULL, 0, f->kind == F_LOST ? f->fec : NULL, f->kind == F_LOST ? f->fec_len : 0, rx->pcm);
  if (f->kind == F_AUDIO && h && h->played) h->played(h->ctx, s->peer_id, f->seq, now);
  if (h && h->decoded) h->decoded(h->ctx, s->peer_id, rx->pcm, VOICE_FRAME_SAMPLES);
  for (uint32_t i = 0; i < VOICE_FRAME_SAMPLES; i++) rx->mix[i] = (float)((double)rx->mix[i] + (double)rx->pcm[i] * s->gain);
}

/* VoiceReceiver.tick: one frame at its playout time */
static void tick(coop_voice_rx *rx, double now, const coop_voice_rx_hooks *h) {
  memset(rx->mix, 0, sizeof rx->mix);
  for (uint32_t i = 0; i < rx->stream_count;) {
    stream *s = rx->streams[i];
    playout f = jb_pull(&s->jb, now);
    if (f.kind != F_NONE) s->last_frame_ms = now;
    set_talking(s, f.kind != F_NONE || now - s->last_frame_ms <= VOICE_TALKING_HOLD_MS, h);
    if (f.kind != F_NONE) {
      mix_add(rx, s, &f, now, h);
    } else if (now - s->last_packet_ms > VOICE_STREAM_FREE_MS) {
      remove_at(rx, i, h);
      continue;
    }
    i++;
  }
  for (uint32_t i = 0; i < VOICE_FRAME_SAMPLES; i++) {
    double v = js_round((double)rx->mix[i] * rx->volume);
    rx->out[i] = (int16_t)(v < -32768 ? -32768 : v > 32767 ? 32767 : v);
  }
  double index = js_round(now / VOICE_FRAME_MS);
  if (h && h->frame) h->frame(h->ctx, rx->out, VOICE_FRAME_SAMPLES, (uint32_t)(int64_t)index);
  rx->frames_out += 1;
}

COOP_API int coop_voice_rx_any_talking(const coop_voice_rx *rx) {
  if (!rx) return 0;
  for (uint32_t i = 0; i < rx->stream_count; i++)
    if (rx->streams[i]->talking) return 1;
  return 0;
}

COOP_API void coop_voice_rx_set_volume(coop_voice_rx *rx, double gain) {
  if (!rx || !isfinite(gain)) return;
  rx->volume = gain < 0 ? 0 : gain > VOICE_VOLUME_MAX ? VOICE_VOLUME_MAX : gain;
}

COOP_API void coop_voice_rx_remove_peer(coop_voice_rx *rx, uint32_t peer_id, const coop_voice_rx_hooks *hooks) {
  if (!rx) return;
  int i = find_stream(rx, peer_id);
  if (i >= 0) remove_at(rx, (uint32_t)i, hooks);
}

/* ---- voice-chat.ts: onVoice and the playout clock ---- */
COOP_API void coop_voice_rx_packet(coop_voice_rx *rx, uint32_t from_peer, uint32_t seq, uint32_t timestamp, const uint8_t *opus, uint32_t len,
                                   uint32_t attenuation_q8, double now_ms) {
  if (!rx) return;
  if (from_peer == 0 || !isfinite(now_ms)) {
    rx->bad_message += 1;
    return;
  }
  if (rx->status != COOP_VOICE_RX_OK) {
    rx->no_decoder += 1;
    return;
  }
  on_packet(rx, from_peer, seq, timestamp, opus, len, attenuation_q8, now_ms);
  rx->last_packet_ms = now_ms;
  if (!rx->running) {
    rx->running = 1;
    rx->t0 = now_ms;
    rx->played = 0;
  }
}

static int idle(const coop_voice_rx *rx, double now) { return now - rx->last_packet_ms > VOICE_PLAYOUT_IDLE_MS && !coop_voice_rx_any_talking(rx); }

COOP_API int32_t coop_voice_rx_catch_up(coop_voice_rx *rx, double now_ms, const coop_voice_rx_hooks *hooks) {
  if (!rx || !rx->running || !isfinite(now_ms)) return 0;
  int32_t n = 0;
  double due = floor((now_ms - rx->t0) / VOICE_FRAME_MS);
  if (due - rx->played > PLAYOUT_MAX_CATCHUP_FRAMES) rx->played = due - PLAYOUT_MAX_CATCHUP_FRAMES;
  while (rx->played < due) {
    rx->played += 1;
    tick(rx, rx->t0 + rx->played * VOICE_FRAME_MS, hooks);
    n += 1;
  }
  if (idle(rx, now_ms)) rx->running = 0;
  return n;
}

COOP_API double coop_voice_rx_next_due_ms(const coop_voice_rx *rx) {
  return rx && rx->running ? rx->t0 + (rx->played + 1) * VOICE_FRAME_MS : -1;
}

COOP_API uint32_t coop_voice_rx_stats(const coop_voice_rx *rx, double *out, uint32_t n) {
  if (!rx || !out) return 0;
  double v[COOP_VOICE_RX_S_COUNT] = {rx->packets, rx->frames_out, rx->streams_opened, rx->streams_freed, rx->stream_count, rx->bad_message, rx->no_decoder, rx->too_many, rx->running};
  if (n > COOP_VOICE_RX_S_COUNT) n = COOP_VOICE_RX_S_COUNT;
  memcpy(out, v, n * sizeof *out);
  return n;
}

COOP_API uint32_t coop_voice_rx_stream_stats(const coop_voice_rx *rx, uint32_t peer_id, double *out, uint32_t n) {
  if (!rx || !out) return 0;
  int i = find_stream(rx, peer_id);
  if (i < 0) return 0;
  const stream *s = rx->streams[i];
  const jb_counts *c = &s->jb.n;
  double v[COOP_VOICE_RX_P_COUNT] = {c->malformed, c->duplicate, c->late,  c->out_of_window, c->full,          c->audio,          c->lost,
                                     c->dtx,       c->talkspurts, c->stretched, c->shrunk,    s->dec_packets,   s->dec_fec,        s->dec_plc,
                                     s->dec_invalid, s->jb.jitter_ms, s->jb.target, s->jb.count, s->jb.state};
  if (n > COOP_VOICE_RX_P_COUNT) n = COOP_VOICE_RX_P_COUNT;
  memcpy(out, v, n * sizeof *out);
  return n;
}

COOP_API const char *coop_voice_rx_constant_name(uint32_t i) { return i < CONSTANT_COUNT ? CONSTANTS[i].name : NULL; }

COOP_API double coop_voice_rx_constant_value(uint32_t i) { return i < CONSTANT_COUNT ? CONSTANTS[i].value : 0; }
