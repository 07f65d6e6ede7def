/* coop_voice_rx.h — the sidecar's native path: the listening side of voice. One jitter buffer
 * and Opus decoder per talker, pulled once per 20 ms by a playout clock, mixed with the server's
 * distance attenuation and the volume into one frame for the sink. An exact port of
 * src/voice/receiver.ts (VoiceReceiver), src/voice/jitter-buffer.ts (VoiceJitterBuffer), the
 * decode of src/voice/decoder.ts and the playout clock of src/voice/voice-chat.ts: the same
 * inputs give the same frames, sample for sample (test/sidecar/voice-rx-native.test.ts).
 *
 * No timers: the caller calls coop_voice_rx_catch_up() on its wakes and sleeps at most until
 * coop_voice_rx_next_due_ms(). The order of the calls is the behaviour (a packet pushed before a
 * frame's tick may play in it, after it not): on a wake, catch_up(now) first, then the packets
 * read on that wake, as the TypeScript's timer would have played the overdue frames first. Times are doubles in ms on the caller's monotonic clock. libopus
 * is loaded at run time (dlopen "libopus.so.0" / LoadLibrary "opus.dll"); without it the status
 * says so and packets are dropped (counted). No allocation per frame: a talker's stream (its
 * jitter buffer's slots and its decoder) is allocated when its first packet comes. Not
 * thread-safe: one caller at a time; the hooks must not call back into the receiver. */
#ifndef COOP_VOICE_RX_H
#define COOP_VOICE_RX_H

#include <stdint.h>
#include "coop_api.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- limits of the C (the TypeScript has none: a hostile talker or server is refused here,
 * counted, where the TypeScript would keep growing) ---- */
#define COOP_VOICE_RX_MAX_STREAMS 64        /* talkers at once; a packet from one more is dropped */
#define COOP_VOICE_RX_JITTER_SLOTS 128      /* packets buffered per talker (the window is 50) */

/* ---- coop_voice_rx_status ---- */
#define COOP_VOICE_RX_OK 0
#define COOP_VOICE_RX_ERR_NO_OPUS -1   /* libopus could not be loaded (or lacks a symbol) */
#define COOP_VOICE_RX_ERR_NO_MEMORY -2 /* create failed (a NULL receiver) */

typedef struct coop_voice_rx coop_voice_rx;

typedef struct {
  /* each talker's decoded frame as it is mixed (lip-sync); pcm: samples (960) */
  void (*decoded)(void *ctx, uint32_t peer_id, const int16_t *pcm, uint32_t samples);
  /* a talker's stream started (1) or stopped (0) playing (the HUD mic icon) */
  void (*talking)(void *ctx, uint32_t peer_id, int on);
  /* each played audio packet; now_ms: the frame's playout time (latency traces) */
  void (*played)(void *ctx, uint32_t peer_id, uint32_t seq, double now_ms);
  /* the mixed frame for the sink; frame_index = round(frame time / VOICE_FRAME_MS) */
  void (*frame)(void *ctx, const int16_t *pcm, uint32_t samples, uint32_t frame_index);
  void *ctx;
} coop_voice_rx_hooks;

/* opus_library: a path or name for dlopen/LoadLibrary, or NULL for the platform default.
 * NULL only when out of memory; check coop_voice_rx_status. */
COOP_API coop_voice_rx *coop_voice_rx_create(const char *opus_library);
COOP_API int coop_voice_rx_status(const coop_voice_rx *rx);
COOP_API void coop_voice_rx_destroy(coop_voice_rx *rx);
/* A relayed Voice message (VoiceChat.onVoice + VoiceReceiver.onPacket): peer 0 is a bad message;
 * starts the playout clock (t0 = now_ms) when it is stopped. opus may be NULL when len is 0. */
COOP_API void coop_voice_rx_packet(coop_voice_rx *rx, uint32_t from_peer, uint32_t seq, uint32_t timestamp,
                                   const uint8_t *opus, uint32_t len, uint32_t attenuation_q8, double now_ms);
/* Plays the frames due by now_ms (at most PLAYOUT_MAX_CATCHUP_FRAMES: older ones are skipped),
 * then stops the clock when idle. Returns the frames played. hooks may be NULL. */
