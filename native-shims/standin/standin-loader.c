/* standin-loader.c — RED4ext's plugin loading as its source and wiki document it (PluginSystem,
 * Paths, LoggerSystem, ScriptCompilationSystem): every .dll in red4ext/plugins and one folder
 * below (deeper ones are never loaded) is LoadLibraryEx'd with LOAD_WITH_ALTERED_SEARCH_PATH; a
 * DLL without Supports is a dependency and freed; Supports must be API 0; Query; the runtime must
 * be INDEPENDENT or this game's version; the SDK at least 0.5.0; then Main(Load) with the Sdk
 * (logger, game states, scripts). Then the game states run in order and Main(Unload).
 * Tests play other RED4ext releases through the environment: STANDIN_RED4EXT_API=N (the one
 * plugin API it accepts), STANDIN_RED4EXT_SDK_MIN=a.b.c (oldest plugin SDK), STANDIN_RED4EXT_SDK=
 * a.b.c (its own SDK: newer plugins are refused, as RED4ext did before its PR #130). A refusal is
 * a JSON line and a line in red4ext/logs/red4ext.log, as RED4ext logs it in its own log. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <wchar.h>
#include <windows.h>

#include "standin.h"

#define PLUGINS_MAX 16
#define STATES_MAX 64
#define SCRIPT_PATHS_MAX 64
/* The stand-in game's own file version (a 2.x patch), for the runtime check. */
static const r4e_filever GAME_VERSION = {3, 0, 78, 41888};
/* LOAD_WITH_ALTERED_SEARCH_PATH: a plugin's own dependencies resolve beside it. */
#define LOADER_FLAGS 0x00000008

typedef struct { HMODULE mod; wchar_t stem[64]; r4e_main_fn main; FILE *log; } plugin;
typedef struct { int plugin; uint32_t type; r4e_game_state state; } state_entry;

static wchar_t root[MAX_PATH];
static plugin plugins[PLUGINS_MAX];
static int plugin_count;
static state_entry states[STATES_MAX];
static int state_count;
static wchar_t script_paths[SCRIPT_PATHS_MAX][MAX_PATH];
static int script_count;
/* The RED4ext release played: accepted plugin API and SDK range (defaults: the Dec-2024 one). */
static uint32_t api_accepted = R4E_API_VERSION_0;
static r4e_semver sdk_min = {R4E_SDK_MAJOR, R4E_SDK_MINOR, R4E_SDK_PATCH, {0, 0}};
static r4e_semver sdk_max = {0xFF, 0xFFFF, 0xFFFFFFFFu, {0, 0}};

static void env_semver(const char *name, r4e_semver *v) {
  char text[32];
  unsigned a, b, c;
  DWORD n = GetEnvironmentVariableA(name, text, sizeof text);
  if (n == 0 || n >= sizeof text || sscanf(text, "%u.%u.%u", &a, &b, &c) != 3) return;
  *v = (r4e_semver){(uint8_t)a, (uint16_t)b, c, {0, 0}};
}

static void read_versions(void) {
  char text[16];
  DWORD n = GetEnvironmentVariableA("STANDIN_RED4EXT_API", text, sizeof text);
  if (n > 0 && n < sizeof text) api_accepted = (uint32_t)strtoul(text, NULL, 10);
  env_semver("STANDIN_RED4EXT_SDK_MIN", &sdk_min);
  env_semver("STANDIN_RED4EXT_SDK", &sdk_max);
}

static int semver_cmp(const r4e_semver *a, const r4e_semver *b) {
  if (a->major != b->major) return a->major < b->major ? -1 : 1;
  if (a->minor != b->minor) return a->minor < b->minor ? -1 : 1;
  if (a->patch != b->patch) return a->patch < b->patch ? -1 : 1;
  return 0;
}

/* The refusal: a JSON line for the test, a line in RED4ext's own log for the player. */
static void refuse(const char *path, const char *why) {
  emit("{\"event\":\"rejected\",\"path\":\"%s\",\"why\":\"%s\"}", path, why);
  wchar_t log_path[MAX_PATH];
  swprintf(log_path, MAX_PATH, L"%ls\\red4ext\\logs\\red4ext.log", root);
  FILE *f = _wfopen(log_path, L"a");
  if (f) fprintf(f, "[error] %s: %s\n", path, why), fclose(f);
}

