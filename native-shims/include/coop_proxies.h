/* coop_proxies.h — the sidecar's native path, third piece: the game's proxies. What the game was
 * told of the remote entities (known ones with their bridge kind and template, the proxies
 * spawned, the last state each got), and the three frames that tell it more, written into the
 * sidecar -> game ring: SpawnProxy on an entity's first sighting, RemoteEntityStates with the
 * states that changed since the game last got them (in chunks of COOP_PROXIES_STATES_MAX_PER_FRAME),
 * DespawnProxy when an entity leaves. The one implementation: native-shims/sidecar/proxies.c; it
 * does what src/sidecar/sidecar.ts (Sidecar.frame, despawned, forgetAll) and entity-batch.ts do
 * over the bridge (bridge-adapter.ts), byte for byte (test/sidecar/proxies-native.test.ts).
 *
 * As the bridge does, SpawnProxy and DespawnProxy are never lost: when the ring is full they wait
 * in C memory (at most COOP_PROXIES_PENDING_MAX_BYTES of payload, as bridge/constants.ts
 * BRIDGE_OUT_QUEUE_MAX_BYTES) and go, in order, at the start of the next call that takes the
 * region (frame, forget, forget_all, flush: where the bridge's outbox retries on a 1 ms timer); while
 * any wait, no RemoteEntityStates frame is written. A states chunk the ring did not take is
 * forgotten, so those entities go again next frame even if they stop moving.
 *
 * The region must be held in the sidecar role (frames go to this role's outbound ring, ring 1).
 * Portable C11; not thread-safe: one caller at a time. */
#ifndef COOP_PROXIES_H
#define COOP_PROXIES_H

#include <stdint.h>
#include "coop_api.h"
#include "coop_interp.h"
#include "coop_shim.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- limits (src/sidecar/entity-batch.ts and bridge/constants.ts hold the same values; the
 * test checks them against this header) ---- */
#define COOP_PROXIES_STATES_MAX_PER_FRAME 1024          /* states in one RemoteEntityStates frame (ENTITY_STATES_MAX_PER_FRAME) */
#define COOP_PROXIES_NAME_MAX_BYTES 1024u               /* longest template name, UTF-8 bytes */
#define COOP_PROXIES_PENDING_MAX_BYTES (16u * 1024u * 1024u) /* payload bytes of spawns/despawns waiting for ring space */
/* Bridge kinds (SpawnProxy.kind). */
#define COOP_PROXIES_KIND_AVATAR 0
#define COOP_PROXIES_KIND_NPC 1
#define COOP_PROXIES_KIND_VEHICLE 2

/* ---- answers: 0 or a negative code ---- */
#define COOP_PROXIES_OK 0
#define COOP_PROXIES_ERR_ARGS (-1)      /* NULL handle, negative count, rows without an array */
#define COOP_PROXIES_ERR_TOO_LONG (-2)  /* name longer than COOP_PROXIES_NAME_MAX_BYTES */
#define COOP_PROXIES_ERR_BAD_NAME (-3)  /* name not valid UTF-8 (the game's decoder would refuse the frame) */
#define COOP_PROXIES_ERR_NO_MEMORY (-4) /* nothing changed (known); a spawn/despawn lost (frame, forget) */
#define COOP_PROXIES_ERR_DROPPED (-5)   /* a spawn/despawn lost: the queue was over its bound, or the ring
                                         * refused the frame (larger than coop_max_payload, region not open) */

typedef struct coop_proxies coop_proxies;

/* Nothing known, or NULL when out of memory. */
COOP_API coop_proxies *coop_proxies_create(void);
/* Frees everything (waiting spawns/despawns included: nothing is written). */
COOP_API void coop_proxies_destroy(coop_proxies *p);
/* InterestAdd: entity id is known with its bridge kind (COOP_PROXIES_KIND_*, written as given;
 * the caller maps the protocol's EntityKind as sidecar.ts BRIDGE_KIND does: unknown kinds are
 * NPCs) and template name (UTF-8 bytes, len; name may be NULL when len is 0; copied). Returns
 * COOP_PROXIES_OK or a negative code (then not known). Known again: ignored (COOP_PROXIES_OK,
 * the name not even checked), as CoopClient does. */
COOP_API int coop_proxies_known(coop_proxies *p, uint32_t id, uint8_t kind, const uint8_t *name, uint32_t name_len);
/* InterestRemove: forgets it; writes DespawnProxy to `game` when it was spawned. Not known:
 * nothing more (COOP_PROXIES_OK) than any call taking `game` does: write what waits. */
COOP_API int coop_proxies_forget(coop_proxies *p, coop_region *game, uint32_t id);
/* The server session is gone: every spawned proxy despawned (in the order they were spawned, as
 * sidecar.ts walks its Set), everything forgotten. */
COOP_API void coop_proxies_forget_all(coop_proxies *p, coop_region *game);
/* One render frame (tick_us: sidecar.ts sampleTickUs(now), the sample clock in µs mod 2^32):
 * `sampled` is coop_interp_sample's output (count rows of COOP_INTERP_OUT_STRIDE
 * doubles, coop_interp.h); entities not known (or ids that are not a u32) are skipped; known ones
 * not yet spawned are spawned first; the changed ones go as RemoteEntityStates frames with
 * tick_us. Returns how many states were written (into the ring), or a negative code (after doing
 * all it could). */
COOP_API int32_t coop_proxies_frame(coop_proxies *p, coop_region *game, uint32_t tick_us, const double *sampled, int32_t count);
/* Proxies spawned (SpawnProxy written or waiting) and not despawned. */
COOP_API uint32_t coop_proxies_spawned_count(const coop_proxies *p);
/* Writes the spawns and despawns that wait for ring space (what every call taking `game` does
 * first; the bridge's outbox retries on its own 1 ms timer): for a caller with no frame to show
 * (the game paused, the session gone) that must not leave them waiting. Returns how many frames
 * still wait (0: none), or a negative code (some dropped). Not in the brief's API: added because
 * nothing else would write them without a frame. */
COOP_API int32_t coop_proxies_flush(coop_proxies *p, coop_region *game);

#ifdef __cplusplus
}
#endif

#endif
