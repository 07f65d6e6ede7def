// VoiceJitterBuffer: one per talker on the receiving side. Pure logic on an injected clock:
// push(packet, now) on arrival, pull(now) once per 20 ms of playback.
//
// Timeline: for a talkspurt, base = the smallest (arrival − sender time) seen before playout
// starts; frame ts is played at base + sender time(ts) + target delay. The target delay is
// fixed per talkspurt (changing it mid-word is audible) and chosen when it starts:
//   target = clamp(JITTER_MIN_DELAY_MS + JITTER_DELAY_FACTOR × jitter, MIN, MAX)   [20..160 ms]
// with jitter the RFC 3550 inter-arrival estimate, rounded up to whole frames. Mid-talkspurt it
// moves one frame at a time: up by playing one concealed frame when the jitter grew, down by
// skipping one DTX-silent slot when it shrank (never a speech frame). With one pull per frame,
// every played frame's delay (playout − base − sender time) lies in [target, target + 20 ms),
// so within [20, 180) ms.
//
// Drops (counted): malformed; duplicate; late (its slot was already played, or it arrived more
// than JITTER_LATE_DROP_MS after the fastest transit seen in the talkspurt); out of window
// (seq more than JITTER_WINDOW_PACKETS ahead). DTX: the sender sends the first DTX packet of a
// silence (1–2 bytes) and then nothing until speech resumes, so after a DTX packet, and between
// consecutive seqs with a timestamp gap, missing frames are silence, not loss. A talker who stops leaves the
// buffer empty: after JITTER_MAX_CONCEAL_FRAMES concealed frames it goes idle, and the next
// packet starts a new talkspurt (any seq after JITTER_IDLE_RESET_MS of silence).
import {
  JITTER_DELAY_FACTOR,
  JITTER_IDLE_RESET_MS,
  JITTER_INITIAL_DELAY_MS,
  JITTER_LATE_DROP_MS,
  JITTER_MAX_CONCEAL_FRAMES,
  JITTER_MAX_DELAY_MS,
  JITTER_MIN_DELAY_MS,
  JITTER_WINDOW_PACKETS,
  VOICE_DTX_MAX_BYTES,
  VOICE_FRAME_MS,
  VOICE_FRAME_SAMPLES,
  VOICE_MAX_PACKET_BYTES,
  VOICE_SAMPLE_RATE_HZ,
} from './constants.js';
import { seqAdd, seqDiff, tsAdd, tsDiff } from './seq.js';

export interface VoicePacketIn {
  seq: number;
  timestamp: number;
  payload: Uint8Array;
}

export type PlayoutFrame =
  | { kind: 'audio'; seq: number; timestamp: number; payload: Uint8Array; delayMs: number }
  /** A frame that should have been there: decode with decodeFrame(null, fec). */
  | { kind: 'lost'; timestamp: number; fec: Uint8Array | null }
  /** The talker sent nothing for this slot (DTX silence): decode as PLC/comfort noise or silence. */
  | { kind: 'dtx'; timestamp: number };

export type JitterDropReason = 'malformed' | 'duplicate' | 'late' | 'out_of_window';

export const JitterState = { idle: 'idle', buffering: 'buffering', playing: 'playing' } as const;
export type JitterState = (typeof JitterState)[keyof typeof JitterState];

interface Entry {
  seq: number;
  ts: number;
  payload: Uint8Array;
  arrival: number;
}

const SAMPLES_PER_MS = VOICE_SAMPLE_RATE_HZ / 1000;
const JITTER_GAIN = 1 / 16; // RFC 3550 §6.4.1

export class VoiceJitterBuffer {
  readonly drops: Record<JitterDropReason, number> = { malformed: 0, duplicate: 0, late: 0, out_of_window: 0 };
  readonly played = { audio: 0, lost: 0, dtx: 0, talkspurts: 0, stretched: 0, shrunk: 0 };
  #state: JitterState = JitterState.idle;
  #entries = new Map<number, Entry>();
  #lastSeq: number | null = null;
  #lastArrival = -Infinity;
  #refTs = 0; // sender-time reference of the talkspurt (ts of its first packet)
  #base = Infinity; // min(arrival − rel(ts)) while buffering; fixed once playing
  #minTransit = Infinity; // min(arrival − rel(ts)) over the talkspurt, for the late check
  #target: number = JITTER_MIN_DELAY_MS;
  #cursorTs = 0;
  #concealed = 0;
  #silent = false; // the last frame played was a DTX packet: missing frames are silence
  #jitterMs = 0;
  #prev: { arrival: number; ts: number } | null = null;
  #onState: ((from: JitterState, to: JitterState) => void) | undefined;

