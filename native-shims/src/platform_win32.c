/* Windows: a named file mapping and, per ring, a named auto-reset event (WaitOnAddress wakes
 * only threads of its own process). Names carry the `Local\` prefix: the session namespace,
 * which needs no privilege (`Global\` does); under wine both resolve to one directory, shared by
 * every process of the prefix. Built by `make -C native-shims` with mingw-w64 into
 * coopbridge.dll and run under wine by test/windows/ (the C test game + node.exe). The event is
 * the wake: the wake word still counts wakes, so a reader that finds it changed skips the wait,
 * and a wake nobody waited for leaves the event set (one spurious, harmless early return). */
#ifdef _WIN32
#include <stdio.h>
#include <stdlib.h>
#include <windows.h>

#include "internal.h"

typedef struct {
  HANDLE map;
  HANDLE ev[2];
} win_state;

static void win_name(char *out, size_t cap, const char *shm_name, const char *suffix) {
  /* shm_name is "/coop-bridge-<session>" */
  snprintf(out, cap, "Local\\%s%s", shm_name + 1, suffix);
}

static win_state *state(coop_region *r) {
  if (!r->plat) r->plat = calloc(1, sizeof(win_state));
  return (win_state *)r->plat;
}

static int open_events(coop_region *r) {
  win_state *w = state(r);
  for (int i = 0; i < 2; i++) {
    char name[160];
    win_name(name, sizeof name, r->name, i == 0 ? "-ring0" : "-ring1");
    w->ev[i] = CreateEventA(NULL, FALSE, FALSE, name); /* auto-reset, opens it when it exists */
    if (!w->ev[i]) {
      r->os_error = (int)GetLastError();
      return COOP_ERR_SHM;
    }
  }
  return COOP_OK;
}

int coop_plat_create(coop_region *r, uint32_t total_bytes) {
  win_state *w = state(r);
  if (!w) return COOP_ERR_NOMEM;
  char name[160];
  win_name(name, sizeof name, r->name, "");
  w->map = CreateFileMappingA(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0, total_bytes, name);
  if (!w->map) {
    r->os_error = (int)GetLastError();
    return COOP_ERR_SHM;
  }
  if (GetLastError() == ERROR_ALREADY_EXISTS) {
    CloseHandle(w->map);
    w->map = NULL;
    r->os_error = ERROR_ALREADY_EXISTS;
    return COOP_ERR_SHM;
  }
  r->base = MapViewOfFile(w->map, FILE_MAP_ALL_ACCESS, 0, 0, total_bytes);
  if (!r->base) {
    r->os_error = (int)GetLastError();
    return COOP_ERR_MAP;
  }
  r->size = total_bytes; /* a fresh mapping is zero-filled */
  return open_events(r);
}

int coop_plat_open(coop_region *r) {
  win_state *w = state(r);
  if (!w) return COOP_ERR_NOMEM;
  char name[160];
  win_name(name, sizeof name, r->name, "");
  w->map = OpenFileMappingA(FILE_MAP_ALL_ACCESS, FALSE, name);
  if (!w->map) {
    r->os_error = (int)GetLastError();
    return COOP_ERR_SHM;
  }
  r->base = MapViewOfFile(w->map, FILE_MAP_ALL_ACCESS, 0, 0, 0);
  if (!r->base) {
    r->os_error = (int)GetLastError();
    return COOP_ERR_MAP;
  }
  MEMORY_BASIC_INFORMATION info;
  VirtualQuery(r->base, &info, sizeof info);
  r->size = (uint32_t)info.RegionSize;
  return open_events(r);
}

void coop_plat_unmap(coop_region *r) {
  win_state *w = (win_state *)r->plat;
  if (r->base) UnmapViewOfFile(r->base);
  r->base = NULL;
  r->size = 0;
  if (w) {
    if (w->map) CloseHandle(w->map);
    for (int i = 0; i < 2; i++)
      if (w->ev[i]) CloseHandle(w->ev[i]);
    free(w);
    r->plat = NULL;
  }
}

/* Named kernel objects disappear with their last handle: nothing to remove. */
int coop_plat_unlink(const char *shm_name) {
  (void)shm_name;
  return 0;
}

int coop_plat_wait(coop_region *r, int ring, _Atomic uint32_t *word, uint32_t expected, int timeout_ms) {
  win_state *w = (win_state *)r->plat;
  if (atomic_load(word) != expected) return 0;
  DWORD rc = WaitForSingleObject(w->ev[ring], (DWORD)timeout_ms);
  if (rc == WAIT_OBJECT_0) return 0;
  return rc == WAIT_TIMEOUT ? 1 : -1;
}

void coop_plat_wake(coop_region *r, int ring, _Atomic uint32_t *word) {
  (void)word;
  win_state *w = (win_state *)r->plat;
  if (w && w->ev[ring]) SetEvent(w->ev[ring]);
}

/* No fd to poll on Windows: the Node sidecar sleeps in coop_wait on libuv's pool (koffi
 * .async, finite slices), waiting on the ring's event (bridge/sleeper.ts FutexSleeper). */
int coop_plat_wake_fd(coop_region *r, int ring) {
  (void)r;
  (void)ring;
  return -1;
}

void coop_plat_release(coop_region *r) { (void)r; }

int coop_plat_pid_alive(uint32_t pid) {
  if (pid == 0) return 0;
  HANDLE h = OpenProcess(SYNCHRONIZE, FALSE, pid);
  if (!h) return GetLastError() == ERROR_ACCESS_DENIED;
  DWORD rc = WaitForSingleObject(h, 0);
  CloseHandle(h);
  return rc == WAIT_TIMEOUT;
}

uint32_t coop_plat_self_pid(void) { return (uint32_t)GetCurrentProcessId(); }

void coop_plat_sleep_ms(int ms) { Sleep((DWORD)ms); }

int coop_plat_exists_error(int os_error) { return os_error == ERROR_ALREADY_EXISTS; }

/* Named kernel objects die with their last handle: nothing is ever left behind. */
int coop_plat_sweep_stale(int min_age_s) {
  (void)min_age_s;
  return 0;
}
#endif
