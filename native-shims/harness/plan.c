/* Plan files for the C test game: "at_ms type hex" lines, checked whole (a bad line is an
 * error naming its number, never a crash or a half-read plan). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "coop_shim.h"
#include "plan.h"

/* Longest plan line: a 64 KiB frame in hex plus its header, with room to spare. */
#define HARNESS_PLAN_LINE_MAX_BYTES (1u << 20)

static int hexval(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/* Parses "at_ms type hex" into p. 0 when the line is not one (the caller names it). */
static int parse_line(const char *line, planned *p) {
  long at;
  unsigned type;
  int used = 0;
  if (sscanf(line, "%ld %u %n", &at, &type, &used) < 2 || at < 0 || type == 0 || type >= COOP_FRAME_TYPE_PAD) return 0;
  const char *h = line + used;
  size_t hl = strcspn(h, "\r\n");
  if (hl % 2 != 0) return 0;
  p->at_ms = at;
  p->type = type;
  p->len = (uint32_t)(hl / 2);
  p->payload = malloc(p->len ? p->len : 1);
  if (!p->payload) return 0;
  for (uint32_t i = 0; i < p->len; i++) {
    int hi = hexval(h[2 * i]), lo = hexval(h[2 * i + 1]);
    if (hi < 0 || lo < 0) {
      free(p->payload);
      return 0;
    }
    p->payload[i] = (uint8_t)(hi << 4 | lo);
  }
  return 1;
}

planned *load_plan(const char *path, size_t *count) {
  FILE *f = fopen(path, "rb");
  if (!f) {
    fprintf(stderr, "game-harness: cannot read plan %s\n", path);
    return NULL;
  }
  char *line = malloc(HARNESS_PLAN_LINE_MAX_BYTES);
  planned *out = NULL;
  size_t n = 0, cap = 0, line_no = 0;
  int ok = line != NULL;
  while (ok && fgets(line, HARNESS_PLAN_LINE_MAX_BYTES, f)) {
    line_no++;
    if (line[strspn(line, " \r\n")] == '\0') continue; /* blank */
    if (n == cap) {
      cap = cap ? cap * 2 : 64;
      planned *grown = realloc(out, cap * sizeof *out);
      if (!grown) {
        ok = 0;
        break;
      }
      out = grown;
    }
    if (!parse_line(line, &out[n])) {
      fprintf(stderr, "game-harness: %s line %zu: not \"at_ms type hex\" (type 1..65534, whole bytes)\n", path, line_no);
      ok = 0;
      break;
    }
    n++;
  }
  free(line);
  fclose(f);
  if (!ok || n == 0) {
    for (size_t i = 0; i < n; i++) free(out[i].payload);
    free(out);
    if (ok) fprintf(stderr, "game-harness: plan %s has no frames\n", path);
    return NULL;
  }
  *count = n;
  return out;
}
