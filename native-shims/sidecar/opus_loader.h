/* opus_loader.h — libopus for the voice receiver in C (voice_rx.c), loaded at run time
 * (dlopen / LoadLibrary: src/voice/opus-native.ts's calls), and the decode of
 * src/voice/decoder.ts (decodeFrame) with its counters, in opus_loader.c. Internal to the voice
 * receiver. */
#ifndef COOP_SIDECAR_OPUS_LOADER_H
#define COOP_SIDECAR_OPUS_LOADER_H

#include <stdint.h>

/* ---- libopus, loaded at run time (src/voice/opus-native.ts: the same calls) ---- */
typedef struct OpusDecoder OpusDecoder;
typedef OpusDecoder *(*opus_decoder_create_fn)(int32_t fs, int channels, int *error);
typedef void (*opus_decoder_destroy_fn)(OpusDecoder *st);
typedef int (*opus_decode_fn)(OpusDecoder *st, const unsigned char *data, int32_t len, int16_t *pcm, int frame_size, int decode_fec);
#define OPUS_OK 0

/* the library and its three calls (lib NULL until loaded) */
typedef struct {
  void *lib;
  opus_decoder_create_fn decoder_create;
  opus_decoder_destroy_fn decoder_destroy;
  opus_decode_fn decode;
} opus_lib;

/* decoder.ts's counters, per decoder */
typedef struct {
  double packets, fec, plc, invalid;
} decode_counts;

/* Loads libopus (name, or the platform's names when NULL) into *o (zeroed): COOP_VOICE_RX_OK, or
 * COOP_VOICE_RX_ERR_NO_OPUS (a library opened without the calls stays open until closed). */
int opus_lib_load(opus_lib *o, const char *name);
void opus_lib_close(opus_lib *o);
/* decodeFrame: bytes (a packet), else next (FEC of the packet after a lost one), else PLC; pcm:
 * VOICE_FRAME_SAMPLES samples, silence when the decoder fails. */
void opus_lib_decode_frame(const opus_lib *o, OpusDecoder *dec, decode_counts *n, const uint8_t *bytes, uint32_t len, const uint8_t *next,
                           uint32_t next_len, int16_t *pcm);

#endif
