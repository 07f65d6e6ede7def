/* What the native path's thread does in the world (path_world.h): the input's send, a frame of
 * proxies, a snapshot's arrival. It mirrors src/sidecar/sidecar.ts and the snapshot half of
 * src/sidecar/session.ts, which stay the JavaScript path. The caller holds the path's lock. */
#define _GNU_SOURCE
#include <math.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "path_world.h"

double path_mono_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}
double path_now_ms(const coop_path *p) { return path_mono_ms() + p->clock_offset_ms; }
static uint32_t sample_tick_us(double ms) { return (uint32_t)(uint64_t)floor(ms * 1000.0); }

/* ---- the server: sends on the snapshot channel ---- */

int path_send_channel(coop_path *p, const uint8_t *payload, uint32_t len) {
  if (!p->in_world || p->udp_fd < 0 || p->wrap_pending) return -1;
  if (p->link.unreliable_seq >= 0xFFFFu) {
    /* ENet then sends reliably (a new reliable number, unreliable numbers from 0): Node's does */
    p->wrap_pending = 1;
    path_forward_push(&p->forward, COOP_PATH_ITEM_RELIABLE, payload, len);
    return 1;
  }
  coop_wire_peer peer = {p->link.outgoing_peer_id, p->link.outgoing_session_id, p->link.channel, p->link.reliable_seq};
  uint8_t out[COOP_ENET_HOST_DEFAULT_MTU];
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
  uint8_t msg[COOP_WIRE_SNAPSHOT_ACK_MAX_BYTES];
  int32_t n = coop_wire_encode_snapshot_ack((uint32_t)p->pending_ack, msg, sizeof msg);
  p->pending_ack = -1;
  if (n > 0 && path_send_channel(p, msg, (uint32_t)n) == 0) p->counters[COOP_PATH_C_ACKS_SENT]++;
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
  uint8_t msg[COOP_WIRE_PLAYER_STATE_MAX_BYTES];
  int32_t n = coop_wire_encode_player_state(&ps, msg, sizeof msg);
  if (n > 0 && path_send_channel(p, msg, (uint32_t)n) == 0) p->counters[COOP_PATH_C_INPUTS_SENT]++;
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

/* Sidecar's onPlayerTransform, in the world (p->last just taken): the input up (now, or when
 * the rate allows), the proxies down. */
void path_player_transform(coop_path *p, double now) {
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

void path_held_input_due(coop_path *p, double now) {
  if (!p->held || now < p->held_due_ms) return;
  p->held = 0;
  take_token(p, fmax(now, p->held_due_ms));
  send_input(p, now);
}

/* ---- the server: a snapshot (session.ts #snapshot, Sidecar.snapshotArrived) ---- */

void path_snapshot(coop_path *p, int64_t tick, int64_t base, double server_time_ms, const uint8_t *data, uint32_t len, double now) {
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

void path_datagrams(coop_path *p) {
  for (int i = 0; i < PATH_DATAGRAMS_PER_WAKE && p->udp_fd >= 0; i++) {
    ssize_t got = recv(p->udp_fd, p->datagram, sizeof p->datagram, MSG_DONTWAIT);
    if (got < 0) return;
    p->counters[COOP_PATH_C_DATAGRAMS_IN]++;
    uint32_t len = (uint32_t)got;
    int32_t taken = p->in_world ? coop_wire_take(p->datagram, &len, p->link.channel, p->voice_channel, p->payloads, sizeof p->payloads,
                                                 p->taken, PATH_TAKEN_PER_DATAGRAM)
                                : 0;
    double now = path_now_ms(p);
    for (int32_t k = 0; k < taken; k++) {
      const uint8_t *bytes = p->payloads + p->taken[k].offset;
      uint32_t n = p->taken[k].length;
      coop_wire_snapshot s;
      coop_wire_voice v;
      if (p->taken[k].kind == COOP_WIRE_KIND_SNAPSHOT && coop_wire_decode_snapshot(bytes, n, &s))
        path_snapshot(p, s.tick, s.base_tick, s.server_time_ms, s.data, s.data_len, now);
      else if (p->taken[k].kind == COOP_WIRE_KIND_VOICE && coop_wire_decode_voice(bytes, n, &v))
        path_voice_packet(p, &v, now);
    }
    if (len == 0) continue;
    if (path_forward_push(&p->forward, COOP_PATH_ITEM_DATAGRAM, p->datagram, len)) p->counters[COOP_PATH_C_DATAGRAMS_TO_NODE]++;
    else p->counters[COOP_PATH_C_FORWARD_DROPS]++;
  }
}

/* Whether the thread sleeps on the socket too. While the game's frames come, each of which wakes
 * it anyway, the datagrams wait for the next frame (receive-gate.ts, the JavaScript path's rule):
 * 40 snapshots and up to 50 voice packets a second wake nobody. Not while a snapshot is to be
 * shown as it comes (a delay under a frame), nor when the frames stopped (then the poll's
 * timeout, at most FRAME_STALE_MS while the socket is not watched, notices). */
int path_watch_socket(const coop_path *p, double now) {
  if (!p->in_world) return 1;
  if (coop_interp_delay(p->interp) < COOP_PATH_FRAME_MS) return 1;
  return now - p->last_at_ms >= COOP_PATH_FRAME_STALE_MS;
}

void path_forget_session(coop_path *p) {
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
