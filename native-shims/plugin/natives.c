/* natives.c — the global natives the .reds declare, registered with the game's RTTI and run by
 * its script VM. Parameters are read as RED4ext.SDK's GetParameter does (Scripting/Utils.hpp):
 * clear frame->data, bump currentParam, take the opcode at frame->code and run the engine's
 * handler for it; then skip ParamEnd. The tables (which natives, their parameter kinds, how a
 * frame is rebuilt) are generated from the hook manifest into coop_natives.h. */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <windows.h>

#include "coop_hooks.h"
#include "plugin.h"

enum { COOP_PK_U8 = 1, COOP_PK_U16, COOP_PK_U32, COOP_PK_I32, COOP_PK_F32, COOP_PK_F64, COOP_PK_BOOL, COOP_PK_STRING, COOP_PK_ARRAY = 0x80 };
enum { COOP_OP_END = 0, COOP_OP_FIELD, COOP_OP_ARRAY, COOP_OP_STRUCT_ARRAY };
typedef struct { uint8_t op, kind, param, n; } coop_wire_op;
typedef void (*coop_handler)(void *, r4e_stack_frame *, void *, int64_t);
typedef struct {
  const char *name;
  uint16_t type;
  uint8_t n_params;
  const uint8_t *params;
  uint8_t n_ops;
  const coop_wire_op *ops;
  coop_handler handler;
} coop_send_native;
typedef struct { uint16_t type; uint8_t n_ops; const coop_wire_op *ops; } coop_read_message;

static void coop_native_send(int index, void *ctx, r4e_stack_frame *frame, void *out);
#include "coop_natives.h"

/* Most parameters a send native takes (PlayerTransform: 11). */
#define NATIVE_PARAMS_MAX 32
/* A parameter slot: big enough for a CString (0x20), a DynArray (0x10) or any scalar. */
#define NATIVE_SLOT_BYTES 0x20
/* Largest frame a send native builds (larger ones return false). Reads take whatever the ring's
 * largest frame is (coop_max_payload), so no frame can get stuck. */
#define NATIVE_FRAME_MAX_BYTES (256u * 1024u)
/* Plugin notifications queued for the scripts before they drain them. */
#define NOTIFY_QUEUE_MAX 4
#define NOTIFY_TEXT_MAX 240
#define NOTIFY_KIND_ERROR 2
#define NOTIFY_DURATION_MS 10000u
/* kind, two counted strings, duration. */
#define NOTIFY_FRAME_MAX_BYTES (1 + 2 * (4 + NOTIFY_TEXT_MAX) + 4)

static r4e_resolve_fn resolve;
static r4e_opcode_fn *opcodes;
static r4e_cstring_ctor_fn cstring_ctor;
static uint8_t frame_out[NATIVE_FRAME_MAX_BYTES];
static uint8_t *cursor_buf;
static uint32_t cursor_cap;
static uint32_t cursor_at, cursor_len;
static uint32_t dropped_frames;
static char notify_queue[NOTIFY_QUEUE_MAX][2][NOTIFY_TEXT_MAX];
static int notify_count;

static uintptr_t resolve_addr(uint32_t hash) { return resolve ? resolve(hash) : 0; }

/* SDK GetParameter: the handler writes the value into slot, or with useDirectData points
 * frame->data at the caller's own value (no copy for strings and arrays). */
static const void *get_param(r4e_stack_frame *frame, void *slot, int direct) {
  frame->use_direct_data = direct != 0;
  frame->data = NULL;
  frame->data_type = NULL;
  frame->current_param++;
  uint8_t opcode = (uint8_t)*(frame->code++);
  opcodes[opcode](frame->context, frame, slot, NULL);
  frame->use_direct_data = 0;
  return direct && frame->data ? frame->data : slot;
}

static const char *cstr_text(const r4e_cstring *s, uint32_t *len) {
  *len = s->length & R4E_CSTRING_LENGTH_MASK;
  return s->length < R4E_CSTRING_HEAP_FLAG ? s->text.inline_str : s->text.str.ptr;
}

static uint32_t scalar_bytes(int kind) {
  switch (kind) {
    case COOP_PK_U8: case COOP_PK_BOOL: return 1;
    case COOP_PK_U16: return 2;
    case COOP_PK_F64: return 8;
    case COOP_PK_STRING: return sizeof(r4e_cstring);
    default: return 4;
  }
}

typedef struct { uint8_t *p; uint32_t at, cap; int ok; } writer;
static void put(writer *w, const void *src, uint32_t n) {
  if (!w->ok || n > w->cap - w->at) { w->ok = 0; return; }
  memcpy(w->p + w->at, src, n);
  w->at += n;
}
/* One value of `kind` at src (game memory layout) in wire form. */
static void put_value(writer *w, int kind, const uint8_t *src) {
  if (kind == COOP_PK_STRING) {
    uint32_t len;
    const char *text = cstr_text((const r4e_cstring *)src, &len);
    put(w, &len, 4);
    if (len) put(w, text, len);
  } else if (kind == COOP_PK_BOOL) {
    uint8_t b = *src != 0;
    put(w, &b, 1);
  } else {
    put(w, src, scalar_bytes(kind));
  }
}

