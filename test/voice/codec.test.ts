import { describe, it, expect, beforeAll } from 'vitest';
import fc from 'fast-check';
import { VoiceEncoder, isDtxPacket } from '../../src/voice/encoder.js';
import { VoiceDecoder, isValidVoicePacket } from '../../src/voice/decoder.js';
import { VoiceError } from '../../src/voice/errors.js';
import { makeSpeech, type SpeechTrack } from './fixtures/speech.js';
import { framesOf } from '../../src/voice/wav-io.js';
import { align, logSpectralDistance } from './fixtures/quality.js';
import { VOICE_FRAME_SAMPLES } from '../../src/voice/constants.js';
import { seededRandom } from '../../src/util/random.js';

// Quality measure: log-spectral distance (quality.ts), dB, lower is better.
const LSD_PASS_DB = 4.0; // measured ≈ 2.9 dB at 24 kb/s on espeak-ng speech
/** FEC + PLC must beat "lost = silence" by at least this factor of LSD. */
const FEC_BETTER_FACTOR = 1.15; // measured ≈ 1.45 at 10 %, ≈ 1.75 at 20 %
const OPUS_LOOKAHEAD_MAX_SAMPLES = 2_000;

function encodeAll(track: SpeechTrack): Uint8Array[] {
  const enc = new VoiceEncoder();
  try {
    return [...framesOf(track.samples)].map((f) => enc.encodeFrame(f));
  } finally {
    enc.close();
  }
}

function decodeWithLoss(packets: Uint8Array[], lost: boolean[], mode: 'fec' | 'silence'): Int16Array {
  const dec = new VoiceDecoder();
  const out = new Int16Array(packets.length * VOICE_FRAME_SAMPLES);
  packets.forEach((p, i) => {
    let pcm: Int16Array;
    if (!lost[i]) pcm = dec.decodeFrame(p).pcm;
    else if (mode === 'silence') pcm = new Int16Array(VOICE_FRAME_SAMPLES);
    else pcm = dec.decodeFrame(null, lost[i + 1] ? null : (packets[i + 1] ?? null)).pcm;
    out.set(pcm, i * VOICE_FRAME_SAMPLES);
  });
  dec.close();
  return out;
}

function score(ref: Int16Array, deg: Int16Array): { lsd: number; lag: number; corr: number } {
  const a = align(ref, deg, 0, OPUS_LOOKAHEAD_MAX_SAMPLES);
  return { lsd: logSpectralDistance(ref, deg, a.lagSamples), lag: a.lagSamples, corr: a.correlation };
}

