/* standin-rtti.c — the engine pieces CoopBridge.dll reaches through RED4ext_ResolveAddress,
 * stood in with the layouts RED4ext.SDK documents: CRTTISystem::Get and an IRTTISystem whose
 * vtable has RegisterFunction (0xA0) and AddPostRegisterCallback (0xC8) where the SDK puts them
 * (every other slot reports and exits), CNamePool::Add (FNV-1a 64, as CName is), the
 * CGlobalFunction constructor (names at 0x08/0x10, flags at 0xA8), CString's constructor, and an
 * opcode table whose one value opcode hands a cell to the native as GetParameter expects. */
#include <stdlib.h>
#include <string.h>
#include <windows.h>

#include "standin.h"

#define RTTI_VTABLE_SLOTS 40
#define RTTI_NATIVES_MAX 256
#define RTTI_NAMES_MAX 512
#define RTTI_CALLBACKS_MAX 16
#define FN_FULL_NAME_OFFSET 0x08
#define FN_SHORT_NAME_OFFSET 0x10
#define OPCODES 256

typedef struct { r4e_cname hash; char text[96]; } name_entry;
typedef struct { void *mem; r4e_native_fn fn; char name[96]; uint32_t flags; int registered; } native_entry;

static name_entry names[RTTI_NAMES_MAX];
static int name_count;
static native_entry natives[RTTI_NATIVES_MAX];
static int native_count, registered_count;
static r4e_callback callbacks[RTTI_CALLBACKS_MAX];
static int callback_count;
static void *vtable[RTTI_VTABLE_SLOTS];
static struct { void **vtbl; } rtti_object = {vtable};
static r4e_opcode_fn opcode_table[OPCODES];

static const char *name_text(r4e_cname h) {
  for (int i = 0; i < name_count; i++)
    if (names[i].hash == h) return names[i].text;
  return "?";
}

static r4e_cname *name_add(r4e_cname *out, const char *text) {
  uint64_t h = 0xcbf29ce484222325ull;
  for (const char *p = text; *p; p++) h = (h ^ (uint8_t)*p) * 0x100000001b3ull;
  if (name_count < RTTI_NAMES_MAX) {
    names[name_count].hash = h;
    snprintf(names[name_count++].text, sizeof names[0].text, "%s", text);
  }
  *out = h;
  return out;
}

static void *function_ctor(void *mem, r4e_cname full, r4e_cname short_name, r4e_native_fn fn) {
  memset(mem, 0, R4E_GLOBAL_FUNCTION_BYTES);
  memcpy((uint8_t *)mem + FN_FULL_NAME_OFFSET, &full, sizeof full);
  memcpy((uint8_t *)mem + FN_SHORT_NAME_OFFSET, &short_name, sizeof short_name);
  if (native_count < RTTI_NATIVES_MAX) {
    natives[native_count] = (native_entry){mem, fn, "", 0, 0};
    snprintf(natives[native_count++].name, sizeof natives[0].name, "%s", name_text(full));
  }
  return mem;
}

static void register_function(void *self, void *func) {
  (void)self;
  for (int i = 0; i < native_count; i++) {
    if (natives[i].mem != func) continue;
    r4e_cname full, short_name;
    memcpy(&full, (uint8_t *)func + FN_FULL_NAME_OFFSET, sizeof full);
    memcpy(&short_name, (uint8_t *)func + FN_SHORT_NAME_OFFSET, sizeof short_name);
    memcpy(&natives[i].flags, (uint8_t *)func + R4E_FUNCTION_FLAGS_OFFSET, 4);
    natives[i].registered = 1;
    registered_count++;
    emit("{\"event\":\"nativeRegistered\",\"name\":\"%s\",\"shortName\":\"%s\",\"isNative\":%d,\"isStatic\":%d}", name_text(full), name_text(short_name),
         (natives[i].flags & R4E_FUNCTION_FLAG_NATIVE) != 0, (natives[i].flags & R4E_FUNCTION_FLAG_STATIC) != 0);
    return;
  }
  emit("{\"event\":\"registerUnknownFunction\"}");
}

/* By value in C++ means a pointer to the caller's copy: we copy it with its own handler. */
static void add_post_register_callback(void *self, r4e_callback *cb) {
  (void)self;
  if (callback_count >= RTTI_CALLBACKS_MAX || cb == NULL || cb->handler == NULL) return;
  r4e_callback *mine = &callbacks[callback_count++];
  memset(mine, 0, sizeof *mine);
  cb->handler->copy(mine->buffer, cb->buffer);
  mine->handler = cb->handler;
  emit("{\"event\":\"postRegisterCallbackAdded\"}");
}

static void unexpected_slot(void) {
  emit("{\"event\":\"fatal\",\"why\":\"the plugin called an IRTTISystem slot the stand-in does not provide\"}");
  ExitProcess(3);
}

