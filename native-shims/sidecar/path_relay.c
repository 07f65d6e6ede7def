/* The native path's relay (path_relay.h). */
#include <stdlib.h>

#include "internal.h"
#include "path_relay.h"

int path_relay_init(path_relay *r, coop_region *from, coop_region *to) {
  r->from = from;
  r->to = to;
  r->cap = coop_max_payload(from);
  r->buf = malloc(r->cap ? r->cap : 1); /* pages touched only by the frames that need them */
  r->holding = 0;
  return r->buf ? 0 : -1;
}

void path_relay_free(path_relay *r) {
  free(r->buf);
  r->buf = NULL;
}

int path_relay_flush(path_relay *r) {
  if (!r->holding) return 0;
  int rc = coop_write_frame(r->to, r->held_type, r->buf, r->held_len);
  if (rc == 1) return 1;
  r->holding = 0; /* written, or one the other ring can never take (-1): gone either way */
  return 0;
}

int path_relay_read(path_relay *r, uint16_t *type, uint32_t *len) {
  if (r->holding) return 0;
  return coop_read_frame(r->from, type, r->buf, r->cap, len);
}

int path_relay_pass(path_relay *r, uint16_t type, uint32_t len) {
  r->held_type = type;
  r->held_len = len;
  r->holding = 1;
  return path_relay_flush(r);
}

static uint32_t load(const coop_region *r, uint32_t off) { return atomic_load(coop_word(r, off)); }
static void store(coop_region *r, uint32_t off, uint32_t v) {
  if (atomic_load(coop_word(r, off)) != v) atomic_store(coop_word(r, off), v);
}

void path_relay_beats(coop_region *game, coop_region *relay) {
  store(relay, COOP_OFF_PID_GAME, load(game, COOP_OFF_PID_GAME));
  store(relay, COOP_OFF_BEAT_GAME, load(game, COOP_OFF_BEAT_GAME));
  store(game, COOP_OFF_BEAT_SIDECAR, load(relay, COOP_OFF_BEAT_SIDECAR));
}

void path_relay_release_pid(coop_region *relay) { atomic_store(coop_word(relay, COOP_OFF_PID_GAME), 0); }

int path_arm_wait(coop_region *r, uint32_t how) {
  uint32_t ctrl = coop_ring_ctrl(r->role == COOP_ROLE_GAME ? 1 : 0);
  _Atomic uint32_t *waiting = coop_word(r, ctrl + COOP_CTRL_READER_WAITING);
  atomic_store(waiting, how);
  /* seq_cst store then load, as the writer's publish then load (frames.c): no lost wake */
  uint32_t w = atomic_load(coop_word(r, ctrl + COOP_CTRL_WRITE_IDX));
  uint32_t rd = atomic_load(coop_word(r, ctrl + COOP_CTRL_READ_IDX));
  if (w == rd) return 0;
  atomic_store(waiting, COOP_READER_NOT_WAITING);
  return 1;
}
