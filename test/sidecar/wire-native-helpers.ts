// koffi binding of native-shims/include/coop_wire.h for the tests only (the production binding
// is the lead's): each call takes and returns plain TypeScript values.
import koffi from 'koffi';
import { defaultLibraryPath, openShimLibrary } from '../../bridge/index.js';
import type { Rng } from '../../src/util/random.js';

/** coop_wire.h answers, by name (checked against the header by wire-native.test.ts). */
export const WIRE = {
  TRUNCATED: -1,
  BAD_COMMAND: -2,
  COMPRESSED: -3,
  NO_PEER: -4,
  ACK_WITHOUT_TIME: -5,
  NO_ROOM: -6,
  BAD_ARGUMENT: -7,
  TOO_LONG: -8,
} as const;

/** coop_wire.h limits (checked the same way). */
export const WIRE_LIMITS = {
  MAX_PEER_ID: 0x0fff,
  MAX_PAYLOAD_BYTES: 0xffff,
  UNRELIABLE_OVERHEAD: 10,
  PLAYER_STATE_MAX_BYTES: 65,
  SNAPSHOT_ACK_MAX_BYTES: 9,
} as const;

export interface WireSnapshot {
  tick: number;
  baseTick: number;
  serverTimeMs: number;
  tickMs: number;
  inputLeadUs: number;
  /** Offset of the data in the decoded bytes, and its length. */
  dataOffset: number;
  dataLength: number;
}

export interface PlayerStateIn {
  x: number;
  y: number;
  z: number;
  yaw: number;
  vx: number;
  vy: number;
  vz: number;
  mode: number;
  clientTimeMs: number;
  seq: number;
  ackTick: number;
}

export interface WirePeer {
  outgoingPeerId: number;
  outgoingSessionId: number;
  channel: number;
  reliableSeq: number;
}

export interface TakeResult {
  /** The answer: taken count or a negative code. */
  rc: number;
  /** The datagram after the call (its first `len` bytes; the whole buffer when untouched). */
  datagram: Uint8Array;
  len: number;
  payloads: Uint8Array[];
}

export interface WireVoice {
  seq: number;
  timestamp: number;
  fromPeerId: number;
  attenuationQ8: number;
  /** Offset of the Opus bytes in the decoded bytes, and their length. */
  opusOffset: number;
  opusLength: number;
}

/** coop_wire.h COOP_WIRE_KIND_* and COOP_WIRE_CHANNEL_NONE (checked against the header). */
export const WIRE_KIND = { SNAPSHOT: 1, VOICE: 2 } as const;
export const WIRE_CHANNEL_NONE = 0x100;

export interface TakeAllResult extends TakeResult {
  kinds: number[];
}

export interface WireNative {
  /** coop_wire_take on a copy of `datagram`; caps default to plenty. */
  takeAll(datagram: Uint8Array, snapshotChannel: number, voiceChannel: number, payloadsCap?: number, takenCap?: number): TakeAllResult;
  /** null when not a voice message this reader takes. */
  decodeVoice(bytes: Uint8Array): WireVoice | null;
  /** take_snapshots on a copy of `datagram`; payloads and spans caps default to plenty. */
  take(datagram: Uint8Array, channel: number, payloadsCap?: number, spansCap?: number): TakeResult;
  /** null when not a snapshot envelope. */
  decode(bytes: Uint8Array): WireSnapshot | null;
  encodePlayerState(ps: PlayerStateIn, cap?: number): Uint8Array | number;
  encodeSnapshotAck(tick: number, cap?: number): Uint8Array | number;
  buildUnreliable(peer: WirePeer, unreliableSeq: number, payload: Uint8Array, cap?: number): Uint8Array | number;
}

let bound: WireNative | null = null;