static void *rtti_get(void) { return &rtti_object; }

static r4e_cstring *cstring_ctor(r4e_cstring *s, const char *text) {
  cstring_set(s, text);
  return s;
}

void cstring_set(r4e_cstring *s, const char *text) {
  size_t n = strlen(text);
  memset(s, 0, sizeof *s);
  if (n < sizeof s->text.inline_str) {
    memcpy(s->text.inline_str, text, n + 1);
    s->length = (uint32_t)n;
  } else {
    s->text.str.ptr = _strdup(text);
    s->length = (uint32_t)n | R4E_CSTRING_HEAP_FLAG;
  }
}

const char *cstring_text(const r4e_cstring *s) { return s->length < R4E_CSTRING_HEAP_FLAG ? s->text.inline_str : s->text.str.ptr; }

/* The value opcode: an 8-byte cell pointer follows it in the bytecode. */
static void op_value(void *ctx, r4e_stack_frame *frame, void *out, void *a4) {
  (void)ctx, (void)a4;
  standin_cell *cell;
  memcpy(&cell, frame->code, sizeof cell);
  frame->code += sizeof cell;
  if (frame->use_direct_data) frame->data = cell->data;
  else if (out) memcpy(out, cell->data, cell->size);
}

static void op_unknown(void *ctx, r4e_stack_frame *frame, void *out, void *a4) {
  (void)ctx, (void)frame, (void)out, (void)a4;
  emit("{\"event\":\"fatal\",\"why\":\"the plugin ran an opcode the stand-in VM did not lay out\"}");
  ExitProcess(3);
}

void rtti_init(void) {
  for (int i = 0; i < RTTI_VTABLE_SLOTS; i++) vtable[i] = (void *)unexpected_slot;
  vtable[R4E_RTTI_SLOT_REGISTER_FUNCTION / sizeof(void *)] = (void *)register_function;
  vtable[R4E_RTTI_SLOT_ADD_POST_REGISTER_CALLBACK / sizeof(void *)] = (void *)add_post_register_callback;
  for (int i = 0; i < OPCODES; i++) opcode_table[i] = op_unknown;
  opcode_table[STANDIN_OP_VALUE] = op_value;
}

void rtti_run_post_register(void) {
  for (int i = 0; i < callback_count; i++) {
    callbacks[i].handler->invoke(callbacks[i].buffer);
    callbacks[i].handler->destruct(callbacks[i].buffer);
  }
  callback_count = 0;
}

int rtti_native_count(void) { return registered_count; }

int rtti_call(const char *name, standin_cell *const *args, int n, void *out) {
  for (int i = 0; i < native_count; i++) {
    if (!natives[i].registered || strcmp(natives[i].name, name) != 0) continue;
    /* Bytecode as the VM lays it out for a call: one opcode (+ operand) per argument, ParamEnd. */
    char code[64 * (1 + sizeof(void *)) + 1];
    size_t at = 0;
    for (int a = 0; a < n && a < 64; a++) {
      code[at++] = STANDIN_OP_VALUE;
      memcpy(code + at, &args[a], sizeof args[a]);
      at += sizeof args[a];
    }
    code[at++] = STANDIN_OP_PARAM_END;
    r4e_stack_frame frame;
    memset(&frame, 0, sizeof frame);
    frame.code = code;
    natives[i].fn(NULL, &frame, out, 0);
    if (frame.code != code + at) emit("{\"event\":\"frameMisread\",\"name\":\"%s\",\"consumed\":%d,\"laidOut\":%d}", name, (int)(frame.code - code), (int)at);
    return 1;
  }
  return 0;
}

uintptr_t RED4ext_ResolveAddress(uint32_t hash) {
  switch (hash) {
    case R4E_HASH_CRTTISYSTEM_GET: return (uintptr_t)rtti_get;
    case R4E_HASH_CGLOBALFUNCTION_CTOR: return (uintptr_t)function_ctor;
    case R4E_HASH_CNAMEPOOL_ADD_CSTR: return (uintptr_t)name_add;
    case R4E_HASH_CSTRING_CTOR_STR: return (uintptr_t)cstring_ctor;
    case R4E_HASH_OPCODE_HANDLERS: return (uintptr_t)opcode_table;
    default:
      emit("{\"event\":\"resolveUnknown\",\"hash\":%u}", hash);
      return 0;
  }
}

int Standin_Call(const char *name, standin_cell *const *args, int n, void *out) { return rtti_call(name, args, n, out); }
void Standin_CStringSet(r4e_cstring *s, const char *text) { cstring_set(s, text); }
const char *Standin_CStringText(const r4e_cstring *s) { return cstring_text(s); }
