// The headless game records what the sidecar plays on the playout timeline: the sidecar sends
// nothing while nobody talks, and the recording fills the gap its VoicePlayback seq jumps over.
import { describe, expect, it } from 'vitest';
import { REACTIONS, PLAYBACK_GAP_FILL_MAX_FRAMES } from '../../src/sim/reactions.js';
import type { SimContext } from '../../src/sim/context.js';

function ctxWithSink(): { ctx: SimContext; frames: Int16Array[] } {
  const frames: Int16Array[] = [];
  const state = new Map<string, unknown>([['voiceSink', { write: (pcm: Int16Array) => frames.push(pcm) }]]);
  return { ctx: { state } as unknown as SimContext, frames };
}
const frame = (seq: number, v: number) => ({ seq, pcm: new Uint8Array(new Int16Array(960).fill(v).buffer) });

describe('coop-sim VoicePlayback recording', () => {
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
