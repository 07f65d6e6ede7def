/* wire.c — the native path on the wire (coop_wire.h; docs/sidecar.md "The native path: the wire
 * in C"): snapshots and voice taken out of received ENet datagrams, the Snapshot envelope's and
 * the Voice message's decoders, the
 * PlayerState and SnapshotAck encoders and the unreliable datagram the native thread sends.
 * Ports of the TypeScript (snapshot-envelope.ts, input-envelope.ts, src/net/enet/): same
 * acceptance rules, same bytes. Every protobuf tag and ENet number comes from the generated
 * coop_wire_fields.h. Hostile bytes: each read follows a length check in 64-bit arithmetic, and a
 * datagram is only changed once it was walked whole and everything taken is known to fit. */
#include "coop_wire.h"
#include "coop_wire_fields.h"

#include <math.h> /* signbit: a macro, no libm call */
#include <string.h>

#define VARINT_MAX_BYTES 5          /* a uint32 varint, as getVarint reads it */
#define UINT32_MAX_VALUE 0xffffffffull
#define FIXED32_BYTES 4
#define FIXED64_BYTES 8

#if COOP_ENET_MAXIMUM_PEER_ID != COOP_WIRE_MAX_PEER_ID
#error "coop_wire.h COOP_WIRE_MAX_PEER_ID differs from ENet's (coop_wire_fields.h)"
#endif

_Static_assert(COOP_WIRE_UNRELIABLE_OVERHEAD == COOP_ENET_HEADER_MINIMUM_SIZE + COOP_ENET_SIZE_SEND_UNRELIABLE, "header + SEND_UNRELIABLE");

static const uint8_t command_sizes[COOP_ENET_COMMAND_COUNT] = COOP_ENET_COMMAND_SIZES;
static const int8_t data_length_offsets[COOP_ENET_COMMAND_COUNT] = COOP_ENET_DATA_LENGTH_OFFSETS;

static uint32_t be16(const uint8_t *p) { return (uint32_t)p[0] << 8 | p[1]; }
static void put_be16(uint8_t *p, uint32_t v) {
  p[0] = (uint8_t)(v >> 8);
  p[1] = (uint8_t)v;
}

/* ---- protobuf ---- */

/* getVarint: a uint32 varint at *pos (before end), at most 5 bytes and at most 2^32 − 1
 * (non-minimal encodings accepted, as protobufjs reads them); 0 when it is not one. */
static int get_varint(const uint8_t *b, uint32_t *pos, uint32_t end, uint32_t *v) {
  uint64_t acc = 0;
  uint32_t p = *pos;
  for (int i = 0; i < VARINT_MAX_BYTES; i++) {
    if (p >= end) return 0;
    const uint8_t byte = b[p++];
    acc |= (uint64_t)(byte & 0x7f) << (7 * i);
    if (byte < 0x80) {
      if (acc > UINT32_MAX_VALUE) return 0;
      *v = (uint32_t)acc;
      *pos = p;
      return 1;
    }
  }
  return 0;
}

static uint32_t varint_len(uint32_t v) { return v < 0x80u ? 1 : v < 0x4000u ? 2 : v < 0x200000u ? 3 : v < 0x10000000u ? 4 : 5; }

static uint32_t put_varint(uint8_t *out, uint32_t p, uint32_t v) {
  while (v >= 0x80u) {
    out[p++] = (uint8_t)((v & 0x7f) | 0x80);
    v >>= 7;
  }
  out[p++] = (uint8_t)v;
  return p;
}

