/* game-harness: a small native "game" for tests and benches. It holds the bridge's game role
 * through the C frame API (coop_write_frame / coop_read_frame / coop_wait), exactly as the
 * RED4ext plugin does, and knows nothing of message types: the TypeScript side encodes and
 * decodes. Built for Windows with mingw-w64 (run under wine) and for Linux, from one source.
 *
 *   game-harness --bridge S [--abi N] [--ring-bytes N] [--mode echo|play|idle]
 *                [--plan FILE] [--plan-after-type T] [--repeat FILE] [--repeat-hz HZ]
 *                [--reply-to T --reply FILE] [--quiet-in] [--run-ms N] [--launch-log FILE] [-- PROGRAM ARGS...]
 *
 *   echo: sends every inbound frame back unchanged (type and payload);
 *   play: sends the plan's frames (lines "at_ms type hex") at their times, logs inbound frames;
 *         the plan's clock starts when the sidecar attaches, or with --plan-after-type T at the
 *         first inbound frame of type T; --repeat FILE sends its one frame every at_ms from
 *         the attach on (a game's per-frame transform); --repeat-hz HZ sends it HZ times a
 *         second instead, on a fixed schedule (frame k at k * 1000 / HZ ms after the attach; a
 *         frame missed by a stall is skipped, not sent late in a bunch): 60 Hz has no whole ms
 *         period; --reply-to T --reply FILE answers each inbound frame of type T with FILE's
 *         one frame, its first 4 bytes (the request id) copied from the request's;
 *         --quiet-in counts inbound frames instead of logging each (a bench's game);
 *   idle: holds the role and beats.
 * After `--` it launches PROGRAM through coop_launch_logged (the sidecar) once the region is
 * open. Output: one JSON line per event on stdout. Exit 0 after the sidecar leaves or --run-ms,
 * 1 when the region cannot be opened, 2 on bad arguments. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "coop_shim.h"
#include "harness-os.h"
#include "plan.h"

/* Exported by the shim (hooks_check.c): the manifest hash the library was built from. */
COOP_IMPORT uint32_t coop_hooks_schema_hash(void);

#define HARNESS_WAIT_SLICE_MS 50
#define HARNESS_BEAT_EVERY_MS 100
#define HARNESS_LOG_HEX_MAX_BYTES 512 /* inbound payloads up to this size are logged in hex */

typedef struct {
  const char *session, *mode, *plan, *repeat, *reply, *launch_log;
  uint32_t abi, ring_bytes;
  long run_ms, plan_after_type, reply_to;
  double repeat_hz;
  int quiet_in;
  char **launch_argv;
} options;

static int parse(int argc, char **argv, options *o) {
  *o = (options){NULL, "idle", NULL, NULL, NULL, NULL, COOP_ABI_VERSION, COOP_RING_DEFAULT_BYTES, -1, -1, -1, 0, 0, NULL};
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
    if (strcmp(a, "--") == 0) {
      o->launch_argv = i + 1 < argc ? &argv[i + 1] : NULL;
      break;
    }
    if (strcmp(a, "--quiet-in") == 0) {
      o->quiet_in = 1;
      continue;
    }
    if (!v) return 0;
    if (strcmp(a, "--bridge") == 0) o->session = v;
    else if (strcmp(a, "--mode") == 0) o->mode = v;
    else if (strcmp(a, "--plan") == 0) o->plan = v;
    else if (strcmp(a, "--repeat") == 0) o->repeat = v;
    else if (strcmp(a, "--repeat-hz") == 0) o->repeat_hz = strtod(v, NULL);
    else if (strcmp(a, "--reply-to") == 0) o->reply_to = strtol(v, NULL, 10);
    else if (strcmp(a, "--reply") == 0) o->reply = v;
    else if (strcmp(a, "--plan-after-type") == 0) o->plan_after_type = strtol(v, NULL, 10);
    else if (strcmp(a, "--launch-log") == 0) o->launch_log = v;
    else if (strcmp(a, "--abi") == 0) o->abi = (uint32_t)strtoul(v, NULL, 10);
    else if (strcmp(a, "--ring-bytes") == 0) o->ring_bytes = (uint32_t)strtoul(v, NULL, 10);
    else if (strcmp(a, "--run-ms") == 0) o->run_ms = strtol(v, NULL, 10);
    else return 0;
    i++;
  }
  return o->session != NULL && (o->reply == NULL) == (o->reply_to < 0) && o->repeat_hz >= 0;
}

static void say(const char *json) {
  fputs(json, stdout);
  fputc('\n', stdout);
  fflush(stdout); /* the test reads this file while we run */
}

