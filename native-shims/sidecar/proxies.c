/* proxies.c — the game's proxies (coop_proxies.h; docs/sidecar.md "The native path: the game's
 * proxies"): what sidecar.ts and entity-batch.ts keep (known entities, spawned proxies, the last
 * state each got) in C memory, and the SpawnProxy / DespawnProxy / RemoteEntityStates frames they
 * write through the bridge, byte for byte the same.
 *
 * Entities live in a pool (stable indices) found through an open-addressing table keyed by the
 * u32 id; the spawned ones are also on a list in spawn order (forget_all despawns in that order,
 * as sidecar.ts walks its Set). Each entity keeps the doubles it last sent (the TypeScript
 * compares those), so "changed" is the same test; the floats are made when a frame is encoded,
 * as the codec's setFloat32 does. A frame's changed entities are a list of pool indices, encoded
 * from the entity when the chunk is written (an id sampled twice in one frame is written with its
 * last values both times, as the TypeScript's shared state object is).
 *
 * Encoders (proxy_frames.c, with the ring write and the spawn/despawn queue): the three frames'
 * layouts are the manifest's (bridge/hooks.manifest.json): the fixed-size parts are coop_hooks.h's
 * generated packed structs (coop_entity_state, coop_vec3, coop_quat); the u32 counts of the
 * string and the array are written there (the test decodes the bytes with the TypeScript
 * generated codec, so a manifest change fails it).
 *
 * Memory grows with the entities known (doubled on demand, grow.h) and is kept when they leave:
 * once every entity has been seen, a frame allocates nothing (the spawn/despawn queue grows only
 * while the ring is full). */
#include "coop_proxies.h"
#include "coop_hooks.h"
#include "grow.h"
#include "proxy_frames.h"
#include "utf8.h"

#include <stdlib.h>
#include <string.h>

#define STRIDE COOP_INTERP_OUT_STRIDE
#define NONE UINT32_MAX
#define TABLE_MIN_SLOTS 64u /* hash slots at first (a power of two; kept at most half full) */
#define U32_LIMIT 4294967296.0 /* 2^32: sampled ids are integers below it */

struct coop_proxies {
  entity *pool;
  uint32_t pool_cap, pool_used; /* pool[0 .. pool_used) handed out at least once */
  uint32_t free_head;           /* unused entities, linked by next */
  uint32_t *table;              /* pool index per slot, NONE when empty; table_cap a power of two */
  uint32_t table_cap, count;
  uint32_t spawned_head, spawned_tail, spawned_count;
  uint32_t *changed; /* this frame's changed entities (pool indices) */
  uint32_t changed_cap;
  uint8_t *buf; /* one frame being encoded */
  uint32_t buf_cap;
  proxy_queue queue; /* spawns/despawns waiting for ring space */
};

/* ---- the table: linear probing, deletion by backward shift (no tombstones) ---- */

static uint32_t hash_slot(uint32_t id, uint32_t cap) { return (uint32_t)(id * 2654435761u) & (cap - 1u); }

static uint32_t find_slot(const coop_proxies *p, uint32_t id) {
  if (!p->table_cap) return NONE;
  uint32_t mask = p->table_cap - 1u;
  for (uint32_t s = hash_slot(id, p->table_cap);; s = (s + 1u) & mask) {
    uint32_t e = p->table[s];
    if (e == NONE) return NONE;
    if (p->pool[e].id == id) return s;
  }
}

static void table_put(uint32_t *table, uint32_t cap, const entity *pool, uint32_t e) {
  uint32_t s = hash_slot(pool[e].id, cap);
  while (table[s] != NONE) s = (s + 1u) & (cap - 1u);
  table[s] = e;
}

/* Room in the table for one more entity (at most half full); 0 when out of memory. */
static int table_reserve(coop_proxies *p) {
  if ((p->count + 1u) * 2u <= p->table_cap) return 1;
  uint32_t cap = p->table_cap ? p->table_cap * 2u : TABLE_MIN_SLOTS;
  if (cap == 0 || cap > UINT32_MAX / 2u) return 0;
  uint32_t *t = (uint32_t *)malloc((size_t)cap * sizeof *t);
  if (!t) return 0;
  memset(t, 0xFF, (size_t)cap * sizeof *t); /* NONE */
  for (uint32_t s = 0; s < p->table_cap; s++)
    if (p->table[s] != NONE) table_put(t, cap, p->pool, p->table[s]);
  free(p->table);
  p->table = t;
  p->table_cap = cap;
  return 1;
}

