/* Fuzz driver of the native path's wire functions (test code, never shipped): built with
 * -fsanitize=address,undefined,float-cast-overflow by test/sidecar/wire-asan.system.test.ts, so
 * a read or write outside a buffer, or undefined behaviour, aborts the run instead of passing
 * unseen.
 *
 *   wire-fuzz <corpus> <iterations> <seed>
 *
 * corpus: fuzz_corpus.h records, here (snapshot channel, voice channel, len, datagram): real
 * datagrams a TypeScript server sent a client. Every iteration mutates one (bit flips, cuts, inserted and deleted
 * bytes, a u16 field rewritten, a command byte or channel changed, another datagram's bytes
 * spliced in) into a buffer of exactly its length and takes the snapshots and voice out of it
 * (coop_wire_take; one time in four coop_wire_take_snapshots; now and then with a random, the
 * same or no voice channel), into
 * payloads and spans buffers of exactly their capacity (often too small). Checked every time:
 * a negative answer is a known code and left the datagram and its length untouched; otherwise
 * the spans lie back to back within the payloads, each one a snapshot envelope or a voice
 * message as its kind says (its Opus bytes within it), and the
 * lengths add up (what left the datagram is the taken payloads and their 8-byte commands), and
 * taking again from what is left takes nothing. The decoders also read every mutated datagram
 * from a random offset, and the encoders and the datagram builder write into buffers of exactly
 * a random capacity. Prints `taken N untouched N` and the count of each answer; exits 1 on a
 * broken invariant, 2 on a bad corpus. */
#include "coop_wire.h"
#include "fuzz_corpus.h"

#include <math.h> /* NAN, INFINITY */
#include <string.h>

#define MAX_GROWTH 64          /* bytes a mutation may add */
#define ANSWERS 9              /* answers 0 .. -8 counted by code */
#define SEND_UNRELIABLE_BYTES 8 /* a taken command's fixed part */

static uint32_t be16(const uint8_t *p) { return (uint32_t)p[0] << 8 | p[1]; }

static double any_double(void) {
  static const double odd[] = {0.0, -0.0, NAN, INFINITY, -INFINITY, 1e300, -1e-300, 3.4028235677973366e38, 1.4e-45};
  if (below(3) == 0) return odd[below(sizeof odd / sizeof odd[0])];
  uint64_t bits = (uint64_t)rnd() << 32 | rnd();
  double d;
  memcpy(&d, &bits, sizeof d);
  return d;
}

/* Mutates src[0..n) into a fresh buffer of exactly its new length (*out_n). */
static uint8_t *mutate(const record *recs, int nrecs, const uint8_t *src, uint32_t n, uint32_t *out_n) {
  uint8_t *b = malloc(n + MAX_GROWTH);
  if (!b) return NULL;
  memcpy(b, src, n);
  uint32_t len = n;
  if (len >= 2 && below(50) == 0) { /* header peer id "none" */
    b[0] |= 0x0f;
    b[1] = 0xff;
  }
  const uint32_t edits = 1 + below(4);
  for (uint32_t e = 0; e < edits; e++) {
    const uint32_t at = below(len ? len : 1);
    switch (below(8)) {
    case 0: if (len) b[at] ^= (uint8_t)(1u << below(8)); break;
    case 1: len = below(len + 1); break;
    case 2: /* insert a byte */
      if (len < n + MAX_GROWTH) {
        memmove(b + at + 1, b + at, len - at);
        b[at] = (uint8_t)rnd();
        len++;
      }
      break;
    case 3: /* delete a byte */
      if (len) {
        memmove(b + at, b + at + 1, len - at - 1);
        len--;
      }
      break;
    case 4: /* a u16 field: random, near the length, or 0 */
      if (at + 2 <= len) {
        const uint32_t v = below(3) == 0 ? rnd() : below(3) == 0 ? 0 : len - at + below(8) - 4;
        b[at] = (uint8_t)(v >> 8);
        b[at + 1] = (uint8_t)v;
      }
      break;
    case 5: /* a command byte, channel or flag */
      if (len) {
        static const uint8_t bytes[] = {7, 6, 9, 12, 1, 5, 0x87, 0x47, 0x0d, 0x00, 0xff, 0x80, 0x40, 0xaa};
        b[at] = bytes[below(sizeof bytes)];
      }
      break;
    case 6: { /* another datagram's bytes over these */
      const record *o = &recs[below((uint32_t)nrecs)];
      const uint32_t from = below(o->len ? o->len : 1);
      uint32_t k = below(40);
      if (k > o->len - (o->len ? from : 0)) k = o->len ? o->len - from : 0;
      if (at + k > n + MAX_GROWTH) k = n + MAX_GROWTH - at;
      if (k) memcpy(b + at, o->data + from, k);
      if (at + k > len) len = at + k;
      break;
    }
    default: /* random bytes at the end */
      for (uint32_t k = below(6); k > 0 && len < n + MAX_GROWTH; k--) b[len++] = (uint8_t)rnd();
    }
  }
  uint8_t *exact = malloc(len ? len : 1);
  if (exact) memcpy(exact, b, len);
  free(b);
  *out_n = len;
  return exact;
}

