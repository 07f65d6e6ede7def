/* native-shims/sidecar/: the sidecar's native path (docs/sidecar.md "The native path"): work the
 * sidecar does for every snapshot or frame, in C beside the bridge, the sidecar only steering.
 *
 * snapshot_receiver.c — the client's snapshot receiver: decodes the packed snapshot deltas
 * (docs/protocol.md "Snapshot deltas"; the encoder is src/protocol/snapshot-format.ts) against
 * the held base, into a history of COOP_SNAP_HISTORY decoded states owned by this object.
 * Hostile bytes: the length is checked before every byte read (the bit reader), every count
 * before it sizes a write, and every reject is a code, never a crash. The arithmetic
 * reproduces the TypeScript encoder's exactly: positions are predicted with IEEE doubles
 * (base + roundHalfUp(vel × elapsed / 1000), then wrapped to int32 as JavaScript's `| 0`).
 * Memory grows with what is held (states doubled on demand), not to the limits up front. */
#include "coop_snapshot.h"
#include "bit_reader.h"
#include "grow.h"

#include <stdlib.h>
#include <string.h>

/* Field indices (wire order differs: velocities first, the predicted position uses them). */
enum { F_X = 0, F_Y = 1, F_Z = 2, F_YAW = 3, F_VX = 4, F_VY = 5, F_VZ = 6 };
#define FIELDS COOP_SNAP_FIELD_COUNT
/* Fewest bits an added entity costs (an id gap and FIELDS values of 1 bit each): bounds the
 * count read before anything is sized by it. */
#define MIN_ADDED_BITS (1 + FIELDS)
#define MS_PER_S 1000.0
/* Above any id: the merge's end marker. */
#define NO_ID INT64_MAX

typedef struct {
  int64_t tick; /* -1: empty */
  uint32_t count, cap;
  uint32_t *ids;
  int32_t *vals;
} snap_state;

struct coop_snap_rx {
  snap_state ring[COOP_SNAP_HISTORY];
  int64_t newest;
  uint32_t drops;
  /* Decoder scratch, grown on demand: which base entities were kept, the added ids. */
  uint8_t *kept;
  uint32_t kept_cap;
  uint32_t *added;
  uint32_t added_cap;
};

/* ---- the prediction, as the encoder computes it (IEEE doubles) ---- */

/* floor for |v| < 2^62 without libm (the same source links on Windows and Linux alike). */
static double floor_small(double v) {
  const double t = (double)(int64_t)v; /* truncation towards zero */
  return t > v ? t - 1.0 : t;
}
/* snapshot-format.ts roundHalfUp: floor(v) + (v − floor(v) ≥ 0.5). */
static double round_half_up(double v) {
  const double f = floor_small(v);
  return f + (v - f >= 0.5 ? 1.0 : 0.0);
}
/* (basePos + roundHalfUp(vel × seconds)) | 0; |vel × seconds| < 2^31 × 60. */
static int32_t predict(int32_t base_pos, int32_t vel, double seconds) {
  const double p = (double)base_pos + round_half_up((double)vel * seconds);
  return wrap_i32((int64_t)p);
}
/* ((v + d) % YAW_STEPS + YAW_STEPS) % YAW_STEPS. */
static int32_t add_yaw(int32_t v, int32_t d) {
  const int64_t s = ((int64_t)v + d) % COOP_SNAP_YAW_STEPS;
  return (int32_t)((s + COOP_SNAP_YAW_STEPS) % COOP_SNAP_YAW_STEPS);
}

/* ---- the decoder (its arrays grown on demand: grow.h) ---- */

