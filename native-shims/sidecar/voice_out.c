/* voice_out.c — the listening side of voice around the receiver (coop_voice_out.h; docs/sidecar.md
 * "The native path: voice packets and what the game gets"): the lip-sync classifier and its
 * per-talker changes (voice-visemes.ts), and the VoicePlayback, VisemePlay, MicIconShow and
 * MicIconHide frames, byte for byte what the bridge's generated codec writes.
 *
 * Talkers live in an array searched linearly (a session has a handful; at most
 * COOP_VISEMES_MAX_PEERS): an entry holds the avatar (0 none) and the last viseme shown (NO_LAST
 * none), and goes when it holds neither. It grows on set_avatar only, never on a frame: a hostile
 * fromPeerId costs nothing but a count. */
#include "coop_voice_out.h"
#include "coop_hooks.h"
#include "grow.h"
#include "utf8.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define NO_LAST 0xFFu
/* VoicePlayback: seq u32, pcm bytes (u32 count + bytes). */
#define PLAYBACK_HEAD_BYTES 8u
#define PLAYBACK_MAX_BYTES (PLAYBACK_HEAD_BYTES + COOP_VOICE_OUT_PCM_MAX_SAMPLES * 2u)
/* MicIconShow: peerId u32, displayName string (u32 count + bytes). */
#define MIC_SHOW_HEAD_BYTES 8u
#define MIC_SHOW_MAX_BYTES (MIC_SHOW_HEAD_BYTES + COOP_VOICE_OUT_NAME_MAX_BYTES)

_Static_assert(COOP_VISEME_COUNT < NO_LAST, "viseme ids fit below NO_LAST");

/* ---- the classifier ---- */

uint8_t coop_viseme_of_frame(const int16_t *pcm, uint32_t samples) {
  if (pcm == NULL || samples == 0) return COOP_VISEME_SIL;
  double sum = 0; /* as the TypeScript's number: exact below 2^53 (≈ 8 million full-scale samples) */
  uint32_t crossings = 0;
  for (uint32_t i = 0; i < samples; i++) {
    const int32_t s = pcm[i];
    sum += (double)(s * s);
    if (i > 0 && (s >= 0) != (pcm[i - 1] >= 0)) crossings++;
  }
  const double rms = sqrt(sum / samples), zcr = (double)crossings / samples;
  if (rms < COOP_VOICE_SILENCE_RMS) return COOP_VISEME_SIL;
  if (zcr > COOP_VOICE_HISS_ZCR) return COOP_VISEME_SS;
  if (zcr > COOP_VOICE_BRIGHT_ZCR) return COOP_VISEME_E;
  return rms > COOP_VOICE_LOUD_RMS ? COOP_VISEME_AA : COOP_VISEME_OH;
}

/* ---- the talkers ---- */

typedef struct {
  uint32_t peer_id;
  uint32_t entity_id; /* 0: no avatar */
  uint8_t last;       /* NO_LAST: nothing shown since create or forget */
} talker;

struct coop_visemes {
  talker *talkers;
  uint32_t count, cap;
  coop_visemes_counts counts;
};

coop_visemes *coop_visemes_create(void) { return (coop_visemes *)calloc(1, sizeof(coop_visemes)); }

void coop_visemes_destroy(coop_visemes *v) {
  if (v == NULL) return;
  free(v->talkers);
  free(v);
}

static talker *find(const coop_visemes *v, uint32_t peer_id) {
  for (uint32_t i = 0; i < v->count; i++)
    if (v->talkers[i].peer_id == peer_id) return &v->talkers[i];
  return NULL;
}

/* Drops t when it holds neither an avatar nor a last viseme (order does not matter). */
static void drop_if_empty(coop_visemes *v, talker *t) {
  if (t->entity_id != 0 || t->last != NO_LAST) return;
  *t = v->talkers[--v->count];
}

int coop_visemes_set_avatar(coop_visemes *v, uint32_t peer_id, uint32_t entity_id) {
  if (v == NULL) return COOP_VOICE_OUT_ERR_ARGS;
  talker *t = find(v, peer_id);
  if (t == NULL) {
    if (entity_id == 0) return 0;
    if (v->count >= COOP_VISEMES_MAX_PEERS || !coop_grow((void **)&v->talkers, &v->cap, v->count + 1, sizeof(talker))) return COOP_VISEMES_ERR_FULL;
    t = &v->talkers[v->count++];
    t->peer_id = peer_id;
    t->last = NO_LAST;
  }
  t->entity_id = entity_id;
  drop_if_empty(v, t);
  return 0;
}

