import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseWav, readWav, wavHeader, writeWav } from '../../src/voice/wav.js';
import { WavFileSink, WavFileSource, framesOf } from '../../src/voice/wav-io.js';
import { VoiceError } from '../../src/voice/errors.js';

const dir = mkdtempSync(join(tmpdir(), 'coop-wav-'));

describe('WAV I/O', () => {
  it('round-trips samples and writes atomically (no temp file left)', () => {
    const s = Int16Array.from({ length: 2_000 }, (_, i) => ((i * 37) % 30_000) - 15_000);
    const p = join(dir, 'a.wav');
    writeWav(p, 48_000, s);
    expect(readWav(p)).toEqual({ sampleRateHz: 48_000, samples: s });
    expect(readdirSync(dir).filter((f) => f.includes('.tmp-'))).toEqual([]);
  });

  it('the sink streams frames and publishes the file only on close', () => {
    const p = join(dir, 'sink.wav');
    const sink = new WavFileSink(p);
    for (const f of framesOf(Int16Array.from({ length: 4_800 }, (_, i) => i))) sink.write(f);
    expect(existsSync(p)).toBe(false);
    sink.close();
    sink.close();
    const w = readWav(p);
    expect(w.samples.length).toBe(4_800);
    expect(w.samples[4_799]).toBe(4_799);
  });

  it('the source gives 960-sample frames then silence, and refuses a non-48 kHz file with one line', () => {
    const p = join(dir, 'src.wav');
    writeWav(
      p,
      48_000,
      Int16Array.from({ length: 1_500 }, () => 1000),
    );
    let ended = 0;
    const src = new WavFileSource(p, { onEnd: () => (ended += 1) });
    expect(src.nextFrame().every((v) => v === 1000)).toBe(true);
    const second = src.nextFrame();
    expect(second[539]).toBe(1000);
    expect(second[540]).toBe(0);
    expect(src.nextFrame().every((v) => v === 0)).toBe(true);
    expect(ended).toBe(1);
    const p2 = join(dir, 'low.wav');
    writeWav(p2, 22_050, new Int16Array(100));
    expect(() => new WavFileSource(p2)).toThrow(/22050 Hz, the microphone WAV must be 48000 Hz mono/);
  });

  it('bad files are a VoiceError, never another exception', () => {
    expect(() => parseWav(new Uint8Array(4))).toThrow(VoiceError);
    const h = wavHeader(48_000, 100);
    h.writeUInt16LE(3, 20); // float format
    expect(() => parseWav(h)).toThrow(/only 16-bit PCM/);
    expect(() => readWav(join(dir, 'missing.wav'))).toThrow(VoiceError);
    writeFileSync(join(dir, 'junk.wav'), 'RIFF....WAVEjunk');
    expect(() => readWav(join(dir, 'junk.wav'))).toThrow(VoiceError);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.boolean(), (bytes, header) => {
        const buf = header
          ? new Uint8Array([...wavHeader(48_000, bytes.length), ...bytes]).map((b, i) =>
              i >= 16 && i < 44 && bytes.length > 0 ? b ^ bytes[i % bytes.length]! : b,
            )
          : bytes;
        try {
          parseWav(buf);
        } catch (err) {
          if (!(err instanceof VoiceError)) throw err;
        }
      }),
      { numRuns: 1_000, seed: 3 },
    );
  });
});
