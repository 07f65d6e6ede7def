/* coop_snapshot.h — the sidecar's native path: the client's snapshot receiver (decoder and the
 * history of decoded states, owned by C memory). The packed format is docs/protocol.md
 * "Snapshot deltas"; its encoder is TypeScript (src/protocol/snapshot-format.ts, on the server),
 * its only decoder is native-shims/sidecar/snapshot_receiver.c. The sidecar calls it through
 * koffi (bridge/snapshot-native.ts); a later native thread may read the states directly.
 *
 * Portable C11, no OS call: the same source builds into libcoopbridge.so and coopbridge.dll.
 * A receiver is not thread-safe: one caller at a time. */
#ifndef COOP_SNAPSHOT_H
#define COOP_SNAPSHOT_H

#include <stddef.h>
#include <stdint.h>
#include "coop_api.h"

#ifdef __cplusplus
extern "C" {
#endif


/* ---- limits (src/protocol/snapshot-format.ts and src/sidecar/snapshot-receiver.ts hold the
 * same values; test/sidecar/snapshot-native.test.ts checks them against this header) ---- */
#define COOP_SNAP_FIELD_COUNT 7         /* quantised int32 fields per entity: x y z yaw vx vy vz */
#define COOP_SNAP_MAX_ENTITIES 8192     /* entities in one decoded snapshot */
#define COOP_SNAP_MAX_PREDICT_MS 60000  /* ms a delta may predict across */
#define COOP_SNAP_YAW_STEPS 65536       /* yaw steps per turn */
#define COOP_SNAP_HISTORY 64            /* decoded snapshots kept as bases (ticks) */
#define COOP_SNAP_MAX_DATA_BYTES 1048576u /* longest payload accepted, bytes (a datagram is far less) */

/* ---- receive() answers: 0, or why the snapshot was dropped. The quoted names are the ones the
 * TypeScript side reports (bridge/snapshot-native.ts SNAPSHOT_REJECTS, checked by a test). ---- */
#define COOP_SNAP_OK 0
#define COOP_SNAP_TRUNCATED 1           /* "truncated" */
#define COOP_SNAP_BAD_VARINT 2          /* "bad-varint" */
#define COOP_SNAP_TOO_MANY 3            /* "too-many" */
#define COOP_SNAP_ID_OVERFLOW 4         /* "id-overflow" */
#define COOP_SNAP_MISSING_BASE_ENTITY 5 /* "missing-base-entity" */
#define COOP_SNAP_DUPLICATE_ID 6        /* "duplicate-id" */
#define COOP_SNAP_BAD_ELAPSED 7         /* "bad-elapsed" */
#define COOP_SNAP_TRAILING_BYTES 8      /* "trailing-bytes" */
#define COOP_SNAP_MISSING_BASE 9        /* "missing-base" */
#define COOP_SNAP_OLD_TICK 10           /* "old-tick" */
#define COOP_SNAP_NO_MEMORY 11          /* "no-memory" */
#define COOP_SNAP_TOO_LONG 12           /* "too-long" */
#define COOP_SNAP_REJECT_LAST 12

typedef struct coop_snap_rx coop_snap_rx;

/* A receiver with an empty history (its memory grows with the snapshots it holds), or NULL when
 * out of memory. */
COOP_API coop_snap_rx *coop_snap_rx_create(void);
COOP_API void coop_snap_rx_destroy(coop_snap_rx *rx);

/* Decodes data[0..len) of snapshot `tick` against the held snapshot `base_tick` (0: a full
 * snapshot) into the history. Never reads outside data[0..len); data may be NULL when len is 0.
 * Ticks are integers ≥ 0 (a negative tick is an old one, a negative base a missing one).
 * Returns COOP_SNAP_OK or a reject code; every reject counts a drop. */
COOP_API int coop_snap_rx_receive(coop_snap_rx *rx, int64_t tick, int64_t base_tick, const uint8_t *data, uint32_t len);

/* The newest tick decoded, or -1. */
COOP_API int64_t coop_snap_rx_newest(const coop_snap_rx *rx);
/* Snapshots rejected so far. */
COOP_API uint32_t coop_snap_rx_drops(const coop_snap_rx *rx);

/* The held state of `tick`: its entity count, and pointers to ids (ascending) and vals
 * (COOP_SNAP_FIELD_COUNT per entity, field order x y z yaw vx vy vz), valid until the next
 * receive or destroy. -1 (pointers untouched) when the tick is not held. */
COOP_API int32_t coop_snap_rx_state(const coop_snap_rx *rx, int64_t tick, const uint32_t **ids, const int32_t **vals);

/* Copies the held state of `tick` into ids[0..cap) and vals[0..cap * FIELD_COUNT) when it has at
 * most cap entities. Returns its count (copied only when ≤ cap), or -1 when not held. */
COOP_API int32_t coop_snap_rx_copy(const coop_snap_rx *rx, int64_t tick, uint32_t *ids, int32_t *vals, uint32_t cap);

#ifdef __cplusplus
}
#endif

#endif
