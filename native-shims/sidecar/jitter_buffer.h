/* jitter_buffer.h — one talker's jitter buffer in the voice receiver in C (voice_rx.c): the
 * port of src/voice/jitter-buffer.ts (VoiceJitterBuffer) in jitter_buffer.c: push, pull, the
 * adaptive delay and the counters. Internal to the voice receiver. */
#ifndef COOP_SIDECAR_JITTER_BUFFER_H
#define COOP_SIDECAR_JITTER_BUFFER_H

#include <stdint.h>

#include "coop_voice_rx.h"
#include "voice_rx_constants.h"

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

void jb_init(jitter *jb);
/* push(): 1 when kept */
int jb_push(jitter *jb, uint32_t seq, uint32_t ts, const uint8_t *payload, uint32_t len, double now);
/* pull(): the frame to play now (kind F_NONE: nothing) */
playout jb_pull(jitter *jb, double now);

#endif