static void log_frame(const char *dir, uint64_t t, uint16_t type, const uint8_t *p, uint32_t len) {
  printf("{\"dir\":\"%s\",\"t\":%llu,\"type\":%u,\"len\":%u", dir, (unsigned long long)t, type, len);
  if (len <= HARNESS_LOG_HEX_MAX_BYTES) {
    fputs(",\"hex\":\"", stdout);
    for (uint32_t i = 0; i < len; i++) printf("%02x", p[i]);
    fputc('"', stdout);
  }
  say("}");
}

/* Sleeps on the inbound ring (ring 1 for the game) with the same handshake as bridge/ring.ts:
 * announce "reader waiting", re-check for data, then wait on the wake word for one slice. */
static void sleep_inbound(coop_region *r) {
  uint8_t *base = coop_base(r);
  volatile uint32_t *ctrl = (volatile uint32_t *)(base + COOP_OFF_RING1_CTRL);
  uint32_t seq = __atomic_load_n(&ctrl[COOP_CTRL_WAKE_SEQ / 4], __ATOMIC_ACQUIRE);
  __atomic_store_n(&ctrl[COOP_CTRL_READER_WAITING / 4], COOP_READER_WAITING_ANY, __ATOMIC_SEQ_CST);
  uint32_t w = __atomic_load_n(&ctrl[COOP_CTRL_WRITE_IDX / 4], __ATOMIC_ACQUIRE);
  uint32_t rd = __atomic_load_n(&ctrl[COOP_CTRL_READ_IDX / 4], __ATOMIC_ACQUIRE);
  if (w == rd) coop_wait(r, 1, (int32_t)seq, HARNESS_WAIT_SLICE_MS);
  __atomic_store_n(&ctrl[COOP_CTRL_READER_WAITING / 4], COOP_READER_NOT_WAITING, __ATOMIC_SEQ_CST);
}

static uint32_t sidecar_pid(coop_region *r) {
  const uint32_t *slot = (const uint32_t *)((const uint8_t *)coop_base(r) + COOP_OFF_PID_SIDECAR);
  return __atomic_load_n(slot, __ATOMIC_ACQUIRE);
}

/* Writes a frame, waiting while the sidecar drains a full ring. 0 when the peer left first. */
static int write_blocking(coop_region *r, uint16_t type, const void *p, uint32_t len) {
  for (;;) {
    int rc = coop_write_frame(r, type, p, len);
    if (rc == 0) return 1;
    if (rc < 0 || !coop_peer_alive(r)) return 0;
    harness_sleep_ms(0);
  }
}

static int open_failed(coop_region *r, const options *o) {
  int st = coop_status(r);
  if (st == COOP_ERR_ABI) {
    fprintf(stderr, "game-harness: session '%s' region has ABI version %u, this game speaks ABI version %u\n", o->session, coop_found_abi(r), o->abi);
  } else if (st == COOP_ERR_ROLE_TAKEN) {
    fprintf(stderr, "game-harness: session '%s' already has a game (pid %u): refusing a second game\n", o->session, coop_holder_pid(r));
  } else {
    fprintf(stderr, "game-harness: cannot open session '%s': status %d, os error %d\n", o->session, st, coop_os_error(r));
  }
  printf("{\"event\":\"openFailed\",\"status\":%d,\"foundAbi\":%u}\n", st, coop_found_abi(r));
  fflush(stdout);
  coop_close(r);
  return 1;
}

static int launch(const options *o) {
  int32_t pid = coop_launch_logged((const char *const *)o->launch_argv, o->launch_log);
  if (pid <= 0) {
    fprintf(stderr, "game-harness: cannot launch the sidecar %s: %s (%d)\n", o->launch_argv[0], pid == -ENOENT ? "no such file" : "launch failed", -pid);
    printf("{\"event\":\"launchFailed\",\"errno\":%d}\n", -pid);
    fflush(stdout);
    return 0;
  }
  printf("{\"event\":\"launched\",\"pid\":%d}\n", pid);
  fflush(stdout);
  return 1;
}

