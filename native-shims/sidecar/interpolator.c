/* interpolator.c — the client's snapshot interpolator (coop_interp.h; docs/sidecar.md "The native
 * path"): a ring of up to COOP_INTERP_BUFFER_MAX held states, a playout clock and the entities to
 * show at each sample, all in C memory, so the per-frame work never walks entities in JavaScript.
 * The arithmetic is the TypeScript interpolator's it replaced, in IEEE doubles in the same order
 * (dequantise by a multiplication, lerp as a + (b − a) × t): the same numbers, so the playback
 * tests kept their expectations. Hostile input: every count is checked before it sizes a copy,
 * ids out of order only cost the matching, and a non-finite time is refused or ignored — no
 * double is ever converted to an integer, so no value can be undefined behaviour.
 * Memory grows with what is held (each slot doubled on demand), not to the limits up front. */
#include "coop_interp.h"
#include "grow.h"

#include <math.h> /* NAN only: a constant, no libm call */
#include <stdlib.h>
#include <string.h>

enum { F_X = 0, F_Y = 1, F_Z = 2, F_YAW = 3, F_VX = 4, F_VY = 5, F_VZ = 6 };
#define FIELDS COOP_SNAP_FIELD_COUNT
#define STRIDE COOP_INTERP_OUT_STRIDE
#define MS_PER_S 1000.0
/* snapshot-format.ts: 1 cm and 1 cm/s steps, yaw in COOP_SNAP_YAW_STEPS steps a turn. */
#define POS_QUANT_M 0.01
#define VEL_QUANT_MPS 0.01
#define PI_D 3.141592653589793 /* Math.PI */
#define TWO_PI_D (PI_D * 2)

typedef struct {
  double time_ms;
  uint32_t count, cap;
  uint32_t *ids;
  int32_t *vals;
} slot;

struct coop_interp {
  slot ring[COOP_INTERP_BUFFER_MAX];
  uint32_t head, len; /* held states: ring[(head + i) % MAX], i < len, times ascending */
  double target_delay_ms;
  double path_ahead_ms; /* ≤ 0: off */
  int offset_known, playout_known;
  double offset_ms;  /* server time − local time */
  double playout_ms; /* in server time */
  double last_local_ms;
  /* The last sample's entities (STRIDE doubles each), room for the largest state held. */
  double *out;
  uint32_t out_count, out_cap;
};

static int is_finite(double v) { return v - v == 0.0; } /* false for NaN and ±inf */

static slot *at(coop_interp *ip, uint32_t i) { return &ip->ring[(ip->head + i) % COOP_INTERP_BUFFER_MAX]; }

/* ---- the arithmetic of snapshot-format.ts and the TypeScript interpolator ---- */

static double dequant_pos(int32_t q) { return (double)q * POS_QUANT_M; }
static double dequant_vel(int32_t q) { return (double)q * VEL_QUANT_MPS; }
/* Yaw in (−π, π] (for steps in [0, YAW_STEPS)). */
static double dequant_yaw(int32_t q) {
  const double r = ((double)q / COOP_SNAP_YAW_STEPS) * TWO_PI_D;
  return r > PI_D ? r - TWO_PI_D : r;
}
static double lerp(double a, double b, double t) { return a + (b - a) * t; }
/* An angle wrapped into [−π, π] (inputs within one turn of it: yaws and their differences). */
static double wrap_angle(double a) { return a > PI_D ? a - TWO_PI_D : a < -PI_D ? a + TWO_PI_D : a; }
/* The shorter way from yaw a to yaw b. */
static double lerp_angle(double a, double b, double t) { return wrap_angle(a + wrap_angle(b - a) * t); }
static double clamp(double v, double lo, double hi) { return v < lo ? lo : v > hi ? hi : v; }

/* ---- life (arrays grown on demand: grow.h) ---- */

static double delay_or_zero(double ms) { return is_finite(ms) && ms > 0 ? ms : 0; }

COOP_API coop_interp *coop_interp_create(double target_delay_ms) {
  coop_interp *ip = (coop_interp *)calloc(1, sizeof *ip);
  if (!ip) return NULL;
  ip->target_delay_ms = delay_or_zero(target_delay_ms);
  return ip;
}

