/* coop_shim.h — the game <-> sidecar shared-memory bridge (both roles).
 *
 * One region per session name holds a header and two single-producer single-consumer rings:
 * ring 0 carries game -> sidecar frames, ring 1 sidecar -> game. The byte layout below is the
 * contract: the TypeScript side (bridge/layout.ts) reads and writes the same offsets through a
 * zero-copy view, so C is needed only to create/open, to sleep/wake, and in the real game (the
 * RED4ext plugin) for frames. See docs/bridge-ring.md.
 *
 * Offsets 0..7 (magic, ABI version) are stable across every ABI version, so any build can
 * name the version it found. */
#ifndef COOP_SHIM_H
#define COOP_SHIM_H

#include <stdint.h>
#include "coop_api.h"

#ifdef __cplusplus
extern "C" {
#endif


#define COOP_MAGIC 0x50424F43u /* "COBP" little-endian: coop bridge */
#define COOP_ABI_VERSION 1u

/* ---- header layout (byte offsets; every field a little-endian 32-bit word) ---- */
#define COOP_OFF_MAGIC 0
#define COOP_OFF_ABI 4
#define COOP_OFF_SCHEMA 8          /* hash of the hook manifest the creator was built with */
#define COOP_OFF_HEADER_BYTES 12
#define COOP_OFF_RING_BYTES 16     /* capacity of each ring, a power of two */
#define COOP_OFF_PID_GAME 32       /* "attached" flag: 0 = nobody, else the holder's pid */
#define COOP_OFF_PID_SIDECAR 36
#define COOP_OFF_BEAT_GAME 40      /* heartbeat counters, bumped by each side while alive */
#define COOP_OFF_BEAT_SIDECAR 44
#define COOP_OFF_RING0_CTRL 64     /* game -> sidecar */
#define COOP_OFF_RING1_CTRL 192    /* sidecar -> game */
/* ring control block (128 bytes): producer words first, consumer word on its own cache line */
#define COOP_CTRL_WRITE_IDX 0      /* bytes ever published (wraps at 2^32) */
#define COOP_CTRL_WAKE_SEQ 4       /* futex word: bumped by the producer when it wakes the reader */
#define COOP_CTRL_READER_WAITING 8 /* non-0 while the consumer is (about to be) asleep: */
#define COOP_READER_NOT_WAITING 0u
#define COOP_READER_WAITING_ANY 1u      /* any frame wakes it */
#define COOP_READER_WAITING_NOT_LAZY 2u /* only a frame that is not lazy (coop_msg_is_lazy) wakes it */
#define COOP_CTRL_READ_IDX 64      /* bytes ever consumed (wraps at 2^32) */
#define COOP_HEADER_BYTES 512u
#define COOP_RING_MIN_BYTES 4096u
#define COOP_RING_MAX_BYTES (64u * 1024u * 1024u)
/* The capacity a game creates each ring with (1 MiB; bridge/layout.ts RING_DEFAULT_BYTES): a frame
 * may carry a quarter (256 KiB: a progress export, 1024 entity states), and a game that stops
 * reading for a few seconds (≈ 300 KB/s of entity states) fills it. Both processes map the
 * pages they touch: a larger ring only costs memory. */
#define COOP_RING_DEFAULT_BYTES 1048576u

/* ---- frames: 8-byte header, payload, padded to 8 bytes ---- */
#define COOP_FRAME_HEADER_BYTES 8u /* u32 payload length, u16 type, u16 flags (0) */
#define COOP_FRAME_ALIGN_BYTES 8u
#define COOP_FRAME_TYPE_PAD 0xFFFFu /* "skip to the ring's start" */

enum coop_role { COOP_ROLE_GAME = 0, COOP_ROLE_SIDECAR = 1 };

enum coop_status {
  COOP_OK = 0,
  COOP_ERR_NAME = 1,       /* session name not [A-Za-z0-9_-]{1,64} */
  COOP_ERR_SHM = 2,        /* shm_open/ftruncate failed (errno in coop_os_error) */
  COOP_ERR_MAP = 3,        /* mmap failed */
  COOP_ERR_MAGIC = 4,      /* region exists but is not ours, or never finished initialising */
  COOP_ERR_ABI = 5,        /* coop_found_abi() names the region's version */
  COOP_ERR_SCHEMA = 6,     /* coop_found_schema() names the region's manifest hash */
  COOP_ERR_ROLE_TAKEN = 7, /* coop_holder_pid() names the live process holding the role */
  COOP_ERR_RING_SIZE = 8,  /* not a power of two in [COOP_RING_MIN_BYTES, COOP_RING_MAX_BYTES] */
  COOP_ERR_SIZE = 9,       /* region smaller than its header says */
  COOP_ERR_NOMEM = 10
};

typedef struct coop_region coop_region;

/* Creates the session's region, or opens it when it exists, and claims `role`. Always returns a
 * handle (NULL only when out of memory); check coop_status(). ring_bytes applies only when this
 * call creates the region. */
COOP_API coop_region *coop_open(const char *session, int role, uint32_t ring_bytes, uint32_t abi_version,
                                uint32_t schema_hash);
COOP_API int coop_status(const coop_region *r);
COOP_API int coop_os_error(const coop_region *r);
COOP_API uint32_t coop_found_abi(const coop_region *r);
COOP_API uint32_t coop_found_schema(const coop_region *r);
COOP_API uint32_t coop_holder_pid(const coop_region *r);
COOP_API int coop_created(const coop_region *r);
COOP_API void *coop_base(const coop_region *r);
COOP_API uint32_t coop_size(const coop_region *r);

/* Sleeps until ring `ring`'s wake word differs from `expected` or timeout_ms passes.
 * Returns 0 when woken (or the word already differed), 1 on timeout, -1 on error. */
COOP_API int coop_wait(coop_region *r, int ring, int32_t expected, int timeout_ms);
/* Bumps ring `ring`'s wake word and wakes its sleeping reader: the futex, and the ring's wake
 * pipe when a reader has it open. */
COOP_API int coop_wake(coop_region *r, int ring);
/* For readers that live in an event loop (the Node sidecar): opens ring `ring`'s wake pipe (a
 * FIFO beside the region; created if needed), non-blocking, and returns a new fd the caller owns
 * and closes, or -1. Such a reader polls the fd instead of sleeping in coop_wait: one thread hop
 * per wake instead of two. Opened read-write, so the pipe never reads as closed. */
COOP_API int coop_wake_fd(coop_region *r, int ring);
/* 1 when the other role is attached and its process is alive. */
COOP_API int coop_peer_alive(const coop_region *r);
COOP_API void coop_beat(coop_region *r);

/* Frame API for native callers (the RED4ext plugin). Writes to this role's outbound ring.
 * Returns 0 when written, 1 when the ring is full, -1 when len exceeds coop_max_payload(). */
COOP_API int coop_write_frame(coop_region *r, uint16_t type, const void *payload, uint32_t len);
/* Reads one frame from this role's inbound ring into buf. Returns 1 with type and len set, 0 when
 * empty, -1 when a malformed frame was found (the backlog is dropped), -2 when buf is too small
 * (the frame stays). */
COOP_API int coop_read_frame(coop_region *r, uint16_t *type, void *buf, uint32_t cap, uint32_t *len);
COOP_API uint32_t coop_max_payload(const coop_region *r);

/* Releases the role, unmaps, unlinks the name when the other role is gone too, frees r. */
COOP_API void coop_close(coop_region *r);
/* Removes a session's name (tests, stale cleanup). 0 when removed or absent. */
COOP_API int coop_unlink(const char *session);
/* Removes regions left behind by crashed processes: older than min_age_s, both pid slots empty or
 * dead. Returns how many were removed. (Pids are checked in this pid namespace.) */
COOP_API int coop_sweep_stale(int min_age_s);

/* Launcher: the plugin starts the sidecar beside the game. argv is NULL-terminated, argv[0] the
 * program's path. The sidecar dies with the game (Linux: SIGTERM when the game's thread that
 * launched it exits; Windows: a job object closed with the game). Returns the child's pid (> 0)
 * or -errno (e.g. -ENOENT when argv[0] does not exist). */
COOP_API int32_t coop_launch(const char *const *argv);
/* As coop_launch, with the child's stdout and stderr appended to log_path. NULL: Linux keeps the
 * game's streams; Windows writes coop-sidecar.log beside argv[0] (a console program started
 * without a console needs real handles; under wine a node.exe whose stdout is a pipe dies). */
COOP_API int32_t coop_launch_logged(const char *const *argv, const char *log_path);
#define COOP_LAUNCH_RUNNING (-1)
#define COOP_LAUNCH_UNKNOWN (-2)
/* Reaps a launched child without blocking: COOP_LAUNCH_RUNNING, COOP_LAUNCH_UNKNOWN (not a child,
 * already reaped), or its exit code (128 + signal when killed by one). */
COOP_API int32_t coop_launch_status(int32_t pid);
#ifdef _WIN32
/* Ends every process launched so far (their kill-on-close job) and waits for them. */
COOP_API void coop_launch_kill(void);
#endif

#ifdef __cplusplus
}
#endif
#endif
