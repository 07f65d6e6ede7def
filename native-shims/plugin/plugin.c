/* plugin.c — CoopBridge.dll, the RED4ext plugin (plain C, mingw-w64). RED4ext finds it in
 * red4ext/plugins/CoopBridge/, calls Supports → Query → Main(Load); we register our .reds, our
 * natives and two game states. Running: open the bridge region in the game role and launch the
 * sidecar from our own folder (sidecar/node.exe), then supervise it each frame. Shutdown (and
 * Main(Unload)): close the region and stop the sidecar. The same DLL holds the shim the sidecar
 * loads through koffi (its name, case aside, is what bridge/native.ts looks for). */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <windows.h>

#include "coop_hooks.h"
#include "plugin.h"
#include "supervise.h"

#ifndef COOP_VERSION_MAJOR
#define COOP_VERSION_MAJOR 0
#define COOP_VERSION_MINOR 0
#define COOP_VERSION_PATCH 0
#endif

/* Our script folder, relative to the plugin's folder (RED4ext resolves it so). */
#define PLUGIN_SCRIPTS_DIR L"scripts"
#define PLUGIN_LOG_LINE_MAX 1024

coop_region *plugin_region;
static r4e_plugin_handle self;
static const r4e_sdk *sdk;
static wchar_t plugin_dir[MAX_PATH];
static char session[32];

void plugin_log(int level, const char *fmt, ...) {
  if (sdk == NULL || sdk->logger == NULL) return;
  char line[PLUGIN_LOG_LINE_MAX];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(line, sizeof line, fmt, ap);
  va_end(ap);
  const r4e_log_level *l = level == PLOG_ERROR ? &sdk->logger->error : level == PLOG_WARN ? &sdk->logger->warn : &sdk->logger->info;
  l->plain(self, line);
}

static _Bool on_running_enter(void *app) {
  (void)app;
  snprintf(session, sizeof session, "cb%lu", (unsigned long)GetCurrentProcessId());
  coop_region *r = coop_open(session, COOP_ROLE_GAME, COOP_RING_DEFAULT_BYTES, COOP_ABI_VERSION, COOP_SCHEMA_HASH);
  if (r == NULL || coop_status(r) != COOP_OK) {
    plugin_log(PLOG_ERROR, "cannot open the bridge region '%s': status %d, os error %d", session, r ? coop_status(r) : -1, r ? coop_os_error(r) : 0);
    if (r) coop_close(r);
    natives_notify("Co-op unavailable", "The co-op bridge could not open; see red4ext/logs/.");
    return 1;
  }
  plugin_region = r;
  plugin_log(PLOG_INFO, "bridge region '%s' open (game role)", session);
  supervise_start(plugin_dir, session);
  return 1;
}

static _Bool on_running_update(void *app) {
  (void)app;
  if (plugin_region) coop_beat(plugin_region);
  supervise_tick(GetTickCount64());
  return 0; /* in Running only the game's own answer matters */
}

static void stop_all(const char *why) {
  if (plugin_region) {
    coop_close(plugin_region); /* the sidecar sees the game gone and exits */
    plugin_region = NULL;
  }
  supervise_stop(why);
}

static _Bool on_shutdown_enter(void *app) {
  (void)app;
  stop_all("game shutting down");
  return 1;
}

static r4e_game_state running_state = {on_running_enter, on_running_update, NULL};
static r4e_game_state shutdown_state = {on_shutdown_enter, NULL, NULL};

__declspec(dllexport) uint32_t Supports(void) { return R4E_API_VERSION_0; }

__declspec(dllexport) void Query(r4e_plugin_info *info) {
  info->sdk = (r4e_semver){R4E_SDK_MAJOR, R4E_SDK_MINOR, R4E_SDK_PATCH, {0, 0}};
  info->name = L"CoopBridge";
  info->author = L"coop-bridge";
  info->version = (r4e_semver){COOP_VERSION_MAJOR, COOP_VERSION_MINOR, COOP_VERSION_PATCH, {0, 0}};
  /* Runtime independent: a game patch must not disable us (we resolve addresses by hash). */
  info->runtime = (r4e_filever){R4E_RUNTIME_ANY, R4E_RUNTIME_ANY, R4E_RUNTIME_ANY, R4E_RUNTIME_ANY};
}

__declspec(dllexport) _Bool Main(r4e_plugin_handle handle, uint32_t reason, const r4e_sdk *s) {
  if ((uint8_t)reason == R4E_MAIN_UNLOAD) {
    stop_all("plugin unloaded");
    return 1;
  }
  self = handle;
  sdk = s;
  DWORD n = GetModuleFileNameW((HMODULE)handle, plugin_dir, MAX_PATH);
  if (n == 0 || n >= MAX_PATH) return 0;
  wchar_t *slash = wcsrchr(plugin_dir, L'\\');
  if (slash) *slash = L'\0';
  /* Our .reds compile only when this DLL loaded: a missing native would close the game. */
  if (!natives_request_registration()) return 0;
  if (!s->scripts->add(handle, PLUGIN_SCRIPTS_DIR)) plugin_log(PLOG_WARN, "RED4ext refused our scripts folder");
  s->game_states->add(handle, R4E_STATE_RUNNING, &running_state);
  s->game_states->add(handle, R4E_STATE_SHUTDOWN, &shutdown_state);
  plugin_log(PLOG_INFO, "CoopBridge %d.%d.%d loaded", COOP_VERSION_MAJOR, COOP_VERSION_MINOR, COOP_VERSION_PATCH);
  return 1;
}
