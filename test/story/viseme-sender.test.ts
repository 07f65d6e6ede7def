// CC-2, the speaking side's timer: one VisemeBatch per speaker per VISEME_BATCH_MS window while
// mouth shapes change, and no timer at all while nobody speaks (a session without lines never
// wakes the sidecar for it). Fake timers; a clock that says it is synced.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { VisemeSender } from '../../src/sidecar/story/viseme-sender.js';
import type { ServerClock } from '../../src/sidecar/story/server-clock.js';
import { VISEME_BATCH_MS, VisemeId } from '../../src/protocol/visemes.js';
import { FakeGame, recordingSend } from './fake-game.js';

const synced = { synced: true, offsetMs: 0 } as unknown as ServerClock;

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe('VisemeSender', () => {
  it('runs its window timer only while changes come, and sends each window’s changes in one batch', () => {
    const game = new FakeGame();
    const server = recordingSend();
    const s = new VisemeSender({ game, send: server.send, clock: () => synced });
    s.start();
    vi.advanceTimersByTime(10 * VISEME_BATCH_MS);
    expect(vi.getTimerCount()).toBe(0); // nobody speaks: nothing to wake for
    const shapes = [VisemeId.aa, VisemeId.oh, VisemeId.E, VisemeId.sil];
    for (let i = 0; i < 8; i++) {
      game.emit('VisemeEvent', { npcId: 7, visemeId: shapes[i % shapes.length]!, timeMs: i * 100 });
      vi.advanceTimersByTime(100);
    }
    vi.advanceTimersByTime(VISEME_BATCH_MS);
    const batches = server.sent.map((m) => m.visemeBatch!);
    expect(batches.flatMap((b) => (b.events ?? []).map((e) => e.timeMs))).toEqual([0, 100, 200, 300, 400, 500, 600, 700]);
    expect(batches.length).toBeLessThanOrEqual(Math.ceil(800 / VISEME_BATCH_MS) + 1);
    // one empty window later the timer is gone; the next change starts it again
    vi.advanceTimersByTime(2 * VISEME_BATCH_MS);
    expect(vi.getTimerCount()).toBe(0);
    game.emit('VisemeEvent', { npcId: 7, visemeId: VisemeId.aa, timeMs: 5_000 });
    expect(vi.getTimerCount()).toBe(1);
    vi.advanceTimersByTime(VISEME_BATCH_MS);
    expect(server.sent.at(-1)!.visemeBatch!.events).toEqual([{ npcId: 7, visemeId: VisemeId.aa, timeMs: 5_000 }]);
    s.close();
    expect(vi.getTimerCount()).toBe(0);
  });
});
