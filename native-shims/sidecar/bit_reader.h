/* bit_reader.h — the snapshot receiver's MSB-first bit reader (docs/protocol.md "Snapshot
 * deltas"): Exp-Golomb and zigzag codes, read from a payload it never reads past (the length is
 * checked before every byte), the first error sticking. Its own file so the receiver stays one
 * concern, and so the sanitizer test can plant a bug in it (test/sidecar/snapshot-asan.system.test.ts). */
#ifndef COOP_SIDECAR_BIT_READER_H
#define COOP_SIDECAR_BIT_READER_H

#include <stdint.h>

#include "coop_snapshot.h"

/* Longest Exp-Golomb prefix accepted (bits): values up to 2^32 − 1 need at most 32 zeros. */
#define MAX_GOLOMB_ZEROS 32
#define U32_MAX_VALUE 0xffffffffu

/* ---- MSB-first bit reader: never reads data[len] or beyond; the first error sticks and
 * later reads give 0 ---- */
typedef struct {
  const uint8_t *data;
  uint32_t len, pos; /* pos: the next byte not yet in acc */
  uint64_t acc;      /* the low n bits are unread */
  unsigned n;
  int error; /* 0, COOP_SNAP_TRUNCATED or COOP_SNAP_BAD_VARINT */
} bit_reader;

static inline void refill(bit_reader *r) {
  while (r->n <= 56 && r->pos < r->len) {
    r->acc = (r->acc << 8) | r->data[r->pos++];
    r->n += 8;
  }
}

static inline uint64_t low_mask(unsigned bits) { return bits >= 64 ? ~(uint64_t)0 : (((uint64_t)1 << bits) - 1); }

static inline unsigned read_bit(bit_reader *r) {
  if (r->n == 0) {
    refill(r);
    if (r->n == 0) {
      if (!r->error) r->error = COOP_SNAP_TRUNCATED;
      return 0;
    }
  }
  r->n--;
  return (unsigned)(r->acc >> r->n) & 1u;
}

/* Bits not read yet (padding included). */
static inline uint64_t remaining_bits(const bit_reader *r) { return (uint64_t)(r->len - r->pos) * 8u + r->n; }

/* Leading zeros of a non-zero 64-bit word. */
static inline unsigned clz64(uint64_t v) {
#if defined(__GNUC__) || defined(__clang__)
  return (unsigned)__builtin_clzll(v);
#else
  unsigned z = 0;
  while (!(v & ((uint64_t)1 << 63))) {
    v <<= 1;
    z++;
  }
  return z;
#endif
}

/* The slow path of read_ue, bit by bit: where the code is not wholly buffered or is malformed. */
static inline uint32_t read_ue_slow(bit_reader *r) {
  unsigned zeros = 0;
  while (read_bit(r) == 0) {
    if (r->error) return 0;
    if (++zeros > MAX_GOLOMB_ZEROS) {
      r->error = COOP_SNAP_BAD_VARINT;
      return 0;
    }
  }
  uint64_t v = 1;
  for (unsigned i = 0; i < zeros; i++) v = v * 2 + read_bit(r);
  if (r->error) return 0;
  if (v - 1 > U32_MAX_VALUE) {
    r->error = COOP_SNAP_BAD_VARINT;
    return 0;
  }
  return (uint32_t)(v - 1);
}

/* Exp-Golomb (order 0), 0..2^32 − 1. The common case reads the whole code from the buffered
 * bits at once; anything else takes the bit-by-bit path, which gives the same value or error. */
static inline uint32_t read_ue(bit_reader *r) {
  if (r->error) return 0;
  if (r->n < 32) refill(r);
  if (r->n > 0) {
    const uint64_t top = r->acc << (64 - r->n); /* the unread bits, left-aligned */
    if (top != 0) {
      const unsigned zeros = clz64(top), len = 2 * zeros + 1;
      if (zeros <= MAX_GOLOMB_ZEROS && len <= r->n) {
        const uint64_t v = (r->acc >> (r->n - len)) & low_mask(len);
        r->n -= len;
        if (v - 1 <= U32_MAX_VALUE) return (uint32_t)(v - 1);
        r->error = COOP_SNAP_BAD_VARINT;
        return 0;
      }
    }
  }
  return read_ue_slow(r);
}

/* Two's-complement reinterpretation, portable (no implementation-defined conversion). */
static inline int32_t as_i32(uint32_t u) { return u <= INT32_MAX ? (int32_t)u : (int32_t)(u - 0x80000000u) - INT32_MAX - 1; }
/* JavaScript's `x | 0` of an integer-valued x with |x| < 2^63. */
static inline int32_t wrap_i32(int64_t x) { return as_i32((uint32_t)((uint64_t)x & U32_MAX_VALUE)); }

/* A signed int32 through zigzag. */
static inline int32_t read_se(bit_reader *r) {
  const uint32_t n = read_ue(r);
  return as_i32((n >> 1) ^ (0u - (n & 1u)));
}

static inline int at_clean_end(const bit_reader *r) { return r->pos == r->len && r->n < 8 && (r->acc & low_mask(r->n)) == 0; }

#endif
