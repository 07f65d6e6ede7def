/* bench:wake:win's writer (a Windows program, run under wine): the game's side of one wake
 * variant, `hz` wakes a second for `seconds`, each wake call timed (QueryPerformanceCounter), as
 * the game would pay it in its frame. Variants:
 *   event  coop_wake through coopbridge.dll: SetEvent on the ring's named event (today's wake)
 *   udp    one byte to 127.0.0.1:<target> on a non-blocking UDP socket
 *   pipe   one byte to the named pipe <target>, the handle set PIPE_NOWAIT (never blocks)
 *   none   no wake (the `idle` and `timer` variants: the loop's own cost)
 * Prints one JSON line at the end. Built by bench/wake-win.bench.ts with mingw-w64; not shipped. */
#include <winsock2.h>
#include <windows.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "coop_shim.h"

/* Ring size of the region the event variant opens (the smallest allowed: no frames move). */
#define WAKE_RING_BYTES COOP_RING_MIN_BYTES

int main(int argc, char **argv) {
  if (argc < 5) {
    fprintf(stderr, "usage: wake-writer event|udp|pipe|none seconds target hz\n");
    return 2;
  }
  const char *variant = argv[1];
  double seconds = atof(argv[2]);
  const char *target = argv[3]; /* session name | UDP port | pipe name */
  int hz = atoi(argv[4]);
  if (hz <= 0) return 2;
  LARGE_INTEGER freq, t0, a, b;
  QueryPerformanceFrequency(&freq);
  coop_region *r = NULL;
  SOCKET s = INVALID_SOCKET;
  struct sockaddr_in to;
  HANDLE pipe = INVALID_HANDLE_VALUE;
  int is_pipe = !strcmp(variant, "pipe");
  if (!strcmp(variant, "event")) {
    r = coop_open(target, COOP_ROLE_GAME, WAKE_RING_BYTES, COOP_ABI_VERSION, 0);
    if (coop_status(r) != COOP_OK) {
      printf("{\"error\":\"coop_open %d\"}\n", coop_status(r));
      return 1;
    }
  } else if (!strcmp(variant, "udp")) {
    WSADATA wsa;
    WSAStartup(MAKEWORD(2, 2), &wsa);
    s = socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP);
    u_long nonblocking = 1;
    ioctlsocket(s, FIONBIO, &nonblocking);
    memset(&to, 0, sizeof to);
    to.sin_family = AF_INET;
    to.sin_port = htons((u_short)atoi(target));
    to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  }
  long long wakes = 0, fails = 0;
  double sum_us = 0, max_us = 0, period_s = 1.0 / hz;
  QueryPerformanceCounter(&t0);
  for (long long i = 0;; i++) {
    LARGE_INTEGER now;
    QueryPerformanceCounter(&now);
    double elapsed_s = (double)(now.QuadPart - t0.QuadPart) / freq.QuadPart;
    if (elapsed_s >= seconds) break;
    double next_s = (i + 1) * period_s;
    if (next_s > elapsed_s) Sleep((DWORD)((next_s - elapsed_s) * 1000));
    QueryPerformanceCounter(&a);
    int ok = 1;
    char byte = 1;
    if (r) {
      ok = coop_wake(r, 0) == 0;
    } else if (s != INVALID_SOCKET) {
      ok = sendto(s, &byte, 1, 0, (struct sockaddr *)&to, sizeof to) == 1;
    } else if (is_pipe) {
      if (pipe == INVALID_HANDLE_VALUE) {
        pipe = CreateFileA(target, GENERIC_WRITE, 0, NULL, OPEN_EXISTING, 0, NULL);
        DWORD mode = PIPE_NOWAIT; /* a full pipe (reader gone or slow) fails the write, never blocks */
        if (pipe != INVALID_HANDLE_VALUE) SetNamedPipeHandleState(pipe, &mode, NULL, NULL);
      }
      DWORD written = 0;
      ok = pipe != INVALID_HANDLE_VALUE && WriteFile(pipe, &byte, 1, &written, NULL) && written == 1;
    }
    QueryPerformanceCounter(&b);
    double us = (double)(b.QuadPart - a.QuadPart) * 1e6 / freq.QuadPart;
    sum_us += us;
    if (us > max_us) max_us = us;
    wakes++;
    if (!ok) fails++;
  }
  printf("{\"variant\":\"%s\",\"wakes\":%lld,\"fails\":%lld,\"wake_mean_us\":%.2f,\"wake_max_us\":%.1f}\n", variant, wakes, fails,
         sum_us / (wakes ? wakes : 1), max_us);
  fflush(stdout);
  if (r) coop_close(r);
  return 0;
}
