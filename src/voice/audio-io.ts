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
  /** frameIndex: the frame's place on the 20 ms playout timeline (it jumps over the silences
   * in which nothing is played, so a sink that keeps time can fill them). */
  write(pcm: Int16Array, frameIndex?: number): void;
  close(): void;
}