int coop_visemes_frame(coop_visemes *v, uint32_t peer_id, const int16_t *pcm, uint32_t samples, uint32_t *entity_id, uint8_t *viseme_id) {
  if (v == NULL || entity_id == NULL || viseme_id == NULL) return 0;
  v->counts.frames++;
  talker *t = find(v, peer_id);
  if (t == NULL || t->entity_id == 0) {
    v->counts.no_avatar++;
    return 0;
  }
  const uint8_t id = coop_viseme_of_frame(pcm, samples);
  if (t->last == id) return 0;
  t->last = id;
  v->counts.changes++;
  *entity_id = t->entity_id;
  *viseme_id = id;
  return 1;
}

void coop_visemes_forget(coop_visemes *v, uint32_t peer_id) {
  if (v == NULL) return;
  talker *t = find(v, peer_id);
  if (t == NULL) return;
  t->last = NO_LAST;
  drop_if_empty(v, t);
}

void coop_visemes_get_counts(const coop_visemes *v, coop_visemes_counts *out) {
  if (v == NULL || out == NULL) return;
  *out = v->counts;
}

/* ---- the frames ---- */

static void put_u32(uint8_t *at, uint32_t v) { memcpy(at, &v, 4); } /* little-endian hosts */

/* trySend: the ring takes it now, or it is not sent. */
static int write_frame(coop_region *game, uint16_t type, const void *payload, uint32_t len) {
  const int rc = coop_write_frame(game, type, payload, len);
  return rc == 0 ? COOP_VOICE_OUT_WRITTEN : rc == 1 ? COOP_VOICE_OUT_FULL : COOP_VOICE_OUT_ERR_REFUSED;
}

int coop_voice_out_playback(coop_region *game, uint32_t seq, const int16_t *pcm, uint32_t samples) {
  if (game == NULL || (pcm == NULL && samples > 0) || samples > COOP_VOICE_OUT_PCM_MAX_SAMPLES) return COOP_VOICE_OUT_ERR_ARGS;
  uint8_t b[PLAYBACK_MAX_BYTES];
  const uint32_t bytes = samples * 2u;
  put_u32(b, seq);
  put_u32(b + 4, bytes);
  if (bytes) memcpy(b + PLAYBACK_HEAD_BYTES, pcm, bytes); /* little-endian hosts: the samples as they lie */
  return write_frame(game, COOP_MSG_VOICE_PLAYBACK, b, PLAYBACK_HEAD_BYTES + bytes);
}

int coop_voice_out_viseme(coop_region *game, uint32_t npc_id, uint8_t viseme_id, double server_time_ms) {
  if (game == NULL) return COOP_VOICE_OUT_ERR_ARGS;
  coop_msg_viseme_play m;
  m.npc_id = npc_id;
  m.viseme_id = viseme_id;
  m.server_time_ms = server_time_ms; /* every bit, a NaN's payload too, as setFloat64 */
  return write_frame(game, COOP_MSG_VISEME_PLAY, &m, COOP_MSG_VISEME_PLAY_BYTES);
}

int coop_voice_out_mic_show(coop_region *game, uint32_t peer_id, const uint8_t *name, uint32_t name_len) {
  if (game == NULL || (name == NULL && name_len > 0) || name_len > COOP_VOICE_OUT_NAME_MAX_BYTES) return COOP_VOICE_OUT_ERR_ARGS;
  if (!valid_utf8(name, name_len)) return COOP_VOICE_OUT_ERR_BAD_NAME;
  uint8_t b[MIC_SHOW_MAX_BYTES];
  put_u32(b, peer_id);
  put_u32(b + 4, name_len);
  if (name_len) memcpy(b + MIC_SHOW_HEAD_BYTES, name, name_len);
  return write_frame(game, COOP_MSG_MIC_ICON_SHOW, b, MIC_SHOW_HEAD_BYTES + name_len);
}

int coop_voice_out_mic_hide(coop_region *game, uint32_t peer_id) {
  if (game == NULL) return COOP_VOICE_OUT_ERR_ARGS;
  coop_msg_mic_icon_hide m = {peer_id};
  return write_frame(game, COOP_MSG_MIC_ICON_HIDE, &m, COOP_MSG_MIC_ICON_HIDE_BYTES);
}
