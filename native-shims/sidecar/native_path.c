/* The sidecar's native path (coop_path.h): one thread between the game's region, the relay region
 * Node's bridge reads, and the server's UDP socket. What it does on each wake mirrors
 * src/sidecar/sidecar.ts (the input's send, a frame of proxies, a snapshot's arrival) and
 * src/sidecar/session.ts (the snapshot's decode, its ack), which stay the JavaScript path. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "coop_hooks.h"
#include "coop_interp.h"
#include "coop_path.h"
#include "coop_proxies.h"
#include "coop_snapshot.h"
#include "coop_wire.h"
#include "internal.h"
#include "path_forward.h"
#include "path_relay.h"

#define PATH_SNAPSHOTS_PER_DATAGRAM 16 /* snapshot commands taken from one datagram; more stay for Node */
#define PATH_DATAGRAMS_PER_WAKE 64     /* datagrams read per wake, so the frames are not held behind a flood */
#define PATH_ENCODE_BYTES 256          /* a PlayerState or SnapshotAck envelope (≤ 65 bytes) and its ENet header */
#define PATH_CTL_WAKE 'w'
#define PATH_CTL_QUIT 'q'

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
  uint8_t datagram[COOP_PATH_DATAGRAM_MAX_BYTES];
  uint8_t payloads[COOP_PATH_DATAGRAM_MAX_BYTES];
  coop_wire_span spans[PATH_SNAPSHOTS_PER_DATAGRAM];
};

static double mono_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}
static double now_ms(const coop_path *p) { return mono_ms() + p->clock_offset_ms; }
static uint32_t sample_tick_us(double ms) { return (uint32_t)(uint64_t)floor(ms * 1000.0); }

/* ---- the server: sends on the snapshot channel ---- */

static int send_channel(coop_path *p, const uint8_t *payload, uint32_t len) {
  if (!p->in_world || p->udp_fd < 0 || p->wrap_pending) return -1;
  if (p->link.unreliable_seq >= 0xFFFFu) {
    /* ENet then sends reliably (a new reliable number, unreliable numbers from 0): Node's does */
    p->wrap_pending = 1;
    path_forward_push(&p->forward, COOP_PATH_ITEM_RELIABLE, payload, len);
    return 1;
  }
  coop_wire_peer peer = {p->link.outgoing_peer_id, p->link.outgoing_session_id, p->link.channel, p->link.reliable_seq};
  uint8_t out[PATH_ENCODE_BYTES + 64];
  int32_t n = coop_wire_build_unreliable(&peer, (uint16_t)(p->link.unreliable_seq + 1u), payload, len, out, sizeof out);
  if (n < 0) return -1;
  p->link.unreliable_seq++;
  if (send(p->udp_fd, out, (size_t)n, MSG_DONTWAIT) != n) {
    p->counters[COOP_PATH_C_SENDS_FAILED]++;
    return -1;
  }
  return 0;
}

static void send_ack_alone(coop_path *p) {
  if (p->pending_ack < 0) return;
  uint8_t msg[PATH_ENCODE_BYTES];
  int32_t n = coop_wire_encode_snapshot_ack((uint32_t)p->pending_ack, msg, sizeof msg);
  p->pending_ack = -1;
  if (n > 0 && send_channel(p, msg, (uint32_t)n) == 0) p->counters[COOP_PATH_C_ACKS_SENT]++;
}

/* Sidecar.sendInput: the transform moved along its velocity to now, with the held ack in it. */
static void send_input(coop_path *p, double now) {
  if (!p->have_transform) return;
  const coop_msg_player_transform *t = &p->last;
  double a = fmin(fmax(0.0, now - p->last_at_ms), COOP_PATH_INPUT_EXTRAPOLATE_MAX_MS) / 1000.0;
  const coop_quat *q = &t->rot;
  coop_wire_player_state ps = {
      .x = t->pos.x + t->vel.x * a,
      .y = t->pos.y + t->vel.y * a,
      .z = t->pos.z + t->vel.z * a,
      .yaw = atan2(2.0 * ((double)q->w * q->z + (double)q->x * q->y), 1.0 - 2.0 * ((double)q->y * q->y + (double)q->z * q->z)),
      .vx = t->vel.x,
      .vy = t->vel.y,
      .vz = t->vel.z,
      .mode = 0,
      .client_time_ms = now,
      .seq = ++p->link.input_seq,
      .ack_tick = p->pending_ack > 0 ? (uint32_t)p->pending_ack : 0u,
  };
  p->pending_ack = -1;
  uint8_t msg[PATH_ENCODE_BYTES];
  int32_t n = coop_wire_encode_player_state(&ps, msg, sizeof msg);
  if (n > 0 && send_channel(p, msg, (uint32_t)n) == 0) p->counters[COOP_PATH_C_INPUTS_SENT]++;
}

