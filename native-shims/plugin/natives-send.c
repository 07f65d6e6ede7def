/* natives-send.c — game -> sidecar: a send native reads its arguments off the script VM's stack
 * frame as RED4ext.SDK's GetParameter does (Scripting/Utils.hpp): clear frame->data, bump
 * currentParam, take the opcode at frame->code and run the engine's handler for it; then skip
 * ParamEnd. The message's wire program (generated, coop_natives.h) turns the arguments into one
 * frame written to the bridge ring. */
#include <stdint.h>
#include <string.h>

#include "natives-internal.h"

/* Most parameters a send native takes (PlayerTransform: 11). */
#define NATIVE_PARAMS_MAX 32
/* A parameter slot: big enough for a CString (0x20), a DynArray (0x10) or any scalar. */
#define NATIVE_SLOT_BYTES 0x20
/* Largest frame a send native builds (larger ones return false). */
#define NATIVE_FRAME_MAX_BYTES (256u * 1024u)

static uint8_t frame_out[NATIVE_FRAME_MAX_BYTES];

/* SDK GetParameter: the handler writes the value into slot, or with useDirectData points
 * frame->data at the caller's own value (no copy for strings and arrays). */
static const void *get_param(r4e_stack_frame *frame, void *slot, int direct) {
  frame->use_direct_data = direct != 0;
  frame->data = NULL;
  frame->data_type = NULL;
  frame->current_param++;
  uint8_t opcode = (uint8_t)*(frame->code++);
  natives_opcodes[opcode](frame->context, frame, slot, NULL);
  frame->use_direct_data = 0;
  return direct && frame->data ? frame->data : slot;
}

static const char *cstr_text(const r4e_cstring *s, uint32_t *len) {
  *len = s->length & R4E_CSTRING_LENGTH_MASK;
  return s->length < R4E_CSTRING_HEAP_FLAG ? s->text.inline_str : s->text.str.ptr;
}

/* One value of `kind` at src (game memory layout) in wire form. */
static void put_value(natives_writer *w, int kind, const uint8_t *src) {
  if (kind == COOP_PK_STRING) {
    uint32_t len;
    const char *text = cstr_text((const r4e_cstring *)src, &len);
    natives_put(w, &len, 4);
    if (len) natives_put(w, text, len);
  } else if (kind == COOP_PK_BOOL) {
    uint8_t b = *src != 0;
    natives_put(w, &b, 1);
  } else {
    natives_put(w, src, natives_scalar_bytes(kind));
  }
}

static const uint8_t *array_item(const r4e_dynarray *a, uint32_t i, int kind) {
  return (const uint8_t *)a->entries + i * natives_scalar_bytes(kind);
}

void coop_native_send(int index, void *ctx, r4e_stack_frame *frame, void *out) {
  (void)ctx;
  const coop_send_native *n = natives_send_spec(index);
  _Alignas(16) uint8_t slots[NATIVE_PARAMS_MAX][NATIVE_SLOT_BYTES];
  const uint8_t *args[NATIVE_PARAMS_MAX];
  memset(slots, 0, sizeof slots);
  for (int i = 0; i < n->n_params && i < NATIVE_PARAMS_MAX; i++) {
    int big = (n->params[i] & COOP_PK_ARRAY) || n->params[i] == COOP_PK_STRING;
    args[i] = get_param(frame, slots[i], big);
  }
  frame->code++; /* ParamEnd */
  natives_writer w = {frame_out, 0, sizeof frame_out, 1};
  for (int o = 0; o < n->n_ops && w.ok; o++) {
    const coop_wire_op *op = &n->ops[o];
    if (op->op == COOP_OP_FIELD) {
      put_value(&w, op->kind, args[op->param]);
    } else if (op->op == COOP_OP_ARRAY) {
      const r4e_dynarray *a = (const r4e_dynarray *)args[op->param];
      natives_put(&w, &a->size, 4);
      for (uint32_t i = 0; i < a->size && w.ok; i++) put_value(&w, op->kind, array_item(a, i, op->kind));
    } else if (op->op == COOP_OP_STRUCT_ARRAY) {
      /* One array per leaf field, all the same length, re-interleaved item by item. */
      const coop_wire_op *leaf = op + 1;
      uint32_t count = ((const r4e_dynarray *)args[leaf[0].param])->size;
      for (int l = 1; l < op->n; l++) w.ok &= ((const r4e_dynarray *)args[leaf[l].param])->size == count;
      natives_put(&w, &count, 4);
      for (uint32_t i = 0; i < count && w.ok; i++)
        for (int l = 0; l < op->n; l++) put_value(&w, leaf[l].kind, array_item((const r4e_dynarray *)args[leaf[l].param], i, leaf[l].kind));
      o += op->n;
    }
  }
  /* coop_write_frame wakes the sidecar when it sleeps (its reader-waiting flag). No coop_wake of
   * our own: on Windows it left the ring's event set, so the sidecar's next wait returned at
   * once: a second, empty wake of the sidecar for every frame the game sent. */
  int ok = w.ok && plugin_region != NULL && coop_write_frame(plugin_region, n->type, frame_out, w.at) == 0;
  if (out) *(_Bool *)out = ok;
}
