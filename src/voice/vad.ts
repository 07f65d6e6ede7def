// Voice-activity detector for VOX. No npm VAD fitted: the maintained ones run a Silero model
// through onnxruntime (tens of MB, a model download or native build), the WebRTC ports are
// unmaintained native addons or WASM builds for one app. So, a stated algorithm:
//
//   level   = RMS of the 20 ms frame in dBFS
//   noise   = tracked noise floor: follows the level down at once, rises at most
//             VAD_NOISE_RISE_DB_PER_S (so speech does not drag it up, a louder room does)
//   speech  = level > VAD_ABS_THRESHOLD_DBFS  and  level > noise + VAD_ABOVE_NOISE_DB
//   active  = speech now, or speech within the last VAD_HANGOVER_MS (the hangover keeps word
//             ends and the short pauses between words from being clipped)
//
// Onset is immediate (the first loud frame transmits), so word starts are not clipped either.
import { VAD_ABOVE_NOISE_DB, VAD_ABS_THRESHOLD_DBFS, VAD_HANGOVER_MS, VAD_NOISE_RISE_DB_PER_S, VOICE_FRAME_MS, VOICE_FRAME_SAMPLES } from './constants.js';

/** 16-bit full scale: a sample of ±32768 is 0 dBFS. */
const FULL_SCALE = 32768;
/** Keeps log10 finite on digital silence. */
const LOG_FLOOR = 1e-30;

/** RMS level of the 20 ms frame at `off`, in dBFS (samples past the end count as silence). */
export function frameDbfs(x: Int16Array, off: number): number {
  let e = 0;
  for (let i = 0; i < VOICE_FRAME_SAMPLES; i++) {
    const s = (x[off + i] ?? 0) / FULL_SCALE;
    e += s * s;
  }
  return 10 * Math.log10(e / VOICE_FRAME_SAMPLES + LOG_FLOOR);
}

export interface VadOptions {
  absThresholdDbfs?: number;
  aboveNoiseDb?: number;
  hangoverMs?: number;
}

const NOISE_FLOOR_START_DBFS = -70;
const NOISE_FLOOR_MIN_DBFS = -90;

export class VoiceActivityDetector {
  #abs: number;
  #above: number;
  #hangFrames: number;
  #noise = NOISE_FLOOR_START_DBFS;
  #sinceSpeech = Infinity;

  constructor(opts: VadOptions = {}) {
    this.#abs = opts.absThresholdDbfs ?? VAD_ABS_THRESHOLD_DBFS;
    this.#above = opts.aboveNoiseDb ?? VAD_ABOVE_NOISE_DB;
    this.#hangFrames = Math.ceil((opts.hangoverMs ?? VAD_HANGOVER_MS) / VOICE_FRAME_MS);
  }

  /** Feeds one 20 ms frame; returns true while voice is active (speech or hangover). */
  process(pcm: Int16Array): boolean {
    const level = Math.max(NOISE_FLOOR_MIN_DBFS, frameDbfs(pcm, 0));
    const speech = level > this.#abs && level > this.#noise + this.#above;
    const rise = (VAD_NOISE_RISE_DB_PER_S * VOICE_FRAME_MS) / 1000;
    this.#noise = level < this.#noise ? level : Math.min(level, this.#noise + rise);
    this.#sinceSpeech = speech ? 0 : this.#sinceSpeech + 1;
    return this.#sinceSpeech <= this.#hangFrames;
  }

  get noiseFloorDbfs(): number {
    return this.#noise;
  }

  reset(): void {
    this.#noise = NOISE_FLOOR_START_DBFS;
    this.#sinceSpeech = Infinity;
  }
}