static void table_remove(coop_proxies *p, uint32_t s) {
  uint32_t mask = p->table_cap - 1u;
  for (uint32_t n = (s + 1u) & mask; p->table[n] != NONE; n = (n + 1u) & mask) {
    uint32_t home = hash_slot(p->pool[p->table[n]].id, p->table_cap);
    /* the entry at n may move to s when its home is not in (s, n] (cyclically) */
    if (((n - home) & mask) >= ((n - s) & mask)) {
      p->table[s] = p->table[n];
      s = n;
    }
  }
  p->table[s] = NONE;
  p->count--;
}

/* ---- the spawned list ---- */

static void spawned_push(coop_proxies *p, uint32_t e) {
  entity *en = &p->pool[e];
  en->spawned = 1;
  en->prev = p->spawned_tail;
  en->next = NONE;
  if (p->spawned_tail != NONE) p->pool[p->spawned_tail].next = e;
  else p->spawned_head = e;
  p->spawned_tail = e;
  p->spawned_count++;
}

static void spawned_unlink(coop_proxies *p, uint32_t e) {
  entity *en = &p->pool[e];
  if (en->prev != NONE) p->pool[en->prev].next = en->next;
  else p->spawned_head = en->next;
  if (en->next != NONE) p->pool[en->next].prev = en->prev;
  else p->spawned_tail = en->prev;
  en->spawned = 0;
  p->spawned_count--;
}

/* ---- frames: the buffer one is encoded into (the encoders and the queue: proxy_frames.c) ---- */

static int reserve_buf(coop_proxies *p, uint32_t n) { return coop_grow((void **)&p->buf, &p->buf_cap, n, 1); }

/* ---- life ---- */

COOP_API coop_proxies *coop_proxies_create(void) {
  coop_proxies *p = (coop_proxies *)calloc(1, sizeof *p);
  if (!p) return NULL;
  p->free_head = p->spawned_head = p->spawned_tail = NONE;
  return p;
}

static void free_names(coop_proxies *p) {
  for (uint32_t s = 0; s < p->table_cap; s++) {
    uint32_t e = p->table[s];
    if (e == NONE) continue;
    free(p->pool[e].name);
    p->pool[e].name = NULL;
  }
}

COOP_API void coop_proxies_destroy(coop_proxies *p) {
  if (!p) return;
  free_names(p);
  free(p->pool);
  free(p->table);
  free(p->changed);
  free(p->buf);
  free(p->queue.buf);
  free(p);
}

COOP_API int coop_proxies_known(coop_proxies *p, uint32_t id, uint8_t kind, const uint8_t *name, uint32_t name_len) {
  if (!p || (name_len > 0 && !name)) return COOP_PROXIES_ERR_ARGS;
  if (find_slot(p, id) != NONE) return COOP_PROXIES_OK; /* known again: ignored, whatever its name */
  if (name_len > COOP_PROXIES_NAME_MAX_BYTES) return COOP_PROXIES_ERR_TOO_LONG;
  if (!valid_utf8(name, name_len)) return COOP_PROXIES_ERR_BAD_NAME;
  uint8_t *copy = NULL;
  if (name_len > 0) {
    copy = (uint8_t *)malloc(name_len);
    if (!copy) return COOP_PROXIES_ERR_NO_MEMORY;
    memcpy(copy, name, name_len);
  }
  int room = table_reserve(p);
  if (room && p->free_head == NONE) room = coop_grow((void **)&p->pool, &p->pool_cap, p->pool_used + 1u, sizeof *p->pool);
  if (!room) {
    free(copy);
    return COOP_PROXIES_ERR_NO_MEMORY;
  }
  uint32_t e = p->free_head;
  if (e == NONE) e = p->pool_used++;
  else p->free_head = p->pool[e].next;
  entity *en = &p->pool[e];
  memset(en, 0, sizeof *en);
  en->id = id;
  en->kind = kind;
  en->name = copy;
  en->name_len = name_len;
  en->prev = en->next = NONE;
  table_put(p->table, p->table_cap, p->pool, e);
  p->count++;
  return COOP_PROXIES_OK;
}

/* Back to the free list (its name freed); the caller took it off the table and the spawned list. */
static void release(coop_proxies *p, uint32_t e) {
  entity *en = &p->pool[e];
  free(en->name);
  en->name = NULL;
  en->next = p->free_head;
  p->free_head = e;
}

COOP_API int coop_proxies_forget(coop_proxies *p, coop_region *game, uint32_t id) {
  if (!p) return COOP_PROXIES_ERR_ARGS;
  int rc = proxy_flush_queue(&p->queue, game);
  uint32_t s = find_slot(p, id);
  if (s == NONE) return rc;
  uint32_t e = p->table[s];
  if (p->pool[e].spawned) {
    spawned_unlink(p, e);
    int d = proxy_send_despawn(&p->queue, game, id);
    if (d != COOP_PROXIES_OK) rc = d;
  }
  table_remove(p, s);
  release(p, e);
  return rc;
}

