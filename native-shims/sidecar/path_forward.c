/* The native path's queue for Node (path_forward.h). */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "path_forward.h"

int path_forward_init(path_forward *f, uint32_t cap) {
  f->notify[0] = f->notify[1] = -1;
  f->cap = cap;
  f->head = f->tail = 0;
  f->bytes = malloc(cap); /* pages touched only as far as the queue ever grows */
  if (!f->bytes) return -1;
  return pipe2(f->notify, O_NONBLOCK | O_CLOEXEC) == 0 ? 0 : -1;
}

void path_forward_free(path_forward *f) {
  for (int i = 0; i < 2; i++)
    if (f->notify[i] >= 0) close(f->notify[i]);
  free(f->bytes);
  f->bytes = NULL;
}

int path_forward_push(path_forward *f, uint8_t kind, const uint8_t *data, uint32_t len) {
  uint32_t need = PATH_FORWARD_ITEM_HEADER_BYTES + len;
  if (len > f->cap || f->tail + need > f->cap) {
    if (f->head == 0 || f->tail - f->head + need > f->cap) return 0;
    memmove(f->bytes, f->bytes + f->head, f->tail - f->head); /* Node took some: reuse the front */
    f->tail -= f->head;
    f->head = 0;
  }
  int was_empty = f->head == f->tail;
  uint8_t header[PATH_FORWARD_ITEM_HEADER_BYTES] = {0};
  memcpy(header, &len, 4);
  header[4] = kind;
  memcpy(f->bytes + f->tail, header, sizeof header);
  if (len) memcpy(f->bytes + f->tail + PATH_FORWARD_ITEM_HEADER_BYTES, data, len);
  f->tail += need;
  if (was_empty) {
    char c = 1;
    (void)!write(f->notify[1], &c, 1);
  }
  return 1;
}

int32_t path_forward_take(path_forward *f, uint8_t *kind, uint8_t *buf, uint32_t cap) {
  if (f->head == f->tail) return 0;
  uint32_t len;
  memcpy(&len, f->bytes + f->head, 4);
  if (len > cap) return -1;
  *kind = f->bytes[f->head + 4];
  if (len) memcpy(buf, f->bytes + f->head + PATH_FORWARD_ITEM_HEADER_BYTES, len);
  f->head += PATH_FORWARD_ITEM_HEADER_BYTES + len;
  if (f->head == f->tail) f->head = f->tail = 0;
  return (int32_t)len;
}
