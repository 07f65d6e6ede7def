// VoiceEncoder: 48 kHz mono, 20 ms frames, OPUS_APPLICATION_VOIP, in-band FEC with an
// expected-loss hint, DTX. Native state is freed by close(); a FinalizationRegistry frees it
// if an encoder is dropped without close (a backstop, not the plan).
import {
  VOICE_CHANNELS,
  VOICE_DEFAULT_BITRATE_BPS,
  VOICE_DEFAULT_COMPLEXITY,
  VOICE_DEFAULT_EXPECTED_LOSS_PCT,
  VOICE_DTX_MAX_BYTES,
  VOICE_FRAME_SAMPLES,
  VOICE_MAX_BITRATE_BPS,
  VOICE_MAX_EXPECTED_LOSS_PCT,
  VOICE_MAX_PACKET_BYTES,
  VOICE_MIN_BITRATE_BPS,
  VOICE_SAMPLE_RATE_HZ,
} from './constants.js';
import { VoiceError, opusErrorName } from './errors.js';
import {
  OPUS_APPLICATION_VOIP,
  OPUS_GET_BITRATE_REQUEST,
  OPUS_GET_DTX_REQUEST,
  OPUS_GET_INBAND_FEC_REQUEST,
  OPUS_GET_PACKET_LOSS_PERC_REQUEST,
  OPUS_OK,
  OPUS_SET_BITRATE_REQUEST,
  OPUS_SET_COMPLEXITY_REQUEST,
  OPUS_SET_DTX_REQUEST,
  OPUS_SET_INBAND_FEC_REQUEST,
  OPUS_SET_PACKET_LOSS_PERC_REQUEST,
  OPUS_SET_SIGNAL_REQUEST,
  OPUS_SIGNAL_VOICE,
  loadOpus,
  type OpusHandle,
  type OpusLib,
} from './opus-native.js';

export interface VoiceEncoderOptions {
  bitrateBps?: number;
  expectedLossPct?: number;
  complexity?: number;
  fec?: boolean;
  dtx?: boolean;
}

export const VOICE_ENCODER_DEFAULTS: Required<VoiceEncoderOptions> = {
  bitrateBps: VOICE_DEFAULT_BITRATE_BPS,
  expectedLossPct: VOICE_DEFAULT_EXPECTED_LOSS_PCT,
  complexity: VOICE_DEFAULT_COMPLEXITY,
  fec: true,
  dtx: true,
};

/** Settings read back from libopus (for tests and logs). */
export interface EncoderSettings {
  bitrateBps: number;
  fec: boolean;
  dtx: boolean;
  expectedLossPct: number;
}

const encoderRegistry = new FinalizationRegistry<{ lib: OpusLib; st: OpusHandle }>((held) => {
  held.lib.encoderDestroy(held.st);
});

let liveEncoders = 0;
/** Encoders created and not yet closed (for leak tests). */
export function liveEncoderCount(): number {
  return liveEncoders;
}

export class VoiceEncoder {
  #lib: OpusLib;
  #st: OpusHandle | null;
  #out = new Uint8Array(VOICE_MAX_PACKET_BYTES);
  #token = {};