  constructor(opts: { onState?: (from: JitterState, to: JitterState) => void } = {}) {
    this.#onState = opts.onState;
  }

  get state(): JitterState {
    return this.#state;
  }
  get jitterMs(): number {
    return this.#jitterMs;
  }
  get targetDelayMs(): number {
    return this.#target;
  }
  get buffered(): number {
    return this.#entries.size;
  }

  push(p: VoicePacketIn, now: number): boolean {
    if (
      !Number.isInteger(p.seq) ||
      p.seq < 0 ||
      p.seq > 0xffff ||
      !Number.isInteger(p.timestamp) ||
      p.timestamp < 0 ||
      p.timestamp > 0xffffffff ||
      p.payload.length === 0 ||
      p.payload.length > VOICE_MAX_PACKET_BYTES
    ) {
      return this.#drop('malformed');
    }
    if (this.#state === JitterState.idle && now - this.#lastArrival > JITTER_IDLE_RESET_MS) {
      this.#lastSeq = null;
      this.#prev = null;
    }
    if (this.#entries.has(p.seq)) return this.#drop('duplicate');
    if (this.#lastSeq !== null) {
      const d = seqDiff(p.seq, this.#lastSeq);
      if (d <= 0) return this.#drop('late');
      if (d > JITTER_WINDOW_PACKETS) return this.#drop('out_of_window');
    } else if (this.#entries.size > 0) {
      const first = this.#oldest()!;
      if (Math.abs(seqDiff(p.seq, first.seq)) > JITTER_WINDOW_PACKETS) return this.#drop('out_of_window');
    }
    if (this.#state === JitterState.idle) {
      this.#refTs = p.timestamp;
      this.#base = Infinity;
      this.#minTransit = Infinity;
      this.#setState(JitterState.buffering);
    }
    const transit = now - this.#rel(p.timestamp);
    if (this.#state === JitterState.playing && tsDiff(p.timestamp, this.#cursorTs) < 0) return this.#drop('late');
    if (transit - this.#minTransit > JITTER_LATE_DROP_MS) return this.#drop('late');
    this.#minTransit = Math.min(this.#minTransit, transit);
    if (this.#state === JitterState.buffering) this.#base = Math.min(this.#base, transit);
    this.#updateJitter(p.timestamp, now);
    this.#entries.set(p.seq, { seq: p.seq, ts: p.timestamp, payload: p.payload, arrival: now });
    this.#lastArrival = now;
    return true;
  }

  /** The frame to play now, or null when there is nothing to play (idle or still buffering). */
  pull(now: number): PlayoutFrame | null {
    if (this.#state === JitterState.buffering) {
      // Frames whose slot is already more than a frame overdue (the base moved earlier when a
      // faster packet came in) are dropped as late, so playout starts on time.
      let first = this.#oldest();
      while (first && now - this.#base - this.#rel(first.ts) >= this.#target + VOICE_FRAME_MS) {
        this.#entries.delete(first.seq);
        this.#drop('late');
        this.#lastSeq = first.seq;
        first = this.#oldest();
      }
      if (!first) {
        this.#setState(JitterState.idle);
        return null;
      }
      if (now < this.#base + this.#rel(first.ts) + this.#target) return null;
      this.#cursorTs = first.ts;
      this.#lastSeq = seqAdd(first.seq, -1);
      this.#concealed = 0;
      this.#silent = false;
      this.played.talkspurts += 1;
      this.#setState(JitterState.playing);
    }
    if (this.#state !== JitterState.playing) return null;
    const desired = this.#desiredDelay();
    if (desired >= this.#target + VOICE_FRAME_MS) {
      // jitter grew: play one concealed frame to buy time
      this.#target += VOICE_FRAME_MS;
      this.played.stretched += 1;
      return { kind: 'lost', timestamp: this.#cursorTs, fec: null };
    }
    let next = this.#entries.get(seqAdd(this.#lastSeq!, 1));
    while (next && tsDiff(next.ts, this.#cursorTs) < 0) {
      // arrived, but its slot is gone
      this.#entries.delete(next.seq);
      this.#drop('late');
      this.#lastSeq = next.seq;
      next = this.#entries.get(seqAdd(next.seq, 1));
    }
    const ts = this.#cursorTs;
    if (next && next.ts === ts) {
      this.#entries.delete(next.seq);
      this.#lastSeq = next.seq;
      this.#advance();
      this.#concealed = 0;
      this.#silent = next.payload.length <= VOICE_DTX_MAX_BYTES;
      this.played.audio += 1;
      return { kind: 'audio', seq: next.seq, timestamp: ts, payload: next.payload, delayMs: now - this.#base - this.#rel(ts) };
    }
    if (next) {
      // the following packet is later in sender time: the talker was silent (DTX)
      this.#advance();
      if (desired <= this.#target - VOICE_FRAME_MS && tsDiff(next.ts, this.#cursorTs) > 0) {
        this.#target -= VOICE_FRAME_MS; // jitter shrank: drop one silent slot
        this.#advance();
        this.played.shrunk += 1;
      }
      this.played.dtx += 1;
      return { kind: 'dtx', timestamp: ts };
    }
    if (this.#entries.size > 0) {
      // a later seq is here, this one is missing: lost
      this.#lastSeq = seqAdd(this.#lastSeq!, 1);
      const after = this.#entries.get(seqAdd(this.#lastSeq, 1));
      const fec = after && after.ts === tsAdd(ts, VOICE_FRAME_SAMPLES) ? after.payload : null;
      this.#advance();
      this.played.lost += 1;
      return { kind: 'lost', timestamp: ts, fec };
    }
    // Empty: the packet is late, the talker went silent (DTX) or stopped. Conceal (or play
    // silence after a DTX packet) for a few frames, then go idle.
    if (this.#concealed >= JITTER_MAX_CONCEAL_FRAMES) {
      this.#setState(JitterState.idle);
      return null;
    }
    this.#concealed += 1;
    this.#advance();
    if (this.#silent) {
      this.played.dtx += 1;
      return { kind: 'dtx', timestamp: ts };
    }
    this.played.lost += 1;
    return { kind: 'lost', timestamp: ts, fec: null };
  }

  /** Forget everything (the talker left). */
  reset(): void {
    this.#entries.clear();
    this.#lastSeq = null;
    this.#prev = null;
    this.#setState(JitterState.idle);
  }

  #advance(): void {
    this.#cursorTs = tsAdd(this.#cursorTs, VOICE_FRAME_SAMPLES);
  }

  /** Sender time of ts in ms, relative to the talkspurt's first packet. */
  #rel(ts: number): number {
    return tsDiff(ts, this.#refTs) / SAMPLES_PER_MS;
  }

  #oldest(): Entry | undefined {
    let best: Entry | undefined;
    for (const e of this.#entries.values()) if (!best || seqDiff(e.seq, best.seq) < 0) best = e;
    return best;
  }

  /** The delay the measured jitter asks for, a multiple of the frame, within [MIN, MAX]. */
  #desiredDelay(): number {
    const raw = JITTER_MIN_DELAY_MS + JITTER_DELAY_FACTOR * this.#jitterMs;
    const frames = Math.ceil(raw / VOICE_FRAME_MS);
    return Math.min(JITTER_MAX_DELAY_MS, Math.max(JITTER_MIN_DELAY_MS, frames * VOICE_FRAME_MS));
  }

  #updateJitter(ts: number, now: number): void {
    if (this.#prev) {
      const d = Math.min(JITTER_LATE_DROP_MS, Math.abs(now - this.#prev.arrival - tsDiff(ts, this.#prev.ts) / SAMPLES_PER_MS));
      this.#jitterMs += (d - this.#jitterMs) * JITTER_GAIN;
    }
    this.#prev = { arrival: now, ts };
  }

  #drop(reason: JitterDropReason): false {
    this.drops[reason] += 1;
    return false;
  }

  #setState(to: JitterState): void {
    const from = this.#state;
    if (from === to) return;
    this.#state = to;
    if (to === JitterState.buffering) this.#target = this.#prev === null ? JITTER_INITIAL_DELAY_MS : this.#desiredDelay();
    this.#onState?.(from, to);
  }
}
