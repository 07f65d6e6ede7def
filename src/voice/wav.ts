// WAV (RIFF, PCM 16-bit) read and write. Reading validates lengths before touching data;
// writing is atomic (temp file, fsync, rename) as every file the program owns.
import { readFileSync } from 'node:fs';
import { writeFileAtomicSync } from '../util/atomic-file.js';
import { VoiceError } from './errors.js';

export interface WavData {
  sampleRateHz: number;
  /** Mono samples (multi-channel files are averaged to mono). */
  samples: Int16Array;
}

const RIFF_HEADER_BYTES = 12;
const CHUNK_HEADER_BYTES = 8;
const FMT_MIN_BYTES = 16;
const WAV_FORMAT_PCM = 1;
const WAV_FORMAT_EXTENSIBLE = 0xfffe;
export const WAV_HEADER_BYTES = 44;

export function parseWav(buf: Uint8Array, name = 'wav'): WavData {
  const bad = (why: string): never => {
    throw new VoiceError('VOICE_BAD_WAV', `${name}: ${why}`);
  };
  if (buf.length < RIFF_HEADER_BYTES) bad('shorter than a RIFF header');
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const tag = (o: number) => String.fromCharCode(buf[o]!, buf[o + 1]!, buf[o + 2]!, buf[o + 3]!);
  if (tag(0) !== 'RIFF' || tag(8) !== 'WAVE') bad('not a RIFF/WAVE file');
  let off = RIFF_HEADER_BYTES;
  let fmt: { format: number; channels: number; rate: number; bits: number } | null = null;
  while (off + CHUNK_HEADER_BYTES <= buf.length) {
    const id = tag(off);
    const size = dv.getUint32(off + 4, true);
    const body = off + CHUNK_HEADER_BYTES;
    if (id === 'fmt ') {
      if (size < FMT_MIN_BYTES || body + size > buf.length) bad('fmt chunk truncated');
      fmt = {
        format: dv.getUint16(body, true),
        channels: dv.getUint16(body + 2, true),
        rate: dv.getUint32(body + 4, true),
        bits: dv.getUint16(body + 14, true),
      };
    } else if (id === 'data') {
      if (!fmt) bad('data chunk before fmt chunk');
      const f = fmt!;
      if ((f.format !== WAV_FORMAT_PCM && f.format !== WAV_FORMAT_EXTENSIBLE) || f.bits !== 16)
        bad(`only 16-bit PCM is read (format ${f.format}, ${f.bits} bits)`);
      if (f.channels < 1 || f.rate < 1) bad('zero channels or sample rate');
      // Streams cut short (size 0 or past the end) are read up to what is there.
      const avail = Math.min(size === 0 ? buf.length - body : size, buf.length - body);
      const frames = Math.floor(avail / (2 * f.channels));
      const samples = new Int16Array(frames);
      for (let i = 0; i < frames; i++) {
        let acc = 0;
        for (let c = 0; c < f.channels; c++) acc += dv.getInt16(body + 2 * (i * f.channels + c), true);
        samples[i] = Math.round(acc / f.channels);
      }
      return { sampleRateHz: f.rate, samples };
    }
    off = body + size + (size & 1);
  }
  return bad('no data chunk');
}

export function readWav(path: string): WavData {
  let buf: Buffer;
  try {
    buf = readFileSync(path);
  } catch (err) {
    throw new VoiceError('VOICE_BAD_WAV', `${path}: ${(err as Error).message}`, { cause: err });
  }
  return parseWav(buf, path);
}

export function wavHeader(sampleRateHz: number, dataBytes: number): Buffer {
  const h = Buffer.alloc(WAV_HEADER_BYTES);
  h.write('RIFF', 0, 'ascii');
  h.writeUInt32LE(36 + dataBytes, 4);
  h.write('WAVE', 8, 'ascii');
  h.write('fmt ', 12, 'ascii');
  h.writeUInt32LE(16, 16);
  h.writeUInt16LE(WAV_FORMAT_PCM, 20);
  h.writeUInt16LE(1, 22);
  h.writeUInt32LE(sampleRateHz, 24);
  h.writeUInt32LE(sampleRateHz * 2, 28);
  h.writeUInt16LE(2, 32);
  h.writeUInt16LE(16, 34);
  h.write('data', 36, 'ascii');
  h.writeUInt32LE(dataBytes, 40);
  return h;
}

/** Writes a mono 16-bit WAV atomically. */
export function writeWav(path: string, sampleRateHz: number, samples: Int16Array): void {
  const pcm = new Uint8Array(samples.buffer, samples.byteOffset, samples.byteLength);
  writeFileAtomicSync(path, Buffer.concat([wavHeader(sampleRateHz, samples.byteLength), pcm]));
}
