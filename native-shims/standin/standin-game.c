/* standin-game.c — Cyberpunk2077.exe for the install test: lives in <game>/bin/x64/, loads
 * <game>/red4ext/RED4ext.dll (the stand-in loader) as RED4ext's winmm proxy would, and in the
 * Running state plays the part of the plugin's scripts each frame: sends the player's transform
 * through CoopNativeSendPlayerTransform, drains CoopNativePoll and reads SpawnProxy frames with
 * the cursor natives, printing them. It stops when <game>/quit appears or --run-ms passes.
 * With --send-samples, once it has read a first SpawnProxy (so a sidecar is attached), it also
 * sends a ConsoleCommand, a DialogueWheelShown and a MicAudioFrame: heap and inline strings, a
 * struct array as one array per field, bytes. On its first frame it reads the engine native
 * CoopEngineMachineTimeMs between two readings of its own QueryPerformanceCounter.
 *   Cyberpunk2077.exe [--x METRES] [--run-ms N] [--send-samples] */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <windows.h>

#include "standin.h"

/* The game's own JSON lines (emit() lives in the loader DLL). */
#define emit say
static void say(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vprintf(fmt, ap);
  va_end(ap);
  fputc('\n', stdout);
  fflush(stdout);
}

/* One game frame, about 60 Hz. */
#define GAME_FRAME_MS 16
#define MSG_SPAWN_PROXY 10
#define MSG_NOTIFICATION 19
#define TRANSFORM_FIELDS 11

typedef int (*run_fn)(const wchar_t *, standin_frame_fn, void *);
typedef int (*call_fn)(const char *, standin_cell *const *, int, void *);
typedef const char *(*text_fn)(const r4e_cstring *);
typedef void (*set_text_fn)(r4e_cstring *, const char *);

static wchar_t root[MAX_PATH];
static call_fn call;
static text_fn text_of;
static set_text_fn set_text;
static float pos_x;
static DWORD run_ms, started;
static int send_samples;
static int clock_checked;

static double qpc_ms(void) {
  LARGE_INTEGER f, c;
  QueryPerformanceFrequency(&f);
  QueryPerformanceCounter(&c);
  return (double)c.QuadPart * 1000.0 / (double)f.QuadPart;
}

/* The plugin's machine clock must read the same clock as ours, between our two readings. */
static void check_machine_clock(void) {
  double before = qpc_ms(), native = -1;
  int found = call("CoopEngineMachineTimeMs", NULL, 0, &native);
  double after = qpc_ms();
  emit("{\"event\":\"machineTime\",\"found\":%d,\"before\":%.3f,\"native\":%.3f,\"after\":%.3f}", found, before, native, after);
}

static void cell_f32(standin_cell *c, float v) { c->size = 4; memcpy(c->data, &v, 4); }
static void cell_u32(standin_cell *c, uint32_t v) { c->size = 4; memcpy(c->data, &v, 4); }

static uint32_t read_u32(const char *n) { uint32_t v = 0; call(n, NULL, 0, &v); return v; }
static float read_f32(void) { float v = 0; call("CoopNativeReadF32", NULL, 0, &v); return v; }

static void read_spawn(void) {
  uint32_t id = read_u32("CoopNativeReadU32");
  uint8_t kind = 0;
  call("CoopNativeReadU8", NULL, 0, &kind);
  r4e_cstring tmpl;
  memset(&tmpl, 0, sizeof tmpl);
  call("CoopNativeReadString", NULL, 0, &tmpl);
  float x = read_f32(), y = read_f32(), z = read_f32();
  emit("{\"event\":\"spawnProxy\",\"entityId\":%u,\"kind\":%u,\"template\":\"%s\",\"x\":%.3f,\"y\":%.3f,\"z\":%.3f}", id, kind, text_of(&tmpl), x, y, z);
}

static void read_notification(void) {
  uint8_t kind = 0;
  call("CoopNativeReadU8", NULL, 0, &kind);
  r4e_cstring title, text;
  memset(&title, 0, sizeof title);
  memset(&text, 0, sizeof text);
  call("CoopNativeReadString", NULL, 0, &title);
  call("CoopNativeReadString", NULL, 0, &text);
  emit("{\"event\":\"notification\",\"kind\":%u,\"title\":\"%s\",\"text\":\"%s\"}", kind, text_of(&title), text_of(&text));
}

static void cell_u8(standin_cell *c, uint8_t v) { c->size = 1; c->data[0] = v; }
static void cell_array(standin_cell *c, void *entries, uint32_t n) {
  r4e_dynarray a = {entries, n, n};
  c->size = sizeof a;
  memcpy(c->data, &a, sizeof a);
}
static void cell_string(standin_cell *c, r4e_cstring *s, const char *text) {
  set_text(s, text);
  c->size = sizeof *s;
  memcpy(c->data, s, sizeof *s);
}