int coop_wire_decode_snapshot(const uint8_t *bytes, uint32_t len, coop_wire_snapshot *out) {
  if (bytes == NULL || len > COOP_PB_MAX_MESSAGE_BYTES) return 0;
  uint32_t p = 0, outer = 0, inner = 0;
  if (!get_varint(bytes, &p, len, &outer) || outer != COOP_PB_TAG_EMSG_SNAPSHOT) return 0;
  if (!get_varint(bytes, &p, len, &inner) || (uint64_t)p + inner != len) return 0;
  coop_wire_snapshot s = {0, 0, 0.0, 0, 0, bytes, 0};
  uint32_t seen = 0;
  while (p < len) {
    const uint8_t field_tag = bytes[p++];
    const uint32_t field_bit = 1u << (field_tag >> 3);
    if (field_tag >= 0x80 || (seen & field_bit)) return 0; /* unknown or repeated field */
    seen |= field_bit;
    if (field_tag == COOP_PB_TAG_SNAPSHOT_SERVER_TIME_MS) {
      if ((uint64_t)p + FIXED64_BYTES > len) return 0;
      memcpy(&s.server_time_ms, bytes + p, FIXED64_BYTES); /* little-endian host */
      p += FIXED64_BYTES;
      continue;
    }
    uint32_t v = 0;
    if (!get_varint(bytes, &p, len, &v)) return 0;
    if (field_tag == COOP_PB_TAG_SNAPSHOT_DATA) {
      if ((uint64_t)p + v > len) return 0;
      s.data = bytes + p;
      s.data_len = v;
      p += v;
    } else if (field_tag == COOP_PB_TAG_SNAPSHOT_TICK) {
      s.tick = v;
    } else if (field_tag == COOP_PB_TAG_SNAPSHOT_BASE_TICK) {
      s.base_tick = v;
    } else if (field_tag == COOP_PB_TAG_SNAPSHOT_TICK_MS) {
      s.tick_ms = v;
    } else if (field_tag == COOP_PB_TAG_SNAPSHOT_INPUT_LEAD_US) {
      s.input_lead_us = v;
    } else {
      return 0;
    }
  }
  if (out != NULL) *out = s;
  return 1;
}

int coop_wire_decode_voice(const uint8_t *bytes, uint32_t len, coop_wire_voice *out) {
  if (bytes == NULL || len > COOP_PB_MAX_MESSAGE_BYTES) return 0;
  uint32_t p = 0, outer = 0, inner = 0;
  if (!get_varint(bytes, &p, len, &outer) || outer != COOP_PB_TAG_EMSG_VOICE) return 0;
  if (!get_varint(bytes, &p, len, &inner) || (uint64_t)p + inner != len) return 0;
  coop_wire_voice v = {0, 0, 0, 0, bytes, 0};
  uint32_t seen = 0;
  while (p < len) {
    const uint8_t field_tag = bytes[p++];
    const uint32_t field_bit = 1u << (field_tag >> 3);
    if (field_tag >= 0x80 || (seen & field_bit)) return 0; /* unknown or repeated field */
    seen |= field_bit;
    uint32_t x = 0;
    if (!get_varint(bytes, &p, len, &x)) return 0;
    if (field_tag == COOP_PB_TAG_VOICE_OPUS_BYTES) {
      if ((uint64_t)p + x > len) return 0;
      v.opus = bytes + p;
      v.opus_len = x;
      p += x;
    } else if (field_tag == COOP_PB_TAG_VOICE_SEQ) {
      v.seq = x;
    } else if (field_tag == COOP_PB_TAG_VOICE_TIMESTAMP) {
      v.timestamp = x;
    } else if (field_tag == COOP_PB_TAG_VOICE_FROM_PEER_ID) {
      v.from_peer_id = x;
    } else if (field_tag == COOP_PB_TAG_VOICE_ATTENUATION_Q8) {
      v.attenuation_q8 = x;
    } else {
      return 0;
    }
  }
  if (out != NULL) *out = v;
  return 1;
}

/* protobufjs leaves out a float or double field only when it is +0. */
static int written(double v) { return !(v == 0.0 && !signbit(v)); }

static uint32_t uint_len(uint32_t v) { return v != 0 ? 1 + varint_len(v) : 0; }

static uint32_t put_uint(uint8_t *out, uint32_t p, uint8_t field_tag, uint32_t v) {
  if (v == 0) return p;
  out[p++] = field_tag;
  return put_varint(out, p, v);
}

/* A float field as DataView.setFloat32 writes it: the IEEE conversion (round to nearest, out of
 * range to ±infinity, a NaN keeps its sign and top payload bits and is made quiet), little-endian. */