/* The input's token bucket (util/rate-limit.ts TokenBucket with INPUT_BURST, INPUT_MAX_HZ). */
static void refill(coop_path *p, double now) {
  if (now <= p->refilled_at_ms) return;
  p->tokens = fmin(COOP_PATH_INPUT_BURST, p->tokens + (now - p->refilled_at_ms) * COOP_PATH_INPUT_MAX_HZ / 1000.0);
  p->refilled_at_ms = now;
}
static int take_token(coop_path *p, double now) {
  refill(p, now);
  if (p->tokens + 1e-9 < 1.0) return 0;
  p->tokens -= 1.0;
  return 1;
}

/* ---- the game: a frame of proxies ---- */

static void frame(coop_path *p, double now) {
  p->last_frame_ms = now;
  int32_t n = coop_interp_sample(p->interp, now, p->sampled, COOP_INTERP_MAX_ENTITIES);
  if (n < 0) return;
  int32_t written = coop_proxies_frame(p->proxies, p->game, sample_tick_us(now), p->sampled, n);
  if (written > 0) p->counters[COOP_PATH_C_PROXY_STATES] += (uint32_t)written;
}

/* Sidecar's onPlayerTransform, in the world: the input up (now, or when the rate allows), the
 * proxies down. */
static void player_transform(coop_path *p, const uint8_t *payload, double now) {
  memcpy(&p->last, payload, sizeof p->last);
  p->have_transform = 1;
  p->last_at_ms = now;
  p->counters[COOP_PATH_C_FRAMES_NATIVE]++;
  if (!p->held) {
    if (take_token(p, now)) {
      send_input(p, now);
    } else {
      p->held = 1;
      p->held_due_ms = p->refilled_at_ms + (1.0 - p->tokens) * 1000.0 / COOP_PATH_INPUT_MAX_HZ;
    }
  }
  frame(p, now);
}

static void held_input_due(coop_path *p, double now) {
  if (!p->held || now < p->held_due_ms) return;
  p->held = 0;
  take_token(p, fmax(now, p->held_due_ms));
  send_input(p, now);
}

/* ---- the server: a snapshot (session.ts #snapshot, Sidecar.snapshotArrived) ---- */

static void snapshot(coop_path *p, int64_t tick, int64_t base, double server_time_ms, const uint8_t *data, uint32_t len, double now) {
  if (!p->in_world || coop_snap_rx_receive(p->rx, tick, base, data, len) != COOP_SNAP_OK) {
    p->counters[COOP_PATH_C_SNAPSHOT_DROPS]++;
    return;
  }
  p->counters[COOP_PATH_C_SNAPSHOTS]++;
  coop_interp_push_rx(p->interp, server_time_ms, p->rx, tick, now, 1);
  if (tick == coop_snap_rx_newest(p->rx)) {
    p->pending_ack = tick;
    if (tick == 0) send_ack_alone(p); /* 0 cannot ride as ack_tick, where 0 is none */
  }
  if (now - p->last_at_ms >= COOP_PATH_FRAME_STALE_MS) send_ack_alone(p);
  if (coop_interp_delay(p->interp) < COOP_PATH_FRAME_MS || now - p->last_frame_ms >= COOP_PATH_FRAME_STALE_MS) frame(p, now);
}

static void datagrams(coop_path *p) {
  for (int i = 0; i < PATH_DATAGRAMS_PER_WAKE && p->udp_fd >= 0; i++) {
    ssize_t got = recv(p->udp_fd, p->datagram, sizeof p->datagram, MSG_DONTWAIT);
    if (got < 0) return;
    p->counters[COOP_PATH_C_DATAGRAMS_IN]++;
    uint32_t len = (uint32_t)got;
    int32_t taken = p->in_world ? coop_wire_take_snapshots(p->datagram, &len, p->link.channel, p->payloads, sizeof p->payloads, p->spans,
                                                           PATH_SNAPSHOTS_PER_DATAGRAM)
                                : 0;
    double now = now_ms(p);
    for (int32_t k = 0; k < taken; k++) {
      coop_wire_snapshot s;
      if (coop_wire_decode_snapshot(p->payloads + p->spans[k].offset, p->spans[k].length, &s))
        snapshot(p, s.tick, s.base_tick, s.server_time_ms, s.data, s.data_len, now);
    }
    if (len == 0) continue;
    if (path_forward_push(&p->forward, COOP_PATH_ITEM_DATAGRAM, p->datagram, len)) p->counters[COOP_PATH_C_DATAGRAMS_TO_NODE]++;
    else p->counters[COOP_PATH_C_FORWARD_DROPS]++;
  }
}

