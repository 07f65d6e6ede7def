/* red4ext-abi.h — RED4ext's plugin ABI (API v0) and the few engine layouts the plugin touches,
 * written in C from RED4ext.SDK's documented headers (facts carry over, code does not: the SDK
 * is C++ for MSVC, and mingw's Itanium vtables would not match it). Shared by the plugin
 * (CoopBridge.dll) and the stand-in loader (native-shims/standin/), so both agree by
 * construction; what only the real game can prove is said in docs/mod.md. Offsets checked by
 * _Static_assert against the SDK's RED4EXT_ASSERT_OFFSET/SIZE lines. */
#ifndef COOP_RED4EXT_ABI_H
#define COOP_RED4EXT_ABI_H

#include <stddef.h>
#include <stdint.h>
#include <wchar.h>

/* Api/Version.hpp: the only API version; Supports() returns it. */
#define R4E_API_VERSION_0 0u
/* Api/v0/Version.hpp: RED4EXT_SDK_0_5_0, the oldest SDK the loader accepts. */
#define R4E_SDK_MAJOR 0
#define R4E_SDK_MINOR 5
#define R4E_SDK_PATCH 0
/* RED4EXT_RUNTIME_INDEPENDENT: FileVer 0xFFFF x4, skips the game-version check. */
#define R4E_RUNTIME_ANY 0xFFFFu

typedef void *r4e_plugin_handle; /* HMODULE */

typedef struct {
  uint8_t major;
  uint16_t minor;
  uint32_t patch;
  struct { uint32_t type; uint32_t number; } prerelease;
} r4e_semver;

typedef struct { uint16_t major, minor, build, revision; } r4e_filever;

typedef struct {
  r4e_semver sdk;
  const wchar_t *name;
  const wchar_t *author;
  r4e_semver version;
  r4e_filever runtime;
} r4e_plugin_info;

enum r4e_main_reason { R4E_MAIN_LOAD = 0, R4E_MAIN_UNLOAD = 1 };
enum r4e_game_state_type { R4E_STATE_BASE_INIT = 0, R4E_STATE_INIT = 1, R4E_STATE_RUNNING = 2, R4E_STATE_SHUTDOWN = 3 };

/* Logger: Trace..Critical, each plain / F / W / WF, in that order (Api/v0/Logger.hpp). */
typedef void (*r4e_log_fn)(r4e_plugin_handle, const char *);
typedef void (*r4e_logf_fn)(r4e_plugin_handle, const char *, ...);
typedef void (*r4e_logw_fn)(r4e_plugin_handle, const wchar_t *);
typedef void (*r4e_logwf_fn)(r4e_plugin_handle, const wchar_t *, ...);
typedef struct { r4e_log_fn plain; r4e_logf_fn f; r4e_logw_fn w; r4e_logwf_fn wf; } r4e_log_level;
typedef struct { r4e_log_level trace, debug, info, warn, error, critical; } r4e_logger;

typedef struct {
  int (*attach)(r4e_plugin_handle, void *target, void *detour, void **original); /* bool */
  int (*detach)(r4e_plugin_handle, void *target);
} r4e_hooking;

/* GameStates.hpp: each callback gets the game's CGameApplication*, returns true when done. */
typedef _Bool (*r4e_state_fn)(void *app);
typedef struct { r4e_state_fn on_enter, on_update, on_exit; } r4e_game_state;
typedef struct { _Bool (*add)(r4e_plugin_handle, uint32_t type, r4e_game_state *state); } r4e_game_states;

/* Scripts.hpp: a .reds file or folder, absolute or relative to the plugin's folder. */
typedef struct { _Bool (*add)(r4e_plugin_handle, const wchar_t *path); } r4e_scripts;

typedef struct {
  r4e_semver *runtime;
  r4e_logger *logger;
  r4e_hooking *hooking;
  r4e_game_states *game_states;
  r4e_scripts *scripts;
} r4e_sdk;

/* The three exports RED4ext looks up by name (RED4EXT_C_EXPORT; __fastcall is a no-op on x64). */
typedef uint32_t (*r4e_supports_fn)(void);
typedef void (*r4e_query_fn)(r4e_plugin_info *);
typedef _Bool (*r4e_main_fn)(r4e_plugin_handle, uint32_t reason /* EMainReason: uint8 */, const r4e_sdk *);

/* ---- engine side: resolved through RED4ext.dll's RED4ext_ResolveAddress(hash) ---- */
#define R4E_RESOLVE_EXPORT "RED4ext_ResolveAddress"
#define R4E_MODULE_NAME L"RED4ext.dll"
/* Detail/AddressHashes.hpp */
#define R4E_HASH_CRTTISYSTEM_GET 0x4A610F64u
#define R4E_HASH_CGLOBALFUNCTION_CTOR 0xFA6B24D0u
#define R4E_HASH_CNAMEPOOL_ADD_CSTR 0x00A00C9Bu
#define R4E_HASH_CSTRING_CTOR_STR 0xC81F0AABu
#define R4E_HASH_OPCODE_HANDLERS 0x39532858u
typedef uintptr_t (*r4e_resolve_fn)(uint32_t hash);

