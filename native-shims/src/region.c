/* Region lifecycle, portable part: name check, header init and validation, role claim, close. */
#include <stdlib.h>
#include <string.h>
#include <stdio.h>

#include "internal.h"

static int valid_session(const char *s) {
  size_t n = s ? strlen(s) : 0;
  if (n == 0 || n > COOP_NAME_MAX_CHARS) return 0;
  for (size_t i = 0; i < n; i++) {
    char c = s[i];
    int ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    if (!ok) return 0;
  }
  return 1;
}

static void shm_name(char *out, size_t cap, const char *session) { snprintf(out, cap, "/coop-bridge-%s", session); }

static int valid_ring_bytes(uint32_t n) {
  return n >= COOP_RING_MIN_BYTES && n <= COOP_RING_MAX_BYTES && (n & (n - 1)) == 0;
}

static void init_header(coop_region *r, uint32_t ring_bytes, uint32_t abi, uint32_t schema) {
  /* The mapping is fresh zeroes (ftruncate): indices, pids and heartbeats start at 0. */
  atomic_store(coop_word(r, COOP_OFF_ABI), abi);
  atomic_store(coop_word(r, COOP_OFF_SCHEMA), schema);
  atomic_store(coop_word(r, COOP_OFF_HEADER_BYTES), COOP_HEADER_BYTES);
  atomic_store(coop_word(r, COOP_OFF_RING_BYTES), ring_bytes);
  atomic_store(coop_word(r, COOP_OFF_MAGIC), COOP_MAGIC); /* last: openers wait for it */
}

static int validate_header(coop_region *r, uint32_t abi, uint32_t schema) {
  for (int waited = 0; atomic_load(coop_word(r, COOP_OFF_MAGIC)) != COOP_MAGIC; waited++) {
    if (waited >= COOP_OPEN_WAIT_MS) return COOP_ERR_MAGIC;
    coop_plat_sleep_ms(1);
  }
  r->found_abi = atomic_load(coop_word(r, COOP_OFF_ABI));
  if (r->found_abi != abi) return COOP_ERR_ABI;
  r->found_schema = atomic_load(coop_word(r, COOP_OFF_SCHEMA));
  if (r->found_schema != schema) return COOP_ERR_SCHEMA;
  uint32_t ring = atomic_load(coop_word(r, COOP_OFF_RING_BYTES));
  if (!valid_ring_bytes(ring)) return COOP_ERR_RING_SIZE;
  if (atomic_load(coop_word(r, COOP_OFF_HEADER_BYTES)) != COOP_HEADER_BYTES) return COOP_ERR_SIZE;
  if ((uint64_t)r->size < (uint64_t)COOP_HEADER_BYTES + 2ull * ring) return COOP_ERR_SIZE;
  return COOP_OK;
}

static uint32_t pid_off(int role) { return role == COOP_ROLE_GAME ? COOP_OFF_PID_GAME : COOP_OFF_PID_SIDECAR; }

static int claim_role(coop_region *r) {
  _Atomic uint32_t *slot = coop_word(r, pid_off(r->role));
  uint32_t expected = 0;
  if (atomic_compare_exchange_strong(slot, &expected, r->self_pid)) return COOP_OK;
  if (coop_plat_pid_alive(expected)) {
    r->holder_pid = expected;
    return COOP_ERR_ROLE_TAKEN;
  }
  /* The holder died without closing: take the role over and drop the backlog it left unread. */
  if (!atomic_compare_exchange_strong(slot, &expected, r->self_pid)) {
    r->holder_pid = expected;
    return COOP_ERR_ROLE_TAKEN;
  }
  uint32_t in_ctrl = coop_ring_ctrl(r->role == COOP_ROLE_GAME ? 1 : 0);
  atomic_store(coop_word(r, in_ctrl + COOP_CTRL_READ_IDX), atomic_load(coop_word(r, in_ctrl + COOP_CTRL_WRITE_IDX)));
  return COOP_OK;
}

