/* coop_path.h — the sidecar's native path (docs/sidecar.md "The native path"): a thread in the
 * sidecar process between the game's region and the server's UDP socket, so the game's frames and
 * the server's snapshots do not wake Node.
 *
 * The thread holds the game's region in the sidecar role and a relay region of its own in the game
 * role, which Node's bridge opens as if it were the game's:
 *   game ring 0 -> thread: PlayerTransform handled here while in the world (the input to the
 *                  server, the interpolated proxies to the game); every other frame, and every
 *                  frame out of the world, relayed to Node (relay ring 0);
 *   relay ring 1 (Node's frames) -> thread -> game ring 1, beside the thread's own frames;
 *   heartbeats and the game's pid copied across, so Node sees the game attach, stall and leave.
 * With the socket attached, the thread reads every datagram: the unreliable Snapshot commands on
 * the snapshot channel are decoded here (coop_wire_take_snapshots), the rest of the datagram goes
 * to Node's ENet (coop_path_take_datagram, announced by a byte on coop_path_notify_fd).
 * Linux only (poll, pipes, pthreads); elsewhere the sidecar keeps its JavaScript path.
 *
 * Node's calls and the thread's work exclude each other (one lock), so the game's ring 1 keeps
 * one producer at a time. */
#ifndef COOP_PATH_H
#define COOP_PATH_H

#include <stdint.h>

#include "coop_api.h"

