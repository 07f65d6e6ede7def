// Transmitter → (simulated network) → receiver, in one process on a simulated clock.
import { describe, it, expect } from 'vitest';
import { VoiceTransmitter, type OutgoingVoice } from '../../src/voice/transmitter.js';
import { VoiceReceiver } from '../../src/voice/receiver.js';
import { makeSpeech } from './fixtures/speech.js';
import { framesOf } from '../../src/voice/wav-io.js';
import { align } from './fixtures/quality.js';
import { liveDecoderCount } from '../../src/voice/decoder.js';
import { liveEncoderCount } from '../../src/voice/encoder.js';
import type { AudioSink } from '../../src/voice/audio-io.js';
import { VOICE_FRAME_MS, VOICE_FRAME_SAMPLES } from '../../src/voice/constants.js';
import { seededRandom } from '../../src/util/random.js';

class MemorySink implements AudioSink {
  readonly name = 'memory';
  frames: Int16Array[] = [];
  write(pcm: Int16Array): void {
    this.frames.push(pcm);
  }
  close(): void {}
  all(): Int16Array {
    const out = new Int16Array(this.frames.length * VOICE_FRAME_SAMPLES);
    this.frames.forEach((f, i) => out.set(f, i * VOICE_FRAME_SAMPLES));
    return out;
  }
}

const track = makeSpeech({ sentences: ['I have the data shard, head back to the van.', 'Keep the engine running.'], gapMs: 1_200, leadMs: 600 });
const mic = [...framesOf(track.samples)];

/** Runs the mic through tx → network (loss, jitter) → rx; pttFrames: [from, to) frame ranges. */
function run(opts: { ptt?: Array<[number, number]>; vox?: boolean; loss?: number; jitterMs?: number }) {
  const rnd = seededRandom(11);
  const icons: Array<{ frame: number; on: boolean }> = [];
  const inflight: Array<{ at: number; p: OutgoingVoice }> = [];
  let frame = 0;
  const tx = new VoiceTransmitter({
    random: rnd,
    voiceActivation: opts.vox ?? false,
    micIcon: (on) => icons.push({ frame, on }),
    send: (p) => {
      if (rnd() < (opts.loss ?? 0)) return;
      inflight.push({ at: frame * VOICE_FRAME_MS + 2 + rnd() * (opts.jitterMs ?? 0), p });
    },
  });
  const sink = new MemorySink();
  const talking: Array<{ frame: number; on: boolean }> = [];
  const rx = new VoiceReceiver({ sink, onTalking: (_id, on) => talking.push({ frame, on }) });
  const sentFrames: number[] = [];
  const total = mic.length + 50;
  for (frame = 0; frame < total; frame++) {
    const now = frame * VOICE_FRAME_MS;
    for (const [a, b] of opts.ptt ?? []) {
      if (frame === a) tx.setPushToTalk(true);
      if (frame === b) tx.setPushToTalk(false);
    }
    const before = tx.counters.sent;
    tx.onMicFrame(mic[frame] ?? new Int16Array(VOICE_FRAME_SAMPLES));
    if (tx.counters.sent > before) sentFrames.push(frame);
    inflight.sort((x, y) => x.at - y.at);
    while (inflight.length && inflight[0]!.at <= now) {
      const { at, p } = inflight.shift()!;
      rx.onPacket(7, p, at);
    }
    rx.tick(now);
  }
  tx.close();
  return { tx, rx, sink, icons, talking, sentFrames };
}

describe('voice pipeline (transmitter → network → receiver)', () => {
  it('push-to-talk: the mic icon follows the key exactly, the listener hears the speech', () => {
    const r = run({ ptt: [[0, mic.length]], jitterMs: 30, loss: 0.05 });
    expect(r.icons).toEqual([
      { frame: 0, on: true },
      { frame: mic.length, on: false },
    ]);
    const out = r.sink.all();
    const a = align(track.samples, out, 0, 48_000);
    console.log(`loopback (5 % loss, 30 ms jitter): correlation ${a.correlation.toFixed(3)}, delay ${(a.lagSamples / 48).toFixed(1)} ms`);
    expect(a.correlation).toBeGreaterThan(0.6);
    expect(r.talking[0]!.on).toBe(true);
    expect(liveEncoderCount()).toBe(0);
  });

  it('nothing is sent while push-to-talk is up', () => {
    const r = run({ ptt: [[100, 150]] });
    expect(r.sentFrames.length).toBeGreaterThan(0);
    expect(r.sentFrames.every((f) => f >= 100 && f < 150)).toBe(true);
    expect(r.icons).toEqual([
      { frame: 100, on: true },
      { frame: 150, on: false },
    ]);
  });

  it('VOX: transmits during speech, not during the silences', () => {
    const r = run({ vox: true });
    const frameOf = (s: number) => Math.floor(s / VOICE_FRAME_SAMPLES);
    for (const [s, e] of track.speech) {
      // most of each sentence is sent
      const inside = r.sentFrames.filter((f) => f >= frameOf(s) && f <= frameOf(e)).length;
      expect(inside).toBeGreaterThan(0.5 * (frameOf(e) - frameOf(s)));
    }
    // nothing in the lead-in silence nor well after the last sentence (past the hangover)
    const lastEnd = frameOf(track.speech[track.speech.length - 1]![1]);
    expect(r.sentFrames.filter((f) => f < frameOf(track.speech[0]![0]) - 1 || f > lastEnd + 30)).toEqual([]);
    // and the icon went on and off with it
    expect(r.icons.filter((i) => i.on).length).toBeGreaterThanOrEqual(2);
    expect(r.icons[r.icons.length - 1]!.on).toBe(false);
  });

  it('frees a talker’s decoder when the stream ends', () => {
    const before = liveDecoderCount();
    const sink = new MemorySink();
    const rx = new VoiceReceiver({ sink });
    const tx = new VoiceTransmitter({ micIcon: () => {}, send: (p) => rx.onPacket(3, p, t) });
    let t = 0;
    tx.setPushToTalk(true);
    for (let i = 0; i < 20; i++, t += 20) {
      tx.onMicFrame(mic[i + 40]!);
      rx.tick(t);
    }
    tx.setPushToTalk(false);
    expect(liveDecoderCount()).toBe(before + 1);
    for (let i = 0; i < 600; i++, t += 20) rx.tick(t);
    expect(rx.activeStreams).toBe(0);
    expect(liveDecoderCount()).toBe(before);
  });
});
