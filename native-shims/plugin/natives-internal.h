/* natives-internal.h — what the three natives files share: the wire program the generated tables
 * (coop_natives.h) are written in, the game's opcode handlers and CString constructor (resolved at
 * registration), a bounded byte writer, and the handlers natives.c registers. */
#ifndef COOP_NATIVES_INTERNAL_H
#define COOP_NATIVES_INTERNAL_H

#include <stdint.h>
#include <string.h>

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

/* Engine functions natives.c resolves before any native runs. */
extern r4e_opcode_fn *natives_opcodes;
extern r4e_cstring_ctor_fn natives_cstring_ctor;

/* The generated tables live in natives.c (coop_natives.h is included once); these look them up. */
const coop_send_native *natives_send_spec(int index);
const coop_read_message *natives_read_spec(uint16_t type); /* NULL: not a script-readable type */

/* natives-send.c: a send native's body (the generated handlers call it with their table index). */
void coop_native_send(int index, void *ctx, r4e_stack_frame *frame, void *out);

/* natives-poll.c: CoopNativePoll and the cursor readers. */
void native_poll(void *ctx, r4e_stack_frame *frame, void *out, int64_t a4);
void native_read_u8(void *ctx, r4e_stack_frame *frame, void *out, int64_t a4);
void native_read_u16(void *ctx, r4e_stack_frame *frame, void *out, int64_t a4);
void native_read_u32(void *ctx, r4e_stack_frame *frame, void *out, int64_t a4);
void native_read_i32(void *ctx, r4e_stack_frame *frame, void *out, int64_t a4);
void native_read_f32(void *ctx, r4e_stack_frame *frame, void *out, int64_t a4);
void native_read_f64(void *ctx, r4e_stack_frame *frame, void *out, int64_t a4);
void native_read_count(void *ctx, r4e_stack_frame *frame, void *out, int64_t a4);
void native_read_bool(void *ctx, r4e_stack_frame *frame, void *out, int64_t a4);
void native_read_string(void *ctx, r4e_stack_frame *frame, void *out, int64_t a4);

/* Bytes one value of `kind` takes in game memory (a string: its CString). */
static inline uint32_t natives_scalar_bytes(int kind) {
  switch (kind) {
    case COOP_PK_U8: case COOP_PK_BOOL: return 1;
    case COOP_PK_U16: return 2;
    case COOP_PK_F64: return 8;
    case COOP_PK_STRING: return sizeof(r4e_cstring);
    default: return 4;
  }
}

/* Appends to a fixed buffer; ok drops to 0 (and stays) at the first write that does not fit. */
typedef struct { uint8_t *p; uint32_t at, cap; int ok; } natives_writer;
static inline void natives_put(natives_writer *w, const void *src, uint32_t n) {
  if (!w->ok || n > w->cap - w->at) { w->ok = 0; return; }
  memcpy(w->p + w->at, src, n);
  w->at += n;
}

#endif