void emit(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vprintf(fmt, ap);
  va_end(ap);
  fputc('\n', stdout);
  fflush(stdout);
}

static int plugin_of(r4e_plugin_handle h) {
  for (int i = 0; i < plugin_count; i++)
    if (plugins[i].mod == (HMODULE)h) return i;
  return -1;
}

/* red4ext/logs/<lowercased stem>-<time>.log, opened at the plugin's first line. */
static void log_line(r4e_plugin_handle h, const char *level, const char *msg) {
  int i = plugin_of(h);
  if (i < 0) return;
  if (plugins[i].log == NULL) {
    wchar_t path[MAX_PATH], stem[64];
    wcscpy(stem, plugins[i].stem);
    _wcslwr(stem);
    swprintf(path, MAX_PATH, L"%ls\\red4ext\\logs\\%ls-%lld.log", root, stem, (long long)time(NULL));
    plugins[i].log = _wfopen(path, L"a");
    if (plugins[i].log == NULL) return;
  }
  fprintf(plugins[i].log, "[%s] %s\n", level, msg);
  fflush(plugins[i].log);
}
#define LEVEL(lv, tag)                                                                  \
  static void lv##_plain(r4e_plugin_handle h, const char *m) { log_line(h, tag, m); }   \
  static void lv##_f(r4e_plugin_handle h, const char *f, ...) {                         \
    char b[1024];                                                                       \
    va_list ap;                                                                         \
    va_start(ap, f);                                                                    \
    vsnprintf(b, sizeof b, f, ap);                                                      \
    va_end(ap);                                                                         \
    log_line(h, tag, b);                                                                \
  }                                                                                     \
  static void lv##_w(r4e_plugin_handle h, const wchar_t *m) {                           \
    char b[1024];                                                                       \
    WideCharToMultiByte(CP_UTF8, 0, m, -1, b, sizeof b, NULL, NULL);                    \
    log_line(h, tag, b);                                                                \
  }                                                                                     \
  static void lv##_wf(r4e_plugin_handle h, const wchar_t *f, ...) { lv##_w(h, f); }
LEVEL(trace, "trace")
LEVEL(debug, "debug")
LEVEL(info, "info")
LEVEL(warn, "warning")
LEVEL(error, "error")
LEVEL(critical, "critical")
#define LV(lv) {lv##_plain, lv##_f, lv##_w, lv##_wf}
static r4e_logger logger = {LV(trace), LV(debug), LV(info), LV(warn), LV(error), LV(critical)};

static _Bool states_add(r4e_plugin_handle h, uint32_t type, r4e_game_state *st) {
  if (state_count >= STATES_MAX || type > R4E_STATE_SHUTDOWN || st == NULL) return 0;
  states[state_count++] = (state_entry){plugin_of(h), type, *st};
  emit("{\"event\":\"gameStateAdded\",\"type\":%u}", type);
  return 1;
}

/* Relative paths are the plugin's folder's; RED4ext hands them all to scc in a paths file. */
static _Bool scripts_add(r4e_plugin_handle h, const wchar_t *path) {
  if (script_count >= SCRIPT_PATHS_MAX || path == NULL) return 0;
  wchar_t dll[MAX_PATH], full[MAX_PATH];
  GetModuleFileNameW((HMODULE)h, dll, MAX_PATH);
  *wcsrchr(dll, L'\\') = L'\0';
  if (path[0] && path[1] == L':') wcscpy(full, path);
  else swprintf(full, MAX_PATH, L"%ls\\%ls", dll, path);
  DWORD attrs = GetFileAttributesW(full);
  char u[MAX_PATH * 3];
  WideCharToMultiByte(CP_UTF8, 0, full, -1, u, sizeof u, NULL, NULL);
  for (char *p = u; *p; p++) if (*p == '\\') *p = '/';
  emit("{\"event\":\"scriptsAdded\",\"path\":\"%s\",\"exists\":%d}", u, attrs != INVALID_FILE_ATTRIBUTES);
  wcscpy(script_paths[script_count++], full);
  return 1;
}

