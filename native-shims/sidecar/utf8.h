/* utf8.h — the strings the native path hands the game: valid UTF-8 as a JavaScript string
 * encodes to (no overlong form, no surrogate, at most U+10FFFF); the game's decoder refuses
 * anything else. Shared by proxies.c (template names) and voice_out.c (display names). */
#ifndef COOP_SIDECAR_UTF8_H
#define COOP_SIDECAR_UTF8_H

#include <stdint.h>

static inline int valid_utf8(const uint8_t *s, uint32_t n) {
  uint32_t i = 0;
  while (i < n) {
    uint8_t c = s[i];
    if (c < 0x80) {
      i++;
      continue;
    }
    uint32_t more;
    uint8_t lo = 0x80, hi = 0xBF; /* the second byte's range */
    if (c >= 0xC2 && c <= 0xDF) more = 1;
    else if (c >= 0xE0 && c <= 0xEF) {
      more = 2;
      if (c == 0xE0) lo = 0xA0;
      if (c == 0xED) hi = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      more = 3;
      if (c == 0xF0) lo = 0x90;
      if (c == 0xF4) hi = 0x8F;
    } else return 0;
    if (more > n - i - 1) return 0;
    if (s[i + 1] < lo || s[i + 1] > hi) return 0;
    for (uint32_t k = 2; k <= more; k++)
      if ((s[i + k] & 0xC0) != 0x80) return 0;
    i += more + 1;
  }
  return 1;
}

#endif