  constructor(options: VoiceEncoderOptions = {}) {
    const o = { ...VOICE_ENCODER_DEFAULTS, ...options };
    this.#lib = loadOpus();
    const err = [0];
    const st = this.#lib.encoderCreate(VOICE_SAMPLE_RATE_HZ, VOICE_CHANNELS, OPUS_APPLICATION_VOIP, err);
    if (!st || err[0] !== OPUS_OK) {
      throw new VoiceError('VOICE_OPUS_FAILED', `opus_encoder_create failed: ${opusErrorName(err[0] ?? -3)}`);
    }
    this.#st = st;
    liveEncoders += 1;
    encoderRegistry.register(this, { lib: this.#lib, st }, this.#token);
    this.#ctl(OPUS_SET_SIGNAL_REQUEST, OPUS_SIGNAL_VOICE);
    this.#ctl(OPUS_SET_COMPLEXITY_REQUEST, o.complexity);
    this.#ctl(OPUS_SET_INBAND_FEC_REQUEST, o.fec ? 1 : 0);
    this.#ctl(OPUS_SET_DTX_REQUEST, o.dtx ? 1 : 0);
    this.setBitrate(o.bitrateBps);
    this.setExpectedLoss(o.expectedLossPct);
  }

  /** Bitrate in bits/s, VOICE_MIN_BITRATE_BPS..VOICE_MAX_BITRATE_BPS. */
  setBitrate(bps: number): void {
    if (!Number.isInteger(bps) || bps < VOICE_MIN_BITRATE_BPS || bps > VOICE_MAX_BITRATE_BPS) {
      throw new VoiceError('VOICE_BAD_ARGUMENT', `bitrate ${bps} outside ${VOICE_MIN_BITRATE_BPS}..${VOICE_MAX_BITRATE_BPS} b/s`);
    }
    this.#ctl(OPUS_SET_BITRATE_REQUEST, bps);
  }

  /**
   * The expected-loss hint (percent), fed from the connection's measured loss. Opus spends
   * bits on the in-band FEC copy of the previous frame in proportion to it.
   */
  setExpectedLoss(pct: number): void {
    if (!Number.isFinite(pct)) throw new VoiceError('VOICE_BAD_ARGUMENT', `expected loss ${pct} is not a number`);
    const clamped = Math.round(Math.min(VOICE_MAX_EXPECTED_LOSS_PCT, Math.max(0, pct)));
    this.#ctl(OPUS_SET_PACKET_LOSS_PERC_REQUEST, clamped);
  }

  settings(): EncoderSettings {
    return {
      bitrateBps: this.#get(OPUS_GET_BITRATE_REQUEST),
      fec: this.#get(OPUS_GET_INBAND_FEC_REQUEST) !== 0,
      dtx: this.#get(OPUS_GET_DTX_REQUEST) !== 0,
      expectedLossPct: this.#get(OPUS_GET_PACKET_LOSS_PERC_REQUEST),
    };
  }

  /**
   * Encodes one 20 ms frame (960 samples). Returns a fresh Uint8Array; a result of
   * VOICE_DTX_MAX_BYTES or fewer is a DTX frame that need not be sent (see isDtxPacket).
   */
  encodeFrame(pcm: Int16Array): Uint8Array {
    const st = this.#live();
    if (pcm.length !== VOICE_FRAME_SAMPLES) {
      throw new VoiceError('VOICE_BAD_ARGUMENT', `a frame is ${VOICE_FRAME_SAMPLES} samples, got ${pcm.length}`);
    }
    const n = this.#lib.encode(st, pcm, VOICE_FRAME_SAMPLES, this.#out, this.#out.length);
    if (n < 0) throw new VoiceError('VOICE_OPUS_FAILED', `opus_encode failed: ${opusErrorName(n)}`);
    return this.#out.slice(0, n);
  }

  get closed(): boolean {
    return this.#st === null;
  }

  /** Frees the native state; idempotent. */
  close(): void {
    if (this.#st === null) return;
    encoderRegistry.unregister(this.#token);
    this.#lib.encoderDestroy(this.#st);
    this.#st = null;
    liveEncoders -= 1;
  }

  #live(): OpusHandle {
    if (this.#st === null) throw new VoiceError('VOICE_CLOSED', 'VoiceEncoder used after close()');
    return this.#st;
  }

  #ctl(request: number, value: number): void {
    const rc = this.#lib.encoderCtlSet(this.#live(), request, value);
    if (rc !== OPUS_OK) throw new VoiceError('VOICE_OPUS_FAILED', `opus_encoder_ctl(${request}, ${value}): ${opusErrorName(rc)}`);
  }

  #get(request: number): number {
    const out = [0];
    const rc = this.#lib.encoderCtlGet(this.#live(), request, out);
    if (rc !== OPUS_OK) throw new VoiceError('VOICE_OPUS_FAILED', `opus_encoder_ctl(${request}): ${opusErrorName(rc)}`);
    return out[0] ?? 0;
  }
}

/** True for a packet the encoder emitted during DTX (nothing worth sending). */
export function isDtxPacket(packet: Uint8Array): boolean {
  return packet.length <= VOICE_DTX_MAX_BYTES;
}