COOP_API void coop_interp_destroy(coop_interp *ip) {
  if (!ip) return;
  for (int i = 0; i < COOP_INTERP_BUFFER_MAX; i++) {
    free(ip->ring[i].ids);
    free(ip->ring[i].vals);
  }
  free(ip->out);
  free(ip);
}

COOP_API void coop_interp_set_delay(coop_interp *ip, double target_delay_ms) {
  if (ip && is_finite(target_delay_ms) && target_delay_ms >= 0) ip->target_delay_ms = target_delay_ms;
}
COOP_API double coop_interp_delay(const coop_interp *ip) { return ip ? ip->target_delay_ms : 0; }
COOP_API void coop_interp_set_path_ahead(coop_interp *ip, double ahead_ms) {
  if (ip) ip->path_ahead_ms = is_finite(ahead_ms) && ahead_ms > 0 ? ahead_ms : 0;
}
COOP_API double coop_interp_current_delay(const coop_interp *ip) {
  if (!ip) return 0;
  if (!ip->playout_known || !ip->offset_known) return ip->target_delay_ms;
  return ip->last_local_ms + ip->offset_ms - ip->playout_ms;
}
COOP_API double coop_interp_playout(const coop_interp *ip) {
  return ip && ip->playout_known ? ip->playout_ms : (double)NAN;
}
COOP_API uint32_t coop_interp_held(const coop_interp *ip) { return ip ? ip->len : 0; }

/* ---- push ---- */

/* The clock offset from one arrival: the fastest arrival is the truest offset (slower ones only
 * waited longer), so a faster one is followed at once and a slower one drifts it down slowly. A
 * mean would put the playout behind half the states by their extra transit, which the delay
 * then has to absorb. */
static void learn_offset(coop_interp *ip, double server_time_ms, double local_now_ms, int arrival_known) {
  if (!is_finite(local_now_ms)) return;
  const double sample = server_time_ms - local_now_ms;
  if (!is_finite(sample)) return;
  if (!ip->offset_known || (arrival_known && sample > ip->offset_ms)) {
    ip->offset_ms = sample;
    ip->offset_known = 1;
  } else if (arrival_known) {
    ip->offset_ms += (sample - ip->offset_ms) * COOP_INTERP_OFFSET_SMOOTHING;
  }
}

/* Checks and learns what every push does first; COOP_INTERP_STORED when the state should be
 * stored. */
static int admit(coop_interp *ip, double server_time_ms, double local_now_ms, int arrival_known) {
  if (!is_finite(server_time_ms)) return COOP_INTERP_BAD_TIME;
  learn_offset(ip, server_time_ms, local_now_ms, arrival_known);
  if (ip->len > 0 && server_time_ms <= at(ip, ip->len - 1)->time_ms) return COOP_INTERP_LATE; /* already past it */
  return COOP_INTERP_STORED;
}

/* Copies a state into the ring's next slot (the oldest state's, when full). */
static int store(coop_interp *ip, double server_time_ms, const uint32_t *ids, const int32_t *vals, uint32_t count) {
  if (!coop_grow((void **)&ip->out, &ip->out_cap, count, STRIDE * sizeof *ip->out)) return COOP_INTERP_NO_MEMORY;
  slot *s = ip->len < COOP_INTERP_BUFFER_MAX ? at(ip, ip->len) : at(ip, 0);
  if (!coop_grow_entities(&s->ids, &s->vals, &s->cap, count, FIELDS)) return COOP_INTERP_NO_MEMORY;
  if (ip->len == COOP_INTERP_BUFFER_MAX) {
    ip->head = (ip->head + 1) % COOP_INTERP_BUFFER_MAX;
    ip->len--;
  }
  if (count > 0) {
    memcpy(s->ids, ids, (size_t)count * sizeof *ids);
    memcpy(s->vals, vals, (size_t)count * FIELDS * sizeof *vals);
  }
  s->count = count;
  s->time_ms = server_time_ms;
  ip->len++;
  return COOP_INTERP_STORED;
}

COOP_API int coop_interp_push(coop_interp *ip, double server_time_ms, const uint32_t *ids, const int32_t *vals, uint32_t count,
                              double local_now_ms, int arrival_known) {
  if (!ip) return COOP_INTERP_NO_MEMORY;
  if (count > COOP_INTERP_MAX_ENTITIES || (count > 0 && (!ids || !vals))) return COOP_INTERP_TOO_MANY;
  const int rc = admit(ip, server_time_ms, local_now_ms, arrival_known);
  return rc == COOP_INTERP_STORED ? store(ip, server_time_ms, ids, vals, count) : rc;
}

