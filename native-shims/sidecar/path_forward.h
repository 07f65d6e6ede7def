/* The native path's queue of items for Node (coop_path.h COOP_PATH_ITEM_*): datagrams from the
 * server that hold more than snapshots, payloads for ENet to send. A byte on the notify pipe
 * says the queue went from empty to not empty; Node then takes until it is empty again. The
 * caller holds the path's lock around every call. Internal to native_path.c. */
#ifndef COOP_PATH_FORWARD_H
#define COOP_PATH_FORWARD_H

#include <stdint.h>

#define PATH_FORWARD_ITEM_HEADER_BYTES 8u /* u32 length, u8 kind, 3 bytes padding */

typedef struct {
  uint8_t *bytes;
  uint32_t cap, head, tail; /* items in bytes[head..tail) */
  int notify[2];            /* [0] Node polls, [1] the thread writes */
} path_forward;

int path_forward_init(path_forward *f, uint32_t cap);
void path_forward_free(path_forward *f);
/* Appends one item; 0 when the queue is full (dropped). */
int path_forward_push(path_forward *f, uint8_t kind, const uint8_t *data, uint32_t len);
/* The oldest item into buf: its length (kind in *kind), 0 when none, -1 when cap is too small. */
int32_t path_forward_take(path_forward *f, uint8_t *kind, uint8_t *buf, uint32_t cap);

#endif