static unsigned long answers[ANSWERS], taken_total, untouched, voices_taken, voices_decoded;

/* The take: coop_wire_take (snapshots on channel, voice on voice_channel) or, one time in four,
 * coop_wire_take_snapshots (no voice), into coop_wire_taken records either way. */
static int32_t take_any(int old, uint8_t *d, uint32_t *len, uint8_t channel, uint32_t voice_channel, uint8_t *payloads, uint32_t cap, coop_wire_taken *taken,
                        uint32_t scap) {
  if (!old) return coop_wire_take(d, len, channel, voice_channel, payloads, cap, taken, scap);
  coop_wire_span *spans = scap ? malloc(scap * sizeof *spans) : NULL;
  if (scap && !spans) exit(2);
  const int32_t rc = coop_wire_take_snapshots(d, len, channel, payloads, cap, spans, scap);
  for (int32_t i = 0; i < rc; i++) taken[i] = (coop_wire_taken){spans[i].offset, spans[i].length, COOP_WIRE_KIND_SNAPSHOT};
  free(spans);
  return rc;
}

static int check_take(uint8_t *d, uint32_t n, uint8_t channel, uint32_t voice_channel) {
  uint8_t *orig = malloc(n ? n : 1);
  if (!orig) return 2;
  memcpy(orig, d, n);
  const int old = below(4) == 0;
  const uint32_t cap = below(3) == 0 ? below(64) : n;
  const uint32_t scap = below(3) == 0 ? below(4) : n / 8 + 1;
  uint8_t *payloads = cap ? malloc(cap) : NULL;
  coop_wire_taken *spans = scap ? malloc(scap * sizeof *spans) : NULL;
  if ((cap && !payloads) || (scap && !spans)) return 2;
  uint32_t len = n;
  const int32_t rc = take_any(old, d, &len, channel, voice_channel, payloads, cap, spans, scap);
  int bad = 0;
  if (rc < 0) {
    if (rc < -(ANSWERS - 1) || rc == COOP_WIRE_BAD_ARGUMENT) bad = fprintf(stderr, "take: answer %d\n", rc);
    else if (len != n || memcmp(d, orig, n) != 0) bad = fprintf(stderr, "take: answer %d but the datagram changed\n", rc);
    answers[-rc]++;
    untouched++;
  } else {
    answers[0]++;
    taken_total += (unsigned long)rc;
    const uint32_t header = n >= 2 && (be16(orig) & 0x8000u) ? 4 : 2;
    uint64_t sum = 0;
    if ((uint32_t)rc > scap) bad = fprintf(stderr, "take: %d taken, %u spans\n", rc, scap);
    for (int32_t i = 0; !bad && i < rc; i++) {
      const uint8_t *p = payloads + spans[i].offset;
      coop_wire_voice v;
      if (spans[i].offset != sum || (uint64_t)spans[i].offset + spans[i].length > cap) bad = fprintf(stderr, "take: span %d out of place\n", i);
      else if (spans[i].kind == COOP_WIRE_KIND_SNAPSHOT && !coop_wire_decode_snapshot(p, spans[i].length, NULL))
        bad = fprintf(stderr, "take: span %d no snapshot\n", i);
      else if (spans[i].kind == COOP_WIRE_KIND_VOICE && (old || !coop_wire_decode_voice(p, spans[i].length, &v) ||
                                                         (uint64_t)(v.opus - p) + v.opus_len > spans[i].length))
        bad = fprintf(stderr, "take: span %d no voice\n", i);
      else if (spans[i].kind != COOP_WIRE_KIND_SNAPSHOT && spans[i].kind != COOP_WIRE_KIND_VOICE) bad = fprintf(stderr, "take: span %d kind %u\n", i, spans[i].kind);
      if (spans[i].kind == COOP_WIRE_KIND_VOICE) voices_taken++;
      sum += spans[i].length;
    }
    const uint64_t left = len ? len : header;
    if (!bad && (left > n || n - left != sum + (uint64_t)rc * SEND_UNRELIABLE_BYTES))
      bad = fprintf(stderr, "take: %u bytes, %u left, %d taken of %llu bytes\n", n, len, rc, (unsigned long long)sum);
    if (!bad && rc == 0 && len != 0 && memcmp(d, orig, n) != 0) bad = fprintf(stderr, "take: nothing taken but the datagram changed\n");
    if (!bad && len > 0) { /* what is left has nothing more to take */
      uint8_t *rest = malloc(len);
      if (!rest) return 2;
      memcpy(rest, d, len);
      uint32_t len2 = len;
      const int32_t again = take_any(old, rest, &len2, channel, voice_channel, payloads, cap, spans, scap);
      if (again != 0 || len2 != len || memcmp(rest, d, len) != 0) bad = fprintf(stderr, "take again: answer %d\n", again);
      free(rest);
    }
  }
  free(orig);
  free(payloads);
  free(spans);
  return bad ? 1 : 0;
}