/* Recorded, never done: the stand-in game has no functions to detour. */
static int hook_attach(r4e_plugin_handle h, void *t, void *d, void **o) {
  (void)h, (void)d, (void)o;
  emit("{\"event\":\"hookAttach\",\"target\":\"%p\"}", t);
  return 0;
}
static int hook_detach(r4e_plugin_handle h, void *t) {
  (void)h;
  emit("{\"event\":\"hookDetach\",\"target\":\"%p\"}", t);
  return 0;
}
static r4e_hooking hooking = {hook_attach, hook_detach};
static r4e_game_states game_states = {states_add};
static r4e_scripts scripts = {scripts_add};
static r4e_semver runtime = {3, 0, 78, {0, 0}};
static const r4e_sdk sdk = {&runtime, &logger, &hooking, &game_states, &scripts};

static void load_one(const wchar_t *path) {
  char u[MAX_PATH * 3];
  WideCharToMultiByte(CP_UTF8, 0, path, -1, u, sizeof u, NULL, NULL);
  for (char *p = u; *p; p++) if (*p == '\\') *p = '/';
  HMODULE mod = LoadLibraryExW(path, NULL, LOADER_FLAGS);
  if (mod == NULL) { emit("{\"event\":\"loadFailed\",\"path\":\"%s\",\"error\":%lu}", u, GetLastError()); return; }
  r4e_supports_fn supports = (r4e_supports_fn)(void (*)(void))GetProcAddress(mod, "Supports");
  if (supports == NULL) { emit("{\"event\":\"dependency\",\"path\":\"%s\"}", u); FreeLibrary(mod); return; }
  uint32_t api = supports();
  r4e_query_fn query = (r4e_query_fn)(void (*)(void))GetProcAddress(mod, "Query");
  r4e_main_fn main_fn = (r4e_main_fn)(void (*)(void))GetProcAddress(mod, "Main");
  if (api != api_accepted || query == NULL || main_fn == NULL || plugin_count >= PLUGINS_MAX) {
    char why[96];
    if (api != api_accepted) snprintf(why, sizeof why, "api %u (this RED4ext supports %u)", api, api_accepted);
    else snprintf(why, sizeof why, "%s", plugin_count >= PLUGINS_MAX ? "too many plugins" : "missing Query or Main");
    refuse(u, why);
    FreeLibrary(mod);
    return;
  }
  r4e_plugin_info info;
  memset(&info, 0, sizeof info);
  query(&info);
  char name[128];
  WideCharToMultiByte(CP_UTF8, 0, info.name ? info.name : L"", -1, name, sizeof name, NULL, NULL);
  const r4e_filever *rt = &info.runtime;
  int any = rt->major == R4E_RUNTIME_ANY && rt->minor == R4E_RUNTIME_ANY && rt->build == R4E_RUNTIME_ANY && rt->revision == R4E_RUNTIME_ANY;
  int same = memcmp(rt, &GAME_VERSION, sizeof *rt) == 0;
  int sdk_old = semver_cmp(&info.sdk, &sdk_min) < 0, sdk_new = semver_cmp(&info.sdk, &sdk_max) > 0;
  emit("{\"event\":\"query\",\"path\":\"%s\",\"name\":\"%s\",\"version\":\"%u.%u.%u\",\"sdk\":\"%u.%u.%u\",\"runtimeIndependent\":%d}", u, name, info.version.major,
       info.version.minor, info.version.patch, info.sdk.major, info.sdk.minor, info.sdk.patch, any);
  if (!(any || same) || sdk_old || sdk_new) {
    char why[128];
    if (sdk_old) snprintf(why, sizeof why, "sdk %u.%u.%u too old (oldest supported %u.%u.%u)", info.sdk.major, info.sdk.minor, info.sdk.patch, sdk_min.major, sdk_min.minor, sdk_min.patch);
    else if (sdk_new) snprintf(why, sizeof why, "sdk %u.%u.%u newer than this RED4ext (%u.%u.%u)", info.sdk.major, info.sdk.minor, info.sdk.patch, sdk_max.major, sdk_max.minor, sdk_max.patch);
    else snprintf(why, sizeof why, "incompatible with the current patch");
    refuse(u, why);
    FreeLibrary(mod);
    return;
  }
  plugin *p = &plugins[plugin_count++];
  p->mod = mod;
  p->main = main_fn;
  const wchar_t *base = wcsrchr(path, L'\\') + 1;
  swprintf(p->stem, 64, L"%.*ls", (int)(wcslen(base) - 4), base);
  if (!main_fn(mod, R4E_MAIN_LOAD, &sdk)) {
    emit("{\"event\":\"mainLoadFailed\",\"name\":\"%s\"}", name);
    plugin_count--;
    FreeLibrary(mod);
    return;
  }
  emit("{\"event\":\"loaded\",\"name\":\"%s\"}", name);
}