/* ---- the rings ---- */

static void game_frames(coop_path *p) {
  uint16_t type;
  uint32_t len;
  while (!path_relay_flush(&p->to_node)) {
    int rc = path_relay_read(&p->to_node, &type, &len);
    if (rc <= 0) return;
    if (type == COOP_MSG_PLAYER_TRANSFORM && len == COOP_MSG_PLAYER_TRANSFORM_BYTES && p->in_world && p->udp_fd >= 0) {
      player_transform(p, p->to_node.buf, now_ms(p));
      continue;
    }
    if (type == COOP_MSG_PLAYER_TRANSFORM && len == COOP_MSG_PLAYER_TRANSFORM_BYTES) {
      memcpy(&p->last, p->to_node.buf, sizeof p->last); /* Node takes it from here (rejoins) */
      p->have_transform = 1;
      p->last_at_ms = now_ms(p);
    }
    p->counters[COOP_PATH_C_FRAMES_TO_NODE]++;
    path_relay_pass(&p->to_node, type, len);
  }
}

static void node_frames(coop_path *p) {
  uint16_t type;
  uint32_t len;
  while (!path_relay_flush(&p->to_game)) {
    if (path_relay_read(&p->to_game, &type, &len) <= 0) return;
    p->counters[COOP_PATH_C_FRAMES_TO_GAME]++;
    path_relay_pass(&p->to_game, type, len);
  }
}

/* Whether the thread sleeps on the socket too. While the game's frames come, each of which wakes
 * it anyway, the datagrams wait for the next frame (receive-gate.ts, the JavaScript path's rule):
 * 40 snapshots and up to 50 voice packets a second wake nobody. Not while a snapshot is to be
 * shown as it comes (a delay under a frame), nor when the frames stopped (then the poll's
 * timeout, at most FRAME_STALE_MS while the socket is not watched, notices). */
static int watch_socket(const coop_path *p, double now) {
  if (!p->in_world) return 1;
  if (coop_interp_delay(p->interp) < COOP_PATH_FRAME_MS) return 1;
  return now - p->last_at_ms >= COOP_PATH_FRAME_STALE_MS;
}

static void drain_fd(int fd) {
  char sink[64];
  while (fd >= 0 && read(fd, sink, sizeof sink) > 0) {
  }
}

static void *run(void *arg) {
  coop_path *p = arg;
  for (;;) {
    pthread_mutex_lock(&p->lock);
    p->counters[COOP_PATH_C_WAKES]++;
    path_relay_beats(p->game, p->relay);
    game_frames(p);
    node_frames(p);
    datagrams(p);
    int spawns_wait = coop_proxies_flush(p->proxies, p->game) > 0; /* spawns and despawns a full ring refused */
    double now = now_ms(p);
    held_input_due(p, now);
    int timeout = COOP_PATH_IDLE_POLL_MS;
    if (p->held) timeout = (int)fmax(0.0, fmin(timeout, ceil(p->held_due_ms - now)));
    if (p->to_node.holding || p->to_game.holding || spawns_wait) timeout = COOP_PATH_RETRY_MS;
    int again = (!p->to_node.holding && path_arm_wait(p->game)) | (!p->to_game.holding && path_arm_wait(p->relay));
    int udp = watch_socket(p, now) ? p->udp_fd : -1;
    if (udp < 0 && p->udp_fd >= 0) timeout = timeout < COOP_PATH_FRAME_STALE_MS ? timeout : COOP_PATH_FRAME_STALE_MS;
    pthread_mutex_unlock(&p->lock);
    if (again) continue;
    struct pollfd fds[4] = {{p->ctl[0], POLLIN, 0}, {p->game_wake_fd, POLLIN, 0}, {p->relay_wake_fd, POLLIN, 0}, {udp, POLLIN, 0}};
    poll(fds, udp >= 0 ? 4 : 3, timeout);
    if (fds[0].revents & POLLIN) {
      char c[16];
      ssize_t n = read(p->ctl[0], c, sizeof c);
      if (n > 0 && memchr(c, PATH_CTL_QUIT, (size_t)n)) return NULL;
    }
    if (fds[1].revents) drain_fd(p->game_wake_fd);
    if (fds[2].revents) drain_fd(p->relay_wake_fd);
  }
}

