// The talking side of a sidecar: push-to-talk or voice activation decides when to transmit;
// while transmitting, every 20 ms mic frame is Opus-encoded and handed to `send`, and the game
// is told to show the HUD mic icon (hidden again when transmission stops).
//
// seq (u16) counts packets sent; timestamp (u32, 48 kHz samples) counts every captured frame,
// sent or not, so a receiver sees real time between talkspurts. DTX: the first DTX packet of a
// silence is sent (it tells receivers "silence, not loss"), the rest are not.
import { VOICE_FRAME_SAMPLES } from './constants.js';
import { VoiceEncoder, isDtxPacket, type VoiceEncoderOptions } from './encoder.js';
import { VoiceActivityDetector, type VadOptions } from './vad.js';
import { seqAdd, tsAdd } from './seq.js';

export interface OutgoingVoice {
  seq: number;
  timestamp: number;
  opusBytes: Uint8Array;
}

export const TxState = { idle: 'idle', transmitting: 'transmitting' } as const;
export type TxState = (typeof TxState)[keyof typeof TxState];

export interface VoiceTransmitterOptions {
  send: (packet: OutgoingVoice) => void;
  /** Show (true) or hide (false) the local player's HUD mic icon. */
  micIcon: (on: boolean) => void;
  encoder?: VoiceEncoderOptions;
  vad?: VadOptions;
  /** Start with voice activation on (the game's settings message changes it). */
  voiceActivation?: boolean;
  onState?: (from: TxState, to: TxState) => void;
  /** Randomness for the initial seq and timestamp (RFC 3550 starts both at random). */
  random?: () => number;
}

export class VoiceTransmitter {
  readonly counters = { captured: 0, encoded: 0, sent: 0, dtxSkipped: 0 };
  #o: VoiceTransmitterOptions;
  #state: TxState = TxState.idle;
  #ptt = false;
  #vox: boolean;
  #voxActive = false;
  #vad: VoiceActivityDetector;
  #enc: VoiceEncoder | null = null;
  #seq: number;
  #ts: number;
  #lastWasDtx = false;
  #expectedLossPct: number | null = null;

  constructor(o: VoiceTransmitterOptions) {
    this.#o = o;
    this.#vox = o.voiceActivation ?? false;
    this.#vad = new VoiceActivityDetector(o.vad);
    const rnd = o.random ?? Math.random;
    this.#seq = Math.floor(rnd() * 0x1_0000) & 0xffff;
    this.#ts = Math.floor(rnd() * 0x1_0000_0000) >>> 0;
  }

  get state(): TxState {
    return this.#state;
  }
  get voiceActivation(): boolean {
    return this.#vox;
  }

  setPushToTalk(down: boolean): void {
    this.#ptt = down;
    this.#update();
  }

  /** The settings message: takes effect at once. */
  setVoiceActivation(on: boolean): void {
    this.#vox = on;
    if (!on) this.#voxActive = false;
    this.#update();
  }

  /** Fed from the connection's measured packet loss. */
  setExpectedLoss(pct: number): void {
    this.#expectedLossPct = pct;
    this.#enc?.setExpectedLoss(pct);
  }

  /** One captured 20 ms frame (call for every frame the microphone gives, transmitting or not). */
  onMicFrame(pcm: Int16Array): void {
    if (pcm.length !== VOICE_FRAME_SAMPLES) return;
    this.counters.captured += 1;
    const ts = this.#ts;
    this.#ts = tsAdd(this.#ts, VOICE_FRAME_SAMPLES);
    const voice = this.#vad.process(pcm); // always run, so the noise floor keeps tracking
    if (this.#vox) {
      this.#voxActive = voice;
      this.#update();
    }
    if (this.#state !== TxState.transmitting || !this.#enc) return;
    const bytes = this.#enc.encodeFrame(pcm);
    this.counters.encoded += 1;
    const dtx = isDtxPacket(bytes);
    if (dtx && this.#lastWasDtx) {
      this.counters.dtxSkipped += 1;
      return;
    }
    this.#lastWasDtx = dtx;
    this.#o.send({ seq: this.#seq, timestamp: ts, opusBytes: bytes });
    this.#seq = seqAdd(this.#seq, 1);
    this.counters.sent += 1;
  }

  close(): void {
    this.#ptt = false;
    this.#voxActive = false;
    this.#update();
  }

  #update(): void {
    const want = this.#ptt || (this.#vox && this.#voxActive) ? TxState.transmitting : TxState.idle;
    if (want === this.#state) return;
    const from = this.#state;
    this.#state = want;
    if (want === TxState.transmitting) {
      // One encoder per voice stream: created when it starts, freed when it ends.
      this.#enc = new VoiceEncoder(this.#o.encoder);
      if (this.#expectedLossPct !== null) this.#enc.setExpectedLoss(this.#expectedLossPct);
      this.#lastWasDtx = false;
    } else {
      this.#enc?.close();
      this.#enc = null;
    }
    this.#o.micIcon(want === TxState.transmitting);
    this.#o.onState?.(from, want);
  }
}