describe('VoiceEncoder / VoiceDecoder (libopus via koffi)', () => {
  let track: SpeechTrack;
  let packets: Uint8Array[];
  beforeAll(() => {
    track = makeSpeech({
      sentences: [
        'Meet me at the corner of the market, the car is parked behind the noodle stand.',
        'Watch the left flank, there are two guards on the balcony above the gate.',
      ],
      gapMs: 500,
    });
    packets = encodeAll(track);
  });

  it('configures VoIP with FEC, DTX, the default bitrate and an expected-loss hint that can change', () => {
    const enc = new VoiceEncoder();
    expect(enc.settings()).toEqual({ bitrateBps: 24_000, fec: true, dtx: true, expectedLossPct: 10 });
    enc.setExpectedLoss(23.4);
    enc.setBitrate(32_000);
    expect(enc.settings()).toMatchObject({ expectedLossPct: 23, bitrateBps: 32_000 });
    enc.setExpectedLoss(250);
    expect(enc.settings().expectedLossPct).toBe(100);
    enc.close();
  });

  it('rejects API misuse with typed errors', () => {
    const enc = new VoiceEncoder();
    expect(() => enc.encodeFrame(new Int16Array(480))).toThrow(VoiceError);
    expect(() => enc.setBitrate(1_000)).toThrow(/bitrate/);
    enc.close();
    enc.close();
    expect(() => enc.encodeFrame(new Int16Array(VOICE_FRAME_SAMPLES))).toThrow(expect.objectContaining({ code: 'VOICE_CLOSED' }));
    const dec = new VoiceDecoder();
    dec.close();
    expect(() => dec.decodeFrame(null)).toThrow(expect.objectContaining({ code: 'VOICE_CLOSED' }));
  });

  it('at 0 % loss decoded speech aligned with the original passes the LSD measure', () => {
    const { lsd, lag, corr } = score(
      track.samples,
      decodeWithLoss(
        packets,
        packets.map(() => false),
        'fec',
      ),
    );
    console.log(`0 % loss: LSD ${lsd.toFixed(2)} dB, lag ${lag} samples, correlation ${corr.toFixed(3)}`);
    expect(lsd).toBeLessThan(LSD_PASS_DB);
    expect(corr).toBeGreaterThan(0.8);
    // The measure can fail: noise at speech level does not pass.
    const rnd = seededRandom(7);
    const noise = Int16Array.from(track.samples, (s) => (s === 0 ? 0 : Math.round((rnd() - 0.5) * 8000)));
    expect(logSpectralDistance(track.samples, noise, 0)).toBeGreaterThan(LSD_PASS_DB);
  });

  it.each([0.1, 0.2])('at %s random loss FEC + PLC scores better than lost = silence (same seeded pattern)', (loss) => {
    const rnd = seededRandom(42);
    const lost = packets.map(() => rnd() < loss);
    const fec = score(track.samples, decodeWithLoss(packets, lost, 'fec'));
    const silence = score(track.samples, decodeWithLoss(packets, lost, 'silence'));
    console.log(`${loss * 100} % loss: LSD fec+plc ${fec.lsd.toFixed(2)} dB, silence ${silence.lsd.toFixed(2)} dB`);
    expect(fec.lsd * FEC_BETTER_FACTOR).toBeLessThan(silence.lsd);
  });

  it('recovers a lost frame from the next packet’s FEC, else conceals', () => {
    const dec = new VoiceDecoder();
    const mid = Math.floor(packets.length / 4);
    for (let i = 0; i < mid; i++) dec.decodeFrame(packets[i]!);
    expect(dec.decodeFrame(null, packets[mid + 1]!).source).toBe('fec');
    expect(dec.decodeFrame(null).source).toBe('plc');
    expect(dec.counters).toMatchObject({ fec: 1, plc: 1 });
    dec.close();
  });

  it('DTX: digital silence encodes to packets that need not be sent', () => {
    const enc = new VoiceEncoder();
    const sizes = Array.from({ length: 50 }, () => enc.encodeFrame(new Int16Array(VOICE_FRAME_SAMPLES)).length);
    enc.close();
    expect(sizes.slice(10).filter((n) => n <= 2).length).toBeGreaterThan(30);
    expect(isDtxPacket(new Uint8Array(1))).toBe(true);
  });

  it('hostile bytes never throw: any packet decodes to 960 samples, bad ones counted', () => {
    const dec = new VoiceDecoder();
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 0, maxLength: 1600 }), (bytes) => {
        const r = dec.decodeFrame(bytes);
        return r.pcm.length === VOICE_FRAME_SAMPLES && (r.source === 'packet' || r.source === 'invalid');
      }),
      { numRuns: 500, seed: 1 },
    );
    expect(dec.decodeFrame(new Uint8Array(2000)).source).toBe('invalid');
    expect(dec.decodeFrame(new Uint8Array(0)).source).toBe('invalid');
    expect(dec.counters.invalid).toBeGreaterThan(2);
    dec.close();
    expect(isValidVoicePacket(packets[5]!)).toBe(true);
    expect(isValidVoicePacket(new Uint8Array([0xff, 0xff, 0xff]))).toBe(false);
    expect(isValidVoicePacket(new Uint8Array(1300))).toBe(false);
  });
});
