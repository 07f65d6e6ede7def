/* natives.c — registers the global natives the .reds declare with the game's RTTI, for its script
 * VM to run: the send natives generated from the hook manifest (coop_natives.h, included here
 * only) and the fixed poll/read natives. Their bodies: natives-send.c, natives-poll.c. */
#include <stdint.h>
#include <string.h>
#include <windows.h>

#include "coop_hooks.h"
#include "natives-internal.h"

#include "coop_natives.h"

r4e_opcode_fn *natives_opcodes;
r4e_cstring_ctor_fn natives_cstring_ctor;
static r4e_resolve_fn resolve;

const coop_send_native *natives_send_spec(int index) { return &COOP_SEND_NATIVES[index]; }

const coop_read_message *natives_read_spec(uint16_t type) {
  for (int i = 0; i < COOP_READ_MESSAGE_COUNT; i++)
    if (COOP_READ_MESSAGES[i].type == type) return &COOP_READ_MESSAGES[i];
  return NULL;
}

static uintptr_t resolve_addr(uint32_t hash) { return resolve ? resolve(hash) : 0; }

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
  natives_opcodes = (r4e_opcode_fn *)resolve_addr(R4E_HASH_OPCODE_HANDLERS);
  natives_cstring_ctor = (r4e_cstring_ctor_fn)resolve_addr(R4E_HASH_CSTRING_CTOR_STR);
  if (!get || !natives_opcodes || !natives_cstring_ctor || !resolve_addr(R4E_HASH_CGLOBALFUNCTION_CTOR) || !resolve_addr(R4E_HASH_CNAMEPOOL_ADD_CSTR)) {
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
