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
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"
#include "path_world.h"

#define PATH_CTL_WAKE 'w'
#define PATH_CTL_QUIT 'q'

/* ---- the rings ---- */

/* The thread takes the player's frames itself (in the world, on a socket it reads), else relays them. */
static int handles_frames(const coop_path *p) { return p->in_world && p->udp_fd >= 0; }

static void game_frames(coop_path *p) {
  uint16_t type;
  uint32_t len;
  while (!path_relay_flush(&p->to_node)) {
    int rc = path_relay_read(&p->to_node, &type, &len);
    if (rc < 0) p->counters[COOP_PATH_C_MALFORMED]++; /* a frame not to be trusted: its backlog dropped */
    if (rc <= 0) return;
    if (type == COOP_MSG_PLAYER_TRANSFORM && len == COOP_MSG_PLAYER_TRANSFORM_BYTES) {
      /* the player's last transform, whoever handles it (Node asks for it on a re-join) */
      memcpy(&p->last, p->to_node.buf, sizeof p->last);
      p->have_transform = 1;
      p->last_at_ms = path_now_ms(p);
      if (handles_frames(p)) {
        path_player_transform(p, p->last_at_ms);
        continue;
      }
    }
    p->counters[COOP_PATH_C_FRAMES_TO_NODE]++;
    path_relay_pass(&p->to_node, type, len);
  }
}

static void node_frames(coop_path *p) {
  uint16_t type;
  uint32_t len;
  while (!path_relay_flush(&p->to_game)) {
    int rc = path_relay_read(&p->to_game, &type, &len);
    if (rc < 0) p->counters[COOP_PATH_C_MALFORMED]++;
    if (rc <= 0) return;
    p->counters[COOP_PATH_C_FRAMES_TO_GAME]++;
    path_relay_pass(&p->to_game, type, len);
  }
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
    double woke = path_now_ms(p);
    path_voice_catch_up(p, woke); /* before the packets read now, as Node's voice plays on a frame before its datagrams */
    path_datagrams(p);
    int spawns_wait = coop_proxies_flush(p->proxies, p->game) > 0; /* spawns and despawns a full ring refused */
    double now = path_now_ms(p);
    path_held_input_due(p, now);
    int timeout = COOP_PATH_IDLE_POLL_MS;
    if (p->held) timeout = (int)fmax(0.0, fmin(timeout, ceil(p->held_due_ms - now)));
    /* the voice plays on the game's frames while they come (up to one frame late, as on the
     * JavaScript path); without them, on time */
    double voice_due = path_voice_next_due(p);
    if (voice_due >= 0 && now - p->last_at_ms >= COOP_PATH_FRAME_STALE_MS) timeout = (int)fmax(0.0, fmin(timeout, ceil(voice_due - now)));
    if (p->to_node.holding || p->to_game.holding || spawns_wait) timeout = COOP_PATH_RETRY_MS;
    /* the game's frames wake the thread while it handles them; otherwise as they would wake Node */
    uint32_t game_wait = handles_frames(p) ? COOP_READER_WAITING_ANY : p->lazy_wait;
    int again = (!p->to_node.holding && path_arm_wait(p->game, game_wait)) | (!p->to_game.holding && path_arm_wait(p->relay, COOP_READER_WAITING_ANY));
    int udp = path_watch_socket(p, now) ? p->udp_fd : -1;
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
  p->forward.notify[0] = p->forward.notify[1] = -1; /* destroy closes only what was opened */
  p->pending_ack = -1;
  p->last_frame_ms = p->last_at_ms = -INFINITY;
  p->clock_offset_ms = now - path_mono_ms();
  p->refilled_at_ms = now;
  p->tokens = COOP_PATH_INPUT_BURST;
  p->link.channel = 1;
  p->voice_channel = COOP_WIRE_CHANNEL_NONE;
  p->lazy_wait = COOP_READER_WAITING_ANY;
  p->server_clock_offset_ms = NAN;
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

void coop_path_enter_world(coop_path *p, const coop_path_link *link) {
  pthread_mutex_lock(&p->lock);
  if (!p->in_world) path_forget_session(p);
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
  if (len > PATH_SEND_MAX_BYTES) return -1;
  pthread_mutex_lock(&p->lock);
  int rc = path_send_channel(p, payload, len);
  pthread_mutex_unlock(&p->lock);
  return rc;
}

int coop_path_push_snapshot(coop_path *p, int64_t tick, int64_t base, double server_time_ms, const uint8_t *data, uint32_t len) {
  pthread_mutex_lock(&p->lock);
  uint32_t before = p->counters[COOP_PATH_C_SNAPSHOTS];
  path_snapshot(p, tick, base, server_time_ms, data, len, path_now_ms(p));
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

void coop_path_sleep_through_lazy(coop_path *p, int on) {
  pthread_mutex_lock(&p->lock);
  p->lazy_wait = on ? COOP_READER_WAITING_NOT_LAZY : COOP_READER_WAITING_ANY;
  pthread_mutex_unlock(&p->lock);
  ctl(p, PATH_CTL_WAKE); /* sleeps again as told */
}

int coop_path_voice(coop_path *p, int on, uint32_t channel) {
  pthread_mutex_lock(&p->lock);
  int rc = path_voice_enable(p, on, channel);
  pthread_mutex_unlock(&p->lock);
  return rc;
}

void coop_path_voice_avatar(coop_path *p, uint32_t peer_id, uint32_t entity_id) {
  pthread_mutex_lock(&p->lock);
  if (p->visemes) coop_visemes_set_avatar(p->visemes, peer_id, entity_id);
  pthread_mutex_unlock(&p->lock);
}

void coop_path_voice_volume(coop_path *p, double gain) {
  pthread_mutex_lock(&p->lock);
  if (p->voice) coop_voice_rx_set_volume(p->voice, gain);
  pthread_mutex_unlock(&p->lock);
}

void coop_path_push_voice(coop_path *p, uint32_t from_peer, uint32_t seq, uint32_t timestamp, const uint8_t *opus, uint32_t len,
                          uint32_t attenuation_q8) {
  coop_wire_voice v = {seq, timestamp, from_peer, attenuation_q8, opus, len};
  pthread_mutex_lock(&p->lock);
  path_voice_packet(p, &v, path_now_ms(p));
  pthread_mutex_unlock(&p->lock);
  ctl(p, PATH_CTL_WAKE); /* its clock may have started: the thread plays it */
}

void coop_path_server_clock(coop_path *p, double offset_ms) {
  pthread_mutex_lock(&p->lock);
  p->server_clock_offset_ms = offset_ms;
  pthread_mutex_unlock(&p->lock);
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
  path_voice_free(p);
  path_forward_free(&p->forward);
  coop_snap_rx_destroy(p->rx);
  coop_interp_destroy(p->interp);
  coop_proxies_destroy(p->proxies);
  free(p->sampled);
  pthread_mutex_destroy(&p->lock);
  free(p);
}