COOP_API int coop_interp_push_rx(coop_interp *ip, double server_time_ms, const coop_snap_rx *rx, int64_t tick, double local_now_ms,
                                 int arrival_known) {
  if (!ip) return COOP_INTERP_NO_MEMORY;
  const uint32_t *ids = NULL;
  const int32_t *vals = NULL;
  const int32_t n = rx ? coop_snap_rx_state(rx, tick, &ids, &vals) : -1;
  if (n < 0) return COOP_INTERP_NOT_HELD;
  if ((uint32_t)n > COOP_INTERP_MAX_ENTITIES) return COOP_INTERP_TOO_MANY;
  const int rc = admit(ip, server_time_ms, local_now_ms, arrival_known);
  return rc == COOP_INTERP_STORED ? store(ip, server_time_ms, ids, vals, (uint32_t)n) : rc;
}

/* ---- sample ---- */

/* Emits entity i of s; with `from`, interpolated from from[fi] towards s[i] by f; else carried
 * ahead_s seconds along its velocity (0: held). */
static void emit(coop_interp *ip, const slot *s, uint32_t i, const slot *from, uint32_t fi, double f, double ahead_s) {
  const int32_t *v = s->vals + (size_t)i * FIELDS;
  double x = dequant_pos(v[F_X]), y = dequant_pos(v[F_Y]), z = dequant_pos(v[F_Z]);
  double yaw = dequant_yaw(v[F_YAW]);
  double vx = dequant_vel(v[F_VX]), vy = dequant_vel(v[F_VY]), vz = dequant_vel(v[F_VZ]);
  if (from) {
    const int32_t *w = from->vals + (size_t)fi * FIELDS;
    x = lerp(dequant_pos(w[F_X]), x, f);
    y = lerp(dequant_pos(w[F_Y]), y, f);
    z = lerp(dequant_pos(w[F_Z]), z, f);
    yaw = lerp_angle(dequant_yaw(w[F_YAW]), yaw, f);
    vx = lerp(dequant_vel(w[F_VX]), vx, f);
    vy = lerp(dequant_vel(w[F_VY]), vy, f);
    vz = lerp(dequant_vel(w[F_VZ]), vz, f);
  } else if (ahead_s > 0) {
    x += vx * ahead_s;
    y += vy * ahead_s;
    z += vz * ahead_s;
  }
  double *o = ip->out + (size_t)ip->out_count++ * STRIDE;
  o[COOP_INTERP_O_ID] = (double)s->ids[i];
  o[COOP_INTERP_O_X] = x;
  o[COOP_INTERP_O_Y] = y;
  o[COOP_INTERP_O_Z] = z;
  o[COOP_INTERP_O_YAW] = yaw;
  o[COOP_INTERP_O_VX] = vx;
  o[COOP_INTERP_O_VY] = vy;
  o[COOP_INTERP_O_VZ] = vz;
  o[COOP_INTERP_O_EXTRAPOLATED] = ahead_s > 0 ? 1.0 : 0.0;
}