int main(int argc, char **argv) {
  options o;
  if (!parse(argc, argv, &o)) {
    fputs("usage: game-harness --bridge S [--abi N] [--mode echo|play|idle] [--plan FILE] [--plan-after-type T] [--repeat FILE] [--repeat-hz HZ] [--reply-to T --reply FILE] [--quiet-in] [--run-ms N] [--launch-log FILE] [-- PROGRAM ARGS...]\n", stderr);
    return 2;
  }
  size_t plan_n = 0, next = 0, repeat_n = 0, reply_n = 0;
  planned *plan = o.plan ? load_plan(o.plan, &plan_n) : NULL;
  planned *repeat = o.repeat ? load_plan(o.repeat, &repeat_n) : NULL;
  planned *reply = o.reply ? load_plan(o.reply, &reply_n) : NULL;
  if ((o.plan && !plan) || (o.repeat && !repeat) || (o.reply && !reply)) return 2;
  if (reply && (reply_n != 1 || reply->len < 4)) {
    fprintf(stderr, "game-harness: --reply %s must hold one frame of 4 bytes or more (a request id first)\n", o.reply);
    return 2;
  }
  if (repeat && (repeat_n != 1 || repeat->at_ms <= 0)) {
    fprintf(stderr, "game-harness: --repeat %s must hold one frame whose at_ms is its period (> 0)\n", o.repeat);
    return 2;
  }
  coop_region *r = coop_open(o.session, COOP_ROLE_GAME, o.ring_bytes, o.abi, coop_hooks_schema_hash());
  if (!r) return 1;
  if (coop_status(r) != COOP_OK) return open_failed(r, &o);
  printf("{\"event\":\"open\",\"pid\":%u,\"created\":%d}\n", harness_pid(), coop_created(r));
  fflush(stdout);
  if (o.launch_argv && !launch(&o)) {
    coop_close(r);
    return 1;
  }
  uint8_t *buf = malloc(coop_max_payload(r) + 1);
  uint64_t start = harness_now_ms(), last_beat = 0, plan_at = 0, last_repeat = 0, repeat_t0 = 0, repeat_k = 0, repeat_next = 0;
  unsigned long replied = 0, inbound = 0;
  int attached = 0, plan_started = 0, echo = strcmp(o.mode, "echo") == 0;
  unsigned long echoed = 0;
  while (o.run_ms < 0 || harness_now_ms() - start < (uint64_t)o.run_ms) {
    uint64_t now = harness_now_ms();
    /* The sidecar's pid slot, read every turn (cheap): a fast sidecar may attach, talk and
     * leave between two beats. Whether that pid still lives is asked once per beat. */
    uint32_t peer = sidecar_pid(r);
    if (!attached && peer != 0) {
      attached = 1;
      if (o.plan_after_type < 0) plan_started = 1, plan_at = now;
      repeat_t0 = now;
      say("{\"event\":\"peerAttached\"}");
    } else if (attached && peer == 0) {
      say("{\"event\":\"peerGone\",\"reason\":\"closed\"}");
      break;
    }
    if (now - last_beat >= HARNESS_BEAT_EVERY_MS) {
      coop_beat(r);
      last_beat = now;
      if (attached && !coop_peer_alive(r)) {
        say("{\"event\":\"peerGone\",\"reason\":\"died\"}");
        break;
      }
    }
    if (attached && repeat && o.repeat_hz > 0) {
      double frames_due = (double)(now - repeat_t0) * o.repeat_hz / 1000.0; /* frame k is due at k periods */
      if (frames_due >= (double)repeat_next) {
        coop_write_frame(r, (uint16_t)repeat->type, repeat->payload, repeat->len); /* full: skip one */
        repeat_k++;
        repeat_next = (uint64_t)frames_due + 1;
      }
    } else if (attached && repeat && now - last_repeat >= (uint64_t)repeat->at_ms) {
      coop_write_frame(r, (uint16_t)repeat->type, repeat->payload, repeat->len); /* full: skip one */
      last_repeat = now;
      repeat_k++;
    }
    while (plan_started && next < plan_n && (long)(now - plan_at) >= plan[next].at_ms) {
      if (!write_blocking(r, (uint16_t)plan[next].type, plan[next].payload, plan[next].len)) break;
      next++;
    }
    uint16_t type;
    uint32_t len;
    int got = coop_read_frame(r, &type, buf, coop_max_payload(r), &len);
    if (got == 1) {
      if (echo) echoed += write_blocking(r, type, buf, len);
      else if (o.quiet_in) inbound++;
      else log_frame("in", now - start, type, buf, len);
      if (reply && (long)type == o.reply_to && len >= 4) {
        memcpy(reply->payload, buf, 4);
        replied += write_blocking(r, (uint16_t)reply->type, reply->payload, reply->len);
      }
      if (!plan_started && (long)type == o.plan_after_type) {
        plan_started = 1;
        plan_at = now;
        say("{\"event\":\"planStarted\"}");
      }
    } else if (got < 0) {
      say("{\"event\":\"malformed\"}");
    } else if ((plan_started && next < plan_n) || repeat) {
      harness_sleep_ms(1); /* frames due soon: short naps keep their times */
    } else {
      sleep_inbound(r);
    }
  }
  uint64_t end = harness_now_ms();
  printf("{\"event\":\"exit\",\"echoed\":%lu,\"sent\":%lu,\"replied\":%lu,\"inbound\":%lu,\"repeated\":%llu,\"repeatMs\":%llu}\n", echoed,
         (unsigned long)next, replied, inbound, (unsigned long long)repeat_k, (unsigned long long)(attached ? end - repeat_t0 : 0));
  fflush(stdout);
  coop_close(r);
  free(buf);
  return 0;
}
