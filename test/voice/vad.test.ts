import { describe, it, expect } from 'vitest';
import { VoiceActivityDetector } from '../../src/voice/vad.js';
import { makeSpeech } from './fixtures/speech.js';
import { framesOf } from '../../src/voice/wav-io.js';
import { frameDbfs } from '../../src/voice/vad.js';
import { VAD_HANGOVER_MS, VOICE_FRAME_MS, VOICE_FRAME_SAMPLES } from '../../src/voice/constants.js';
import { seededRandom } from '../../src/util/random.js';

const HANG_FRAMES = Math.ceil(VAD_HANGOVER_MS / VOICE_FRAME_MS);

describe('VoiceActivityDetector (VOX) on espeak-ng speech with silence gaps', () => {
  const track = makeSpeech({ sentences: ['Cover me while I hack the terminal.', 'Good work, choom.', 'Head back to the van.'], gapMs: 1_500, leadMs: 1_000 });
  // a little background noise (−60 dBFS), as a real microphone has
  const rnd = seededRandom(5);
  const noisy = Int16Array.from(track.samples, (s) => s + Math.round((rnd() - 0.5) * 60));
  const vad = new VoiceActivityDetector();
  const active = [...framesOf(noisy)].map((f) => vad.process(f));
  const frameOf = (sample: number) => Math.floor(sample / VOICE_FRAME_SAMPLES);

  it('is active on every loud speech frame (words are not clipped)', () => {
    let loud = 0,
      missed = 0;
    for (let i = 0; i < active.length; i++) {
      if (frameDbfs(track.samples, i * VOICE_FRAME_SAMPLES) > -35) {
        loud += 1;
        if (!active[i]) missed += 1;
      }
    }
    expect(loud).toBeGreaterThan(50);
    expect(missed).toBe(0);
  });

  it('holds through the hangover after speech and is silent in the gaps', () => {
    for (const [, end] of track.speech) {
      const e = frameOf(end);
      // the sentence's last loud frame is followed by at least the hangover
      let lastLoud = e;
      while (lastLoud > 0 && frameDbfs(track.samples, lastLoud * VOICE_FRAME_SAMPLES) < -45) lastLoud -= 1;
      for (let i = lastLoud; i <= lastLoud + HANG_FRAMES - 1; i++) expect(active[i]).toBe(true);
      // well after (hangover + margin) and before the next sentence: inactive
      const quietFrom = lastLoud + HANG_FRAMES + 2;
      const next = track.speech.find(([s]) => s > end)?.[0] ?? track.samples.length;
      const quietTo = Math.min(frameOf(next) - 2, quietFrom + 40);
      for (let i = quietFrom; i < quietTo; i++) expect(active[i]).toBe(false);
    }
    // the lead-in silence is silent
    expect(active.slice(0, frameOf(track.speech[0]![0]) - 1).every((a) => !a)).toBe(true);
  });

  it('follows a louder room: steady noise at −40 dBFS stops triggering after a while', () => {
    const v = new VoiceActivityDetector();
    const amp = 32768 * 10 ** (-40 / 20) * Math.SQRT2;
    const tone = () => Int16Array.from({ length: VOICE_FRAME_SAMPLES }, (_, i) => Math.round(amp * Math.sin(i / 3)));
    const out = Array.from({ length: 1_500 }, () => v.process(tone())); // 30 s
    expect(out.slice(-50).every((a) => !a)).toBe(true);
  });
});
