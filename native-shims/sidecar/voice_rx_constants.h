/* voice_rx_constants.h — the voice receiver in C's constants (voice_rx.c, jitter_buffer.c,
 * opus_loader.c): src/voice/constants.ts's and the few of receiver.ts, relay.ts and
 * voice-chat.ts it ports. Internal to the voice receiver. */
#ifndef COOP_SIDECAR_VOICE_RX_CONSTANTS_H
#define COOP_SIDECAR_VOICE_RX_CONSTANTS_H

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

#endif
