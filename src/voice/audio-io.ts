// The two seams of audio I/O: where microphone frames come from, where played frames go.
// Implementations: PortAudio devices (portaudio.ts) and WAV files (wav-io.ts).

/** Delivers 20 ms mono 48 kHz frames (960 samples) to one handler. */
export interface AudioSource {
  readonly name: string;
  /** Starts delivering frames; a second start() is a no-op. */
  start(onFrame: (pcm: Int16Array) => void): void;
  stop(): void;
}

/** Accepts played frames (960 samples each, in order). */
export interface AudioSink {
  readonly name: string;
  write(pcm: Int16Array): void;
  close(): void;
}