static uint32_t put_float(uint8_t *out, uint32_t p, uint8_t field_tag, double v) {
  if (!written(v)) return p;
  out[p++] = field_tag;
  const float f = (float)v;
  memcpy(out + p, &f, FIXED32_BYTES);
  return p + FIXED32_BYTES;
}

int32_t coop_wire_encode_player_state(const coop_wire_player_state *ps, uint8_t *out, uint32_t cap) {
  if (ps == NULL || (out == NULL && cap > 0)) return COOP_WIRE_BAD_ARGUMENT;
  const double floats[] = {ps->x, ps->y, ps->z, ps->yaw, ps->vx, ps->vy, ps->vz};
  static const uint8_t float_tags[] = {COOP_PB_TAG_PLAYER_STATE_X,  COOP_PB_TAG_PLAYER_STATE_Y,  COOP_PB_TAG_PLAYER_STATE_Z, COOP_PB_TAG_PLAYER_STATE_YAW,
                                       COOP_PB_TAG_PLAYER_STATE_VX, COOP_PB_TAG_PLAYER_STATE_VY, COOP_PB_TAG_PLAYER_STATE_VZ};
  const uint32_t floats_n = sizeof floats / sizeof floats[0];
  uint32_t inner = uint_len(ps->seq) + uint_len(ps->mode) + uint_len(ps->ack_tick) + (written(ps->client_time_ms) ? 1 + FIXED64_BYTES : 0);
  for (uint32_t i = 0; i < floats_n; i++) inner += written(floats[i]) ? 1 + FIXED32_BYTES : 0;
  const uint32_t total = varint_len(COOP_PB_TAG_EMSG_PLAYER_STATE) + varint_len(inner) + inner;
  if (total > cap) return COOP_WIRE_NO_ROOM;
  /* Fields in number order, as protobufjs writes them. */
  uint32_t p = put_varint(out, 0, COOP_PB_TAG_EMSG_PLAYER_STATE);
  p = put_varint(out, p, inner);
  p = put_uint(out, p, COOP_PB_TAG_PLAYER_STATE_SEQ, ps->seq);
  for (uint32_t i = 0; i < floats_n; i++) p = put_float(out, p, float_tags[i], floats[i]);
  p = put_uint(out, p, COOP_PB_TAG_PLAYER_STATE_MODE, ps->mode);
  if (written(ps->client_time_ms)) {
    out[p++] = COOP_PB_TAG_PLAYER_STATE_CLIENT_TIME_MS;
    memcpy(out + p, &ps->client_time_ms, FIXED64_BYTES); /* every bit, a NaN's payload too, as setFloat64 */
    p += FIXED64_BYTES;
  }
  p = put_uint(out, p, COOP_PB_TAG_PLAYER_STATE_ACK_TICK, ps->ack_tick);
  return (int32_t)p;
}

int32_t coop_wire_encode_snapshot_ack(uint32_t tick, uint8_t *out, uint32_t cap) {
  if (out == NULL && cap > 0) return COOP_WIRE_BAD_ARGUMENT;
  const uint32_t inner = uint_len(tick);
  const uint32_t total = varint_len(COOP_PB_TAG_EMSG_SNAPSHOT_ACK) + varint_len(inner) + inner;
  if (total > cap) return COOP_WIRE_NO_ROOM;
  uint32_t p = put_varint(out, 0, COOP_PB_TAG_EMSG_SNAPSHOT_ACK);
  p = put_varint(out, p, inner); /* protobufjs writes an empty SnapshotAck as length 0 */
  p = put_uint(out, p, COOP_PB_TAG_SNAPSHOT_ACK_TICK, tick);
  return (int32_t)p;
}

/* ---- ENet ---- */

/* The command at b[at..len): its whole length (fixed part and payload) in *size, or a negative
 * answer. The same checks, in the same order, as receive.ts's handleDatagram. */
