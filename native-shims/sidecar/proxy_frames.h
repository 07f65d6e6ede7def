/* proxy_frames.h — the frames of the game's proxies in C (proxies.c), in proxy_frames.c: the
 * SpawnProxy / DespawnProxy / RemoteEntityStates encoders (the manifest's layouts), the one write
 * into the game's ring, and the queue of spawns/despawns waiting for ring space. Also the known
 * entity the encoders read. Internal to the proxies. */
#ifndef COOP_SIDECAR_PROXY_FRAMES_H
#define COOP_SIDECAR_PROXY_FRAMES_H

#include <stdint.h>

#include "coop_hooks.h"
#include "coop_proxies.h"

/* SpawnProxy: entityId u32, kind u8, template string (u32 count + bytes), pos Vec3, rot Quat. */
#define SPAWN_FIXED_BYTES (4u + 1u + 4u + (uint32_t)sizeof(coop_vec3) + (uint32_t)sizeof(coop_quat))
/* RemoteEntityStates: tick u32, states EntityState[] (u32 count + items). */
#define STATES_HEAD_BYTES (4u + 4u)
#define STATES_MAX_BYTES (STATES_HEAD_BYTES + COOP_PROXIES_STATES_MAX_PER_FRAME * (uint32_t)sizeof(coop_entity_state))
/* A queued frame: u16 type, u32 payload length, then the payload. */
#define QUEUED_HEAD_BYTES 6u

/* A known entity (proxies.c's pool); the encoders read it. */
typedef struct {
  uint32_t id;
  uint8_t kind;
  uint8_t spawned;
  uint8_t sent;      /* x .. vz hold what the game last got (entity-batch.ts #last has it) */
  uint32_t name_len;
  uint8_t *name;     /* NULL when name_len is 0 */
  uint32_t prev, next; /* the spawned list (spawn order), NONE at its ends; next: free list when unused */
  double x, y, z, yaw, vx, vy, vz;
} entity;

/* Spawns/despawns waiting for ring space: buf[head .. len), each a queued frame. */
typedef struct {
  uint8_t *buf;
  uint32_t cap, head, len, payload_bytes, frames;
} proxy_queue;

/* SpawnProxy of en into b (SPAWN_FIXED_BYTES + en->name_len bytes); returns its length. */
uint32_t proxy_encode_spawn(uint8_t *b, const entity *en);
/* RemoteEntityStates of the n entities pool[list[i]] into b (STATES_MAX_BYTES); returns its length. */
uint32_t proxy_encode_states(uint8_t *b, uint32_t tick_us, const entity *pool, const uint32_t *list, uint32_t n);
/* 0 written, 1 the ring is full, -1 never (too large, region not open). */
int proxy_ring_write(coop_region *game, uint16_t type, const uint8_t *payload, uint32_t len);
/* Writes what waits while the ring takes it: COOP_PROXIES_OK, or _ERR_DROPPED. */
int proxy_flush_queue(proxy_queue *q, coop_region *game);
/* A frame that must not be lost (bridge.send): written, else queued. */
int proxy_send_or_queue(proxy_queue *q, coop_region *game, uint16_t type, const uint8_t *payload, uint32_t len);
int proxy_send_despawn(proxy_queue *q, coop_region *game, uint32_t id);

#endif
