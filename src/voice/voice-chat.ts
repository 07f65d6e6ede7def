// A sidecar's voice: one transmitter (push-to-talk / VOX, mic icon) and one receiver (a jitter
// buffer and decoder per talker, mixed into the sink), with the 20 ms playout clock. The clock
// runs only while someone talks (first packet → VOICE_PLAYOUT_IDLE_MS after the last one): a
// silent session plays no silence and wakes the process for nothing. While the owner is woken
// often anyway (the sidecar: a game frame every 16.7 ms, or its paced tick every 25 ms) it calls
// catchUp() on those wakes: the frames ride on them (up to one wake late) instead of 50 wakes a
// second, and
// the clock's timer only looks every VOICE_PLAYOUT_WATCHDOG_MS for an owner that stopped calling.
// The timer is not re-armed on each catchUp(): Node wakes the process at a cleared timer's
// expiry anyway (the first version, re-armed every frame, woke the sidecar ≈ 40 times a second
// for nothing while someone talked).
// The watchdog may run on timers of its own (`watchdogTimers`): the sidecar's ride on the game's
// frames (util/wake-timers.ts), so while frames come it looks on one of them instead of waking
// the process; it is late only when the frames stopped, and then so is the game that plays what
// it writes. A frame played on time (no frames, or a slow game) stays on `timers`: on time.
// Transport- and game-free: the sidecar wires it to the bridge and the server connection.
import type { AudioSink } from './audio-io.js';
import { VOICE_FRAME_MS, VOICE_FRAME_SAMPLES, VOICE_MIN_EXPECTED_LOSS_PCT, VOICE_PLAYOUT_IDLE_MS, VOICE_SAMPLE_RATE_HZ } from './constants.js';
import { VoiceReceiver, type IncomingVoice } from './receiver.js';
import { VoiceTransmitter, type OutgoingVoice } from './transmitter.js';
import { nodeTimers, systemClock, type Clock, type Timers } from '../util/clock.js';

/** After a stall (a blocked event loop) do not play more than this many frames at once. */
export const PLAYOUT_MAX_CATCHUP_FRAMES = 10;
/** While catchUp() comes at least this often (its last two calls, and the last one, within this),
 * the timer waits this long past a frame's time for the next catchUp to play it; otherwise (no
 * game frames, or a game slower than 25 frames a second) the timer plays each frame on time.
 * Two frames: a sidecar paced by a 40 Hz server tick calls every 25 ms (tick-pacer.ts); one
 * frame (20 ms) left it to the timer, 50 wakes a second while someone talked. */
export const VOICE_PLAYOUT_FOLLOW_MS = 2 * VOICE_FRAME_MS;
/** While catchUp() follows, the timer looks this often whether it still does; when it stopped,
 * the frames due play at once (at most this late, once) and the timer plays each on time again. */
export const VOICE_PLAYOUT_WATCHDOG_MS = 5 * VOICE_FRAME_MS;

export type VoiceTraceEvent = { ev: 'sent'; seq: number; atMs: number } | { ev: 'played'; from: number; seq: number; atMs: number };

export interface VoiceChatOptions {
  sendVoice: (p: OutgoingVoice) => void;
  /** Show or hide the HUD mic icon of a peer (the local player's own while transmitting). */
  micIcon: (peerId: number, on: boolean) => void;
  localPeerId: () => number;
  sink: AudioSink;
  voiceActivation?: boolean;
  clock?: Clock;
  /** The playout timer's (tests: their own, to count). */
  timers?: Timers;
  /** The watchdog's, while catchUp() follows (default `timers`); it may fire late, never early. */
  watchdogTimers?: Timers;
  /** Wall-clock ms comparable across processes on one machine (latency traces). */
  wallMs?: () => number;
  trace?: (e: VoiceTraceEvent) => void;
  /** Each talker's decoded frame as it is played (VoiceReceiverOptions.onDecoded). */
  onDecoded?: (peerId: number, pcm: Int16Array) => void;
}

export class VoiceChat {
  readonly tx: VoiceTransmitter;
  readonly rx: VoiceReceiver;
  readonly drops = { bad_mic_frame: 0, bad_voice_message: 0 };
  #o: VoiceChatOptions;
  #clock: Clock;
  #timer: unknown = null;
  readonly #timers: Timers;
  readonly #watchdogTimers: Timers;
  /** The timers #timer is on. */
  #timerOn: Timers;
  #started = false;
  #lastPacketMs = -Infinity;
  #lastCatchUpMs = -Infinity;
  #prevCatchUpMs = -Infinity;
  /** The playout timeline: frame n plays at t0 + n * VOICE_FRAME_MS; `played` frames so far. */
  #t0 = 0;
  #played = 0;
  #wall: () => number;