COOP_API int32_t coop_voice_rx_catch_up(coop_voice_rx *rx, double now_ms, const coop_voice_rx_hooks *hooks);
/* When the next frame is due (caller's clock), or -1 when the clock is stopped. */
COOP_API double coop_voice_rx_next_due_ms(const coop_voice_rx *rx);
/* The volume of others' voices (1 = as received), clamped to [0, VOICE_VOLUME_MAX]; NaN/inf ignored. */
COOP_API void coop_voice_rx_set_volume(coop_voice_rx *rx, double gain);
/* A talker left: its stream is freed (a talking-off event first when it was on). */
COOP_API void coop_voice_rx_remove_peer(coop_voice_rx *rx, uint32_t peer_id, const coop_voice_rx_hooks *hooks);
COOP_API int coop_voice_rx_any_talking(const coop_voice_rx *rx);

/* ---- counters: coop_voice_rx_stats fills up to n doubles, in this order (returns how many) ---- */
#define COOP_VOICE_RX_S_PACKETS 0          /* VoiceReceiver.counters.packets */
#define COOP_VOICE_RX_S_FRAMES_OUT 1       /* .framesOut */
#define COOP_VOICE_RX_S_STREAMS_OPENED 2   /* .streamsOpened */
#define COOP_VOICE_RX_S_STREAMS_FREED 3    /* .streamsFreed */
#define COOP_VOICE_RX_S_STREAMS 4          /* activeStreams */
#define COOP_VOICE_RX_S_BAD_MESSAGE 5      /* VoiceChat.drops.bad_voice_message (peer 0) */
#define COOP_VOICE_RX_S_NO_DECODER 6       /* packets dropped: no libopus, or a decoder not created */
#define COOP_VOICE_RX_S_TOO_MANY_STREAMS 7 /* packets dropped: COOP_VOICE_RX_MAX_STREAMS talkers already */
#define COOP_VOICE_RX_S_PLAYING 8          /* 1 while the playout clock runs */
#define COOP_VOICE_RX_S_COUNT 9
COOP_API uint32_t coop_voice_rx_stats(const coop_voice_rx *rx, double *out, uint32_t n);

/* One talker's counters (VoiceReceiver.streamStats): fills up to n doubles; returns how many, or
 * 0 when there is no such stream. */
#define COOP_VOICE_RX_P_MALFORMED 0   /* jitter drops */
#define COOP_VOICE_RX_P_DUPLICATE 1
#define COOP_VOICE_RX_P_LATE 2
#define COOP_VOICE_RX_P_OUT_OF_WINDOW 3
#define COOP_VOICE_RX_P_FULL 4        /* C only: dropped, COOP_VOICE_RX_JITTER_SLOTS held */
#define COOP_VOICE_RX_P_AUDIO 5       /* jitter played */
#define COOP_VOICE_RX_P_LOST 6
#define COOP_VOICE_RX_P_DTX 7
#define COOP_VOICE_RX_P_TALKSPURTS 8
#define COOP_VOICE_RX_P_STRETCHED 9
#define COOP_VOICE_RX_P_SHRUNK 10
#define COOP_VOICE_RX_P_DEC_PACKETS 11 /* decoder */
#define COOP_VOICE_RX_P_DEC_FEC 12
#define COOP_VOICE_RX_P_DEC_PLC 13
#define COOP_VOICE_RX_P_DEC_INVALID 14
#define COOP_VOICE_RX_P_JITTER_MS 15
#define COOP_VOICE_RX_P_TARGET_DELAY_MS 16
#define COOP_VOICE_RX_P_BUFFERED 17
#define COOP_VOICE_RX_P_STATE 18      /* 0 idle, 1 buffering, 2 playing */
#define COOP_VOICE_RX_P_COUNT 19
COOP_API uint32_t coop_voice_rx_stream_stats(const coop_voice_rx *rx, uint32_t peer_id, double *out, uint32_t n);

/* The C's copies of the TypeScript constants, by name (i = 0, 1, … until NULL), for the test that
 * compares each with src/voice/constants.ts, receiver.ts, relay.ts and voice-chat.ts. */
COOP_API const char *coop_voice_rx_constant_name(uint32_t i);
COOP_API double coop_voice_rx_constant_value(uint32_t i);

#ifdef __cplusplus
}
#endif

#endif