export function loadWireNative(path = defaultLibraryPath()): WireNative {
  if (bound) return bound;
  const lib = openShimLibrary(path);
  const Snapshot = koffi.struct('coop_wire_snapshot_test', {
    tick: 'int64_t',
    base_tick: 'int64_t',
    server_time_ms: 'double',
    tick_ms: 'uint32_t',
    input_lead_us: 'int64_t',
    data: 'void *',
    data_len: 'uint32_t',
  });
  const PlayerState = koffi.struct('coop_wire_player_state_test', {
    x: 'double',
    y: 'double',
    z: 'double',
    yaw: 'double',
    vx: 'double',
    vy: 'double',
    vz: 'double',
    mode: 'uint32_t',
    client_time_ms: 'double',
    seq: 'uint32_t',
    ack_tick: 'uint32_t',
  });
  const Peer = koffi.struct('coop_wire_peer_test', {
    outgoing_peer_id: 'uint16_t',
    outgoing_session_id: 'uint8_t',
    channel: 'uint8_t',
    reliable_seq: 'uint16_t',
  });
  const take = lib.func(
    'int32_t coop_wire_take_snapshots(_Inout_ uint8_t *datagram, _Inout_ uint32_t *len, uint8_t channel, _Out_ uint8_t *payloads, uint32_t payloads_cap, _Out_ uint32_t *spans, uint32_t spans_cap)',
  );
  const takeAll = lib.func(
    'int32_t coop_wire_take(_Inout_ uint8_t *datagram, _Inout_ uint32_t *len, uint32_t snapshot_channel, uint32_t voice_channel, _Out_ uint8_t *payloads, uint32_t payloads_cap, _Out_ uint32_t *taken, uint32_t taken_cap)',
  );
  const Voice = koffi.struct('coop_wire_voice_test', {
    seq: 'uint32_t',
    timestamp: 'uint32_t',
    from_peer_id: 'uint32_t',
    attenuation_q8: 'uint32_t',
    opus: 'void *',
    opus_len: 'uint32_t',
  });
  const decodeVoice = lib.func('int coop_wire_decode_voice(const void *bytes, uint32_t len, _Out_ coop_wire_voice_test *out)');
  void Voice;
  const decode = lib.func('int coop_wire_decode_snapshot(const void *bytes, uint32_t len, _Out_ coop_wire_snapshot_test *out)');
  const encodePs = lib.func('int32_t coop_wire_encode_player_state(const coop_wire_player_state_test *ps, _Out_ uint8_t *out, uint32_t cap)');
  const encodeAck = lib.func('int32_t coop_wire_encode_snapshot_ack(uint32_t tick, _Out_ uint8_t *out, uint32_t cap)');
  const build = lib.func(
    'int32_t coop_wire_build_unreliable(const coop_wire_peer_test *peer, uint16_t unreliable_seq, const uint8_t *payload, uint32_t len, _Out_ uint8_t *out, uint32_t cap)',
  );
  void Snapshot;
  void PlayerState;
  void Peer;
  const sized = (rc: number, out: Uint8Array): Uint8Array | number => (rc < 0 ? rc : out.slice(0, rc));
  bound = {
    takeAll(datagram, snapshotChannel, voiceChannel, payloadsCap = datagram.length, takenCap = datagram.length) {
      const d = datagram.slice();
      const len = new Uint32Array([d.length]);
      const payloads = new Uint8Array(Math.max(1, payloadsCap));
      const taken = new Uint32Array(Math.max(3, takenCap * 3));
      const rc = takeAll(d, len, snapshotChannel, voiceChannel, payloads, payloadsCap, taken, takenCap) as number;
      const out: Uint8Array[] = [];
      const kinds: number[] = [];
      for (let i = 0; i < rc; i++) {
        out.push(payloads.slice(taken[i * 3], taken[i * 3] + taken[i * 3 + 1]));
        kinds.push(taken[i * 3 + 2]);
      }
      return { rc, datagram: d, len: len[0], payloads: out, kinds };
    },
    decodeVoice(bytes) {
      const mem = koffi.alloc('uint8_t', Math.max(1, bytes.length));
      try {
        if (bytes.length > 0) koffi.encode(mem, 'uint8_t', Array.from(bytes), bytes.length);
        const v: Record<string, unknown> = {};
        if ((decodeVoice(mem, bytes.length, v) as number) !== 1) return null;
        return {
          seq: v.seq as number,
          timestamp: v.timestamp as number,
          fromPeerId: v.from_peer_id as number,
          attenuationQ8: v.attenuation_q8 as number,
          opusOffset: Number(koffi.address(v.opus) - koffi.address(mem)),
          opusLength: v.opus_len as number,
        };
      } finally {
        koffi.free(mem);
      }
    },
    take(datagram, channel, payloadsCap = datagram.length, spansCap = datagram.length) {
      const d = datagram.slice();
      const len = new Uint32Array([d.length]);
      const payloads = new Uint8Array(Math.max(1, payloadsCap));
      const spans = new Uint32Array(Math.max(2, spansCap * 2));
      const rc = take(d, len, channel, payloads, payloadsCap, spans, spansCap) as number;
      const out: Uint8Array[] = [];
      for (let i = 0; i < rc; i++) out.push(payloads.slice(spans[i * 2], spans[i * 2] + spans[i * 2 + 1]));
      return { rc, datagram: d, len: len[0], payloads: out };
    },
    decode(bytes) {
      // In C memory, so the data pointer can be turned into an offset.
      const mem = koffi.alloc('uint8_t', Math.max(1, bytes.length));
      try {
        if (bytes.length > 0) koffi.encode(mem, 'uint8_t', Array.from(bytes), bytes.length);
        const s: Record<string, unknown> = {};
        if ((decode(mem, bytes.length, s) as number) !== 1) return null;
        return {
          tick: Number(s.tick),
          baseTick: Number(s.base_tick),
          serverTimeMs: s.server_time_ms as number,
          tickMs: s.tick_ms as number,
          inputLeadUs: Number(s.input_lead_us),
          dataOffset: Number(koffi.address(s.data) - koffi.address(mem)),
          dataLength: s.data_len as number,
        };
      } finally {
        koffi.free(mem);
      }
    },
    encodePlayerState(ps, cap = WIRE_LIMITS.PLAYER_STATE_MAX_BYTES) {
      const out = new Uint8Array(Math.max(1, cap));
      const c = {
        x: ps.x,
        y: ps.y,
        z: ps.z,
        yaw: ps.yaw,
        vx: ps.vx,
        vy: ps.vy,
        vz: ps.vz,
        mode: ps.mode,
        client_time_ms: ps.clientTimeMs,
        seq: ps.seq,
        ack_tick: ps.ackTick,
      };
      return sized(encodePs(c, out, cap) as number, out);
    },
    encodeSnapshotAck(tick, cap = WIRE_LIMITS.SNAPSHOT_ACK_MAX_BYTES) {
      const out = new Uint8Array(Math.max(1, cap));
      return sized(encodeAck(tick, out, cap) as number, out);
    },
    buildUnreliable(peer, unreliableSeq, payload, cap = payload.length + WIRE_LIMITS.UNRELIABLE_OVERHEAD) {
      const out = new Uint8Array(Math.max(1, cap));
      const p = { outgoing_peer_id: peer.outgoingPeerId, outgoing_session_id: peer.outgoingSessionId, channel: peer.channel, reliable_seq: peer.reliableSeq };
      return sized(build(p, unreliableSeq, payload, payload.length, out, cap) as number, out);
    },
  };
  return bound;
}

/** 1 to 3 random edits of src (a bit flipped, cut, a byte inserted or removed, one of `bytes`
 * written, bytes appended): hostile neighbours of a valid message. */
export function mutate(rng: Rng, src: Uint8Array, bytes: readonly number[]): Uint8Array {
  const b = Array.from(src);
  const edits = 1 + Math.floor(rng() * 3);
  for (let e = 0; e < edits; e++) {
    const at = Math.floor(rng() * Math.max(1, b.length));
    switch (Math.floor(rng() * 6)) {
      case 0:
        if (b.length) b[at] ^= 1 << Math.floor(rng() * 8);
        break;
      case 1:
        b.length = Math.floor(rng() * b.length);
        break;
      case 2:
        b.splice(at, 0, Math.floor(rng() * 256));
        break;
      case 3:
        b.splice(at, 1);
        break;
      case 4:
        if (b.length) b[at] = bytes[Math.floor(rng() * bytes.length)]!;
        break;
      default:
        b.push(...Array.from({ length: 1 + Math.floor(rng() * 4) }, () => Math.floor(rng() * 256)));
    }
  }
  return new Uint8Array(b);
}
