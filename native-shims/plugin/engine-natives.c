/* engine-natives.c — the engine natives the game's script API cannot do, written by hand; which
 * ones exist, their names and signatures come from bridge/codegen/natives.ts (ENGINE_NATIVES),
 * generated into coop_natives.h with the table natives.c registers. A native here reads its
 * parameters like the send natives do (none so far) and skips ParamEnd. */
#include <stdint.h>
#include <windows.h>

#include "plugin.h"

#define MS_PER_S 1000.0

/* The machine's monotonic clock in ms: QueryPerformanceCounter, which is what libuv's
 * uv_hrtime (node's process.hrtime, the sidecar's machineClock) reads on Windows, so a time the
 * game stamps and one the sidecar stamps are on the same clock. */
void coop_engine_CoopEngineMachineTimeMs(void *ctx, r4e_stack_frame *frame, void *out, int64_t a4) {
  (void)ctx, (void)a4;
  frame->code++; /* ParamEnd */
  static LARGE_INTEGER freq;
  if (freq.QuadPart == 0) QueryPerformanceFrequency(&freq);
  LARGE_INTEGER now;
  QueryPerformanceCounter(&now);
  /* Whole seconds and the remainder apart: counter × 1000 would overflow after days of uptime. */
  double ms = (double)(now.QuadPart / freq.QuadPart) * MS_PER_S + (double)(now.QuadPart % freq.QuadPart) * MS_PER_S / (double)freq.QuadPart;
  if (out) *(double *)out = ms;
}
