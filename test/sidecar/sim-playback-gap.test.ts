// The headless game records what the sidecar plays on the playout timeline: the sidecar sends
// nothing while nobody talks, and the recording fills the gap its VoicePlayback seq jumps over.
import { describe, expect, it } from 'vitest';
import { REACTIONS, PLAYBACK_GAP_FILL_MAX_FRAMES } from '../../src/sim/reactions.js';
import type { SimContext } from '../../src/sim/context.js';

function ctxWithSink(startMs?: number, nowMs = 0): { ctx: SimContext; frames: Int16Array[] } {
  const frames: Int16Array[] = [];
  const state = new Map<string, unknown>([['voiceSink', { write: (pcm: Int16Array) => frames.push(pcm) }]]);
  if (startMs !== undefined) state.set('voiceSinkStartMs', startMs);
  return { ctx: { state, now: () => nowMs } as unknown as SimContext, frames };
}
const frame = (seq: number, v: number) => ({ seq, pcm: new Uint8Array(new Int16Array(960).fill(v).buffer) });

describe('coop-sim VoicePlayback recording', () => {
  it('keeps the silence from the start of the recording to the first played frame', () => {
    const { ctx, frames } = ctxWithSink(1_000, 1_105); // 105 ms: 5 frames, the last of them played
    REACTIONS.VoicePlayback!(frame(40, 7), ctx);
    expect(frames.map((f) => f[0])).toEqual([0, 0, 0, 0, 7]);
  });

  it('keeps the silences the sidecar did not play, bounded', () => {
    const { ctx, frames } = ctxWithSink();
    REACTIONS.VoicePlayback!(frame(100, 7), ctx);
    REACTIONS.VoicePlayback!(frame(101, 7), ctx);
    REACTIONS.VoicePlayback!(frame(105, 9), ctx); // three frames of silence in between
    expect(frames.map((f) => f[0])).toEqual([7, 7, 0, 0, 0, 9]);
    REACTIONS.VoicePlayback!(frame(105 + PLAYBACK_GAP_FILL_MAX_FRAMES * 10, 3), ctx);
    expect(frames).toHaveLength(6 + PLAYBACK_GAP_FILL_MAX_FRAMES + 1);
    REACTIONS.VoicePlayback!({ seq: 1, pcm: new Uint8Array(3) }, ctx); // odd byte count: ignored
    expect(frames).toHaveLength(6 + PLAYBACK_GAP_FILL_MAX_FRAMES + 1);
  });
});
