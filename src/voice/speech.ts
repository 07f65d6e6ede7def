// Real speech for tests and the bench: espeak-ng (Debian) says sentences, sox resamples them
// to 48 kHz mono 16-bit, and we join them with silence gaps. Made at run time, never shipped.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { VOICE_SAMPLE_RATE_HZ } from './constants.js';
import { VoiceError } from './errors.js';
import { readWav, writeWav } from './wav.js';

export const SPEECH_SENTENCES = [
  'Meet me at the corner of the market, the car is parked behind the noodle stand.',
  'Watch the left flank, there are two guards on the balcony above the gate.',
  'I have the data shard, head back to the van and keep the engine running.',
  'Night City never sleeps, but tonight the streets are strangely quiet.',
  'Cover me while I hack the terminal, it will take about thirty seconds.',
  'Good work, choom. Let us split the money and lie low for a while.',
];

function run(cmd: string, args: string[]): void {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  if (r.error || r.status !== 0) {
    throw new VoiceError('VOICE_BAD_ARGUMENT', `${cmd} failed: ${r.error?.message ?? r.stderr.trim()}`);
  }
}

/** One sentence, 48 kHz mono. */
export function speak(text: string, voice = 'en-us'): Int16Array {
  const dir = mkdtempSync(join(tmpdir(), 'coop-speech-'));
  try {
    const raw = join(dir, 'raw.wav'), out = join(dir, 'out.wav');
    run('espeak-ng', ['-v', voice, '-s', '160', '-w', raw, text]);
    run('sox', [raw, '-r', String(VOICE_SAMPLE_RATE_HZ), '-c', '1', '-b', '16', out]);
    return readWav(out).samples;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export interface SpeechTrack {
  samples: Int16Array;
  /** [start, end) sample ranges holding speech (the rest is digital silence). */
  speech: Array<[number, number]>;
}

/** Sentences joined with `gapMs` of silence, repeated until at least `minSeconds` long. */
export function makeSpeech(opts: { sentences?: string[]; gapMs?: number; leadMs?: number; minSeconds?: number } = {}): SpeechTrack {
  const sentences = opts.sentences ?? SPEECH_SENTENCES;
  const gap = Math.round(((opts.gapMs ?? 600) * VOICE_SAMPLE_RATE_HZ) / 1000);
  const lead = Math.round(((opts.leadMs ?? 0) * VOICE_SAMPLE_RATE_HZ) / 1000);
  const minSamples = (opts.minSeconds ?? 0) * VOICE_SAMPLE_RATE_HZ;
  const clips = sentences.map((s) => speak(s));
  const parts: Int16Array[] = [];
  const speech: Array<[number, number]> = [];
  let len = lead;
  parts.push(new Int16Array(lead));
  do {
    for (const c of clips) {
      speech.push([len, len + c.length]);
      parts.push(c, new Int16Array(gap));
      len += c.length + gap;
    }
  } while (len < minSamples);
  const samples = new Int16Array(len);
  let off = 0;
  for (const p of parts) { samples.set(p, off); off += p.length; }
  return { samples, speech };
}

export function writeSpeechWav(path: string, track: SpeechTrack): void {
  writeWav(path, VOICE_SAMPLE_RATE_HZ, track.samples);
}
