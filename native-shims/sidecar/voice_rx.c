/* voice_rx.c — the listening side of voice in C (coop_voice_rx.h): an exact port of
 * src/voice/jitter-buffer.ts, receiver.ts, the decode of decoder.ts and the playout clock of
 * voice-chat.ts. Times are doubles in ms and every expression keeps the TypeScript's order, so
 * the same inputs give the same decisions; the mix is a float accumulator, as the TypeScript's
 * Float32Array, and the output rounds as Math.round. Here: the streams, the mix, talking, the
 * playout clock and the API; each talker's jitter buffer is jitter_buffer.c, libopus and the
 * decode opus_loader.c, the constants voice_rx_constants.h. */
#include "coop_voice_rx.h"
#include "jitter_buffer.h"
#include "opus_loader.h"
#include "voice_rx_constants.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

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

typedef struct {
  uint32_t peer_id;
  OpusDecoder *dec;
  double gain;
  double last_packet_ms;
  double last_frame_ms;
  int talking;
  decode_counts dec_counts;
  jitter jb;
} stream;

struct coop_voice_rx {
  int status;
  opus_lib opus;
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



/* Math.round: the nearest integer, ties towards +inf (floor(x + 0.5) misrounds 0.49999999999999994) */
static double js_round(double x) {
  double r = floor(x);
  return x - r >= 0.5 ? r + 1 : r;
}


COOP_API coop_voice_rx *coop_voice_rx_create(const char *opus_library) {
  coop_voice_rx *rx = calloc(1, sizeof *rx);
  if (!rx) return NULL;
  rx->volume = VOICE_VOLUME_DEFAULT;
  rx->last_packet_ms = -INFINITY;
  rx->status = opus_lib_load(&rx->opus, opus_library);
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
  rx->opus.decoder_destroy(s->dec);
  free(s);
  memmove(&rx->streams[i], &rx->streams[i + 1], (rx->stream_count - i - 1) * sizeof rx->streams[0]);
  rx->stream_count -= 1;
  rx->streams_freed += 1;
}

COOP_API void coop_voice_rx_destroy(coop_voice_rx *rx) {
  if (!rx) return;
  while (rx->stream_count > 0) remove_at(rx, rx->stream_count - 1, NULL);
  opus_lib_close(&rx->opus);
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
    OpusDecoder *dec = s ? rx->opus.decoder_create(VOICE_SAMPLE_RATE_HZ, VOICE_CHANNELS, &err) : NULL;
    if (!dec || err != OPUS_OK) {
      if (dec) rx->opus.decoder_destroy(dec);
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
    opus_lib_decode_frame(&rx->opus, s->dec, &s->dec_counts, f->payload, f->len, NULL, 0, rx->pcm);
  else
    opus_lib_decode_frame(&rx->opus, s->dec, &s->dec_counts, NULL, 0, f->kind == F_LOST ? f->fec : NULL, f->kind == F_LOST ? f->fec_len : 0, rx->pcm);
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
                                     c->dtx,       c->talkspurts, c->stretched, c->shrunk,    s->dec_counts.packets, s->dec_counts.fec, s->dec_counts.plc,
                                     s->dec_counts.invalid, s->jb.jitter_ms, s->jb.target, s->jb.count, s->jb.state};
  if (n > COOP_VOICE_RX_P_COUNT) n = COOP_VOICE_RX_P_COUNT;
  memcpy(out, v, n * sizeof *out);
  return n;
}

COOP_API const char *coop_voice_rx_constant_name(uint32_t i) { return i < CONSTANT_COUNT ? CONSTANTS[i].name : NULL; }

COOP_API double coop_voice_rx_constant_value(uint32_t i) { return i < CONSTANT_COUNT ? CONSTANTS[i].value : 0; }