static void ctl(coop_path *p, char c) {
  if (p->ctl[1] >= 0) (void)!write(p->ctl[1], &c, 1);
}

/* ---- Node's calls ---- */

coop_path *coop_path_create(void *game, const char *relay_name, double now) {
  coop_path *p = calloc(1, sizeof *p);
  if (!p) return NULL;
  pthread_mutex_init(&p->lock, NULL);
  p->game = game;
  p->udp_fd = p->game_wake_fd = p->relay_wake_fd = p->ctl[0] = p->ctl[1] = -1;
  p->pending_ack = -1;
  p->last_frame_ms = p->last_at_ms = -INFINITY;
  p->clock_offset_ms = now - mono_ms();
  p->refilled_at_ms = now;
  p->tokens = COOP_PATH_INPUT_BURST;
  p->link.channel = 1;
  uint32_t ring = atomic_load(coop_word(p->game, COOP_OFF_RING_BYTES));
  p->relay = coop_open(relay_name, COOP_ROLE_GAME, ring, COOP_ABI_VERSION, atomic_load(coop_word(p->game, COOP_OFF_SCHEMA)));
  if (!p->relay || coop_status(p->relay) != COOP_OK) {
    p->status = p->relay ? coop_status(p->relay) : COOP_ERR_NOMEM;
    return p;
  }
  p->rx = coop_snap_rx_create();
  p->interp = coop_interp_create(0);
  p->proxies = coop_proxies_create();
  p->sampled = malloc(sizeof(double) * COOP_INTERP_OUT_STRIDE * COOP_INTERP_MAX_ENTITIES);
  if (!p->rx || !p->interp || !p->proxies || !p->sampled || path_relay_init(&p->to_node, p->game, p->relay) ||
      path_relay_init(&p->to_game, p->relay, p->game) || path_forward_init(&p->forward, COOP_PATH_FORWARD_MAX_BYTES)) {
    p->status = COOP_ERR_NOMEM;
    return p;
  }
  p->game_wake_fd = coop_wake_fd(p->game, 0);
  p->relay_wake_fd = coop_wake_fd(p->relay, 1);
  if (p->game_wake_fd < 0 || p->relay_wake_fd < 0 || pipe2(p->ctl, O_NONBLOCK | O_CLOEXEC) != 0) {
    p->status = -(errno ? errno : EBADF);
    return p;
  }
  int rc = pthread_create(&p->thread, NULL, run, p);
  if (rc != 0) {
    p->status = -rc;
    return p;
  }
  p->started = 1;
  return p;
}

int coop_path_status(const coop_path *p) { return p ? p->status : COOP_ERR_NOMEM; }
int coop_path_notify_fd(const coop_path *p) { return p && p->status == 0 ? fcntl(p->forward.notify[0], F_DUPFD_CLOEXEC, 0) : -1; }

void coop_path_set_socket(coop_path *p, int fd) {
  pthread_mutex_lock(&p->lock);
  p->udp_fd = fd;
  pthread_mutex_unlock(&p->lock);
  ctl(p, PATH_CTL_WAKE); /* polls the new socket now */
}

int32_t coop_path_take(coop_path *p, uint8_t *kind, uint8_t *buf, uint32_t cap) {
  pthread_mutex_lock(&p->lock);
  int32_t n = path_forward_take(&p->forward, kind, buf, cap);
  pthread_mutex_unlock(&p->lock);
  return n;
}

static void forget_session(coop_path *p) {
  coop_snap_rx *rx = coop_snap_rx_create();
  coop_interp *ip = coop_interp_create(p->link.interp_delay_ms);
  if (rx && ip) { /* a new server session: a new history and timeline (CoopClient.#forget) */
    coop_snap_rx_destroy(p->rx);
    coop_interp_destroy(p->interp);
    p->rx = rx;
    p->interp = ip;
  } else {
    coop_snap_rx_destroy(rx);
    coop_interp_destroy(ip);
  }
  p->pending_ack = -1;
  p->held = 0;
}