typedef uint64_t r4e_cname;

/* Scripting/Stack.hpp: CStackFrame, 0x68 bytes. */
typedef struct r4e_stack_frame {
  char *code;          /* 00: the caller's bytecode, at this native's first parameter */
  void *func;          /* 08 */
  void *local_vars;    /* 10 */
  void *params;        /* 18 */
  int64_t unk20, unk28;
  void *data;          /* 30: where the last opcode's result lives */
  void *data_type;     /* 38 */
  void *context;       /* 40: IScriptable* */
  struct r4e_stack_frame *parent;
  int16_t unk50;
  int64_t unk58;
  uint16_t param_flags; /* 60 */
  uint8_t current_param; /* 62 */
  _Bool use_direct_data; /* 63 */
} r4e_stack_frame;
_Static_assert(offsetof(r4e_stack_frame, data) == 0x30, "CStackFrame.data");
_Static_assert(offsetof(r4e_stack_frame, context) == 0x40, "CStackFrame.context");
_Static_assert(offsetof(r4e_stack_frame, current_param) == 0x62, "CStackFrame.currentParam");
_Static_assert(sizeof(r4e_stack_frame) == 0x68, "CStackFrame size");

/* OpcodeHandlers: handler(context, frame, out, unused). GetParameter = frame->code++ then run. */
typedef void (*r4e_opcode_fn)(void *ctx, r4e_stack_frame *frame, void *out, void *a4);
/* A native's body: (context, frame, return slot or NULL, unused). */
typedef void (*r4e_native_fn)(void *ctx, r4e_stack_frame *frame, void *out, int64_t a4);

/* CString, 0x20 bytes: inline text while length < 0x40000000, else a heap pointer. */
typedef struct {
  union { char inline_str[0x14]; struct { char *ptr; int8_t unk[8]; int32_t capacity; } __attribute__((packed)) str; } text;
  uint32_t length;
  void *allocator;
} r4e_cstring;
_Static_assert(sizeof(r4e_cstring) == 0x20, "CString size");
#define R4E_CSTRING_HEAP_FLAG 0x40000000u
#define R4E_CSTRING_LENGTH_MASK 0x3FFFFFFFu

/* DynArray<T>: entries, capacity, size. */
typedef struct { void *entries; uint32_t capacity; uint32_t size; } r4e_dynarray;
_Static_assert(sizeof(r4e_dynarray) == 0x10, "DynArray size");

/* Callback<void(*)()>: 32 bytes of target, then the handler table; passed by value, which on
 * x64 (MSVC and mingw alike) means a pointer to the caller's copy. */
typedef struct {
  void (*invoke)(const void *target);
  void (*copy)(void *dst, void *src);
  void (*move)(void *dst, void *src);
  void (*destruct)(void *target);
} r4e_callback_handler;
typedef struct { uint8_t buffer[32]; const r4e_callback_handler *handler; } r4e_callback;
_Static_assert(sizeof(r4e_callback) == 0x28, "Callback size");

/* IRTTISystem vtable slots (byte offsets) that precede its destructor, so they line up. */
#define R4E_RTTI_SLOT_REGISTER_FUNCTION 0xA0
#define R4E_RTTI_SLOT_ADD_REGISTER_CALLBACK 0xC0
#define R4E_RTTI_SLOT_ADD_POST_REGISTER_CALLBACK 0xC8
typedef void *(*r4e_rtti_get_fn)(void);
typedef void (*r4e_rtti_register_function_fn)(void *rtti, void *func);
typedef void (*r4e_rtti_add_callback_fn)(void *rtti, r4e_callback *cb);

/* CGlobalFunction: 0xB8 bytes; its constructor (this, fullName, shortName, handler); flags at 0xA8. */
#define R4E_GLOBAL_FUNCTION_BYTES 0xB8
#define R4E_FUNCTION_FLAGS_OFFSET 0xA8
#define R4E_FUNCTION_FLAG_NATIVE 0x1u
#define R4E_FUNCTION_FLAG_STATIC 0x2u
typedef void *(*r4e_global_function_ctor_fn)(void *mem, r4e_cname full, r4e_cname short_name, r4e_native_fn fn);
typedef r4e_cname *(*r4e_cname_add_fn)(r4e_cname *out, const char *text);
typedef r4e_cstring *(*r4e_cstring_ctor_fn)(r4e_cstring *self, const char *text);

#endif