/* Advances the clock and fills ip->out. */
static void sample_now(coop_interp *ip, double local_now_ms) {
  ip->out_count = 0;
  if (!ip->offset_known || ip->len == 0) return;
  const double target = local_now_ms + ip->offset_ms - ip->target_delay_ms;
  if (!is_finite(target)) return;
  if (!ip->playout_known || target - ip->playout_ms > COOP_INTERP_RESYNC_AHEAD_MS) {
    ip->playout_ms = target;
    ip->playout_known = 1;
  } else {
    const double d = local_now_ms - ip->last_local_ms, dt = d > 0 ? d : 0;
    const double err = target - (ip->playout_ms + dt); /* error after a real-time step */
    const double rate = 1 + clamp(err / COOP_INTERP_SLEW_TIME_CONSTANT_MS, -COOP_INTERP_SLEW_MAX_RATE, COOP_INTERP_SLEW_MAX_RATE);
    ip->playout_ms += dt * rate;
  }
  ip->last_local_ms = local_now_ms;
  const double t = ip->playout_ms;
  /* keep one state at or before t */
  while (ip->len > 2 && at(ip, 1)->time_ms <= t) {
    ip->head = (ip->head + 1) % COOP_INTERP_BUFFER_MAX;
    ip->len--;
  }
  const slot *a = at(ip, 0), *b = ip->len > 1 ? at(ip, 1) : NULL;
  if (!b || t >= b->time_ms) {
    const slot *s = b ? b : a;
    const double ahead = clamp(t - s->time_ms, 0, COOP_INTERP_MAX_EXTRAPOLATION_MS) / MS_PER_S;
    for (uint32_t i = 0; i < s->count; i++) emit(ip, s, i, NULL, 0, 0, ahead);
    return;
  }
  if (t <= a->time_ms) {
    for (uint32_t i = 0; i < a->count; i++) emit(ip, a, i, NULL, 0, 0, 0);
    return;
  }
  const double f = (t - a->time_ms) / (b->time_ms - a->time_ms);
  uint32_t ai = 0;
  for (uint32_t i = 0; i < b->count; i++) {
    const uint32_t id = b->ids[i];
    while (ai < a->count && a->ids[ai] < id) ai++;
    if (ai < a->count && a->ids[ai] == id) emit(ip, b, i, a, ai, f, 0);
    else emit(ip, b, i, NULL, 0, 0, 0);
  }
}

/* Sets each emitted entity's velocity to reach its interpolated position at playout time t2
 * (ahead_ms on); left as reported where t2 lies past the newest state or the entity is gone by
 * then. A game that coasts on a state's velocity until the next (CoopProxies.Tick) then draws
 * one continuous path through the paced samples. */
static void path_velocities(coop_interp *ip, double t2, double ahead_ms) {
  uint32_t i = 0;
  while (i + 2 < ip->len && at(ip, i + 1)->time_ms <= t2) i++;
  const slot *a = at(ip, i), *b = ip->len > i + 1 ? at(ip, i + 1) : NULL;
  if (!b || t2 > b->time_ms || t2 < a->time_ms) return;
  const double f = (t2 - a->time_ms) / (b->time_ms - a->time_ms), per_s = MS_PER_S / ahead_ms;
  uint32_t ai = 0, bi = 0;
  for (uint32_t k = 0; k < ip->out_count; k++) {
    double *e = ip->out + (size_t)k * STRIDE;
    const double id = e[COOP_INTERP_O_ID];
    while (bi < b->count && b->ids[bi] < id) bi++;
    if (bi >= b->count || b->ids[bi] != id) continue;
    while (ai < a->count && a->ids[ai] < id) ai++;
    const int32_t *v = b->vals + (size_t)bi * FIELDS;
    double x = dequant_pos(v[F_X]), y = dequant_pos(v[F_Y]), z = dequant_pos(v[F_Z]);
    if (ai < a->count && a->ids[ai] == id) {
      const int32_t *w = a->vals + (size_t)ai * FIELDS;
      x = lerp(dequant_pos(w[F_X]), x, f);
      y = lerp(dequant_pos(w[F_Y]), y, f);
      z = lerp(dequant_pos(w[F_Z]), z, f);
    }
    e[COOP_INTERP_O_VX] = (x - e[COOP_INTERP_O_X]) * per_s;
    e[COOP_INTERP_O_VY] = (y - e[COOP_INTERP_O_Y]) * per_s;
    e[COOP_INTERP_O_VZ] = (z - e[COOP_INTERP_O_Z]) * per_s;
  }
}

COOP_API int32_t coop_interp_last(const coop_interp *ip, double *out, uint32_t cap) {
  if (!ip) return 0;
  if (ip->out_count > 0 && ip->out_count <= cap && out) memcpy(out, ip->out, (size_t)ip->out_count * STRIDE * sizeof *out);
  return (int32_t)ip->out_count;
}

COOP_API int32_t coop_interp_sample(coop_interp *ip, double local_now_ms, double *out, uint32_t cap) {
  if (!ip) return 0;
  if (!is_finite(local_now_ms)) {
    ip->out_count = 0; /* nothing to show at no time; the clock stays */
    return 0;
  }
  sample_now(ip, local_now_ms);
  if (ip->path_ahead_ms > 0 && ip->playout_known && ip->len > 0) path_velocities(ip, ip->playout_ms + ip->path_ahead_ms, ip->path_ahead_ms);
  return coop_interp_last(ip, out, cap);
}
