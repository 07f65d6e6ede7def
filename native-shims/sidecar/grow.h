/* grow.h — the native path's arrays grown on demand: doubled from a first size until they hold
 * n items, so memory follows what is held (the sidecar's RSS goal), never the limits up front.
 * Callers bound n (by COOP_SNAP_MAX_ENTITIES and the like) before they grow. */
#ifndef COOP_SIDECAR_GROW_H
#define COOP_SIDECAR_GROW_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

/* Items an array's first allocation holds (then doubled). */
#define COOP_GROW_MIN_ITEMS 64

/* Room for n items of `size` bytes in *p of capacity *cap; 0 when out of memory (both unchanged). */
static inline int coop_grow(void **p, uint32_t *cap, uint32_t n, size_t size) {
  if (n <= *cap) return 1;
  uint32_t c = *cap ? *cap : COOP_GROW_MIN_ITEMS;
  while (c < n) c *= 2;
  void *q = realloc(*p, (size_t)c * size);
  if (!q) return 0;
  *p = q;
  *cap = c;
  return 1;
}

/* Room for n entities in a pair of arrays sharing one capacity: ids, and `fields` values each;
 * 0 when out of memory (the capacity unchanged: ids grown alone is harmless). */
static inline int coop_grow_entities(uint32_t **ids, int32_t **vals, uint32_t *cap, uint32_t n, uint32_t fields) {
  if (n <= *cap) return 1;
  uint32_t ids_cap = *cap, vals_cap = *cap;
  if (!coop_grow((void **)ids, &ids_cap, n, sizeof **ids)) return 0;
  if (!coop_grow((void **)vals, &vals_cap, n, (size_t)fields * sizeof **vals)) return 0;
  *cap = ids_cap;
  return 1;
}

#endif
