// VoiceDecoder: decodes 20 ms frames; a lost frame is rebuilt from the NEXT packet's in-band
// FEC data (decode_fec = 1) when that packet is at hand, else concealed by Opus PLC.
import { VOICE_CHANNELS, VOICE_FRAME_SAMPLES, VOICE_MAX_PACKET_BYTES, VOICE_SAMPLE_RATE_HZ } from './constants.js';
import { VoiceError, opusErrorName } from './errors.js';
import { OPUS_OK, OPUS_RESET_STATE, loadOpus, type OpusHandle, type OpusLib } from './opus-native.js';

/** How a frame was produced: decoded, rebuilt from FEC, concealed, or a bad packet concealed. */
export type DecodeSource = 'packet' | 'fec' | 'plc' | 'invalid';

export interface DecodedFrame {
  pcm: Int16Array;
  source: DecodeSource;
}

const decoderRegistry = new FinalizationRegistry<{ lib: OpusLib; st: OpusHandle }>((held) => {
  held.lib.decoderDestroy(held.st);
});

let liveDecoders = 0;
export function liveDecoderCount(): number {
  return liveDecoders;
}

export interface DecoderCounters {
  packets: number;
  fec: number;
  plc: number;
  invalid: number;
}

export class VoiceDecoder {
  #lib: OpusLib;
  #st: OpusHandle | null;
  #token = {};
  readonly counters: DecoderCounters = { packets: 0, fec: 0, plc: 0, invalid: 0 };

  constructor() {
    this.#lib = loadOpus();
    const err = [0];
    const st = this.#lib.decoderCreate(VOICE_SAMPLE_RATE_HZ, VOICE_CHANNELS, err);
    if (!st || err[0] !== OPUS_OK) {
      throw new VoiceError('VOICE_OPUS_FAILED', `opus_decoder_create failed: ${opusErrorName(err[0] ?? -3)}`);
    }
    this.#st = st;
    liveDecoders += 1;
    decoderRegistry.register(this, { lib: this.#lib, st }, this.#token);
  }

  /**
   * Decodes one frame. `bytes === null` means the frame was lost: pass `next` (the packet
   * that follows the lost one) to recover it from FEC. A malformed packet never throws: it is
   * counted and concealed. Always returns exactly 960 samples.
   */
  decodeFrame(bytes: Uint8Array | null, next: Uint8Array | null = null): DecodedFrame {
    const st = this.#live();
    const pcm = new Int16Array(VOICE_FRAME_SAMPLES);
    if (bytes !== null) {
      if (bytes.length > 0 && bytes.length <= VOICE_MAX_PACKET_BYTES) {
        const n = this.#lib.decode(st, bytes, bytes.length, pcm, VOICE_FRAME_SAMPLES, 0);
        if (n === VOICE_FRAME_SAMPLES) {
          this.counters.packets += 1;
          return { pcm, source: 'packet' };
        }
      }
      this.counters.invalid += 1;
      this.#conceal(st, pcm);
      return { pcm, source: 'invalid' };
    }
    if (next !== null && next.length > 0 && next.length <= VOICE_MAX_PACKET_BYTES) {
      const n = this.#lib.decode(st, next, next.length, pcm, VOICE_FRAME_SAMPLES, 1);
      if (n === VOICE_FRAME_SAMPLES) {
        this.counters.fec += 1;
        return { pcm, source: 'fec' };
      }
    }
    this.counters.plc += 1;
    this.#conceal(st, pcm);
    return { pcm, source: 'plc' };
  }

  /** Forget the stream's history (a talker started a new stream). */
  reset(): void {
    const rc = this.#lib.decoderCtl(this.#live(), OPUS_RESET_STATE);
    if (rc !== OPUS_OK) throw new VoiceError('VOICE_OPUS_FAILED', `OPUS_RESET_STATE: ${opusErrorName(rc)}`);
  }

  get closed(): boolean {
    return this.#st === null;
  }

  close(): void {
    if (this.#st === null) return;
    decoderRegistry.unregister(this.#token);
    this.#lib.decoderDestroy(this.#st);
    this.#st = null;
    liveDecoders -= 1;
  }

  #conceal(st: OpusHandle, pcm: Int16Array): void {
    const n = this.#lib.decode(st, null, 0, pcm, VOICE_FRAME_SAMPLES, 0);
    if (n !== VOICE_FRAME_SAMPLES) pcm.fill(0);
  }

  #live(): OpusHandle {
    if (this.#st === null) throw new VoiceError('VOICE_CLOSED', 'VoiceDecoder used after close()');
    return this.#st;
  }
}

/** Checks an Opus packet's framing without decoding: true when it holds exactly one 20 ms frame. */
export function isValidVoicePacket(bytes: Uint8Array): boolean {
  if (bytes.length === 0 || bytes.length > VOICE_MAX_PACKET_BYTES) return false;
  const n = loadOpus().packetGetNbSamples(bytes, bytes.length, VOICE_SAMPLE_RATE_HZ);
  return n === VOICE_FRAME_SAMPLES;
}