/* plugins\*.dll, then plugins\<dir>\*.dll; nothing deeper. */
static void scan(const wchar_t *dir, int depth) {
  wchar_t pattern[MAX_PATH], path[MAX_PATH];
  swprintf(pattern, MAX_PATH, L"%ls\\*", dir);
  WIN32_FIND_DATAW fd;
  HANDLE h = FindFirstFileW(pattern, &fd);
  if (h == INVALID_HANDLE_VALUE) return;
  do {
    if (wcscmp(fd.cFileName, L".") == 0 || wcscmp(fd.cFileName, L"..") == 0) continue;
    swprintf(path, MAX_PATH, L"%ls\\%ls", dir, fd.cFileName);
    size_t n = wcslen(fd.cFileName);
    if (fd.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY) {
      if (depth < 1) scan(path, depth + 1);
    } else if (n > 4 && _wcsicmp(fd.cFileName + n - 4, L".dll") == 0) {
      load_one(path);
    }
  } while (FindNextFileW(h, &fd));
  FindClose(h);
}

static void write_script_paths(void) {
  wchar_t path[MAX_PATH];
  swprintf(path, MAX_PATH, L"%ls\\red4ext\\redscript_paths.txt", root);
  FILE *f = _wfopen(path, L"w");
  for (int i = 0; f && i < script_count; i++) fprintf(f, "%ls\n", script_paths[i]);
  if (f) fclose(f);
}

/* Each state: every OnEnter, OnUpdate until all say done (Running: until the frame callback
 * says stop), every OnExit. */
static void run_state(uint32_t type, standin_frame_fn frame, void *user) {
  emit("{\"event\":\"stateEnter\",\"type\":%u}", type);
  for (int i = 0; i < state_count; i++)
    if (states[i].type == type && states[i].state.on_enter) states[i].state.on_enter(NULL);
  for (int more = 1; more;) {
    more = 0;
    for (int i = 0; i < state_count; i++)
      if (states[i].type == type && states[i].state.on_update && !states[i].state.on_update(NULL) && type != R4E_STATE_RUNNING) more = 1;
    if (type == R4E_STATE_RUNNING) more = frame(user);
  }
  for (int i = 0; i < state_count; i++)
    if (states[i].type == type && states[i].state.on_exit) states[i].state.on_exit(NULL);
}

int Standin_Run(const wchar_t *game_dir, standin_frame_fn frame, void *user) {
  wcscpy(root, game_dir);
  read_versions();
  wchar_t dir[MAX_PATH];
  swprintf(dir, MAX_PATH, L"%ls\\red4ext\\logs", root);
  CreateDirectoryW(dir, NULL);
  rtti_init();
  swprintf(dir, MAX_PATH, L"%ls\\red4ext\\plugins", root);
  scan(dir, 0);
  write_script_paths();
  rtti_run_post_register(); /* the engine's RTTI registration, after plugins loaded */
  emit("{\"event\":\"pluginsLoaded\",\"count\":%d,\"natives\":%d}", plugin_count, rtti_native_count());
  for (uint32_t t = R4E_STATE_BASE_INIT; t <= R4E_STATE_SHUTDOWN; t++) run_state(t, frame, user);
  for (int i = plugin_count - 1; i >= 0; i--) {
    plugins[i].main(plugins[i].mod, R4E_MAIN_UNLOAD, &sdk);
    FreeLibrary(plugins[i].mod);
    if (plugins[i].log) fclose(plugins[i].log);
  }
  emit("{\"event\":\"unloaded\",\"count\":%d}", plugin_count);
  return 0;
}
