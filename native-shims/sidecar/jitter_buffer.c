/* jitter_buffer.c — src/voice/jitter-buffer.ts (VoiceJitterBuffer) in C, for the voice
 * receiver (voice_rx.c; jitter_buffer.h). Times are doubles in ms and every expression keeps the
 * TypeScript's order, so the same inputs give the same decisions. */
#include "jitter_buffer.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- seq.ts ---- */
static int32_t seq_diff(uint32_t a, uint32_t b) { return (int32_t)(int16_t)(uint16_t)(a - b); }
static uint16_t seq_add(uint32_t a, int32_t n) { return (uint16_t)(a + (uint32_t)n); }
static int32_t ts_diff(uint32_t a, uint32_t b) { return (int32_t)(a - b); }
static uint32_t ts_add(uint32_t a, uint32_t n) { return a + n; }

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

void jb_init(jitter *jb) {
  memset(jb, 0, sizeof *jb);
  jb->state = JB_IDLE;
  jb->last_arrival = -INFINITY;
  jb->base = INFINITY;
  jb->min_transit = INFINITY;
  jb->target = JITTER_MIN_DELAY_MS;
}

/* push(): 1 when kept */
int jb_push(jitter *jb, uint32_t seq, uint32_t ts, const uint8_t *payload, uint32_t len, double now) {
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
playout jb_pull(jitter *jb, double now) {
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
