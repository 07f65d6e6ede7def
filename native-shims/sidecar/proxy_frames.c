/* proxy_frames.c — the frames of the game's proxies (proxy_frames.h; proxies.c keeps the
 * entities): encoders (the manifest's layouts, byte for byte the TypeScript's), the ring write
 * and the spawn/despawn queue. */
#include "proxy_frames.h"
#include "grow.h"

#include <math.h>
#include <string.h>

/* ---- frames: encoders (the manifest's layouts) and the queue ---- */

static void put_u32(uint8_t *at, uint32_t v) { memcpy(at, &v, 4); } /* little-endian hosts */

/* setFloat32(v): round to nearest, as a C conversion does. */
static coop_vec3 vec3(double x, double y, double z) {
  coop_vec3 v = {(float)x, (float)y, (float)z};
  return v;
}
/* entity-batch.ts quatFromYawInto: a rotation about z. */
static coop_quat quat_from_yaw(double yaw) {
  coop_quat q = {0.0f, 0.0f, (float)sin(yaw / 2), (float)cos(yaw / 2)};
  return q;
}

uint32_t proxy_encode_spawn(uint8_t *b, const entity *en) {
  coop_vec3 pos = vec3(en->x, en->y, en->z);
  coop_quat rot = quat_from_yaw(en->yaw);
  uint32_t at = 0;
  put_u32(b + at, en->id), at += 4;
  b[at++] = en->kind;
  put_u32(b + at, en->name_len), at += 4;
  if (en->name_len) memcpy(b + at, en->name, en->name_len), at += en->name_len;
  memcpy(b + at, &pos, sizeof pos), at += (uint32_t)sizeof pos;
  memcpy(b + at, &rot, sizeof rot), at += (uint32_t)sizeof rot;
  return at;
}

uint32_t proxy_encode_states(uint8_t *b, uint32_t tick_us, const entity *pool, const uint32_t *list, uint32_t n) {
  put_u32(b, tick_us);
  put_u32(b + 4, n);
  uint32_t at = STATES_HEAD_BYTES;
  for (uint32_t i = 0; i < n; i++, at += (uint32_t)sizeof(coop_entity_state)) {
    const entity *en = &pool[list[i]];
    coop_entity_state s;
    s.entity_id = en->id;
    s.pos = vec3(en->x, en->y, en->z);
    s.rot = quat_from_yaw(en->yaw);
    s.vel = vec3(en->vx, en->vy, en->vz);
    memcpy(b + at, &s, sizeof s);
  }
  return at;
}

/* The one place a frame goes into the game's ring (this role's outbound ring): 0 written, 1 the
 * ring is full, -1 never (larger than coop_max_payload, region not open). */
int proxy_ring_write(coop_region *game, uint16_t type, const uint8_t *payload, uint32_t len) {
  return coop_write_frame(game, type, payload, len);
}

/* Writes what waits, in order, while the ring takes it. A frame the ring can never take (too
 * large, region not open) is dropped; returns COOP_PROXIES_ERR_DROPPED then, else OK. */
int proxy_flush_queue(proxy_queue *q, coop_region *game) {
  int rc = COOP_PROXIES_OK;
  while (q->head < q->len) {
    const uint8_t *f = q->buf + q->head;
    uint16_t type;
    uint32_t len;
    memcpy(&type, f, 2);
    memcpy(&len, f + 2, 4);
    int w = proxy_ring_write(game, type, f + QUEUED_HEAD_BYTES, len);
    if (w == 1) break;
    if (w != 0) rc = COOP_PROXIES_ERR_DROPPED;
    q->head += QUEUED_HEAD_BYTES + len;
    q->payload_bytes -= len;
    q->frames--;
  }
  if (q->head == q->len) q->head = q->len = 0;
  return rc;
}

/* A frame that must not be lost (bridge.send): into the ring when nothing waits and it has room,
 * else queued (bounded, as the bridge's outbox). */
int proxy_send_or_queue(proxy_queue *q, coop_region *game, uint16_t type, const uint8_t *payload, uint32_t len) {
  if (q->head == q->len) {
    int w = proxy_ring_write(game, type, payload, len);
    if (w == 0) return COOP_PROXIES_OK;
    if (w != 1) return COOP_PROXIES_ERR_DROPPED; /* the bridge throws FRAME_TOO_LARGE */
  }
  if (q->payload_bytes + (uint64_t)len > COOP_PROXIES_PENDING_MAX_BYTES) return COOP_PROXIES_ERR_DROPPED;
  if (q->head > 0) { /* the front was written: move what waits to the start */
    memmove(q->buf, q->buf + q->head, q->len - q->head);
    q->len -= q->head;
    q->head = 0;
  }
  uint32_t need = q->len + QUEUED_HEAD_BYTES + len;
  if (!coop_grow((void **)&q->buf, &q->cap, need, 1)) return COOP_PROXIES_ERR_NO_MEMORY;
  uint8_t *at = q->buf + q->len;
  memcpy(at, &type, 2);
  memcpy(at + 2, &len, 4);
  if (len) memcpy(at + QUEUED_HEAD_BYTES, payload, len);
  q->len = need;
  q->payload_bytes += len;
  q->frames++;
  return COOP_PROXIES_OK;
}

int proxy_send_despawn(proxy_queue *q, coop_region *game, uint32_t id) {
  coop_msg_despawn_proxy m = {id};
  return proxy_send_or_queue(q, game, COOP_MSG_DESPAWN_PROXY, (const uint8_t *)&m, COOP_MSG_DESPAWN_PROXY_BYTES);
}
