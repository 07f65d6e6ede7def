// A real audio device through PortAudio: Debian's libportaudio2 loaded with koffi.
// Why not an npm binding: the PortAudio bindings on npm (naudiodon & co.) are native addons
// that build with node-gyp against a bundled PortAudio and are unmaintained for Node 20; koffi
// is already our FFI (opus, the bridge shim) and Debian ships the library.
//
// The streams run in PortAudio's blocking mode, but we never block: a 5 ms timer reads only
// what Pa_GetStreamReadAvailable says is there (and writes only what fits), so no PortAudio
// thread ever calls into JavaScript and the event loop never waits on the device.
import koffi from 'koffi';
import type { AudioSink, AudioSource } from './audio-io.js';
import { VOICE_CHANNELS, VOICE_FRAME_SAMPLES, VOICE_SAMPLE_RATE_HZ } from './constants.js';
import { VoiceError } from './errors.js';

const PA_INT16 = 0x0000_0008;
const PA_NO_FLAG = 0;
const PA_POLL_MS = 5;
const PA_SUGGESTED_LATENCY_S = 0.04;
const PA_MAX_FRAMES_PER_POLL = 4;

export interface AudioDeviceInfo {
  index: number;
  name: string;
  maxInputChannels: number;
  maxOutputChannels: number;
  defaultSampleRateHz: number;
}

type Fn = (...args: unknown[]) => unknown;
interface PaLib {
  version: string;
  init: Fn;
  count: Fn;
  info: Fn;
  errorText: Fn;
  open: Fn;
  start: Fn;
  stop: Fn;
  close: Fn;
  read: Fn;
  write: Fn;
  readAvailable: Fn;
  writeAvailable: Fn;
  infoType: ReturnType<typeof koffi.struct>;
}

/** Said when --mic-device / --speaker-device is given to the Windows sidecar. */
export const WINDOWS_NO_PORTAUDIO =
  'audio devices are not available in the Windows sidecar (it ships no PortAudio): the game captures the microphone and plays voice';

let pa: PaLib | null = null;
let initError: string | null = null;

function lib(): PaLib {
  if (pa) return pa;
  if (initError) throw new VoiceError('VOICE_LIB_MISSING', initError);
  if (process.platform === 'win32') {
    // The Windows sidecar ships no PortAudio: the game captures and plays (docs/windows.md).
    initError = WINDOWS_NO_PORTAUDIO;
    throw new VoiceError('VOICE_LIB_MISSING', initError);
  }
  let l: ReturnType<typeof koffi.load>;
  try {
    l = koffi.load('libportaudio.so.2');
  } catch (err) {
    initError = `libportaudio not found (install Debian's libportaudio2): ${(err as Error).message}`;
    throw new VoiceError('VOICE_LIB_MISSING', initError, { cause: err });
  }
  const infoType = koffi.struct('PaDeviceInfo', {
    structVersion: 'int',
    name: 'const char *',
    hostApi: 'int',
    maxInputChannels: 'int',
    maxOutputChannels: 'int',
    defaultLowInputLatency: 'double',
    defaultLowOutputLatency: 'double',
    defaultHighInputLatency: 'double',
    defaultHighOutputLatency: 'double',
    defaultSampleRate: 'double',
  });
  koffi.struct('PaStreamParameters', {
    device: 'int',
    channelCount: 'int',
    sampleFormat: 'unsigned long',
    suggestedLatency: 'double',
    hostApiSpecificStreamInfo: 'void *',
  });
  koffi.opaque('PaStream');
  const p: PaLib = {
    version: String(l.func('const char *Pa_GetVersionText()')()),
    init: l.func('int Pa_Initialize()'),
    count: l.func('int Pa_GetDeviceCount()'),
    info: l.func('const PaDeviceInfo *Pa_GetDeviceInfo(int device)'),
    errorText: l.func('const char *Pa_GetErrorText(int err)'),
    open: l.func(
      'int Pa_OpenStream(_Out_ PaStream **stream, const PaStreamParameters *in, const PaStreamParameters *out, double rate, unsigned long frames, unsigned long flags, void *cb, void *user)',
    ),
    start: l.func('int Pa_StartStream(PaStream *s)'),
    stop: l.func('int Pa_StopStream(PaStream *s)'),
    close: l.func('int Pa_CloseStream(PaStream *s)'),
    read: l.func('int Pa_ReadStream(PaStream *s, _Out_ int16_t *buf, unsigned long frames)'),
    write: l.func('int Pa_WriteStream(PaStream *s, const int16_t *buf, unsigned long frames)'),
    readAvailable: l.func('long Pa_GetStreamReadAvailable(PaStream *s)'),
    writeAvailable: l.func('long Pa_GetStreamWriteAvailable(PaStream *s)'),
    infoType,
  };
  const rc = p.init() as number;
  if (rc !== 0) {
    initError = `Pa_Initialize failed: ${String(p.errorText(rc))}`;
    throw new VoiceError('VOICE_LIB_MISSING', initError);
  }
  pa = p;
  return p;
}

