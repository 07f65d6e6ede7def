/* natives-poll.c — sidecar -> game: CoopNativePoll takes the next frame (a queued plugin
 * notification first, then the ring) into a cursor after checking it against its message's wire
 * program, and the typed CoopNativeRead* natives read the cursor field by field. A frame that is
 * unknown or malformed is dropped here, never shown to the scripts. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "coop_hooks.h"
#include "natives-internal.h"

/* Plugin notifications queued for the scripts before they drain them. */
#define NOTIFY_QUEUE_MAX 4
#define NOTIFY_TEXT_MAX 240
#define NOTIFY_KIND_ERROR 2
#define NOTIFY_DURATION_MS 10000u
/* kind, two counted strings, duration. */
#define NOTIFY_FRAME_MAX_BYTES (1 + 2 * (4 + NOTIFY_TEXT_MAX) + 4)

/* The cursor takes whatever the ring's largest frame is (coop_max_payload): no frame gets stuck. */
static uint8_t *cursor_buf;
static uint32_t cursor_cap;
static uint32_t cursor_at, cursor_len;
static uint32_t dropped_frames;
static char notify_queue[NOTIFY_QUEUE_MAX][2][NOTIFY_TEXT_MAX];
static int notify_count;

static int skip_value(uint32_t *at, uint32_t len, int kind) {
  uint32_t n = kind == COOP_PK_STRING ? 4 : natives_scalar_bytes(kind);
  if (n > len - *at) return 0;
  if (kind == COOP_PK_STRING) {
    uint32_t s;
    memcpy(&s, cursor_buf + *at, 4);
    *at += 4;
    if (s > len - *at) return 0;
    n = s;
  }
  *at += n;
  return 1;
}

/* Walks a frame with its message's program: 1 when every count and length fits exactly. */
static int frame_valid(const coop_read_message *m, uint32_t len) {
  uint32_t at = 0;
  for (int o = 0; o < m->n_ops; o++) {
    const coop_wire_op *op = &m->ops[o];
    if (op->op == COOP_OP_FIELD) {
      if (!skip_value(&at, len, op->kind)) return 0;
    } else if (op->op == COOP_OP_ARRAY || op->op == COOP_OP_STRUCT_ARRAY) {
      uint32_t count;
      if (4 > len - at) return 0;
      memcpy(&count, cursor_buf + at, 4);
      at += 4;
      if (count > len - at) return 0; /* every item is at least a byte */
      int nleaf = op->op == COOP_OP_ARRAY ? 1 : op->n;
      const coop_wire_op *leaf = op->op == COOP_OP_ARRAY ? op : op + 1;
      for (uint32_t i = 0; i < count; i++)
        for (int l = 0; l < nleaf; l++)
          if (!skip_value(&at, len, leaf[l].kind)) return 0;
      if (op->op == COOP_OP_STRUCT_ARRAY) o += op->n;
    }
  }
  return at == len;
}

/* A queued plugin notification as a Notification frame in the cursor. */
static int take_notification(void) {
  if (notify_count == 0) return 0;
  if (cursor_cap < NOTIFY_FRAME_MAX_BYTES) {
    uint8_t *grown = realloc(cursor_buf, NOTIFY_FRAME_MAX_BYTES);
    if (grown == NULL) return 0;
    cursor_buf = grown, cursor_cap = NOTIFY_FRAME_MAX_BYTES;
  }
  natives_writer w = {cursor_buf, 0, cursor_cap, 1};
  uint8_t kind = NOTIFY_KIND_ERROR;
  uint32_t dur = NOTIFY_DURATION_MS;
  natives_put(&w, &kind, 1);
  for (int i = 0; i < 2; i++) {
    uint32_t n = (uint32_t)strlen(notify_queue[0][i]);
    natives_put(&w, &n, 4);
    natives_put(&w, notify_queue[0][i], n);
  }
  natives_put(&w, &dur, 4);
  memmove(notify_queue[0], notify_queue[1], sizeof notify_queue[0] * (NOTIFY_QUEUE_MAX - 1));
  notify_count--;
  cursor_at = 0;
  cursor_len = w.at;
  return COOP_MSG_NOTIFICATION;
}

