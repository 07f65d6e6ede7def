/* opus_loader.c — libopus loaded at run time for the voice receiver in C (opus_loader.h): the
 * library's names per platform, dlopen / LoadLibrary, and decoder.ts's decodeFrame. */
#if !defined(_WIN32) && !defined(_POSIX_C_SOURCE)
#define _POSIX_C_SOURCE 200809L
#endif
#include "opus_loader.h"
#include "coop_voice_rx.h"
#include "voice_rx_constants.h"

#include <string.h>

#ifdef _WIN32
#include <windows.h>
#else
#include <dlfcn.h>
#endif

#ifdef _WIN32
static const char *const OPUS_NAMES[] = {"opus.dll", "libopus-0.dll"};
#else
static const char *const OPUS_NAMES[] = {"libopus.so.0", "libopus.so"};
#endif
#define OPUS_NAME_COUNT (sizeof OPUS_NAMES / sizeof OPUS_NAMES[0])

/* ---- decoder.ts: decodeFrame ---- */
static void conceal(const opus_lib *o, OpusDecoder *dec, int16_t *pcm) {
  int n = o->decode(dec, NULL, 0, pcm, VOICE_FRAME_SAMPLES, 0);
  if (n != VOICE_FRAME_SAMPLES) memset(pcm, 0, VOICE_FRAME_SAMPLES * sizeof *pcm);
}

void opus_lib_decode_frame(const opus_lib *o, OpusDecoder *dec, decode_counts *c, const uint8_t *bytes, uint32_t len, const uint8_t *next,
                           uint32_t next_len, int16_t *pcm) {
  memset(pcm, 0, VOICE_FRAME_SAMPLES * sizeof *pcm);
  if (bytes) {
    if (len > 0 && len <= VOICE_MAX_PACKET_BYTES) {
      int n = o->decode(dec, bytes, (int32_t)len, pcm, VOICE_FRAME_SAMPLES, 0);
      if (n == VOICE_FRAME_SAMPLES) {
        c->packets += 1;
        return;
      }
    }
    c->invalid += 1;
    conceal(o, dec, pcm);
    return;
  }
  if (next && next_len > 0 && next_len <= VOICE_MAX_PACKET_BYTES) {
    int n = o->decode(dec, next, (int32_t)next_len, pcm, VOICE_FRAME_SAMPLES, 1);
    if (n == VOICE_FRAME_SAMPLES) {
      c->fec += 1;
      return;
    }
  }
  c->plc += 1;
  conceal(o, dec, pcm);
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

int opus_lib_load(opus_lib *o, const char *name) {
  for (uint32_t i = 0; !o->lib && i < (name ? 1 : OPUS_NAME_COUNT); i++) o->lib = lib_open(name ? name : OPUS_NAMES[i]);
  if (!o->lib) return COOP_VOICE_RX_ERR_NO_OPUS;
  /* a function pointer through void* (POSIX's dlsym contract) */
  void *c = lib_sym(o->lib, "opus_decoder_create"), *d = lib_sym(o->lib, "opus_decoder_destroy"), *x = lib_sym(o->lib, "opus_decode");
  if (!c || !d || !x) return COOP_VOICE_RX_ERR_NO_OPUS;
  memcpy(&o->decoder_create, &c, sizeof c);
  memcpy(&o->decoder_destroy, &d, sizeof d);
  memcpy(&o->decode, &x, sizeof x);
  return COOP_VOICE_RX_OK;
}

void opus_lib_close(opus_lib *o) {
  if (o->lib) lib_close(o->lib);
}
