/* supervise.c — see supervise.h. The sidecar's arguments come from coop-bridge.ini beside the
 * DLL (key = value lines; the settings menu's server/lobby reach a running sidecar as
 * SettingsChanged instead). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <windows.h>

#include "coop_shim.h"
#include "plugin.h"
#include "supervise.h"

/* First restart delay, doubled at each death, capped. */
#define SUPERVISE_BACKOFF_FIRST_MS 1000u
#define SUPERVISE_BACKOFF_MAX_MS 30000u
/* A sidecar that ran this long is healthy again: the backoff starts over. */
#define SUPERVISE_HEALTHY_MS 60000u
/* Deaths in a row after which we give up and tell the player. */
#define SUPERVISE_RESTARTS_MAX 5
/* How long a stopping sidecar gets to leave by itself before its job is ended. */
#define SUPERVISE_STOP_GRACE_MS 3000u
#define SUPERVISE_STOP_POLL_MS 50u
/* Old logs kept: coop-sidecar.1.log (newest) .. coop-sidecar.N.log. */
#define SUPERVISE_LOGS_KEPT 3
#define SUPERVISE_ARGS_MAX 32
#define SUPERVISE_PATH_MAX (MAX_PATH * 2)
#define SUPERVISE_INI_LINE_MAX 512

static const struct { const char *key, *flag; } INI_FLAGS[] = {
  {"server", "--server"}, {"master", "--master"}, {"lobby", "--join"}, {"name", "--name"},
  {"password_file", "--password-file"}, {"data_dir", "--data-dir"}, {"log_level", "--log-level"},
};

static char node_exe[SUPERVISE_PATH_MAX], bundle[SUPERVISE_PATH_MAX], log_path[SUPERVISE_PATH_MAX], ini_path[SUPERVISE_PATH_MAX];
static char session_name[32];
static char ini_values[SUPERVISE_ARGS_MAX][SUPERVISE_INI_LINE_MAX];
static const char *argv_buf[SUPERVISE_ARGS_MAX + 8];
static int32_t pid;
static int deaths, gave_up, active;
static uint64_t restart_at, started_at;

static void utf8_path(char *out, const wchar_t *dir, const char *rel) {
  char d[SUPERVISE_PATH_MAX];
  WideCharToMultiByte(CP_ACP, 0, dir, -1, d, sizeof d, NULL, NULL);
  snprintf(out, SUPERVISE_PATH_MAX, "%s\\%s", d, rel);
}

static char *trim(char *s) {
  while (*s == ' ' || *s == '\t') s++;
  char *e = s + strlen(s);
  while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r' || e[-1] == '\n')) *--e = '\0';
  return s;
}

/* argv: node.exe V8-flags bundle --bridge S --saved-servers INI, then a flag per non-empty ini key we know. */
static void build_argv(void) {
  int n = 0, v = 0;
  argv_buf[n++] = node_exe;
  /* SIDECAR_NODE_FLAGS (src/sidecar/node-flags.ts): a 1 MB young generation, ≈ 6 MB less RSS;
   * one V8 worker thread instead of four, ≈ 2 MB less; no WebAssembly (its compiler's pages),
   * 0.7 MB less; full collections that compact the heap and give back its
   * emptied pages; no Sparkplug baseline code, 1.2 MB less. */
  argv_buf[n++] = "--max-semi-space-size=1";
  argv_buf[n++] = "--v8-pool-size=1";
  argv_buf[n++] = "--no-expose-wasm";
  argv_buf[n++] = "--compact-on-every-full-gc";
  argv_buf[n++] = "--no-sparkplug";
  argv_buf[n++] = bundle;
  argv_buf[n++] = "--bridge";
  argv_buf[n++] = session_name;
  /* The ini's server1..server8 are the servers the settings menu picks from (read by the sidecar). */
  argv_buf[n++] = "--saved-servers";
  argv_buf[n++] = ini_path;
  FILE *f = fopen(ini_path, "r");
  char line[SUPERVISE_INI_LINE_MAX];
  while (f && fgets(line, sizeof line, f) && v + 1 < SUPERVISE_ARGS_MAX && n + 2 < SUPERVISE_ARGS_MAX) {
    char *t = trim(line), *eq = strchr(t, '=');
    if (*t == '#' || *t == ';' || eq == NULL) continue;
    *eq = '\0';
    char *key = trim(t), *val = trim(eq + 1);
    for (size_t i = 0; i < sizeof INI_FLAGS / sizeof INI_FLAGS[0]; i++) {
      if (strcmp(key, INI_FLAGS[i].key) != 0 || *val == '\0') continue;
      snprintf(ini_values[v], SUPERVISE_INI_LINE_MAX, "%s", val);
      argv_buf[n++] = INI_FLAGS[i].flag;
      argv_buf[n++] = ini_values[v++];
    }
  }
  if (f) fclose(f);
  argv_buf[n] = NULL;
}