#ifdef __cplusplus
extern "C" {
#endif

#define COOP_PATH_FORWARD_MAX_BYTES (1024u * 1024u) /* datagrams waiting for Node; more are dropped (counted) */
#define COOP_PATH_IDLE_POLL_MS 200                  /* the heartbeat relay's period when nothing wakes the thread (Node beats every 200 ms) */
#define COOP_PATH_RETRY_MS 2                        /* a frame a full ring did not take is tried again after this */
#define COOP_PATH_INPUT_MAX_HZ 100                  /* as src/sidecar/sidecar.ts INPUT_MAX_HZ */
#define COOP_PATH_INPUT_BURST 2                     /* as INPUT_BURST */
#define COOP_PATH_INPUT_EXTRAPOLATE_MAX_MS 40       /* as INPUT_EXTRAPOLATE_MAX_MS */
#define COOP_PATH_FRAME_MS 16                       /* as FRAME_MS: a game frame at ~60 Hz */
#define COOP_PATH_FRAME_STALE_MS (2 * COOP_PATH_FRAME_MS) /* as FRAME_STALE_MS */
#define COOP_PATH_DATAGRAM_MAX_BYTES 65536u         /* the largest UDP payload */

/* Forwarded items (coop_path_take_datagram's kind). */
#define COOP_PATH_ITEM_DATAGRAM 0 /* from the server: hand it to ENet */
#define COOP_PATH_ITEM_RELIABLE 1 /* a snapshot-channel payload ENet must send reliably (its unreliable numbers ran out) */
#define COOP_PATH_ITEM_TALKING 2  /* a talker started (u32 peer id, u8 1) or stopped (u8 0) playing: their mic icon */

/* coop_path_counters indices. */
#define COOP_PATH_C_FRAMES_NATIVE 0     /* PlayerTransform frames handled by the thread */
#define COOP_PATH_C_FRAMES_TO_NODE 1    /* game frames relayed to Node */
#define COOP_PATH_C_FRAMES_TO_GAME 2    /* Node's frames relayed to the game */
#define COOP_PATH_C_DATAGRAMS_IN 3      /* datagrams read from the socket */
#define COOP_PATH_C_DATAGRAMS_TO_NODE 4 /* datagrams (what was left of them) handed to Node */
#define COOP_PATH_C_SNAPSHOTS 5         /* snapshots decoded by the thread */
#define COOP_PATH_C_SNAPSHOT_DROPS 6    /* snapshots rejected (decoder) or out of the world */
#define COOP_PATH_C_INPUTS_SENT 7       /* PlayerState datagrams sent */
#define COOP_PATH_C_SENDS_FAILED 8      /* datagrams the kernel did not take */
#define COOP_PATH_C_FORWARD_DROPS 9     /* datagrams dropped: Node's queue was full */
#define COOP_PATH_C_WAKES 10            /* the thread's wakes */
#define COOP_PATH_C_PROXY_STATES 11     /* entity states written to the game */
#define COOP_PATH_C_ACKS_SENT 12        /* SnapshotAck datagrams sent on their own */
#define COOP_PATH_C_VOICE_PACKETS 13    /* voice packets taken by the thread */
#define COOP_PATH_C_VOICE_FRAMES 14     /* VoicePlayback frames written to the game */
#define COOP_PATH_C_VOICE_DROPS 15      /* VoicePlayback frames the game's full ring refused */
#define COOP_PATH_C_MALFORMED 16        /* rings found holding a frame with a bad length (their backlog dropped) */
#define COOP_PATH_COUNTERS 17

/* The server link Node hands over on entering the world (ENet peer ids and the snapshot
 * channel's sequence numbers, which the path owns until it leaves the world). */
typedef struct {
  uint16_t outgoing_peer_id;
  uint8_t outgoing_session_id;
  uint8_t channel; /* the snapshot channel */
  uint16_t reliable_seq;
  uint16_t unreliable_seq;
  uint32_t input_seq;        /* PlayerState.seq last used */
  double interp_delay_ms;
} coop_path_link;

typedef struct coop_path coop_path;

/* Relays `game` (a coop_region* opened in the sidecar role) through a relay region named
 * relay_name, created in the game role. now_ms: Node's clock now (performance.now()), so the
 * thread's times are on Node's clock. NULL when out of memory; check coop_path_status. */
COOP_API coop_path *coop_path_create(void *game, const char *relay_name, double now_ms);
/* 0, or the relay region's coop_status, or -errno of a pipe or thread that could not be made. */
COOP_API int coop_path_status(const coop_path *p);
/* A new fd (the caller owns and closes it) on the pipe a byte is written to when forwarded items
 * wait (Node polls it, as it polls a ring's wake pipe), or -1. */
COOP_API int coop_path_notify_fd(const coop_path *p);
/* Attaches (fd >= 0) or detaches (-1) the connected UDP socket: attached, the thread reads it. */
COOP_API void coop_path_set_socket(coop_path *p, int fd);
/* The next forwarded item into buf: its length (kind in *kind), 0 when none waits, -1 when cap is
 * too small (it stays). */
COOP_API int32_t coop_path_take(coop_path *p, uint8_t *kind, uint8_t *buf, uint32_t cap);
/* In the world (welcomed): the thread handles the player's frames and the snapshots. */
COOP_API void coop_path_enter_world(coop_path *p, const coop_path_link *link);
/* Out of the world: frames go to Node again; the sequence numbers are handed back in *link. */
COOP_API void coop_path_leave_world(coop_path *p, coop_path_link *link);
/* The snapshot channel's numbers after ENet sent a payload reliably (COOP_PATH_ITEM_RELIABLE). */
COOP_API void coop_path_set_channel_seqs(coop_path *p, uint16_t reliable_seq, uint16_t unreliable_seq);
COOP_API void coop_path_set_delay(coop_path *p, double interp_delay_ms);
/* InterestAdd / InterestRemove / the session gone (coop_proxies.h). */
COOP_API int coop_path_known(coop_path *p, uint32_t id, uint8_t kind, const uint8_t *name, uint32_t name_len);
COOP_API int coop_path_forget(coop_path *p, uint32_t id);
COOP_API void coop_path_forget_all(coop_path *p);
/* Sends a payload unreliably on the snapshot channel, numbered by the path (Node's other
 * snapshot-channel messages while in the world). 0 sent, 1 handed to Node to send reliably, -1
 * not sent (out of the world, no socket, longer than one datagram of ENet's default MTU less its
 * headers, the kernel refused). */
COOP_API int coop_path_send(coop_path *p, const uint8_t *payload, uint32_t len);
/* A snapshot Node decoded itself (one written otherwise than our server writes it). */
COOP_API int coop_path_push_snapshot(coop_path *p, int64_t tick, int64_t base_tick, double server_time_ms, const uint8_t *data,
                                     uint32_t len);
/* The player's last transform (entity id, pos xyz, rot xyzw, vel xyz: 11 floats) and when, on
 * Node's clock; 0 when none yet. */
COOP_API int coop_path_last_transform(coop_path *p, float *out, double *at_ms);
/* Others' voices played by the thread (on the voice channel `channel`): 0, or why not
 * (coop_voice_rx.h: no libopus), then they stay Node's. Off: Node's again. */
COOP_API int coop_path_voice(coop_path *p, int on, uint32_t channel);
/* A peer's avatar entity (0: none), for their mouth's visemes. */
COOP_API void coop_path_voice_avatar(coop_path *p, uint32_t peer_id, uint32_t entity_id);
/* The settings menu's volume of others' voices. */
COOP_API void coop_path_voice_volume(coop_path *p, double gain);
/* A voice packet Node decoded itself (one written otherwise than our server writes it). */
COOP_API void coop_path_push_voice(coop_path *p, uint32_t from_peer, uint32_t seq, uint32_t timestamp, const uint8_t *opus, uint32_t len,
                                   uint32_t attenuation_q8);
/* The server's clock: its time = Node's clock + offset_ms (NaN: not synced yet), for VisemePlay. */
COOP_API void coop_path_server_clock(coop_path *p, double offset_ms);
/* Node sleeps through the game's lazy frames (out of the world, Sidecar.setInWorld): so does the
 * thread while it relays them (it reads them on its next wake, at most COOP_PATH_IDLE_POLL_MS on). */
COOP_API void coop_path_sleep_through_lazy(coop_path *p, int on);
/* Copies min(n, COOP_PATH_COUNTERS) counters. */
COOP_API void coop_path_counters(coop_path *p, uint32_t *out, uint32_t n);
/* Stops the thread, releases the relay region and frees p (the game's region stays the caller's). */
COOP_API void coop_path_destroy(coop_path *p);

#ifdef __cplusplus
}
#endif
#endif