static int decode(coop_snap_rx *rx, const uint8_t *data, uint32_t len, const snap_state *base, snap_state *out) {
  bit_reader r = {data, len, 0, 0, 0, 0};
  const unsigned has_base = read_bit(&r);
  const uint32_t elapsed = read_ue(&r);
  if (r.error) return r.error;
  if (has_base && !base) return COOP_SNAP_MISSING_BASE_ENTITY;
  if (elapsed > COOP_SNAP_MAX_PREDICT_MS) return COOP_SNAP_BAD_ELAPSED;
  const snap_state *b = has_base ? base : NULL;
  const double k = (double)elapsed / MS_PER_S;
  uint32_t kept = 0;
  if (b) {
    if (remaining_bits(&r) < b->count) return COOP_SNAP_TRUNCATED;
    if (!coop_grow((void **)&rx->kept, &rx->kept_cap, b->count, 1)) return COOP_SNAP_NO_MEMORY;
    for (uint32_t i = 0; i < b->count; i++) kept += rx->kept[i] = (uint8_t)read_bit(&r);
  }
  const uint32_t added = read_ue(&r);
  if (r.error) return r.error;
  if ((uint64_t)kept + added > COOP_SNAP_MAX_ENTITIES || (uint64_t)added * MIN_ADDED_BITS > remaining_bits(&r)) return COOP_SNAP_TOO_MANY;
  if (!coop_grow((void **)&rx->added, &rx->added_cap, added, sizeof *rx->added)) return COOP_SNAP_NO_MEMORY;
  int64_t prev = -1;
  for (uint32_t i = 0; i < added; i++) {
    const int64_t id = prev + 1 + (int64_t)read_ue(&r);
    if (r.error) return r.error;
    if (id > (int64_t)U32_MAX_VALUE) return COOP_SNAP_ID_OVERFLOW;
    rx->added[i] = (uint32_t)id;
    prev = id;
  }
  const uint32_t count = kept + added;
  if (!coop_grow_entities(&out->ids, &out->vals, &out->cap, count, FIELDS)) return COOP_SNAP_NO_MEMORY;
  out->count = 0;
  /* Merge the kept base ids and the added ids, both ascending. */
  uint32_t bi = 0, ai = 0;
  int32_t *vals = out->vals;
  for (uint32_t i = 0; i < count; i++) {
    while (b && bi < b->count && rx->kept[bi] == 0) bi++;
    const int64_t base_id = b && bi < b->count ? (int64_t)b->ids[bi] : NO_ID;
    const int64_t add_id = ai < added ? (int64_t)rx->added[ai] : NO_ID;
    if (base_id == add_id) return COOP_SNAP_DUPLICATE_ID;
    int32_t *v = vals + (size_t)i * FIELDS;
    if (add_id < base_id) {
      v[F_VX] = read_se(&r);
      v[F_VY] = read_se(&r);
      v[F_VZ] = read_se(&r);
      v[F_YAW] = add_yaw(read_se(&r), 0);
      v[F_X] = read_se(&r);
      v[F_Y] = read_se(&r);
      v[F_Z] = read_se(&r);
      out->ids[i] = (uint32_t)add_id;
      ai++;
    } else {
      const int32_t *bv = b->vals + (size_t)bi * FIELDS;
      if (read_bit(&r) == 0) {
        memcpy(v, bv, FIELDS * sizeof *v);
        v[F_X] = predict(bv[F_X], bv[F_VX], k);
        v[F_Y] = predict(bv[F_Y], bv[F_VY], k);
        v[F_Z] = predict(bv[F_Z], bv[F_VZ], k);
      } else {
        v[F_VX] = wrap_i32((int64_t)bv[F_VX] + read_se(&r));
        v[F_VY] = wrap_i32((int64_t)bv[F_VY] + read_se(&r));
        v[F_VZ] = wrap_i32((int64_t)bv[F_VZ] + read_se(&r));
        v[F_YAW] = add_yaw(bv[F_YAW], read_se(&r));
        v[F_X] = wrap_i32((int64_t)predict(bv[F_X], v[F_VX], k) + read_se(&r));
        v[F_Y] = wrap_i32((int64_t)predict(bv[F_Y], v[F_VY], k) + read_se(&r));
        v[F_Z] = wrap_i32((int64_t)predict(bv[F_Z], v[F_VZ], k) + read_se(&r));
      }
      out->ids[i] = b->ids[bi];
      bi++;
    }
    if (r.error) return r.error;
    out->count = i + 1;
  }
  if (!at_clean_end(&r)) return COOP_SNAP_TRAILING_BYTES;
  return COOP_SNAP_OK;
}