coop_region *coop_open(const char *session, int role, uint32_t ring_bytes, uint32_t abi, uint32_t schema) {
  coop_region *r = calloc(1, sizeof *r);
  if (!r) return NULL;
  r->role = role == COOP_ROLE_SIDECAR ? COOP_ROLE_SIDECAR : COOP_ROLE_GAME;
  r->wake_wr[0] = r->wake_wr[1] = -1;
  r->self_pid = coop_plat_self_pid();
  if (!valid_session(session)) return r->status = COOP_ERR_NAME, r;
  if (!valid_ring_bytes(ring_bytes)) return r->status = COOP_ERR_RING_SIZE, r;
  shm_name(r->name, sizeof r->name, session);

  int st = coop_plat_create(r, COOP_HEADER_BYTES + 2u * ring_bytes);
  if (st == COOP_OK) {
    r->created = 1;
    init_header(r, ring_bytes, abi, schema);
  } else if (st == COOP_ERR_SHM && coop_plat_exists_error(r->os_error)) {
    r->os_error = 0;
    st = coop_plat_open(r);
    if (st == COOP_OK) st = validate_header(r, abi, schema);
  }
  if (st == COOP_OK) st = claim_role(r);
  if (st != COOP_OK) {
    coop_plat_release(r);
    coop_plat_unmap(r);
    if (r->created) coop_plat_unlink(r->name);
  }
  r->status = st;
  return r;
}

int coop_status(const coop_region *r) { return r ? r->status : COOP_ERR_NOMEM; }
int coop_os_error(const coop_region *r) { return r ? r->os_error : 0; }
uint32_t coop_found_abi(const coop_region *r) { return r ? r->found_abi : 0; }
uint32_t coop_found_schema(const coop_region *r) { return r ? r->found_schema : 0; }
uint32_t coop_holder_pid(const coop_region *r) { return r ? r->holder_pid : 0; }
int coop_created(const coop_region *r) { return r ? r->created : 0; }
void *coop_base(const coop_region *r) { return r && r->status == COOP_OK ? r->base : NULL; }
uint32_t coop_size(const coop_region *r) { return r && r->status == COOP_OK ? r->size : 0; }

int coop_wait(coop_region *r, int ring, int32_t expected, int timeout_ms) {
  if (!r || r->status != COOP_OK || (ring != 0 && ring != 1) || timeout_ms < 0) return -1;
  _Atomic uint32_t *word = coop_word(r, coop_ring_ctrl(ring) + COOP_CTRL_WAKE_SEQ);
  if (atomic_load(word) != (uint32_t)expected) return 0;
  return coop_plat_wait(r, ring, word, (uint32_t)expected, timeout_ms);
}

int coop_wake(coop_region *r, int ring) {
  if (!r || r->status != COOP_OK || (ring != 0 && ring != 1)) return -1;
  _Atomic uint32_t *word = coop_word(r, coop_ring_ctrl(ring) + COOP_CTRL_WAKE_SEQ);
  atomic_fetch_add(word, 1);
  coop_plat_wake(r, ring, word);
  return 0;
}

int coop_wake_fd(coop_region *r, int ring) {
  if (!r || r->status != COOP_OK || (ring != 0 && ring != 1)) return -1;
  return coop_plat_wake_fd(r, ring);
}

int coop_peer_alive(const coop_region *r) {
  if (!r || r->status != COOP_OK) return 0;
  uint32_t pid = atomic_load(coop_word(r, pid_off(r->role == COOP_ROLE_GAME ? COOP_ROLE_SIDECAR : COOP_ROLE_GAME)));
  return pid != 0 && coop_plat_pid_alive(pid);
}

void coop_beat(coop_region *r) {
  if (!r || r->status != COOP_OK) return;
  atomic_fetch_add(coop_word(r, r->role == COOP_ROLE_GAME ? COOP_OFF_BEAT_GAME : COOP_OFF_BEAT_SIDECAR), 1);
}

void coop_close(coop_region *r) {
  if (!r) return;
  if (r->status == COOP_OK && r->base) {
    uint32_t mine = r->self_pid;
    atomic_compare_exchange_strong(coop_word(r, pid_off(r->role)), &mine, 0);
    int other = r->role == COOP_ROLE_GAME ? COOP_ROLE_SIDECAR : COOP_ROLE_GAME;
    uint32_t peer = atomic_load(coop_word(r, pid_off(other)));
    /* Wake both rings so a sleeping reader (ours or the peer's) notices at once. */
    coop_wake(r, 0);
    coop_wake(r, 1);
    int last = peer == 0 || !coop_plat_pid_alive(peer);
    coop_plat_release(r);
    coop_plat_unmap(r);
    if (last) coop_plat_unlink(r->name);
  }
  free(r);
}

int coop_unlink(const char *session) {
  if (!valid_session(session)) return -1;
  char name[COOP_NAME_MAX_CHARS + 32];
  shm_name(name, sizeof name, session);
  return coop_plat_unlink(name);
}

int coop_sweep_stale(int min_age_s) { return coop_plat_sweep_stale(min_age_s < 0 ? 0 : min_age_s); }
