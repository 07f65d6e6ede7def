// libopus (Debian's libopus0) through koffi: the prototypes and ctl request numbers we use.
// Why koffi and not an npm Opus package: the packaged Node codecs expose neither in-band FEC
// decoding nor packet-loss concealment (DESIGN.md), which the jitter buffer needs.
import koffi from 'koffi';
import { VoiceError } from './errors.js';

/** ctl request numbers from opus_defines.h (libopus 1.3). */
export const OPUS_SET_BITRATE_REQUEST = 4002;
export const OPUS_GET_BITRATE_REQUEST = 4003;
export const OPUS_SET_COMPLEXITY_REQUEST = 4010;
export const OPUS_SET_INBAND_FEC_REQUEST = 4012;
export const OPUS_GET_INBAND_FEC_REQUEST = 4013;
export const OPUS_SET_PACKET_LOSS_PERC_REQUEST = 4014;
export const OPUS_GET_PACKET_LOSS_PERC_REQUEST = 4015;
export const OPUS_SET_DTX_REQUEST = 4016;
export const OPUS_GET_DTX_REQUEST = 4017;
export const OPUS_SET_SIGNAL_REQUEST = 4024;
export const OPUS_RESET_STATE = 4028;
export const OPUS_APPLICATION_VOIP = 2048;
export const OPUS_SIGNAL_VOICE = 3001;
export const OPUS_OK = 0;

/** Opaque native handle (koffi returns pointers as opaque values). */
export type OpusHandle = unknown;

export interface OpusLib {
  readonly version: string;
  encoderCreate(rateHz: number, channels: number, application: number, err: number[]): OpusHandle | null;
  encoderDestroy(st: OpusHandle): void;
  encoderCtlSet(st: OpusHandle, request: number, value: number): number;
  encoderCtlGet(st: OpusHandle, request: number, out: number[]): number;
  encode(st: OpusHandle, pcm: Int16Array, frameSize: number, out: Uint8Array, maxBytes: number): number;
  decoderCreate(rateHz: number, channels: number, err: number[]): OpusHandle | null;
  decoderDestroy(st: OpusHandle): void;
  decoderCtl(st: OpusHandle, request: number): number;
  decode(st: OpusHandle, data: Uint8Array | null, len: number, pcm: Int16Array, frameSize: number, fec: number): number;
  packetGetNbSamples(data: Uint8Array, len: number, rateHz: number): number;
}

const LIB_NAMES = ['libopus.so.0', 'libopus.so', 'libopus.0.dylib', 'opus.dll'];
let cached: OpusLib | null = null;

/** Loads libopus once per process; throws VoiceError('VOICE_LIB_MISSING') naming what was tried. */
export function loadOpus(): OpusLib {
  if (cached) return cached;
  let lib: ReturnType<typeof koffi.load> | null = null;
  const failures: string[] = [];
  for (const name of LIB_NAMES) {
    try {
      lib = koffi.load(name);
      break;
    } catch (err) {
      failures.push(`${name}: ${(err as Error).message}`);
    }
  }
  if (!lib) {
    throw new VoiceError('VOICE_LIB_MISSING', `libopus not found (install Debian's libopus0): ${failures.join('; ')}`);
  }
  koffi.opaque('OpusEncoder');
  koffi.opaque('OpusDecoder');
  const ctlE = lib.func('int opus_encoder_ctl(OpusEncoder *st, int request, ...)');
  const ctlD = lib.func('int opus_decoder_ctl(OpusDecoder *st, int request, ...)');
  const version = lib.func('const char *opus_get_version_string()');
  const encCreate = lib.func('OpusEncoder *opus_encoder_create(int32_t Fs, int channels, int application, _Out_ int *error)');
  const decCreate = lib.func('OpusDecoder *opus_decoder_create(int32_t Fs, int channels, _Out_ int *error)');
  cached = {
    version: String(version()),
    encoderCreate: (rate, ch, app, err) => encCreate(rate, ch, app, err) as OpusHandle | null,
    encoderDestroy: lib.func('void opus_encoder_destroy(OpusEncoder *st)'),
    encoderCtlSet: (st, req, value) => ctlE(st, req, 'int', value) as number,
    encoderCtlGet: (st, req, out) => ctlE(st, req, '_Out_ int *', out) as number,
    encode: lib.func('int32_t opus_encode(OpusEncoder *st, const int16_t *pcm, int frame_size, _Out_ uint8_t *data, int32_t max_data_bytes)'),
    decoderCreate: (rate, ch, err) => decCreate(rate, ch, err) as OpusHandle | null,
    decoderDestroy: lib.func('void opus_decoder_destroy(OpusDecoder *st)'),
    decoderCtl: (st, req) => ctlD(st, req) as number,
    decode: lib.func('int opus_decode(OpusDecoder *st, const uint8_t *data, int32_t len, _Out_ int16_t *pcm, int frame_size, int decode_fec)'),
    packetGetNbSamples: lib.func('int opus_packet_get_nb_samples(const uint8_t *packet, int32_t len, int32_t Fs)'),
  };
  return cached;
}
