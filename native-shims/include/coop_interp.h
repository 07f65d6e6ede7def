/* coop_interp.h — the sidecar's native path, second piece: the snapshot interpolator (IMT-4),
 * owned by C memory. Entities are shown a delay in the past, interpolated between the two held
 * states around the playout time; the playout clock slews towards its target delay (never jumps
 * back, never stops), resyncs after a long stall, and learns the server's clock offset from the
 * fastest arrival. When states stop, entities are extrapolated along their velocity for a
 * bounded time, then held. The one implementation: native-shims/sidecar/interpolator.c; the
 * sidecar drives it through koffi (src/sidecar/interp-native.ts, src/sidecar/interpolator.ts).
 *
 * States come straight from a snapshot receiver by tick (coop_interp_push_rx: no copy through
 * JavaScript) or from caller arrays (coop_interp_push). Times are doubles in ms, as the
 * TypeScript it replaced computed them (same results). Portable C11, no OS call; not
 * thread-safe: one caller at a time. */
#ifndef COOP_INTERP_H
#define COOP_INTERP_H

#include "coop_snapshot.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- limits and tuning (src/sidecar/interp-native.ts holds the same values; a test checks
 * them against this header) ---- */
#define COOP_INTERP_SLEW_MAX_RATE 0.1          /* playout runs at 0.9x .. 1.1x real time while catching up */
#define COOP_INTERP_SLEW_TIME_CONSTANT_MS 500  /* ms: error / this = rate offset, clamped to ±SLEW_MAX_RATE */
#define COOP_INTERP_MAX_EXTRAPOLATION_MS 200   /* ms past the newest state an entity is carried on */
#define COOP_INTERP_RESYNC_AHEAD_MS 1000       /* ms: a playout further behind (long stall) jumps forward */
#define COOP_INTERP_OFFSET_SMOOTHING 0.05      /* share of a slower arrival's offset taken per state */
#define COOP_INTERP_BUFFER_MAX 64              /* states held (snapshots); the oldest goes first */
#define COOP_INTERP_MAX_ENTITIES COOP_SNAP_MAX_ENTITIES /* entities in one pushed state */

/* ---- sample() output: COOP_INTERP_OUT_STRIDE doubles per entity, in this order ---- */
#define COOP_INTERP_OUT_STRIDE 9
#define COOP_INTERP_O_ID 0           /* entity id (an integer < 2^32: exact in a double) */
#define COOP_INTERP_O_X 1            /* position, m */
#define COOP_INTERP_O_Y 2
#define COOP_INTERP_O_Z 3
#define COOP_INTERP_O_YAW 4          /* rad, in [-π, π] */
#define COOP_INTERP_O_VX 5           /* velocity, m/s (path velocities when path-ahead is on) */
#define COOP_INTERP_O_VY 6
#define COOP_INTERP_O_VZ 7
#define COOP_INTERP_O_EXTRAPOLATED 8 /* 1: carried past the newest state, 0: interpolated or held */

/* ---- push() answers ---- */
#define COOP_INTERP_STORED 0    /* buffered */
#define COOP_INTERP_LATE 1      /* not newer than the newest held: only its arrival was learned */
#define COOP_INTERP_BAD_TIME 2  /* server time not finite: ignored */
#define COOP_INTERP_NOT_HELD 3  /* push_rx: the receiver holds no such tick (or no receiver) */
#define COOP_INTERP_TOO_MANY 4  /* more than COOP_INTERP_MAX_ENTITIES, or entities without arrays */
#define COOP_INTERP_NO_MEMORY 5 /* state not stored */

typedef struct coop_interp coop_interp;

/* An interpolator with nothing held, converging to target_delay_ms (a non-finite or negative
 * delay is taken as 0), or NULL when out of memory. */
COOP_API coop_interp *coop_interp_create(double target_delay_ms);
COOP_API void coop_interp_destroy(coop_interp *ip);

/* The delay the playout clock converges to (ms); non-finite or negative: ignored. */
COOP_API void coop_interp_set_delay(coop_interp *ip, double target_delay_ms);
COOP_API double coop_interp_delay(const coop_interp *ip);
/* Path velocities (the paced mode): each sample's velocities become those that carry every
 * entity to where the interpolated path puts it ahead_ms of playout later; left as reported where
 * that lies past the newest state or the entity is gone by then. ahead_ms ≤ 0 or not finite: off
 * (the reported velocities). */
COOP_API void coop_interp_set_path_ahead(coop_interp *ip, double ahead_ms);
/* The delay in effect at the last sample (estimated server now − playout), ms; the target while
 * the clock is unknown. */
COOP_API double coop_interp_current_delay(const coop_interp *ip);
/* The playout time of the last sample (server ms), NaN before the first. */
COOP_API double coop_interp_playout(const coop_interp *ip);
/* States held. */
COOP_API uint32_t coop_interp_held(const coop_interp *ip);

/* Adds a state stamped with the server's time, received at local_now_ms: count entities, ids
 * ascending (others are shown, just not interpolated), vals COOP_SNAP_FIELD_COUNT quantised
 * int32 per entity (x y z yaw vx vy vz). arrival_known 0: it waited before it was read, so
 * local_now_ms teaches the clock offset nothing (nor does a non-finite one). The arrays are
 * copied. Returns a COOP_INTERP_* answer. */
COOP_API int coop_interp_push(coop_interp *ip, double server_time_ms, const uint32_t *ids, const int32_t *vals, uint32_t count,
                              double local_now_ms, int arrival_known);
/* The same with the state `tick` held by rx (copied from C memory to C memory). */
COOP_API int coop_interp_push_rx(coop_interp *ip, double server_time_ms, const coop_snap_rx *rx, int64_t tick, double local_now_ms,
                                 int arrival_known);

/* Advances the playout clock to local_now_ms and computes the entities to show. Returns their
 * count, written to out[0 .. count × COOP_INTERP_OUT_STRIDE) only when count ≤ cap (else
 * coop_interp_last reads them into a larger buffer). A non-finite now: 0 entities, the clock
 * unchanged. */
COOP_API int32_t coop_interp_sample(coop_interp *ip, double local_now_ms, double *out, uint32_t cap);
/* The last sample's entities again (the clock not moved): count, written when ≤ cap. */
COOP_API int32_t coop_interp_last(const coop_interp *ip, double *out, uint32_t cap);

#ifdef __cplusplus
}
#endif

#endif
