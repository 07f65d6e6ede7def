// The server's voice relay decision, pure (no server import: src/server adapts it). Per packet:
// vet it, check the sender (in session, not muted, within its rate), then pick listeners.
//
// Who hears whom: proximity. A listener hears a talker whose avatar is in its interest set and
// within VOICE_PROXIMITY_MAX_M, with distance attenuation (full volume to VOICE_PROXIMITY_FULL_M,
// then linear in dB down to VOICE_PROXIMITY_FLOOR_DB at the edge, silent beyond): open-world co-op
// players expect to hear the people near them, and the interest set already says who is near.
// `mode: 'party'` relays to every other player at full volume (a server option).
import {
  JITTER_IDLE_RESET_MS,
  JITTER_WINDOW_PACKETS,
  VOICE_MAX_PACKET_BYTES,
  VOICE_PROXIMITY_FULL_M,
  VOICE_PROXIMITY_MAX_M,
  VOICE_RELAY_BURST_PACKETS,
  VOICE_RELAY_MAX_PACKETS_PER_S,
} from './constants.js';
import { isVoiceFrame } from './opus-packet.js';
import { seqDiff } from './seq.js';
import { TokenBucket, type RateLimit } from '../util/rate-limit.js';

export const VOICE_PROXIMITY_FLOOR_DB = -30;
/** attenuationQ8 on the wire: 0 = full volume, 256 = silent. */
export const VOICE_ATTENUATION_SILENT_Q8 = 256;

export type RelayDropReason = 'malformed' | 'oversized' | 'unknown_peer' | 'muted' | 'flood' | 'out_of_window';
export const RELAY_DROP_REASONS: readonly RelayDropReason[] = ['malformed', 'oversized', 'unknown_peer', 'muted', 'flood', 'out_of_window'];

export interface Vec3Like {
  x: number;
  y: number;
  z: number;
}

export interface RelayTalker {
  peerId: number;
  identity: string;
  /** False for a peer that is not (or no longer) in the session. */
  inSession: boolean;
  position: Vec3Like | null;
}

export interface RelayListener {
  peerId: number;
  position: Vec3Like | null;
  /** Whether the talker's avatar is in this listener's interest set. */
  seesTalker: boolean;
}

export interface RelayPacket {
  seq: number;
  timestamp: number;
  opusBytes: Uint8Array;
}

export type RelayDecision = { ok: true; deliveries: Array<{ peerId: number; attenuationQ8: number }> } | { ok: false; reason: RelayDropReason };

export interface VoiceRelayOptions {
  mode?: 'proximity' | 'party';
  isMuted: (identity: string) => boolean;
}

interface TalkerState {
  rate: TokenBucket;
  lastSeq: number | null;
  lastAt: number;
  drops: Record<RelayDropReason, number>;
  relayed: number;
}

const TALKER_RATE: RateLimit = { burst: VOICE_RELAY_BURST_PACKETS, perSecond: VOICE_RELAY_MAX_PACKETS_PER_S };

const emptyDrops = (): Record<RelayDropReason, number> => ({ malformed: 0, oversized: 0, unknown_peer: 0, muted: 0, flood: 0, out_of_window: 0 });

/** Distance attenuation as the wire carries it (see the header). */
export function attenuationQ8(distanceM: number): number {
  if (distanceM <= VOICE_PROXIMITY_FULL_M) return 0;
  if (distanceM > VOICE_PROXIMITY_MAX_M) return VOICE_ATTENUATION_SILENT_Q8;
  const db = (VOICE_PROXIMITY_FLOOR_DB * (distanceM - VOICE_PROXIMITY_FULL_M)) / (VOICE_PROXIMITY_MAX_M - VOICE_PROXIMITY_FULL_M);
  return Math.min(VOICE_ATTENUATION_SILENT_Q8 - 1, Math.round(VOICE_ATTENUATION_SILENT_Q8 * (1 - 10 ** (db / 20))));
}

export function gainOfAttenuation(q8: number): number {
  return Math.max(0, 1 - Math.min(q8, VOICE_ATTENUATION_SILENT_Q8) / VOICE_ATTENUATION_SILENT_Q8);
}

export class VoiceRelay {
  #o: Required<VoiceRelayOptions>;
  #talkers = new Map<number, TalkerState>();
  /** Drops from peers that are not in the session (no per-peer state is kept for them). */
  unknownPeerDrops = 0;

  constructor(o: VoiceRelayOptions) {
    this.#o = { mode: 'proximity', ...o };
  }

  handle(talker: RelayTalker, packet: RelayPacket, listeners: Iterable<RelayListener>, nowMs: number): RelayDecision {
    if (!talker.inSession) {
      this.unknownPeerDrops += 1;
      return { ok: false, reason: 'unknown_peer' };
    }
    const st = this.#state(talker.peerId, nowMs);
    const drop = (reason: RelayDropReason): RelayDecision => {
      st.drops[reason] += 1;
      return { ok: false, reason };
    };
    // token bucket first: a flood costs no parsing
    if (!st.rate.take(nowMs)) return drop('flood');
    const bytes = packet.opusBytes;
    if (bytes.length > VOICE_MAX_PACKET_BYTES) return drop('oversized');
    if (
      !Number.isInteger(packet.seq) ||
      packet.seq < 0 ||
      packet.seq > 0xffff ||
      !Number.isInteger(packet.timestamp) ||
      packet.timestamp < 0 ||
      packet.timestamp > 0xffffffff ||
      !isVoiceFrame(bytes)
    )
      return drop('malformed');
    if (this.#o.isMuted(talker.identity)) return drop('muted');
    if (st.lastSeq !== null && nowMs - st.lastAt <= JITTER_IDLE_RESET_MS) {
      const d = seqDiff(packet.seq, st.lastSeq);
      if (d > JITTER_WINDOW_PACKETS || d < -JITTER_WINDOW_PACKETS) return drop('out_of_window');
      if (d > 0) st.lastSeq = packet.seq;
    } else {
      st.lastSeq = packet.seq;
    }
    st.lastAt = nowMs;
    const deliveries: Array<{ peerId: number; attenuationQ8: number }> = [];
    for (const l of listeners) {
      if (l.peerId === talker.peerId) continue;
      if (this.#o.mode === 'party') {
        deliveries.push({ peerId: l.peerId, attenuationQ8: 0 });
        continue;
      }
      if (!l.seesTalker || !l.position || !talker.position) continue;
      const d = Math.hypot(l.position.x - talker.position.x, l.position.y - talker.position.y, l.position.z - talker.position.z);
      const att = attenuationQ8(d);
      if (att < VOICE_ATTENUATION_SILENT_Q8) deliveries.push({ peerId: l.peerId, attenuationQ8: att });
    }
    st.relayed += 1;
    return { ok: true, deliveries };
  }

  /** Per-talker counters (for the dashboard and tests). */
  stats(peerId: number): { drops: Record<RelayDropReason, number>; relayed: number } | null {
    const st = this.#talkers.get(peerId);
    return st ? { drops: { ...st.drops }, relayed: st.relayed } : null;
  }

  /** The talker left: forget its state. */
  forget(peerId: number): void {
    this.#talkers.delete(peerId);
  }

  #state(peerId: number, nowMs: number): TalkerState {
    let st = this.#talkers.get(peerId);
    if (!st) {
      st = { rate: new TokenBucket(TALKER_RATE, nowMs), lastSeq: null, lastAt: -Infinity, drops: emptyDrops(), relayed: 0 };
      this.#talkers.set(peerId, st);
    }
    return st;
  }
}
