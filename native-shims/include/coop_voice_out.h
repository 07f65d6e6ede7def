/* coop_voice_out.h — the sidecar's native path, the listening side of voice: what surrounds the
 * voice receiver. The lip-sync of remote talkers (a port of src/sidecar/story/voice-visemes.ts:
 * visemeOfFrame and VoiceVisemes) and the frames voice sends the game, written into the sidecar ->
 * game ring as the TypeScript sends them: VoicePlayback (voice-hook.ts GameSink.write), VisemePlay
 * (story.ts, the voice mouths), MicIconShow / MicIconHide (voice-hook.ts). The one implementation:
 * native-shims/sidecar/voice_out.c; test/sidecar/voice-out-native.test.ts drives it and the
 * TypeScript with the same inputs.
 *
 * The frame writers do what the bridge's trySend does: written now or not at all (answer 0: the
 * ring is full; the caller counts it as dropped, as GameSink counts `dropped`). The TypeScript
 * sends MicIconShow / MicIconHide with bridge.send, which queues when the ring is full: a C caller
 * must retry those itself (they are rare: a talker starting or stopping).
 *
 * The region must be held in the sidecar role (frames go to this role's outbound ring, ring 1).
 * Portable C11; not thread-safe: one caller at a time per coop_visemes. */
#ifndef COOP_VOICE_OUT_H
#define COOP_VOICE_OUT_H

#include <stdint.h>
#include "coop_api.h"
#include "coop_shim.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- the viseme ids (src/protocol/visemes.ts VisemeId: OVRLipSync's 15, numbered as OpenXR's
 * XrFaceTrackingVisemeMETA; the test checks them) ---- */
#define COOP_VISEME_SIL 0
#define COOP_VISEME_PP 1
#define COOP_VISEME_FF 2
#define COOP_VISEME_TH 3
#define COOP_VISEME_DD 4
#define COOP_VISEME_KK 5
#define COOP_VISEME_CH 6
#define COOP_VISEME_SS 7
#define COOP_VISEME_NN 8
#define COOP_VISEME_RR 9
#define COOP_VISEME_AA 10
#define COOP_VISEME_E 11
#define COOP_VISEME_IH 12
#define COOP_VISEME_OH 13
#define COOP_VISEME_OU 14
#define COOP_VISEME_COUNT 15

/* ---- the classifier's thresholds (voice-visemes.ts; the test checks them) ---- */
#define COOP_VOICE_SILENCE_RMS 400.0 /* RMS below this (16-bit PCM) is silence */
#define COOP_VOICE_LOUD_RMS 4000.0   /* RMS above this is a loud, open vowel */
#define COOP_VOICE_HISS_ZCR 0.25     /* zero crossings per sample above this: hiss (fricatives) */
#define COOP_VOICE_BRIGHT_ZCR 0.1    /* zero crossings per sample above this (below hiss): a bright vowel */

/* ---- limits ---- */
#define COOP_VISEMES_MAX_PEERS 4096u          /* peers with an avatar or a last viseme held at once */
#define COOP_VOICE_OUT_NAME_MAX_BYTES 1024u   /* longest MicIconShow displayName, UTF-8 bytes */
#define COOP_VOICE_OUT_PCM_MAX_SAMPLES 5760u  /* longest VoicePlayback pcm, samples: Opus's longest frame (120 ms at 48 kHz; 20 ms is 960) */

/* ---- answers ---- */
#define COOP_VOICE_OUT_WRITTEN 1        /* the ring took the frame */
#define COOP_VOICE_OUT_FULL 0           /* the ring is full: dropped (the caller counts it) */
#define COOP_VOICE_OUT_ERR_ARGS (-1)    /* NULL region or data with a length, a name or pcm over its limit */
#define COOP_VOICE_OUT_ERR_BAD_NAME (-2) /* displayName not valid UTF-8 (the game's decoder would refuse it) */
#define COOP_VOICE_OUT_ERR_REFUSED (-3) /* the ring can never take it (larger than coop_max_payload, region not open) */
#define COOP_VISEMES_ERR_FULL (-4)      /* set_avatar: COOP_VISEMES_MAX_PEERS held already, or out of memory */

/* visemeOfFrame: the viseme of one decoded frame (RMS and zero-crossing rate, IEEE doubles in
 * the TypeScript's order). pcm may be NULL when samples is 0 (silence). */
COOP_API uint8_t coop_viseme_of_frame(const int16_t *pcm, uint32_t samples);

/* VoiceVisemes: per talker, the last viseme shown; only changes are shown, on the talker's avatar. */
typedef struct coop_visemes coop_visemes;

/* VoiceVisemes.counts. */
typedef struct {
  uint32_t frames;    /* coop_visemes_frame calls */
  uint32_t changes;   /* changes to be shown */
  uint32_t no_avatar; /* frames of a talker without an avatar */
} coop_visemes_counts;

/* Nothing held, or NULL when out of memory. */
COOP_API coop_visemes *coop_visemes_create(void);
COOP_API void coop_visemes_destroy(coop_visemes *v);
/* The avatar entity of a peer (avatarOf): entity_id 0 = none (the server's entity ids start at 1).
 * The caller keeps it current (session-wiring.ts sets it on an avatar's InterestAdd). 0, or
 * COOP_VOICE_OUT_ERR_ARGS (NULL), or COOP_VISEMES_ERR_FULL (nothing changed). */
COOP_API int coop_visemes_set_avatar(coop_visemes *v, uint32_t peer_id, uint32_t entity_id);
/* VoiceVisemes.frame: one decoded frame of a talker being played now. 1 when a change is to be
 * shown (*entity_id, *viseme_id set: send VisemePlay), else 0 (no avatar: counted; the same
 * viseme as last shown). The last viseme is kept per peer whatever its avatar becomes, until
 * coop_visemes_forget. NULL v or outputs: 0, nothing counted. */
COOP_API int coop_visemes_frame(coop_visemes *v, uint32_t peer_id, const int16_t *pcm, uint32_t samples, uint32_t *entity_id, uint8_t *viseme_id);
/* VoiceVisemes.forget: the next frame of this peer shows its viseme even if unchanged. */
COOP_API void coop_visemes_forget(coop_visemes *v, uint32_t peer_id);
COOP_API void coop_visemes_get_counts(const coop_visemes *v, coop_visemes_counts *out);

/* ---- the frames (layouts: bridge/hooks.manifest.json, coop_hooks.h) ---- */

/* VoicePlayback { seq u32, pcm bytes }: seq is the frame's index on the playout timeline
 * (GameSink: frameIndex >>> 0), pcm 16-bit little-endian 48 kHz mono. */
COOP_API int coop_voice_out_playback(coop_region *game, uint32_t seq, const int16_t *pcm, uint32_t samples);
/* VisemePlay { npcId u32, visemeId u8, serverTimeMs f64 } (story.ts: serverNow() || 0). */
COOP_API int coop_voice_out_viseme(coop_region *game, uint32_t npc_id, uint8_t viseme_id, double server_time_ms);
/* MicIconShow { peerId u32, displayName string } (name: UTF-8 bytes, NULL when len is 0). */
COOP_API int coop_voice_out_mic_show(coop_region *game, uint32_t peer_id, const uint8_t *name, uint32_t name_len);
/* MicIconHide { peerId u32 }. */
COOP_API int coop_voice_out_mic_hide(coop_region *game, uint32_t peer_id);

#ifdef __cplusplus
}
#endif

#endif
