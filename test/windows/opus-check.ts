// Voice codec check run inside the Windows sidecar's node.exe under wine (and, for the same
// figures, in Linux node): libopus through koffi (opus.dll beside node.exe on Windows), the
// sidecar's own VoiceEncoder / VoiceDecoder. Reads a 48 kHz mono WAV, encodes it, drops a
// seeded share of packets and decodes them twice: FEC + PLC, and "lost = silence". Prints one
// JSON line; test/windows/voice-wine.system.test.ts judges it.
//   opus-check WAV LOSS_FRACTION
import { writeSync } from 'node:fs';
import { loadOpus } from '../../src/voice/opus-native.js';
import { VoiceDecoder } from '../../src/voice/decoder.js';
import { VoiceEncoder } from '../../src/voice/encoder.js';
import { VOICE_FRAME_SAMPLES } from '../../src/voice/constants.js';
import { align, logSpectralDistance } from '../voice/fixtures/quality.js';
import { readWav } from '../../src/voice/wav.js';
import { framesOf } from '../../src/voice/wav-io.js';

/** Decoded output lags the input by opus's look-ahead: search this far (as test/voice/codec). */
const OPUS_LOOKAHEAD_MAX_SAMPLES = 2_000;
const LOSS_SEED = 7;

function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function decodeWithLoss(packets: Uint8Array[], lost: boolean[], mode: 'fec' | 'silence'): { pcm: Int16Array; fec: number; plc: number } {
  const dec = new VoiceDecoder();
  const out = new Int16Array(packets.length * VOICE_FRAME_SAMPLES);
  packets.forEach((p, i) => {
    let pcm: Int16Array;
    if (!lost[i]) pcm = dec.decodeFrame(p).pcm;
    else if (mode === 'silence') pcm = new Int16Array(VOICE_FRAME_SAMPLES);
    else pcm = dec.decodeFrame(null, lost[i + 1] ? null : (packets[i + 1] ?? null)).pcm;
    out.set(pcm, i * VOICE_FRAME_SAMPLES);
  });
  const { fec, plc } = dec.counters;
  dec.close();
  return { pcm: out, fec, plc };
}

const [wav = '', lossArg = '0.1'] = process.argv.slice(2);
const ref = readWav(wav).samples;
const enc = new VoiceEncoder();
const packets = [...framesOf(ref)].map((f) => enc.encodeFrame(f));
const settings = enc.settings();
enc.close();
const rnd = seeded(LOSS_SEED);
const lost = packets.map(() => rnd() < Number(lossArg));
const lsd = (deg: Int16Array) => logSpectralDistance(ref, deg, align(ref, deg, 0, OPUS_LOOKAHEAD_MAX_SAMPLES).lagSamples);
const fec = decodeWithLoss(packets, lost, 'fec');
const silence = decodeWithLoss(packets, lost, 'silence');
writeSync(
  1,
  `${JSON.stringify({ platform: process.platform, opus: loadOpus().version, settings, packets: packets.length, lost: lost.filter(Boolean).length, fecFrames: fec.fec, plcFrames: fec.plc, lsdFecDb: lsd(fec.pcm), lsdSilenceDb: lsd(silence.pcm) })}\n`,
);
