// WAV file microphone and speaker: what the headless game and the tests use in place of a
// sound card. The source paces frames in real time; the sink streams to a temp file and
// publishes it atomically on close.
import { closeSync, fsyncSync, openSync, renameSync, writeSync } from 'node:fs';
import type { AudioSink, AudioSource } from './audio-io.js';
import { VOICE_FRAME_MS, VOICE_FRAME_SAMPLES, VOICE_SAMPLE_RATE_HZ } from './constants.js';
import { VoiceError } from './errors.js';
import { readWav, wavHeader } from './wav.js';
import { systemClock, type Clock } from '../util/clock.js';
import { tempPathFor } from '../util/atomic-file.js';

/** Splits samples into 960-sample frames; the last partial frame is zero-padded. */
export function* framesOf(samples: Int16Array): Generator<Int16Array> {
  for (let off = 0; off < samples.length; off += VOICE_FRAME_SAMPLES) {
    const f = new Int16Array(VOICE_FRAME_SAMPLES);
    f.set(samples.subarray(off, Math.min(samples.length, off + VOICE_FRAME_SAMPLES)));
    yield f;
  }
}

export interface WavSourceOptions {
  /** Play the file again from the start when it ends (default false: then silence). */
  loop?: boolean;
  clock?: Clock;
  /** Called once when the file has been played to the end (not when looping). */
  onEnd?: () => void;
}

export class WavFileSource implements AudioSource {
  readonly name: string;
  readonly samples: Int16Array;
  #opts: WavSourceOptions;
  #timer: NodeJS.Timeout | null = null;
  #pos = 0;

  constructor(path: string, opts: WavSourceOptions = {}) {
    const wav = readWav(path);
    if (wav.sampleRateHz !== VOICE_SAMPLE_RATE_HZ) {
      throw new VoiceError(
        'VOICE_BAD_WAV',
        `${path}: ${wav.sampleRateHz} Hz, the microphone WAV must be ${VOICE_SAMPLE_RATE_HZ} Hz mono (sox in.wav -r 48000 -c 1 -b 16 out.wav)`,
      );
    }
    this.name = `wav:${path}`;
    this.samples = wav.samples;
    this.#opts = opts;
  }

  /** The next frame of the file (silence after the end unless looping). */
  nextFrame(): Int16Array {
    const f = new Int16Array(VOICE_FRAME_SAMPLES);
    if (this.#opts.loop && this.#pos >= this.samples.length) this.#pos = 0;
    if (this.#pos < this.samples.length) {
      f.set(this.samples.subarray(this.#pos, Math.min(this.samples.length, this.#pos + VOICE_FRAME_SAMPLES)));
      this.#pos += VOICE_FRAME_SAMPLES;
      if (this.#pos >= this.samples.length && !this.#opts.loop) this.#opts.onEnd?.();
    }
    return f;
  }

  /** Paces frames in real time: every 20 ms of the clock, one frame (catching up after stalls). */
  start(onFrame: (pcm: Int16Array) => void): void {
    if (this.#timer) return;
    const clock = this.#opts.clock ?? systemClock;
    const t0 = clock.now();
    let sent = 0;
    const tick = () => {
      const due = Math.floor((clock.now() - t0) / VOICE_FRAME_MS) + 1;
      while (sent < due) {
        sent += 1;
        onFrame(this.nextFrame());
      }
    };
    tick();
    this.#timer = setInterval(tick, VOICE_FRAME_MS / 4);
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
  }
}

export class WavFileSink implements AudioSink {
  readonly name: string;
  #path: string;
  #tmp: string;
  #fd: number | null;
  #bytes = 0;

  constructor(path: string) {
    this.name = `wav:${path}`;
    this.#path = path;
    this.#tmp = tempPathFor(path);
    this.#fd = openSync(this.#tmp, 'w');
    writeSync(this.#fd, wavHeader(VOICE_SAMPLE_RATE_HZ, 0));
  }

  get samplesWritten(): number {
    return this.#bytes / 2;
  }

  write(pcm: Int16Array): void {
    if (this.#fd === null) return;
    writeSync(this.#fd, new Uint8Array(pcm.buffer, pcm.byteOffset, pcm.byteLength));
    this.#bytes += pcm.byteLength;
  }

  /** Fixes the header sizes, fsyncs and renames into place. Idempotent. */
  close(): void {
    if (this.#fd === null) return;
    const fd = this.#fd;
    this.#fd = null;
    try {
      writeSync(fd, wavHeader(VOICE_SAMPLE_RATE_HZ, this.#bytes), 0, undefined, 0);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(this.#tmp, this.#path);
  }
}
