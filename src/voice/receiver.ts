// The listening side of a sidecar: one jitter buffer and decoder per talker, pulled once per
// 20 ms by the playout clock, mixed (with the server's distance attenuation) into one frame
// for the sink. A talker's decoder is freed when its stream has been idle for
// VOICE_STREAM_FREE_MS, or at once when the talker leaves.
import type { AudioSink } from './audio-io.js';
import { VOICE_FRAME_MS, VOICE_FRAME_SAMPLES, VOICE_VOLUME_DEFAULT, VOICE_VOLUME_MAX } from './constants.js';
import { VoiceDecoder } from './decoder.js';
import { VoiceJitterBuffer, type PlayoutFrame } from './jitter-buffer.js';
import { gainOfAttenuation } from './relay.js';

export const VOICE_STREAM_FREE_MS = 10_000;
/** A talker's icon stays on through pauses shorter than this (no flicker between words). */
export const VOICE_TALKING_HOLD_MS = 400;

export interface IncomingVoice {
  seq: number;
  timestamp: number;
  opusBytes: Uint8Array;
  attenuationQ8?: number;
}

interface Stream {
  jb: VoiceJitterBuffer;
  dec: VoiceDecoder;
  gain: number;
  lastPacketMs: number;
  lastFrameMs: number;
  talking: boolean;
}

export interface VoiceReceiverOptions {
  sink: AudioSink;
  /** A talker's stream started (true) or stopped (false) playing: e.g. their HUD mic icon. */
  onTalking?: (peerId: number, on: boolean) => void;
  /** Each played audio frame (for latency traces). */
  onPlayed?: (peerId: number, seq: number, nowMs: number) => void;
  /** Each talker's decoded frame as it is mixed (remote players' mouths from their voice). */
  onDecoded?: (peerId: number, pcm: Int16Array) => void;
}

export class VoiceReceiver {
  readonly counters = { packets: 0, framesOut: 0, streamsOpened: 0, streamsFreed: 0 };
  #o: VoiceReceiverOptions;
  #streams = new Map<number, Stream>();
  #mix = new Float32Array(VOICE_FRAME_SAMPLES);
  #volume = VOICE_VOLUME_DEFAULT;

  constructor(o: VoiceReceiverOptions) {
    this.#o = o;
  }

  get activeStreams(): number {
    return this.#streams.size;
  }

  /** Whether any talker's stream is playing (or inside its icon hold). */
  get anyTalking(): boolean {
    for (const s of this.#streams.values()) if (s.talking) return true;
    return false;
  }

  /** Drop counters of one talker's jitter buffer and decoder. */
  streamStats(peerId: number): { drops: VoiceJitterBuffer['drops']; played: VoiceJitterBuffer['played']; decoder: VoiceDecoder['counters'] } | null {
    const s = this.#streams.get(peerId);
    return s ? { drops: { ...s.jb.drops }, played: { ...s.jb.played }, decoder: { ...s.dec.counters } } : null;
  }

  onPacket(fromPeerId: number, p: IncomingVoice, nowMs: number): void {
    this.counters.packets += 1;
    let s = this.#streams.get(fromPeerId);
    if (!s) {
      s = { jb: new VoiceJitterBuffer(), dec: new VoiceDecoder(), gain: 1, lastPacketMs: nowMs, lastFrameMs: -Infinity, talking: false };
      this.#streams.set(fromPeerId, s);
      this.counters.streamsOpened += 1;
    }
    if (s.jb.push({ seq: p.seq, timestamp: p.timestamp, payload: p.opusBytes }, nowMs)) {
      s.gain = gainOfAttenuation(p.attenuationQ8 ?? 0);
      s.lastPacketMs = nowMs;
    }
  }

  /** Plays one 20 ms frame (call once per frame period; nowMs = that frame's playout time). */
  tick(nowMs: number): void {
    this.#mix.fill(0);
    for (const [peerId, s] of this.#streams) {
      const f = s.jb.pull(nowMs);
      if (f) s.lastFrameMs = nowMs;
      this.#setTalking(peerId, s, f !== null || nowMs - s.lastFrameMs <= VOICE_TALKING_HOLD_MS);
      if (f) this.#add(peerId, s, f, nowMs);
      else if (nowMs - s.lastPacketMs > VOICE_STREAM_FREE_MS) this.removePeer(peerId);
    }
    const out = new Int16Array(VOICE_FRAME_SAMPLES);
    for (let i = 0; i < out.length; i++) out[i] = Math.max(-32768, Math.min(32767, Math.round(this.#mix[i]! * this.#volume)));
    this.#o.sink.write(out, Math.round(nowMs / VOICE_FRAME_MS));
    this.counters.framesOut += 1;
  }

  /** The settings menu's volume for others' voices (1 = as received), clamped to [0, VOICE_VOLUME_MAX]. */
  setVolume(gain: number): void {
    if (Number.isFinite(gain)) this.#volume = Math.max(0, Math.min(VOICE_VOLUME_MAX, gain));
  }

  get volume(): number {
    return this.#volume;
  }

  removePeer(peerId: number): void {
    const s = this.#streams.get(peerId);
    if (!s) return;
    this.#setTalking(peerId, s, false);
    s.dec.close();
    this.#streams.delete(peerId);
    this.counters.streamsFreed += 1;
  }

  close(): void {
    for (const id of [...this.#streams.keys()]) this.removePeer(id);
  }

  #add(peerId: number, s: Stream, f: PlayoutFrame, nowMs: number): void {
    const decoded = f.kind === 'audio' ? s.dec.decodeFrame(f.payload) : s.dec.decodeFrame(null, f.kind === 'lost' ? f.fec : null);
    if (f.kind === 'audio') this.#o.onPlayed?.(peerId, f.seq, nowMs);
    const pcm = decoded.pcm;
    this.#o.onDecoded?.(peerId, pcm);
    for (let i = 0; i < pcm.length; i++) this.#mix[i]! += pcm[i]! * s.gain;
  }

  #setTalking(peerId: number, s: Stream, on: boolean): void {
    if (s.talking === on) return;
    s.talking = on;
    this.#o.onTalking?.(peerId, on);
  }
}