/* ---- the receiver ---- */

static snap_state *held(const coop_snap_rx *rx, int64_t tick) {
  if (tick < 0) return NULL;
  const snap_state *s = &rx->ring[tick % COOP_SNAP_HISTORY];
  return s->tick == tick ? (snap_state *)s : NULL;
}

COOP_API coop_snap_rx *coop_snap_rx_create(void) {
  coop_snap_rx *rx = (coop_snap_rx *)calloc(1, sizeof *rx);
  if (!rx) return NULL;
  for (int i = 0; i < COOP_SNAP_HISTORY; i++) rx->ring[i].tick = -1;
  rx->newest = -1;
  return rx;
}

COOP_API void coop_snap_rx_destroy(coop_snap_rx *rx) {
  if (!rx) return;
  for (int i = 0; i < COOP_SNAP_HISTORY; i++) {
    free(rx->ring[i].ids);
    free(rx->ring[i].vals);
  }
  free(rx->kept);
  free(rx->added);
  free(rx);
}

static int reject(coop_snap_rx *rx, int code) {
  rx->drops++;
  return code;
}

COOP_API int coop_snap_rx_receive(coop_snap_rx *rx, int64_t tick, int64_t base_tick, const uint8_t *data, uint32_t len) {
  if (!rx) return COOP_SNAP_NO_MEMORY;
  if (tick < 0 || tick <= rx->newest - COOP_SNAP_HISTORY / 2 || held(rx, tick)) return reject(rx, COOP_SNAP_OLD_TICK);
  const snap_state *base = NULL;
  if (base_tick != 0) {
    base = base_tick > 0 && base_tick < tick && tick - base_tick < COOP_SNAP_HISTORY ? held(rx, base_tick) : NULL;
    if (!base) return reject(rx, COOP_SNAP_MISSING_BASE);
  }
  if (len > COOP_SNAP_MAX_DATA_BYTES) return reject(rx, COOP_SNAP_TOO_LONG);
  if (!data && len > 0) return reject(rx, COOP_SNAP_TRUNCATED);
  /* The base is never in this slot: bases COOP_SNAP_HISTORY or more ticks old are refused above. */
  snap_state *out = &rx->ring[tick % COOP_SNAP_HISTORY];
  out->tick = -1;
  const int err = decode(rx, data, len, base, out);
  if (err) return reject(rx, err);
  out->tick = tick;
  if (tick > rx->newest) rx->newest = tick;
  return COOP_SNAP_OK;
}

COOP_API int64_t coop_snap_rx_newest(const coop_snap_rx *rx) { return rx ? rx->newest : -1; }

COOP_API uint32_t coop_snap_rx_drops(const coop_snap_rx *rx) { return rx ? rx->drops : 0; }

COOP_API int32_t coop_snap_rx_state(const coop_snap_rx *rx, int64_t tick, const uint32_t **ids, const int32_t **vals) {
  const snap_state *s = rx ? held(rx, tick) : NULL;
  if (!s) return -1;
  if (ids) *ids = s->ids;
  if (vals) *vals = s->vals;
  return (int32_t)s->count;
}

COOP_API int32_t coop_snap_rx_copy(const coop_snap_rx *rx, int64_t tick, uint32_t *ids, int32_t *vals, uint32_t cap) {
  const snap_state *s = rx ? held(rx, tick) : NULL;
  if (!s) return -1;
  if (s->count <= cap && s->count > 0 && ids && vals) {
    memcpy(ids, s->ids, (size_t)s->count * sizeof *ids);
    memcpy(vals, s->vals, (size_t)s->count * FIELDS * sizeof *vals);
  }
  return (int32_t)s->count;
}