COOP_API void coop_proxies_forget_all(coop_proxies *p, coop_region *game) {
  if (!p) return;
  (void)proxy_flush_queue(&p->queue, game);
  for (uint32_t e = p->spawned_head; e != NONE; e = p->pool[e].next) (void)proxy_send_despawn(&p->queue, game, p->pool[e].id);
  free_names(p);
  if (p->table) memset(p->table, 0xFF, (size_t)p->table_cap * sizeof *p->table);
  p->count = 0;
  p->pool_used = 0;
  p->free_head = p->spawned_head = p->spawned_tail = NONE;
  p->spawned_count = 0;
}

COOP_API uint32_t coop_proxies_spawned_count(const coop_proxies *p) { return p ? p->spawned_count : 0; }

COOP_API int32_t coop_proxies_flush(coop_proxies *p, coop_region *game) {
  if (!p) return COOP_PROXIES_ERR_ARGS;
  int rc = proxy_flush_queue(&p->queue, game);
  return rc != COOP_PROXIES_OK ? rc : (int32_t)p->queue.frames;
}

/* ---- one frame ---- */

/* entity-batch.ts add(): the sample differs from what the game last got (NaN never equals). */
static int differs(const entity *en, const double *r) {
  return !(en->sent && en->x == r[COOP_INTERP_O_X] && en->y == r[COOP_INTERP_O_Y] && en->z == r[COOP_INTERP_O_Z] &&
           en->vx == r[COOP_INTERP_O_VX] && en->vy == r[COOP_INTERP_O_VY] && en->vz == r[COOP_INTERP_O_VZ] &&
           en->yaw == r[COOP_INTERP_O_YAW]);
}

COOP_API int32_t coop_proxies_frame(coop_proxies *p, coop_region *game, uint32_t tick_us, const double *sampled, int32_t count) {
  if (!p || count < 0 || (count > 0 && !sampled)) return COOP_PROXIES_ERR_ARGS;
  int rc = proxy_flush_queue(&p->queue, game);
  if (!coop_grow((void **)&p->changed, &p->changed_cap, (uint32_t)count, sizeof *p->changed)) return COOP_PROXIES_ERR_NO_MEMORY;
  if (!reserve_buf(p, STATES_MAX_BYTES)) return COOP_PROXIES_ERR_NO_MEMORY;
  uint32_t n = 0;
  for (int32_t i = 0; i < count; i++) {
    const double *r = sampled + (size_t)i * STRIDE;
    double idd = r[COOP_INTERP_O_ID];
    if (!(idd >= 0 && idd < U32_LIMIT)) continue; /* not a u32 (NaN included): never known */
    uint32_t id = (uint32_t)idd;
    if ((double)id != idd) continue;
    uint32_t s = find_slot(p, id);
    if (s == NONE) continue;
    uint32_t e = p->table[s];
    entity *en = &p->pool[e];
    if (differs(en, r)) {
      en->x = r[COOP_INTERP_O_X];
      en->y = r[COOP_INTERP_O_Y];
      en->z = r[COOP_INTERP_O_Z];
      en->yaw = r[COOP_INTERP_O_YAW];
      en->vx = r[COOP_INTERP_O_VX];
      en->vy = r[COOP_INTERP_O_VY];
      en->vz = r[COOP_INTERP_O_VZ];
      en->sent = 1;
      p->changed[n++] = e;
    }
    if (!en->spawned) {
      spawned_push(p, e);
      uint32_t need = SPAWN_FIXED_BYTES + en->name_len;
      int w = reserve_buf(p, need) ? proxy_send_or_queue(&p->queue, game, COOP_MSG_SPAWN_PROXY, p->buf, proxy_encode_spawn(p->buf, en))
                                   : COOP_PROXIES_ERR_NO_MEMORY;
      if (w != COOP_PROXIES_OK) rc = w;
    }
  }
  int32_t written = 0;
  for (uint32_t at = 0; at < n; at += COOP_PROXIES_STATES_MAX_PER_FRAME) {
    uint32_t k = n - at < COOP_PROXIES_STATES_MAX_PER_FRAME ? n - at : COOP_PROXIES_STATES_MAX_PER_FRAME;
    int w = 1; /* not taken while spawns/despawns wait (bridge trySend) */
    if (p->queue.head == p->queue.len)
      w = proxy_ring_write(game, COOP_MSG_REMOTE_ENTITY_STATES, p->buf, proxy_encode_states(p->buf, tick_us, p->pool, p->changed + at, k));
    if (w == 0) {
      written += (int32_t)k;
      continue;
    }
    if (w != 1) rc = COOP_PROXIES_ERR_DROPPED;
    /* Not taken: these go again next frame even if they stop moving. */
    for (uint32_t j = 0; j < k; j++) p->pool[p->changed[at + j]].sent = 0;
  }
  return rc != COOP_PROXIES_OK ? rc : written;
}