static int check_others(const uint8_t *d, uint32_t n) {
  /* the decoders from a random offset: data within the bytes */
  const uint32_t from = below(n + 1);
  coop_wire_snapshot s;
  if (coop_wire_decode_snapshot(n ? d + from : NULL, n - from, &s) == 1 &&
      (s.data < d + from || (uint64_t)(s.data - (d + from)) + s.data_len > n - from)) {
    fprintf(stderr, "decode: data outside the bytes\n");
    return 1;
  }
  coop_wire_voice v;
  if (coop_wire_decode_voice(n ? d + from : NULL, n - from, &v) == 1) {
    voices_decoded++;
    if (v.opus < d + from || (uint64_t)(v.opus - (d + from)) + v.opus_len > n - from) {
      fprintf(stderr, "decode_voice: opus outside the bytes\n");
      return 1;
    }
  }
  /* the encoders and the builder into exact buffers */
  const coop_wire_player_state ps = {any_double(), any_double(), any_double(), any_double(), any_double(), any_double(), any_double(),
                                     below(2) ? 0 : rnd(),  any_double(), below(2) ? 0 : rnd(), below(2) ? 0 : rnd()};
  uint32_t cap = below(COOP_WIRE_PLAYER_STATE_MAX_BYTES + 2);
  uint8_t *out = malloc(cap ? cap : 1);
  if (!out) return 2;
  int32_t rc = coop_wire_encode_player_state(&ps, cap ? out : NULL, cap);
  if (!(rc == COOP_WIRE_NO_ROOM || (rc > 0 && (uint32_t)rc <= cap && rc <= (int32_t)COOP_WIRE_PLAYER_STATE_MAX_BYTES))) {
    fprintf(stderr, "encode_player_state: %d into %u\n", rc, cap);
    return 1;
  }
  rc = coop_wire_encode_snapshot_ack(rnd() >> below(32), cap ? out : NULL, cap);
  if (!(rc == COOP_WIRE_NO_ROOM || (rc > 0 && (uint32_t)rc <= cap && rc <= (int32_t)COOP_WIRE_SNAPSHOT_ACK_MAX_BYTES))) {
    fprintf(stderr, "encode_snapshot_ack: %d into %u\n", rc, cap);
    return 1;
  }
  free(out);
  const coop_wire_peer peer = {(uint16_t)below(0x1001), (uint8_t)rnd(), (uint8_t)rnd(), (uint16_t)rnd()};
  const uint32_t plen = below(n + 1);
  cap = below(plen + COOP_WIRE_UNRELIABLE_OVERHEAD + 2);
  out = malloc(cap ? cap : 1);
  if (!out) return 2;
  rc = coop_wire_build_unreliable(&peer, (uint16_t)rnd(), plen ? d : NULL, plen, cap ? out : NULL, cap);
  const int ok = rc == COOP_WIRE_NO_ROOM ? plen + COOP_WIRE_UNRELIABLE_OVERHEAD > cap
               : rc == COOP_WIRE_BAD_ARGUMENT ? peer.outgoing_peer_id > COOP_WIRE_MAX_PEER_ID
               : rc == (int32_t)(plen + COOP_WIRE_UNRELIABLE_OVERHEAD) && (uint32_t)rc <= cap && memcmp(out + COOP_WIRE_UNRELIABLE_OVERHEAD, d, plen) == 0;
  free(out);
  if (!ok) {
    fprintf(stderr, "build_unreliable: %d (payload %u, cap %u)\n", rc, plen, cap);
    return 1;
  }
  return 0;
}

int main(int argc, char **argv) {
  static record recs[MAX_RECORDS];
  int n = 0;
  if (argc != 4 || !load(argv[1], recs, &n)) {
    fprintf(stderr, "usage: wire-fuzz <corpus> <iterations> <seed> (corpus unreadable or empty)\n");
    return 2;
  }
  const long iterations = strtol(argv[2], NULL, 10);
  rng_state = (uint64_t)strtoull(argv[3], NULL, 10) * 0x9E3779B97F4A7C15ull + 1;
  for (long it = 0; it < iterations; it++) {
    const record *r = &recs[below((uint32_t)n)];
    uint32_t len = r->len;
    const int as_sent = below(10) == 0;
    uint8_t *d = as_sent ? malloc(len ? len : 1) : mutate(recs, n, r->data, r->len, &len);
    if (!d) return 2;
    if (as_sent) memcpy(d, r->data, len);
    const uint8_t channel = below(8) == 0 ? (uint8_t)rnd() : (uint8_t)r->tick;
    const uint32_t voice_channel = below(8) == 0 ? rnd() >> below(32) : below(8) == 0 ? channel : r->base_tick;
    int rc = check_take(d, len, channel, voice_channel);
    if (rc == 0) rc = check_others(d, len);
    free(d);
    if (rc) return rc;
  }
  printf("taken %lu untouched %lu\n", taken_total, untouched);
  printf("voices taken %lu decoded %lu\n", voices_taken, voices_decoded);
  for (int i = 0; i < ANSWERS; i++) printf("code %d %lu\n", -i, answers[i]);
  return 0;
}