void coop_path_enter_world(coop_path *p, const coop_path_link *link) {
  pthread_mutex_lock(&p->lock);
  if (!p->in_world) forget_session(p);
  p->link = *link;
  p->wrap_pending = 0;
  coop_interp_set_delay(p->interp, link->interp_delay_ms);
  p->in_world = 1;
  pthread_mutex_unlock(&p->lock);
}

void coop_path_leave_world(coop_path *p, coop_path_link *link) {
  pthread_mutex_lock(&p->lock);
  p->in_world = 0;
  p->held = 0;
  if (link) *link = p->link;
  pthread_mutex_unlock(&p->lock);
}

void coop_path_set_channel_seqs(coop_path *p, uint16_t reliable_seq, uint16_t unreliable_seq) {
  pthread_mutex_lock(&p->lock);
  p->link.reliable_seq = reliable_seq;
  p->link.unreliable_seq = unreliable_seq;
  p->wrap_pending = 0;
  pthread_mutex_unlock(&p->lock);
}

void coop_path_set_delay(coop_path *p, double ms) {
  pthread_mutex_lock(&p->lock);
  p->link.interp_delay_ms = ms;
  coop_interp_set_delay(p->interp, ms);
  pthread_mutex_unlock(&p->lock);
}

int coop_path_known(coop_path *p, uint32_t id, uint8_t kind, const uint8_t *name, uint32_t name_len) {
  pthread_mutex_lock(&p->lock);
  int rc = coop_proxies_known(p->proxies, id, kind, name, name_len);
  pthread_mutex_unlock(&p->lock);
  return rc;
}

int coop_path_forget(coop_path *p, uint32_t id) {
  pthread_mutex_lock(&p->lock);
  int rc = coop_proxies_forget(p->proxies, p->game, id);
  pthread_mutex_unlock(&p->lock);
  return rc;
}

void coop_path_forget_all(coop_path *p) {
  pthread_mutex_lock(&p->lock);
  coop_proxies_forget_all(p->proxies, p->game);
  pthread_mutex_unlock(&p->lock);
}

int coop_path_send(coop_path *p, const uint8_t *payload, uint32_t len) {
  if (len > PATH_ENCODE_BYTES * 4u) return -1;
  pthread_mutex_lock(&p->lock);
  int rc = send_channel(p, payload, len);
  pthread_mutex_unlock(&p->lock);
  return rc;
}

int coop_path_push_snapshot(coop_path *p, int64_t tick, int64_t base, double server_time_ms, const uint8_t *data, uint32_t len) {
  pthread_mutex_lock(&p->lock);
  uint32_t before = p->counters[COOP_PATH_C_SNAPSHOTS];
  snapshot(p, tick, base, server_time_ms, data, len, now_ms(p));
  int rc = p->counters[COOP_PATH_C_SNAPSHOTS] != before ? 0 : -1;
  pthread_mutex_unlock(&p->lock);
  return rc;
}

int coop_path_last_transform(coop_path *p, float *out, double *at_ms) {
  pthread_mutex_lock(&p->lock);
  int have = p->have_transform;
  if (have) {
    memcpy(out, &p->last, sizeof p->last);
    *at_ms = p->last_at_ms;
  }
  pthread_mutex_unlock(&p->lock);
  return have;
}

void coop_path_counters(coop_path *p, uint32_t *out, uint32_t n) {
  pthread_mutex_lock(&p->lock);
  memcpy(out, p->counters, sizeof(uint32_t) * (n < COOP_PATH_COUNTERS ? n : COOP_PATH_COUNTERS));
  pthread_mutex_unlock(&p->lock);
}

void coop_path_destroy(coop_path *p) {
  if (!p) return;
  if (p->started) {
    ctl(p, PATH_CTL_QUIT);
    pthread_join(p->thread, NULL);
  }
  for (int i = 0; i < 2; i++)
    if (p->ctl[i] >= 0) close(p->ctl[i]);
  if (p->game_wake_fd >= 0) close(p->game_wake_fd);
  if (p->relay_wake_fd >= 0) close(p->relay_wake_fd);
  if (p->relay) {
    if (coop_status(p->relay) == COOP_OK) path_relay_release_pid(p->relay);
    coop_close(p->relay);
  }
  path_relay_free(&p->to_node);
  path_relay_free(&p->to_game);
  path_forward_free(&p->forward);
  coop_snap_rx_destroy(p->rx);
  coop_interp_destroy(p->interp);
  coop_proxies_destroy(p->proxies);
  free(p->sampled);
  pthread_mutex_destroy(&p->lock);
  free(p);
}
