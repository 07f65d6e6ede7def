// CC-2 units: the receiver's queue (order by server time, due after the playout delay, late ones
// dropped, bounded per speaker), the server's relay checks (set, size, times, owner, flood), and
// the voice classifier (silence, hiss, vowels).
import { describe, expect, it } from 'vitest';
import { VisemePlayout, VISEME_QUEUE_MAX } from '../../src/sidecar/story/viseme-playout.js';
import { visemeOfFrame } from '../../src/sidecar/story/voice-visemes.js';
import { VISEME_LATE_MAX_MS, VISEME_PLAYOUT_DELAY_MS, VisemeId } from '../../src/protocol/visemes.js';
import { VISEME_EVENTS_MAX_PER_S, VISEME_OWNER_HOLD_MS } from '../../src/server/story/constants.js';
import { FakeGame } from './fake-game.js';
import { StoryHarness } from './story-harness.js';

describe('VisemePlayout (receiver queue)', () => {
  it("plays each speaker's visemes in time order when due, and drops late ones", () => {
    const game = new FakeGame();
    const q = new VisemePlayout({ game });
    q.push(7, VisemeId.oh, 1_100, 1_000);
    q.push(7, VisemeId.aa, 1_050, 1_000); // arrived out of order
    q.push(7, VisemeId.sil, 100, 1_000); // due at 450: already more than VISEME_LATE_MAX_MS late
    q.pump(1_050 + VISEME_PLAYOUT_DELAY_MS - 1);
    expect(game.of('VisemePlay')).toEqual([]);
    q.pump(1_100 + VISEME_PLAYOUT_DELAY_MS);
    expect(game.of('VisemePlay')).toEqual([
      { npcId: 7, visemeId: VisemeId.aa, serverTimeMs: 1_050 },
      { npcId: 7, visemeId: VisemeId.oh, serverTimeMs: 1_100 },
    ]);
    // one that waited too long in the queue (the sidecar stalled) is dropped at playout
    q.push(7, VisemeId.E, 2_000, 2_000);
    q.pump(2_000 + VISEME_PLAYOUT_DELAY_MS + VISEME_LATE_MAX_MS + 1);
    expect(game.of('VisemePlay')).toHaveLength(2);
    expect(q.counts).toEqual(expect.objectContaining({ played: 2, late: 2 }));
  });

  it("keeps each speaker's queue bounded and refuses nonsense", () => {
    const game = new FakeGame();
    const q = new VisemePlayout({ game });
    for (let i = 0; i < VISEME_QUEUE_MAX + 10; i++) q.push(3, i % 15, 10_000 + i, 10_000);
    q.push(3, 15, 10_000, 10_000);
    q.push(0, 1, 10_000, 10_000);
    q.push(3, 1, Number.NaN, 10_000);
    expect(q.counts).toEqual(expect.objectContaining({ queued: VISEME_QUEUE_MAX + 10, overflow: 10, invalid: 3 }));
    q.pump(20_000 - VISEME_LATE_MAX_MS);
    expect(game.of('VisemePlay')).toHaveLength(0); // all too late by then
    q.pump(Number.NaN); // no clock: nothing happens
  });
});

describe('VisemeRelay (server)', () => {
  const batch = (npcId: number, t: number, ids: number[]) => ({ visemeBatch: { npcId, events: ids.map((visemeId, i) => ({ visemeId, timeMs: t + 70 * i })) } });

  it('relays a batch to everyone else, stamped with the sender', () => {
    const s = new StoryHarness();
    const [v, judy, panam] = [s.add('V'), s.add('Judy'), s.add('Panam')];
    v.send(batch(5001, s.h.t, [1, 10, 3]));
    for (const p of [judy, panam])
      expect(p.of('visemeBatch')).toEqual([
        { npcId: 5001, fromPeerId: v.conn.peerId, events: [1, 10, 3].map((visemeId, i) => ({ npcId: 5001, visemeId, timeMs: s.h.t + 70 * i })) },
      ]);
    expect(v.of('visemeBatch')).toEqual([]);
  });

  it('refuses bad ids, sizes, times, a second voice for the same speaker, and floods, counted', () => {
    const s = new StoryHarness();
    const [v, judy] = [s.add('V'), s.add('Judy')];
    v.send(batch(5001, s.h.t, [15]));
    v.send(batch(0, s.h.t, [1]));
    v.send(batch(5001, s.h.t, []));
    v.send(batch(5001, s.h.t, Array(17).fill(1)));
    v.send(batch(5001, s.h.t + 10_000, [1]));
    v.send({
      visemeBatch: {
        npcId: 5001,
        events: [
          { visemeId: 1, timeMs: s.h.t + 100 },
          { visemeId: 2, timeMs: s.h.t },
        ],
      },
    });
    v.send(batch(5001, s.h.t, [1]));
    judy.send(batch(5001, s.h.t, [2]));
    expect(v.of('storyRefused').map((r) => r.reason)).toEqual(['bad_viseme', 'bad_speaker', 'bad_batch', 'bad_batch', 'bad_time', 'bad_time']);
    expect(judy.of('storyRefused').map((r) => r.reason)).toEqual(['not_line_owner']);
    s.h.t += VISEME_OWNER_HOLD_MS;
    judy.send(batch(5001, s.h.t, [2])); // V went quiet: Judy may voice it now
    expect(v.of('visemeBatch')).toHaveLength(1);
    for (let i = 0; i < VISEME_EVENTS_MAX_PER_S / 10 + 2; i++)
      v.send(
        batch(
          6000,
          s.h.t,
          Array(10)
            .fill(0)
            .map((_, k) => k % 15),
        ),
      );
    expect(s.refusals(v)['viseme/viseme_flood']).toBe(2);
    v.send({ viseme: { npcId: 1, visemeId: 1, timeMs: s.h.t } });
    expect(s.refusals(v)['viseme/use_batch']).toBe(1);
  });
});

describe("visemeOfFrame (remote players' mouths from voice)", () => {
  const tone = (hz: number, amp: number) => Int16Array.from({ length: 960 }, (_, i) => Math.round(amp * Math.sin((2 * Math.PI * hz * i) / 48_000)));
  it('silence, hiss, bright and open vowels', () => {
    expect(visemeOfFrame(new Int16Array(960))).toBe(VisemeId.sil);
    expect(visemeOfFrame(tone(150, 100))).toBe(VisemeId.sil);
    expect(visemeOfFrame(tone(9_000, 3_000))).toBe(VisemeId.SS);
    expect(visemeOfFrame(tone(3_000, 3_000))).toBe(VisemeId.E);
    expect(visemeOfFrame(tone(200, 8_000))).toBe(VisemeId.aa);
    expect(visemeOfFrame(tone(200, 1_500))).toBe(VisemeId.oh);
  });
});