/* Arguments as a script would pass them: the samples the install test decodes on the far side. */
static void send_sample_frames(void) {
  static r4e_cstring line, texts[2];
  static uint16_t indices[2] = {0, 1};
  static uint8_t flags[2] = {0, 1};
  static uint8_t pcm[5] = {1, 2, 3, 4, 5};
  standin_cell c[5];
  standin_cell *args[5] = {&c[0], &c[1], &c[2], &c[3], &c[4]};
  _Bool ok1 = 0, ok2 = 0, ok3 = 0;
  cell_string(&c[0], &line, "a console line longer than twenty bytes");
  call("CoopNativeSendConsoleCommand", args, 1, &ok1);
  cell_u32(&c[0], 7);
  cell_u32(&c[1], 9);
  cell_array(&c[2], indices, 2);
  set_text(&texts[0], "Yes");
  set_text(&texts[1], "A much longer answer than twenty chars");
  cell_array(&c[3], texts, 2);
  cell_array(&c[4], flags, 2);
  call("CoopNativeSendDialogueWheelShown", args, 5, &ok2);
  cell_u32(&c[0], 3);
  cell_u32(&c[1], 48000);
  cell_u8(&c[2], 1);
  cell_array(&c[3], pcm, sizeof pcm);
  call("CoopNativeSendMicAudioFrame", args, 4, &ok3);
  emit("{\"event\":\"samplesSent\",\"ok\":[%d,%d,%d]}", ok1, ok2, ok3);
}

static int frame(void *user) {
  (void)user;
  if (!clock_checked) {
    clock_checked = 1;
    check_machine_clock();
  }

  standin_cell cells[TRANSFORM_FIELDS];
  standin_cell *args[TRANSFORM_FIELDS];
  const float values[TRANSFORM_FIELDS - 1] = {pos_x, 0, 0, 0, 0, 0, 1, 0, 0, 0};
  cell_u32(&cells[0], 1);
  for (int i = 1; i < TRANSFORM_FIELDS; i++) cell_f32(&cells[i], values[i - 1]);
  for (int i = 0; i < TRANSFORM_FIELDS; i++) args[i] = &cells[i];
  _Bool sent = 0;
  if (!call("CoopNativeSendPlayerTransform", args, TRANSFORM_FIELDS, &sent)) emit("{\"event\":\"missingNative\",\"name\":\"CoopNativeSendPlayerTransform\"}");
  for (int32_t t = 0; call("CoopNativePoll", NULL, 0, &t) && t != 0;) {
    if (t == MSG_SPAWN_PROXY) {
      read_spawn();
      if (send_samples) {
        send_samples = 0;
        send_sample_frames();
      }
    }
    else if (t == MSG_NOTIFICATION) read_notification();
    else emit("{\"event\":\"frame\",\"type\":%d}", t);
  }
  Sleep(GAME_FRAME_MS);
  wchar_t quit[MAX_PATH];
  swprintf(quit, MAX_PATH, L"%ls\\quit", root);
  if (GetFileAttributesW(quit) != INVALID_FILE_ATTRIBUTES) return 0;
  return run_ms == 0 || GetTickCount() - started < run_ms;
}

int main(int argc, char **argv) {
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--send-samples") == 0) send_samples = 1;
    else if (i + 1 < argc && strcmp(argv[i], "--x") == 0) pos_x = (float)atof(argv[++i]);
    else if (i + 1 < argc && strcmp(argv[i], "--run-ms") == 0) run_ms = (DWORD)strtoul(argv[++i], NULL, 10);
  }
  /* <game>\bin\x64\Cyberpunk2077.exe -> <game> */
  GetModuleFileNameW(NULL, root, MAX_PATH);
  for (int up = 0; up < 3; up++) *wcsrchr(root, L'\\') = L'\0';
  wchar_t loader[MAX_PATH];
  swprintf(loader, MAX_PATH, L"%ls\\red4ext\\RED4ext.dll", root);
  HMODULE red4ext = LoadLibraryW(loader);
  if (red4ext == NULL) {
    emit("{\"event\":\"noLoader\",\"error\":%lu}", GetLastError());
    return 1;
  }
  run_fn run = (run_fn)(void (*)(void))GetProcAddress(red4ext, "Standin_Run");
  call = (call_fn)(void (*)(void))GetProcAddress(red4ext, "Standin_Call");
  text_of = (text_fn)(void (*)(void))GetProcAddress(red4ext, "Standin_CStringText");
  set_text = (set_text_fn)(void (*)(void))GetProcAddress(red4ext, "Standin_CStringSet");
  started = GetTickCount();
  int rc = run(root, frame, NULL);
  emit("{\"event\":\"gameExit\",\"code\":%d}", rc);
  return rc;
}