static int32_t command_at(const uint8_t *b, uint32_t at, uint32_t len, int sent_time, uint32_t *size) {
  if ((uint64_t)at + COOP_ENET_COMMAND_HEADER_SIZE > len) return COOP_WIRE_TRUNCATED;
  const uint8_t command = b[at];
  const uint32_t number = command & COOP_ENET_COMMAND_MASK;
  if (number >= COOP_ENET_COMMAND_COUNT || command_sizes[number] == 0) return COOP_WIRE_BAD_COMMAND;
  uint64_t end = (uint64_t)at + command_sizes[number];
  if (end > len) return COOP_WIRE_TRUNCATED;
  if (data_length_offsets[number] >= 0) {
    end += be16(b + at + data_length_offsets[number]);
    if (end > len) return COOP_WIRE_TRUNCATED;
  }
  /* The TypeScript ENet stops reading at such a command: what follows it must stay unread. */
  if ((command & COOP_ENET_COMMAND_FLAG_ACKNOWLEDGE) && !sent_time) return COOP_WIRE_ACK_WITHOUT_TIME;
  *size = (uint32_t)(end - at);
  return 0;
}

/* What the command at b[at..at + size) is to the take: a plain SEND_UNRELIABLE on the snapshot
 * channel carrying a Snapshot envelope, or on the voice channel carrying an EMsg{voice}
 * (COOP_WIRE_KIND_*, its payload length in *payload_len), or 0: it stays. */
static uint32_t kind_of(const uint8_t *b, uint32_t at, uint32_t size, uint32_t snapshot_channel, uint32_t voice_channel, uint32_t *payload_len) {
  if (b[at] != COOP_ENET_CMD_SEND_UNRELIABLE) return 0;
  const uint32_t fixed = COOP_ENET_SIZE_SEND_UNRELIABLE;
  *payload_len = size - fixed;
  if (b[at + 1] == snapshot_channel && coop_wire_decode_snapshot(b + at + fixed, *payload_len, NULL)) return COOP_WIRE_KIND_SNAPSHOT;
  if (b[at + 1] == voice_channel && coop_wire_decode_voice(b + at + fixed, *payload_len, NULL)) return COOP_WIRE_KIND_VOICE;
  return 0;
}

/* The one walk behind both takes: spans (coop_wire_take_snapshots) or taken (coop_wire_take), the
 * other NULL. */
static int32_t take(uint8_t *datagram, uint32_t *len, uint32_t snapshot_channel, uint32_t voice_channel, uint8_t *payloads, uint32_t payloads_cap,
                    coop_wire_span *spans, coop_wire_taken *taken_out, uint32_t cap) {
  const uint32_t n = *len;
  if (n < COOP_ENET_HEADER_MINIMUM_SIZE) return COOP_WIRE_TRUNCATED;
  const uint32_t peer_field = be16(datagram);
  if (peer_field & COOP_ENET_HEADER_FLAG_COMPRESSED) return COOP_WIRE_COMPRESSED;
  if ((peer_field & COOP_ENET_HEADER_PEER_ID_MASK) == COOP_ENET_MAXIMUM_PEER_ID) return COOP_WIRE_NO_PEER;
  const int sent_time = (peer_field & COOP_ENET_HEADER_FLAG_SENT_TIME) != 0;
  const uint32_t header = sent_time ? COOP_ENET_HEADER_SIZE : COOP_ENET_HEADER_MINIMUM_SIZE;
  if (n < header) return COOP_WIRE_TRUNCATED;
  /* First the whole walk, nothing written: what is taken, and does it fit. */
  uint32_t taken = 0, bytes = 0, size = 0, payload_len = 0;
  for (uint32_t at = header; at < n; at += size) {
    const int32_t rc = command_at(datagram, at, n, sent_time, &size);
    if (rc < 0) return rc;
    if (kind_of(datagram, at, size, snapshot_channel, voice_channel, &payload_len)) {
      taken++;
      bytes += payload_len; /* no overflow: each payload lies within the datagram */
    }
  }
  if (taken > cap || bytes > payloads_cap) return COOP_WIRE_NO_ROOM;
  /* Then copy out and compact: commands kept move down over those taken (to ≤ where they were). */
  uint32_t w = header, i = 0, off = 0;
  for (uint32_t at = header; at < n; at += size) {
    (void)command_at(datagram, at, n, sent_time, &size);
    const uint32_t kind = kind_of(datagram, at, size, snapshot_channel, voice_channel, &payload_len);
    if (kind) {
      memcpy(payloads + off, datagram + at + COOP_ENET_SIZE_SEND_UNRELIABLE, payload_len);
      if (spans != NULL) {
        spans[i].offset = off;
        spans[i].length = payload_len;
      } else {
        taken_out[i].offset = off;
        taken_out[i].length = payload_len;
        taken_out[i].kind = kind;
      }
      i++;
      off += payload_len;
    } else {
      if (w != at) memmove(datagram + w, datagram + at, size);
      w += size;
    }
  }
  *len = w == header ? 0 : w;
  return (int32_t)taken;
}