static void rotate_logs(void) {
  char from[SUPERVISE_PATH_MAX + 8], to[SUPERVISE_PATH_MAX + 8];
  size_t stem = strlen(log_path) - strlen(".log");
  for (int i = SUPERVISE_LOGS_KEPT - 1; i >= 0; i--) {
    if (i == 0) snprintf(from, sizeof from, "%s", log_path);
    else snprintf(from, sizeof from, "%.*s.%d.log", (int)stem, log_path, i);
    snprintf(to, sizeof to, "%.*s.%d.log", (int)stem, log_path, i + 1);
    MoveFileExA(from, to, MOVEFILE_REPLACE_EXISTING);
  }
}

static void launch(uint64_t now) {
  rotate_logs();
  build_argv();
  pid = coop_launch_logged(argv_buf, log_path);
  started_at = now;
  if (pid > 0) {
    plugin_log(PLOG_INFO, "sidecar started (pid %d): %s, log %s", pid, node_exe, log_path);
  } else {
    plugin_log(PLOG_ERROR, "cannot start the sidecar %s: %s (%d)", node_exe, pid == -ENOENT ? "no such file" : "launch failed", -pid);
  }
}

void supervise_start(const wchar_t *plugin_dir, const char *session) {
  utf8_path(node_exe, plugin_dir, "sidecar\\node.exe");
  utf8_path(bundle, plugin_dir, "sidecar\\coop-sidecar.mjs");
  utf8_path(ini_path, plugin_dir, "coop-bridge.ini");
  /* red4ext/plugins/CoopBridge -> red4ext/logs, where RED4ext keeps every plugin's log. */
  utf8_path(log_path, plugin_dir, "..\\..\\logs\\coop-sidecar.log");
  snprintf(session_name, sizeof session_name, "%s", session);
  deaths = gave_up = 0;
  restart_at = 0;
  active = 1;
  launch(GetTickCount64());
}

void supervise_tick(uint64_t now) {
  if (!active || gave_up) return;
  if (pid > 0) {
    int32_t st = coop_launch_status(pid);
    if (st == COOP_LAUNCH_RUNNING) {
      if (now - started_at >= SUPERVISE_HEALTHY_MS) deaths = 0;
      return;
    }
    plugin_log(PLOG_WARN, "sidecar (pid %d) exited with code %d", pid, st);
    pid = 0;
  }
  if (restart_at == 0) {
    if (++deaths > SUPERVISE_RESTARTS_MAX) {
      gave_up = 1;
      plugin_log(PLOG_ERROR, "sidecar died %d times in a row: giving up until the game restarts", SUPERVISE_RESTARTS_MAX);
      natives_notify("Co-op stopped", "The co-op sidecar keeps stopping; see red4ext/logs/coop-sidecar.log.");
      return;
    }
    uint64_t backoff = SUPERVISE_BACKOFF_FIRST_MS << (deaths - 1);
    restart_at = now + (backoff > SUPERVISE_BACKOFF_MAX_MS ? SUPERVISE_BACKOFF_MAX_MS : backoff);
    plugin_log(PLOG_INFO, "restarting the sidecar in %llu ms", (unsigned long long)(restart_at - now));
  }
  if (now >= restart_at) {
    restart_at = 0;
    launch(now);
  }
}

void supervise_stop(const char *why) {
  if (!active) return;
  active = 0;
  if (pid <= 0) return;
  /* The region is closed first: a healthy sidecar sees the game gone and leaves by itself. */
  for (uint32_t waited = 0; waited < SUPERVISE_STOP_GRACE_MS && coop_launch_status(pid) == COOP_LAUNCH_RUNNING; waited += SUPERVISE_STOP_POLL_MS)
    Sleep(SUPERVISE_STOP_POLL_MS);
  int32_t st = coop_launch_status(pid);
  if (st == COOP_LAUNCH_RUNNING) {
    coop_launch_kill();
    plugin_log(PLOG_WARN, "sidecar (pid %d) ended by its job (%s)", pid, why);
  } else {
    plugin_log(PLOG_INFO, "sidecar (pid %d) exited with code %d (%s)", pid, st, why);
  }
  pid = 0;
}