void natives_notify(const char *title, const char *text) {
  if (notify_count >= NOTIFY_QUEUE_MAX) return;
  snprintf(notify_queue[notify_count][0], NOTIFY_TEXT_MAX, "%s", title);
  snprintf(notify_queue[notify_count][1], NOTIFY_TEXT_MAX, "%s", text);
  notify_count++;
}

void native_poll(void *ctx, r4e_stack_frame *frame, void *out, int64_t a4) {
  (void)ctx, (void)a4;
  frame->code++;
  int32_t type = take_notification();
  uint32_t need = plugin_region ? coop_max_payload(plugin_region) : 0;
  if (need > cursor_cap) {
    uint8_t *grown = realloc(cursor_buf, need);
    if (grown == NULL) need = 0; /* no memory: leave the frames in the ring */
    else cursor_buf = grown, cursor_cap = need;
  }
  while (type == 0 && plugin_region != NULL && cursor_cap >= need && need > 0) {
    uint16_t t;
    uint32_t len;
    int r = coop_read_frame(plugin_region, &t, cursor_buf, cursor_cap, &len);
    if (r == 0 || r == -2) break; /* -2 cannot happen with cursor_cap = max payload */
    const coop_read_message *m = r == 1 ? natives_read_spec(t) : NULL;
    if (m && frame_valid(m, len)) {
      cursor_at = 0;
      cursor_len = len;
      type = t;
    } else {
      dropped_frames++; /* unknown type, malformed, or too big: never shown to scripts */
    }
  }
  if (type == 0) cursor_at = cursor_len = 0;
  if (out) *(int32_t *)out = type;
}

/* Reads n bytes at the cursor; zeros past the frame's end (a script reading too far). */
static void cursor_take(void *dst, uint32_t n) {
  memset(dst, 0, n);
  if (n > cursor_len - cursor_at) { cursor_at = cursor_len; return; }
  memcpy(dst, cursor_buf + cursor_at, n);
  cursor_at += n;
}

#define READER(fname, ctype)                                                   \
  void fname(void *ctx, r4e_stack_frame *frame, void *out, int64_t a4) {       \
    (void)ctx, (void)a4;                                                       \
    frame->code++;                                                             \
    ctype v;                                                                   \
    cursor_take(&v, sizeof v);                                                 \
    if (out) memcpy(out, &v, sizeof v);                                        \
  }
READER(native_read_u8, uint8_t)
READER(native_read_u16, uint16_t)
READER(native_read_u32, uint32_t)
READER(native_read_i32, int32_t)
READER(native_read_f32, float)
READER(native_read_f64, double)
READER(native_read_count, int32_t)

void native_read_bool(void *ctx, r4e_stack_frame *frame, void *out, int64_t a4) {
  (void)ctx, (void)a4;
  frame->code++;
  uint8_t v;
  cursor_take(&v, 1);
  if (out) *(_Bool *)out = v != 0;
}

void native_read_string(void *ctx, r4e_stack_frame *frame, void *out, int64_t a4) {
  (void)ctx, (void)a4;
  frame->code++;
  uint32_t n;
  cursor_take(&n, 4);
  if (n > cursor_len - cursor_at) n = cursor_len - cursor_at;
  char *text = malloc((size_t)n + 1);
  if (text == NULL) n = 0;
  else memcpy(text, cursor_buf + cursor_at, n), text[n] = '\0';
  cursor_at += n;
  /* The game's own CString constructor: the string is then the engine's to copy and free. */
  if (out && natives_cstring_ctor) natives_cstring_ctor((r4e_cstring *)out, text ? text : "");
  free(text);
}