int32_t coop_wire_take_snapshots(uint8_t *datagram, uint32_t *len, uint8_t channel, uint8_t *payloads, uint32_t payloads_cap, coop_wire_span *spans,
                                 uint32_t spans_cap) {
  if (datagram == NULL || len == NULL || (payloads == NULL && payloads_cap > 0) || (spans == NULL && spans_cap > 0)) return COOP_WIRE_BAD_ARGUMENT;
  coop_wire_span none[1];
  return take(datagram, len, channel, COOP_WIRE_CHANNEL_NONE, payloads, payloads_cap, spans != NULL ? spans : none, NULL, spans_cap);
}

int32_t coop_wire_take(uint8_t *datagram, uint32_t *len, uint32_t snapshot_channel, uint32_t voice_channel, uint8_t *payloads, uint32_t payloads_cap,
                       coop_wire_taken *taken, uint32_t taken_cap) {
  if (datagram == NULL || len == NULL || (payloads == NULL && payloads_cap > 0) || (taken == NULL && taken_cap > 0)) return COOP_WIRE_BAD_ARGUMENT;
  coop_wire_taken none[1];
  return take(datagram, len, snapshot_channel, voice_channel, payloads, payloads_cap, NULL, taken != NULL ? taken : none, taken_cap);
}

int32_t coop_wire_build_unreliable(const coop_wire_peer *peer, uint16_t unreliable_seq, const uint8_t *payload, uint32_t len, uint8_t *out, uint32_t cap) {
  if (peer == NULL || (payload == NULL && len > 0) || (out == NULL && cap > 0) || peer->outgoing_peer_id > COOP_WIRE_MAX_PEER_ID)
    return COOP_WIRE_BAD_ARGUMENT;
  if (len > COOP_WIRE_MAX_PAYLOAD_BYTES) return COOP_WIRE_TOO_LONG;
  const uint32_t fixed = COOP_ENET_SIZE_SEND_UNRELIABLE;
  const uint32_t total = COOP_ENET_HEADER_MINIMUM_SIZE + fixed + len;
  if (total > cap) return COOP_WIRE_NO_ROOM;
  /* send.ts transmit: the session bits only for a peer with an id. */
  uint32_t peer_field = peer->outgoing_peer_id;
  if (peer->outgoing_peer_id < COOP_ENET_MAXIMUM_PEER_ID) peer_field |= ((uint32_t)peer->outgoing_session_id & 3u) << COOP_ENET_HEADER_SESSION_SHIFT;
  put_be16(out, peer_field);
  /* commands.ts encodeOutgoingCommand, SEND_UNRELIABLE. */
  uint8_t *c = out + COOP_ENET_HEADER_MINIMUM_SIZE;
  c[0] = COOP_ENET_CMD_SEND_UNRELIABLE;
  c[1] = peer->channel;
  put_be16(c + 2, peer->reliable_seq);
  put_be16(c + COOP_ENET_SEND_UNRELIABLE_SEQ, unreliable_seq);
  put_be16(c + COOP_ENET_SEND_UNRELIABLE_DATA_LENGTH, len);
  if (len > 0) memcpy(c + fixed, payload, len);
  return (int32_t)total;
}
