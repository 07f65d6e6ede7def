/* The harness's few OS calls (clock, nap, pid), one definition per platform. */
#ifndef HARNESS_OS_H
#define HARNESS_OS_H

#include <stdint.h>

#if defined(_WIN32)
#include <windows.h>
#define COOP_IMPORT __declspec(dllimport)
static inline uint64_t harness_now_ms(void) { return GetTickCount64(); }
static inline void harness_sleep_ms(int ms) { Sleep((DWORD)ms); }
static inline uint32_t harness_pid(void) { return (uint32_t)GetCurrentProcessId(); }
#else
#include <sched.h>
#include <time.h>
#include <unistd.h>
#define COOP_IMPORT
static inline uint64_t harness_now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}
static inline void harness_sleep_ms(int ms) {
  if (ms <= 0) {
    sched_yield();
    return;
  }
  struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
  nanosleep(&ts, NULL);
}
static inline uint32_t harness_pid(void) { return (uint32_t)getpid(); }
#endif

#endif