/** The devices PortAudio found (empty on a machine without a sound card). */
export function listAudioDevices(): AudioDeviceInfo[] {
  const p = lib();
  const n = p.count() as number;
  const out: AudioDeviceInfo[] = [];
  for (let i = 0; i < n; i++) {
    const d = koffi.decode(p.info(i), p.infoType) as { name: string; maxInputChannels: number; maxOutputChannels: number; defaultSampleRate: number };
    out.push({
      index: i,
      name: d.name,
      maxInputChannels: d.maxInputChannels,
      maxOutputChannels: d.maxOutputChannels,
      defaultSampleRateHz: d.defaultSampleRate,
    });
  }
  return out;
}

function describe(devices: AudioDeviceInfo[], want: 'in' | 'out'): string {
  const usable = devices.filter((d) => (want === 'in' ? d.maxInputChannels : d.maxOutputChannels) > 0);
  return usable.length ? usable.map((d) => `"${d.name}"`).join(', ') : 'none (PortAudio found no sound device)';
}

/** Opens a stream on the named device (or the first usable one for ''); throws one clear line. */
function openStream(deviceName: string, want: 'in' | 'out'): { stream: unknown; device: AudioDeviceInfo } {
  const p = lib();
  const devices = listAudioDevices();
  const kind = want === 'in' ? 'capture' : 'playback';
  const usable = (d: AudioDeviceInfo) => (want === 'in' ? d.maxInputChannels : d.maxOutputChannels) > 0;
  const device = devices.find((d) => usable(d) && (deviceName === '' || d.name === deviceName));
  if (!device) {
    throw new VoiceError(
      'VOICE_DEVICE_UNAVAILABLE',
      `${kind} device ${deviceName ? `"${deviceName}" ` : ''}not found; ${kind} devices: ${describe(devices, want)}`,
    );
  }
  const params = {
    device: device.index,
    channelCount: VOICE_CHANNELS,
    sampleFormat: PA_INT16,
    suggestedLatency: PA_SUGGESTED_LATENCY_S,
    hostApiSpecificStreamInfo: null,
  };
  const out: unknown[] = [null];
  const rc = p.open(
    out,
    want === 'in' ? params : null,
    want === 'out' ? params : null,
    VOICE_SAMPLE_RATE_HZ,
    VOICE_FRAME_SAMPLES,
    PA_NO_FLAG,
    null,
    null,
  ) as number;
  const stream = out[0];
  const started = rc === 0 && stream ? (p.start(stream) as number) : rc;
  if (started !== 0 || !stream) {
    if (stream) p.close(stream);
    throw new VoiceError(
      'VOICE_DEVICE_UNAVAILABLE',
      `${kind} device "${device.name}" cannot be opened (${String(p.errorText(started))}); ${kind} devices: ${describe(devices, want)}`,
    );
  }
  return { stream, device };
}

export class PortAudioCapture implements AudioSource {
  readonly name: string;
  #stream: unknown;
  #timer: NodeJS.Timeout | null = null;
  #buf = new Int16Array(VOICE_FRAME_SAMPLES);

  /** Opens the device at once, so a missing or busy device is reported by the constructor. */
  constructor(deviceName: string) {
    const { stream, device } = openStream(deviceName, 'in');
    this.#stream = stream;
    this.name = `portaudio:${device.name}`;
  }

  start(onFrame: (pcm: Int16Array) => void): void {
    if (this.#timer || this.#stream === null) return;
    const p = lib();
    this.#timer = setInterval(() => {
      // At most a few frames a tick: a device that reports endless data (ALSA's null plugin)
      // must not starve the event loop.
      for (let i = 0; i < PA_MAX_FRAMES_PER_POLL && (p.readAvailable(this.#stream) as number) >= VOICE_FRAME_SAMPLES; i++) {
        const rc = p.read(this.#stream, this.#buf, VOICE_FRAME_SAMPLES) as number;
        if (rc !== 0 && rc !== -9981 /* paInputOverflowed: data is still delivered */) break;
        onFrame(this.#buf.slice());
      }
    }, PA_POLL_MS);
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    if (this.#stream !== null) {
      const p = lib();
      p.stop(this.#stream);
      p.close(this.#stream);
      this.#stream = null;
    }
  }
}

export class PortAudioPlayback implements AudioSink {
  readonly name: string;
  /** Frames dropped because the device buffer was full (we never block the event loop). */
  overruns = 0;
  #stream: unknown;

  constructor(deviceName: string) {
    const { stream, device } = openStream(deviceName, 'out');
    this.#stream = stream;
    this.name = `portaudio:${device.name}`;
  }

  write(pcm: Int16Array): void {
    if (this.#stream === null) return;
    const p = lib();
    if ((p.writeAvailable(this.#stream) as number) < pcm.length) {
      this.overruns += 1;
      return;
    }
    p.write(this.#stream, pcm, pcm.length);
  }

  close(): void {
    if (this.#stream === null) return;
    const p = lib();
    p.stop(this.#stream);
    p.close(this.#stream);
    this.#stream = null;
  }
}

export type CaptureResult = { ok: true; source: PortAudioCapture } | { ok: false; message: string };

/** StartCapture(deviceName): opens and starts the device; never throws, one clear line on failure. */
export function startCapture(deviceName: string, onFrame: (pcm: Int16Array) => void): CaptureResult {
  try {
    const source = new PortAudioCapture(deviceName);
    source.start(onFrame);
    return { ok: true, source };
  } catch (err) {
    return { ok: false, message: (err as Error).message };
  }
}
