/* The native path's voice (path_world.h): others' voices played in the thread, as VoiceChat's
 * receiving half does in Node (src/voice/voice-chat.ts, receiver.ts; lip-sync from
 * src/sidecar/story/voice-visemes.ts): the relayed packets taken from the datagrams
 * (coop_wire_take), the jitter buffers, Opus decode and mix (coop_voice_rx), the mixed frame as
 * VoicePlayback and the talkers' mouths as VisemePlay to the game (coop_voice_out). A talker's
 * start and stop go to Node, which shows their mic icon with their name. The caller holds the
 * path's lock. */
#include <math.h>
#include <string.h>

#include "path_world.h"

static void on_frame(void *ctx, const int16_t *pcm, uint32_t samples, uint32_t frame_index) {
  coop_path *p = ctx;
  if (coop_voice_out_playback(p->game, frame_index, pcm, samples) == COOP_VOICE_OUT_WRITTEN) p->counters[COOP_PATH_C_VOICE_FRAMES]++;
  else p->counters[COOP_PATH_C_VOICE_DROPS]++; /* the game is not reading (GameSink.dropped) */
}

static void on_decoded(void *ctx, uint32_t peer_id, const int16_t *pcm, uint32_t samples) {
  coop_path *p = ctx;
  uint32_t entity;
  uint8_t viseme;
  if (!coop_visemes_frame(p->visemes, peer_id, pcm, samples, &entity, &viseme)) return;
  /* story.ts: the server's time now, or 0 before the clock is synced */
  double server_now = isnan(p->server_clock_offset_ms) ? 0.0 : path_now_ms(p) + p->server_clock_offset_ms;
  coop_voice_out_viseme(p->game, entity, viseme, server_now);
}

static void on_talking(void *ctx, uint32_t peer_id, int on) {
  coop_path *p = ctx;
  uint8_t item[5];
  memcpy(item, &peer_id, 4);
  item[4] = on ? 1 : 0;
  path_forward_push(&p->forward, COOP_PATH_ITEM_TALKING, item, sizeof item);
}

static coop_voice_rx_hooks hooks(coop_path *p) {
  coop_voice_rx_hooks h = {on_decoded, on_talking, NULL, on_frame, p};
  return h;
}

int path_voice_enable(coop_path *p, int on, uint32_t channel) {
  if (!on) {
    p->voice_channel = COOP_WIRE_CHANNEL_NONE;
    return 0;
  }
  if (!p->voice) p->voice = coop_voice_rx_create(NULL);
  if (!p->visemes) p->visemes = coop_visemes_create();
  if (!p->voice || !p->visemes) return COOP_VOICE_RX_ERR_NO_MEMORY;
  int st = coop_voice_rx_status(p->voice);
  if (st != COOP_VOICE_RX_OK) return st; /* no libopus here: voice stays Node's */
  p->voice_channel = channel;
  return 0;
}

void path_voice_packet(coop_path *p, const coop_wire_voice *v, double now) {
  if (!p->voice || p->voice_channel == COOP_WIRE_CHANNEL_NONE) return;
  p->counters[COOP_PATH_C_VOICE_PACKETS]++;
  coop_voice_rx_packet(p->voice, v->from_peer_id, v->seq, v->timestamp, v->opus, v->opus_len, v->attenuation_q8, now);
}

void path_voice_catch_up(coop_path *p, double now) {
  if (!p->voice) return;
  coop_voice_rx_hooks h = hooks(p);
  coop_voice_rx_catch_up(p->voice, now, &h);
}

double path_voice_next_due(const coop_path *p) { return p->voice ? coop_voice_rx_next_due_ms(p->voice) : -1.0; }

void path_voice_free(coop_path *p) {
  coop_voice_rx_destroy(p->voice);
  coop_visemes_destroy(p->visemes);
  p->voice = NULL;
  p->visemes = NULL;
}