static void coop_native_send(int index, void *ctx, r4e_stack_frame *frame, void *out) {
  (void)ctx;
  const coop_send_native *n = &COOP_SEND_NATIVES[index];
  _Alignas(16) uint8_t slots[NATIVE_PARAMS_MAX][NATIVE_SLOT_BYTES];
  const uint8_t *args[NATIVE_PARAMS_MAX];
  memset(slots, 0, sizeof slots);
  for (int i = 0; i < n->n_params && i < NATIVE_PARAMS_MAX; i++) {
    int big = (n->params[i] & COOP_PK_ARRAY) || n->params[i] == COOP_PK_STRING;
    args[i] = get_param(frame, slots[i], big);
  }
  frame->code++; /* ParamEnd */
  writer w = {frame_out, 0, sizeof frame_out, 1};
  for (int o = 0; o < n->n_ops && w.ok; o++) {
    const coop_wire_op *op = &n->ops[o];
    if (op->op == COOP_OP_FIELD) {
      put_value(&w, op->kind, args[op->param]);
    } else if (op->op == COOP_OP_ARRAY) {
      const r4e_dynarray *a = (const r4e_dynarray *)args[op->param];
      put(&w, &a->size, 4);
      for (uint32_t i = 0; i < a->size && w.ok; i++) put_value(&w, op->kind, (const uint8_t *)a->entries + i * scalar_bytes(op->kind));
    } else if (op->op == COOP_OP_STRUCT_ARRAY) {
      /* One array per leaf field, all the same length, re-interleaved item by item. */
      const coop_wire_op *leaf = op + 1;
      uint32_t count = ((const r4e_dynarray *)args[leaf[0].param])->size;
      for (int l = 1; l < op->n; l++) w.ok &= ((const r4e_dynarray *)args[leaf[l].param])->size == count;
      put(&w, &count, 4);
      for (uint32_t i = 0; i < count && w.ok; i++)
        for (int l = 0; l < op->n; l++) {
          const r4e_dynarray *a = (const r4e_dynarray *)args[leaf[l].param];
          put_value(&w, leaf[l].kind, (const uint8_t *)a->entries + i * scalar_bytes(leaf[l].kind));
        }
      o += op->n;
    }
  }
  int ok = w.ok && plugin_region != NULL && coop_write_frame(plugin_region, n->type, frame_out, w.at) == 0;
  if (ok) coop_wake(plugin_region, 0);
  if (out) *(_Bool *)out = ok;
}

/* ---- sidecar -> game: the poll native and the cursor readers ---- */

