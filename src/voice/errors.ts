// One error type for the voice package, with stable string codes.

export type VoiceErrorCode =
  | 'VOICE_LIB_MISSING' // libopus / libportaudio could not be loaded
  | 'VOICE_OPUS_FAILED' // an Opus call returned an error code
  | 'VOICE_BAD_ARGUMENT' // API misuse (wrong frame size, bitrate out of range, ...)
  | 'VOICE_CLOSED' // encoder/decoder/device used after close
  | 'VOICE_DEVICE_UNAVAILABLE' // audio device missing or busy
  | 'VOICE_BAD_WAV'; // a WAV file we cannot read

export class VoiceError extends Error {
  readonly code: VoiceErrorCode;
  constructor(code: VoiceErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'VoiceError';
    this.code = code;
  }
}

/** libopus error codes (opus_defines.h) → names for messages. */
const OPUS_ERROR_NAMES: Record<number, string> = {
  [-1]: 'OPUS_BAD_ARG',
  [-2]: 'OPUS_BUFFER_TOO_SMALL',
  [-3]: 'OPUS_INTERNAL_ERROR',
  [-4]: 'OPUS_INVALID_PACKET',
  [-5]: 'OPUS_UNIMPLEMENTED',
  [-6]: 'OPUS_INVALID_STATE',
  [-7]: 'OPUS_ALLOC_FAIL',
};

export function opusErrorName(code: number): string {
  return OPUS_ERROR_NAMES[code] ?? `opus error ${code}`;
}
