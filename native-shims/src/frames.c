/* Frame API for native callers (the RED4ext plugin in the real game). The TypeScript side does
 * the same thing through its own view of the region (bridge/ring.ts); both follow
 * docs/bridge-ring.md and are tested against each other. No locks: one producer and one
 * consumer per ring, indices published with release/acquire atomics. */
#include <string.h>

#include "coop_hooks.h"
#include "internal.h"

static uint32_t align_up(uint32_t n) { return (n + COOP_FRAME_ALIGN_BYTES - 1u) & ~(COOP_FRAME_ALIGN_BYTES - 1u); }
static uint32_t ring_bytes(const coop_region *r) { return atomic_load(coop_word(r, COOP_OFF_RING_BYTES)); }
static uint8_t *ring_data(const coop_region *r, int ring) {
  return r->base + COOP_HEADER_BYTES + (ring == 0 ? 0u : ring_bytes(r));
}
static int out_ring(const coop_region *r) { return r->role == COOP_ROLE_GAME ? 0 : 1; }
static int in_ring(const coop_region *r) { return r->role == COOP_ROLE_GAME ? 1 : 0; }

static void put_header(uint8_t *at, uint32_t len, uint16_t type) {
  uint16_t flags = 0;
  memcpy(at, &len, 4); /* little-endian hosts only (x86-64, arm64), as the game runs on */
  memcpy(at + 4, &type, 2);
  memcpy(at + 6, &flags, 2);
}

/* A reader waiting for any frame is woken; one sleeping through lazy frames only by a frame
 * that is not lazy. Whoever takes the word back to 0 wakes (once). */
static void wake_if_waiting(coop_region *r, int ring, uint32_t ctrl, uint16_t type) {
  _Atomic uint32_t *word = coop_word(r, ctrl + COOP_CTRL_READER_WAITING);
  uint32_t waiting = atomic_load(word);
  if (waiting != COOP_READER_WAITING_ANY && (waiting != COOP_READER_WAITING_NOT_LAZY || coop_msg_is_lazy(type))) return;
  if (atomic_compare_exchange_strong(word, &waiting, COOP_READER_NOT_WAITING)) coop_wake(r, ring);
}

uint32_t coop_max_payload(const coop_region *r) {
  if (!r || r->status != COOP_OK) return 0;
  return ring_bytes(r) / 4u - COOP_FRAME_HEADER_BYTES;
}

int coop_write_frame(coop_region *r, uint16_t type, const void *payload, uint32_t len) {
  if (!r || r->status != COOP_OK || len > coop_max_payload(r) || type == COOP_FRAME_TYPE_PAD) return -1;
  int ring = out_ring(r);
  uint32_t ctrl = coop_ring_ctrl(ring), cap = ring_bytes(r), mask = cap - 1u;
  uint32_t w = atomic_load_explicit(coop_word(r, ctrl + COOP_CTRL_WRITE_IDX), memory_order_relaxed);
  uint32_t rd = atomic_load_explicit(coop_word(r, ctrl + COOP_CTRL_READ_IDX), memory_order_acquire);
  uint32_t need = align_up(COOP_FRAME_HEADER_BYTES + len), pos = w & mask, tail = cap - pos;
  uint32_t total = need <= tail ? need : tail + need;
  if ((uint32_t)(w - rd) + total > cap) return 1;
  uint8_t *data = ring_data(r, ring);
  if (need > tail) {
    put_header(data + pos, 0, COOP_FRAME_TYPE_PAD);
    w += tail;
    pos = 0;
  }
  put_header(data + pos, len, type);
  if (len) memcpy(data + pos + COOP_FRAME_HEADER_BYTES, payload, len);
  /* seq_cst store, then load: with the reader's store of the waiting word and re-check of the
   * write index, one of the two sees the other (no lost wake). */
  atomic_store(coop_word(r, ctrl + COOP_CTRL_WRITE_IDX), w + need);
  wake_if_waiting(r, ring, ctrl, type);
  return 0;
}

int coop_read_frame(coop_region *r, uint16_t *type, void *buf, uint32_t bufcap, uint32_t *len) {
  if (!r || r->status != COOP_OK) return -1;
  int ring = in_ring(r);
  uint32_t ctrl = coop_ring_ctrl(ring), cap = ring_bytes(r), mask = cap - 1u;
  _Atomic uint32_t *read_idx = coop_word(r, ctrl + COOP_CTRL_READ_IDX);
  uint32_t w = atomic_load_explicit(coop_word(r, ctrl + COOP_CTRL_WRITE_IDX), memory_order_acquire);
  uint32_t rd = atomic_load_explicit(read_idx, memory_order_relaxed);
  const uint8_t *data = ring_data(r, ring);
  for (;;) {
    uint32_t avail = w - rd;
    if (avail == 0) return 0;
    uint32_t pos = rd & mask;
    uint32_t flen;
    uint16_t ftype;
    if (avail < COOP_FRAME_HEADER_BYTES || avail > cap || (pos & (COOP_FRAME_ALIGN_BYTES - 1u))) goto malformed;
    memcpy(&flen, data + pos, 4);
    memcpy(&ftype, data + pos + 4, 2);
    if (ftype == COOP_FRAME_TYPE_PAD) {
      if (cap - pos > avail) goto malformed;
      rd += cap - pos;
      atomic_store_explicit(read_idx, rd, memory_order_release);
      continue;
    }
    if (flen > cap / 4u) goto malformed;
    uint32_t need = align_up(COOP_FRAME_HEADER_BYTES + flen);
    if (need > cap - pos || need > avail) goto malformed;
    if (flen > bufcap) return -2;
    if (flen) memcpy(buf, data + pos + COOP_FRAME_HEADER_BYTES, flen);
    *type = ftype;
    *len = flen;
    atomic_store_explicit(read_idx, rd + need, memory_order_release);
    return 1;
  }
malformed:
  /* A frame we cannot trust: its length may be anything, so drop the whole backlog. */
  atomic_store_explicit(read_idx, w, memory_order_release);
  return -1;
}