  constructor(o: VoiceChatOptions) {
    this.#o = o;
    this.#clock = o.clock ?? systemClock;
    this.#timers = o.timers ?? nodeTimers;
    this.#watchdogTimers = o.watchdogTimers ?? this.#timers;
    this.#timerOn = this.#timers;
    this.#wall = o.wallMs ?? (() => performance.timeOrigin + performance.now());
    this.tx = new VoiceTransmitter({
      voiceActivation: o.voiceActivation,
      micIcon: (on) => o.micIcon(o.localPeerId(), on),
      send: (p) => {
        o.sendVoice(p);
        o.trace?.({ ev: 'sent', seq: p.seq, atMs: this.#wall() });
      },
    });
    this.rx = new VoiceReceiver({
      sink: o.sink,
      onTalking: (peerId, on) => o.micIcon(peerId, on),
      onDecoded: o.onDecoded,
      onPlayed: o.trace ? (from, seq) => o.trace!({ ev: 'played', from, seq, atMs: this.#wall() }) : undefined,
    });
  }

  onPushToTalk(down: boolean): void {
    this.tx.setPushToTalk(down);
  }

  onSettings(s: { voiceActivation: boolean; voxThresholdDbfs?: number; voiceVolume?: number }): void {
    this.tx.setVoiceActivation(s.voiceActivation);
    if (s.voxThresholdDbfs !== undefined) this.tx.setVoxThresholdDbfs(s.voxThresholdDbfs);
    if (s.voiceVolume !== undefined) this.rx.setVolume(s.voiceVolume);
  }

  /** A captured frame from the game (bridge MicAudioFrame) or a device; bad frames are counted. */
  onMicFrame(f: { sampleRate: number; channels: number; pcm: Uint8Array }): void {
    if (f.sampleRate !== VOICE_SAMPLE_RATE_HZ || f.channels !== 1 || f.pcm.length !== VOICE_FRAME_SAMPLES * 2) {
      this.drops.bad_mic_frame += 1;
      return;
    }
    const pcm = new Int16Array(VOICE_FRAME_SAMPLES);
    new Uint8Array(pcm.buffer).set(f.pcm);
    this.tx.onMicFrame(pcm);
  }

  /** Mono 48 kHz frames straight from an AudioSource. */
  onPcmFrame(pcm: Int16Array): void {
    this.tx.onMicFrame(pcm);
  }

  /** A Voice message relayed by the server. */
  onVoice(v: { seq?: number; timestamp?: number; opusBytes?: Uint8Array; fromPeerId?: number; attenuationQ8?: number }): void {
    if (!v.fromPeerId || v.seq === undefined || v.timestamp === undefined || !v.opusBytes) {
      this.drops.bad_voice_message += 1;
      return;
    }
    const now = this.#clock.now();
    this.rx.onPacket(v.fromPeerId, { seq: v.seq, timestamp: v.timestamp, opusBytes: v.opusBytes, attenuationQ8: v.attenuationQ8 } satisfies IncomingVoice, now);
    this.#lastPacketMs = now;
    if (this.#started && !this.#timer) this.#runPlayout(now);
  }

  /** Whether the 20 ms playout clock is running (someone talked within VOICE_PLAYOUT_IDLE_MS). */
  get playing(): boolean {
    return this.#timer !== null;
  }

  /** The connection's measured packet loss (percent) becomes the encoder's FEC hint (floored). */
  setMeasuredLoss(pct: number): void {
    if (!Number.isFinite(pct)) return;
    this.tx.setExpectedLoss(Math.max(VOICE_MIN_EXPECTED_LOSS_PCT, pct));
  }

  /** A talker left the session. */
  peerLeft(peerId: number): void {
    this.rx.removePeer(peerId);
  }

  /** Enables playout: the 20 ms clock starts with the next packet received. */
  start(): void {
    this.#started = true;
  }

  /**
   * The owner is awake anyway (the sidecar: a game frame): plays the frames due by now, so the
   * timer need not wake the process for them. Does nothing while no one talks.
   */
  catchUp(): void {
    if (this.#timer === null) return;
    const now = this.#clock.now();
    this.#prevCatchUpMs = this.#lastCatchUpMs;
    this.#lastCatchUpMs = now;
    this.#playDue(now);
    // the timer is left as it is (see the file comment), unless the talk is over
    if (this.#idle(now)) this.#arm(now);
  }

  /** catchUp() came at least every VOICE_PLAYOUT_FOLLOW_MS lately, the last one recently. */
  #following(now: number): boolean {
    const last = this.#lastCatchUpMs;
    return now - last <= VOICE_PLAYOUT_FOLLOW_MS && last - this.#prevCatchUpMs <= VOICE_PLAYOUT_FOLLOW_MS;
  }

  /** One frame every VOICE_FRAME_MS from t0, played by catchUp() or by the timer. */
  #runPlayout(t0: number): void {
    this.#t0 = t0;
    this.#played = 0;
    this.#timerOn = this.#timers;
    this.#timer = this.#timers.setTimeout(this.#step, VOICE_FRAME_MS);
  }

  #step = (): void => {
    const now = this.#clock.now();
    // while catchUp() follows, it plays the frames (the timer only looks)
    if (!this.#following(now)) this.#playDue(now);
    this.#arm(now);
  };

  #playDue(now: number): void {
    const due = Math.floor((now - this.#t0) / VOICE_FRAME_MS);
    if (due - this.#played > PLAYOUT_MAX_CATCHUP_FRAMES) this.#played = due - PLAYOUT_MAX_CATCHUP_FRAMES;
    while (this.#played < due) {
      this.#played += 1;
      this.rx.tick(this.#t0 + this.#played * VOICE_FRAME_MS);
    }
  }

  #idle(now: number): boolean {
    return now - this.#lastPacketMs > VOICE_PLAYOUT_IDLE_MS && !this.rx.anyTalking;
  }

  /** The timer for the next frame (its time, or the watchdog's while catchUp() follows), or none when idle. */
  #arm(now: number): void {
    if (this.#timer !== null) this.#timerOn.clearTimeout(this.#timer);
    if (this.#idle(now)) {
      this.#timer = null;
      return;
    }
    const following = this.#following(now);
    const ms = following ? VOICE_PLAYOUT_WATCHDOG_MS : this.#t0 + (this.#played + 1) * VOICE_FRAME_MS - now;
    this.#timerOn = following ? this.#watchdogTimers : this.#timers;
    this.#timer = this.#timerOn.setTimeout(this.#step, Math.max(0, ms));
  }

  close(): void {
    if (this.#timer !== null) this.#timerOn.clearTimeout(this.#timer);
    this.#timer = null;
    this.#started = false;
    this.tx.close();
    this.rx.close();
    this.#o.sink.close();
  }
}