static int skip_value(uint32_t *at, uint32_t len, int kind) {
  uint32_t n = kind == COOP_PK_STRING ? 4 : scalar_bytes(kind);
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

static const coop_read_message *read_message(uint16_t type) {
  for (int i = 0; i < COOP_READ_MESSAGE_COUNT; i++)
    if (COOP_READ_MESSAGES[i].type == type) return &COOP_READ_MESSAGES[i];
  return NULL;
}

/* A queued plugin notification as a Notification frame in the cursor. */
static int take_notification(void) {
  if (notify_count == 0) return 0;
  if (cursor_cap < NOTIFY_FRAME_MAX_BYTES) {
    uint8_t *grown = realloc(cursor_buf, NOTIFY_FRAME_MAX_BYTES);
    if (grown == NULL) return 0;
    cursor_buf = grown, cursor_cap = NOTIFY_FRAME_MAX_BYTES;
  }
  writer w = {cursor_buf, 0, cursor_cap, 1};
  uint8_t kind = NOTIFY_KIND_ERROR;
  uint32_t dur = NOTIFY_DURATION_MS;
  put(&w, &kind, 1);
  for (int i = 0; i < 2; i++) {
    uint32_t n = (uint32_t)strlen(notify_queue[0][i]);
    put(&w, &n, 4);
    put(&w, notify_queue[0][i], n);
  }
  put(&w, &dur, 4);
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

static void native_poll(void *ctx, r4e_stack_frame *frame, void *out, int64_t a4) {
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
    const coop_read_message *m = r == 1 ? read_message(t) : NULL;
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
  static void fname(void *ctx, r4e_stack_frame *frame, void *out, int64_t a4) { \
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

static void native_read_bool(void *ctx, r4e_stack_frame *frame, void *out, int64_t a4) {
  (void)ctx, (void)a4;
  frame->code++;
  uint8_t v;
  cursor_take(&v, 1);
  if (out) *(_Bool *)out = v != 0;
}

static void native_read_string(void *ctx, r4e_stack_frame *frame, void *out, int64_t a4) {
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
  if (out && cstring_ctor) cstring_ctor((r4e_cstring *)out, text ? text : "");
  free(text);
}

static const struct { const char *name; coop_handler fn; } FIXED_NATIVES[] = {
  {"CoopNativePoll", native_poll},         {"CoopNativeReadU8", native_read_u8},   {"CoopNativeReadU16", native_read_u16},
  {"CoopNativeReadU32", native_read_u32},  {"CoopNativeReadI32", native_read_i32}, {"CoopNativeReadF32", native_read_f32},
  {"CoopNativeReadF64", native_read_f64},  {"CoopNativeReadBool", native_read_bool}, {"CoopNativeReadString", native_read_string},
  {"CoopNativeReadCount", native_read_count},
};
#define FIXED_NATIVE_COUNT (sizeof FIXED_NATIVES / sizeof FIXED_NATIVES[0])

/* CGlobalFunction objects live as long as the process: static storage, never freed. */
static _Alignas(16) uint8_t function_mem[COOP_SEND_NATIVE_COUNT + FIXED_NATIVE_COUNT + COOP_ENGINE_NATIVE_COUNT][R4E_GLOBAL_FUNCTION_BYTES];

static void register_one(void *rtti, int slot, const char *name, coop_handler fn) {
  r4e_cname_add_fn add_name = (r4e_cname_add_fn)resolve_addr(R4E_HASH_CNAMEPOOL_ADD_CSTR);
  r4e_global_function_ctor_fn ctor = (r4e_global_function_ctor_fn)resolve_addr(R4E_HASH_CGLOBALFUNCTION_CTOR);
  r4e_rtti_register_function_fn reg = (r4e_rtti_register_function_fn)(*(void ***)rtti)[R4E_RTTI_SLOT_REGISTER_FUNCTION / sizeof(void *)];
  r4e_cname cname = 0;
  add_name(&cname, name);
  void *f = function_mem[slot];
  ctor(f, cname, cname, (r4e_native_fn)fn); /* redscript binds natives by their bare name */
  *(uint32_t *)((uint8_t *)f + R4E_FUNCTION_FLAGS_OFFSET) |= R4E_FUNCTION_FLAG_NATIVE | R4E_FUNCTION_FLAG_STATIC;
  reg(rtti, f);
}

static void post_register(void) {
  void *rtti = ((r4e_rtti_get_fn)resolve_addr(R4E_HASH_CRTTISYSTEM_GET))();
  int slot = 0;
  for (int i = 0; i < COOP_SEND_NATIVE_COUNT; i++) register_one(rtti, slot++, COOP_SEND_NATIVES[i].name, COOP_SEND_NATIVES[i].handler);
  for (size_t i = 0; i < FIXED_NATIVE_COUNT; i++) register_one(rtti, slot++, FIXED_NATIVES[i].name, FIXED_NATIVES[i].fn);
  for (int i = 0; i < COOP_ENGINE_NATIVE_COUNT; i++) register_one(rtti, slot++, COOP_ENGINE_NATIVES[i].name, COOP_ENGINE_NATIVES[i].fn);
  plugin_log(PLOG_INFO, "registered %d natives", slot);
}

/* Callback<void(*)()> around a plain function pointer kept in its buffer. */
static void cb_invoke(const void *target) { (*(void (*const *)(void))target)(); }
static void cb_copy(void *dst, void *src) { memcpy(dst, src, sizeof(void (*)(void))); }
static void cb_destruct(void *target) { (void)target; }
static const r4e_callback_handler CB_HANDLER = {cb_invoke, cb_copy, cb_copy, cb_destruct};

int natives_request_registration(void) {
  HMODULE red4ext = GetModuleHandleW(R4E_MODULE_NAME);
  resolve = red4ext ? (r4e_resolve_fn)(void (*)(void))GetProcAddress(red4ext, R4E_RESOLVE_EXPORT) : NULL;
  uintptr_t get = resolve_addr(R4E_HASH_CRTTISYSTEM_GET);
  opcodes = (r4e_opcode_fn *)resolve_addr(R4E_HASH_OPCODE_HANDLERS);
  cstring_ctor = (r4e_cstring_ctor_fn)resolve_addr(R4E_HASH_CSTRING_CTOR_STR);
  if (!get || !opcodes || !cstring_ctor || !resolve_addr(R4E_HASH_CGLOBALFUNCTION_CTOR) || !resolve_addr(R4E_HASH_CNAMEPOOL_ADD_CSTR)) {
    plugin_log(PLOG_ERROR, "RED4ext_ResolveAddress gave no address for the RTTI, names, functions, strings or opcodes: natives not registered");
    return 0;
  }
  void *rtti = ((r4e_rtti_get_fn)get)();
  r4e_rtti_add_callback_fn add = (r4e_rtti_add_callback_fn)(*(void ***)rtti)[R4E_RTTI_SLOT_ADD_POST_REGISTER_CALLBACK / sizeof(void *)];
  r4e_callback cb;
  memset(&cb, 0, sizeof cb);
  void (*fn)(void) = post_register;
  memcpy(cb.buffer, &fn, sizeof fn);
  cb.handler = &CB_HANDLER;
  add(rtti, &cb);
  return 1;
}
