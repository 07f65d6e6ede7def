/* The native path's state (struct coop_path) and what its thread does in the world
 * (path_world.c), shared by native_path.c (the thread, the rings, Node's calls). Internal. */
#ifndef COOP_PATH_WORLD_H
#define COOP_PATH_WORLD_H

#include <pthread.h>
#include <stdint.h>

#include "coop_hooks.h"
#include "coop_interp.h"
#include "coop_path.h"
#include "coop_proxies.h"
#include "coop_snapshot.h"
#include "coop_voice_out.h"
#include "coop_voice_rx.h"
#include "coop_wire.h"
#include "coop_wire_fields.h"
#include "path_forward.h"
#include "path_relay.h"

#define PATH_TAKEN_PER_DATAGRAM 32     /* snapshot and voice commands taken from one datagram; a datagram with more stays whole for Node */
#define PATH_DATAGRAMS_PER_WAKE 64     /* datagrams read per wake, so the frames are not held behind a flood */
/* The longest payload the thread sends on the snapshot channel: one datagram of ENet's default MTU. */
#define PATH_SEND_MAX_BYTES (COOP_ENET_HOST_DEFAULT_MTU - COOP_WIRE_UNRELIABLE_OVERHEAD)

struct coop_path {
  pthread_mutex_t lock;
  pthread_t thread;
  int started;
  int status;
  coop_region *game;
  coop_region *relay;
  path_relay to_node; /* game ring 0 -> relay ring 0 */
  path_relay to_game; /* relay ring 1 -> game ring 1 */
  int game_wake_fd, relay_wake_fd;
  int ctl[2];
  path_forward forward;
  int udp_fd;
  uint32_t lazy_wait; /* how the thread waits on the game's ring while it relays the frames: as Node does */
  double clock_offset_ms;
  uint32_t counters[COOP_PATH_COUNTERS];
  /* the server link (in the world) */
  int in_world;
  coop_path_link link;
  int wrap_pending; /* a payload went to Node to be sent reliably; numbers unknown until it says */
  coop_snap_rx *rx;
  coop_interp *interp;
  coop_proxies *proxies;
  int64_t pending_ack; /* the newest tick not yet acked, or -1 */
  /* the player (sidecar.ts) */
  int have_transform;
  coop_msg_player_transform last;
  double last_at_ms, last_frame_ms;
  double tokens, refilled_at_ms;
  int held;
  double held_due_ms;
  double *sampled;
  /* others' voices (path_voice.c): NULL until Node asks, and where libopus is missing */
  coop_voice_rx *voice;
  coop_visemes *visemes;
  uint32_t voice_channel;        /* COOP_WIRE_CHANNEL_NONE: voice stays Node's */
  double server_clock_offset_ms; /* the server's time = Node's clock + this; NaN until synced */
  uint8_t datagram[COOP_PATH_DATAGRAM_MAX_BYTES];
  uint8_t payloads[COOP_PATH_DATAGRAM_MAX_BYTES];
  coop_wire_taken taken[PATH_TAKEN_PER_DATAGRAM];
};

/* The machine's monotonic clock, ms, and Node's (performance.now(): that plus the path's offset). */
double path_mono_ms(void);
double path_now_ms(const coop_path *p);

/* Sends a payload unreliably on the snapshot channel, numbered by the path (coop_path_send). */
int path_send_channel(coop_path *p, const uint8_t *payload, uint32_t len);
/* The player's transform (p->last, just taken) in the world: the input up, the proxies down
 * (Sidecar's onPlayerTransform). */
void path_player_transform(coop_path *p, double now);
/* A report the input's rate held back, sent once due. */
void path_held_input_due(coop_path *p, double now);
/* A snapshot decoded, acked, and shown when it must be at once (session.ts #snapshot, Sidecar.snapshotArrived). */
void path_snapshot(coop_path *p, int64_t tick, int64_t base, double server_time_ms, const uint8_t *data, uint32_t len, double now);
/* Reads what waits in the socket: the snapshots handled here, the rest queued for Node. */
void path_datagrams(coop_path *p);
/* Whether the thread sleeps on the socket too (else the datagrams wait for the next game frame). */
int path_watch_socket(const coop_path *p, double now);
/* A new server session: a new snapshot history and timeline. */
void path_forget_session(coop_path *p);

/* Others' voices in the thread (path_voice.c): on (0) or why not (no libopus), or off. */
int path_voice_enable(coop_path *p, int on, uint32_t channel);
void path_voice_packet(coop_path *p, const coop_wire_voice *v, double now);
/* Plays the voice frames due by now. */
void path_voice_catch_up(coop_path *p, double now);
/* When the next voice frame is due, or -1 while no one talks. */
double path_voice_next_due(const coop_path *p);
void path_voice_free(coop_path *p);

#endif
