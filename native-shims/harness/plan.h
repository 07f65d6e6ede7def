/* The C test game's plan files: one frame a line, "at_ms type hex". */
#ifndef HARNESS_PLAN_H
#define HARNESS_PLAN_H

#include <stddef.h>
#include <stdint.h>

/* One planned frame, parsed from "at_ms type hex". */
typedef struct {
  long at_ms;
  unsigned type;
  uint8_t *payload;
  uint32_t len;
} planned;

/* Reads a plan file; NULL (with a line on stderr) when it is missing, empty or a line is
 * malformed. *count receives the number of frames. */
planned *load_plan(const char *path, size_t *count);

#endif
