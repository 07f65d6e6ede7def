// CC-3 on the server: one chooser (the player whose game opened the wheel); everyone sees the
// wheel; the chooser's first valid pick goes to all; out-of-range, stale, repeated and
// non-chooser picks are refused with their reason and counted; suggestions reach only the
// chooser; a chooser who leaves hands the wheel to the lowest remaining peer id.
import { describe, expect, it } from 'vitest';
import { StoryHarness, type StoryPeer } from './story-harness.js';

const wheel = (hubId: number, choices = ['Deal.', 'No deal.', '[Attack]']) => ({ dialogWheel: { dialogId: 42, hubId, choices } });
const pick = (hubId: number, choiceIdx: number, pickSeq = 0) => ({ dialogChoice: { dialogId: 42, hubId, choiceIdx, pickSeq } });

function three(): { s: StoryHarness; v: StoryPeer; judy: StoryPeer; panam: StoryPeer } {
  const s = new StoryHarness();
  return { s, v: s.add('V'), judy: s.add('Judy'), panam: s.add('Panam') };
}

describe('DialogueDirector (server side of CC-3)', () => {
  it('the opener chooses; everyone sees the wheel and advances to the first valid pick', () => {
    const { v, judy, panam } = three();
    v.send(wheel(1));
    for (const p of [v, judy, panam])
      expect(p.of('dialogWheel')).toEqual([{ dialogId: 42, hubId: 1, choices: ['Deal.', 'No deal.', '[Attack]'], chooserPeerId: v.conn.peerId }]);
    v.send(pick(1, 1));
    v.send(pick(1, 2)); // a second click: too late
    for (const p of [v, judy, panam]) expect(p.of('dialogChoice')).toEqual([{ dialogId: 42, hubId: 1, choiceIdx: 1, fromPeerId: v.conn.peerId, pickSeq: 0 }]);
    expect(v.of('storyRefused')).toEqual([{ topic: 'dialog', reason: 'already_chosen', text: 'choice 1 was already picked on hub 1' }]);
    // the next hub of the same conversation
    v.send(wheel(2, ['Go on.', 'Bye.']));
    v.send(pick(2, 0));
    expect(panam.of('dialogChoice').at(-1)).toEqual({ dialogId: 42, hubId: 2, choiceIdx: 0, fromPeerId: v.conn.peerId, pickSeq: 0 });
  });

  it('refuses out-of-range indexes, stale hubs, unknown conversations and non-choosers, counted per peer', () => {
    const { s, v, judy } = three();
    v.send(wheel(1));
    v.send(pick(1, 3));
    v.send(pick(1, 4_000_000_000));
    judy.send(pick(1, 0));
    v.send(wheel(2));
    v.send(pick(1, 0)); // hub 1 is over
    v.send({ dialogChoice: { dialogId: 7, hubId: 1, choiceIdx: 0 } });
    expect(v.of('storyRefused').map((r) => r.reason)).toEqual(['bad_index', 'bad_index', 'stale_hub', 'no_conversation']);
    expect(judy.of('storyRefused').map((r) => r.reason)).toEqual(['not_chooser']);
    expect(s.refusals(v)).toEqual({ 'dialog/bad_index': 2, 'dialog/stale_hub': 1, 'dialog/no_conversation': 1 });
    expect(v.of('dialogChoice')).toEqual([]); // nothing advanced
    // a listener cannot open a wheel of the chooser's conversation, nor a malformed one
    judy.send(wheel(3));
    v.send({ dialogWheel: { dialogId: 42, hubId: 3, choices: [] } });
    v.send({ dialogWheel: { dialogId: 42, hubId: 3, choices: Array(9).fill('x') } });
    expect(judy.of('storyRefused').at(-1)!.reason).toBe('not_chooser');
    expect(
      v
        .of('storyRefused')
        .slice(-2)
        .map((r) => r.reason),
    ).toEqual(['bad_wheel', 'bad_wheel']);
  });

  it("a listener's suggestion reaches the chooser only; the chooser and stale ones are refused", () => {
    const { v, judy, panam } = three();
    v.send(wheel(1));
    judy.send({ dialogSuggest: { dialogId: 42, hubId: 1, choiceIdx: 2 } });
    expect(v.of('dialogSuggest')).toEqual([{ dialogId: 42, hubId: 1, choiceIdx: 2, fromPeerId: judy.conn.peerId }]);
    expect(panam.of('dialogSuggest')).toEqual([]);
    v.send({ dialogSuggest: { dialogId: 42, hubId: 1, choiceIdx: 0 } });
    panam.send({ dialogSuggest: { dialogId: 42, hubId: 9, choiceIdx: 0 } });
    panam.send({ dialogSuggest: { dialogId: 42, hubId: 1, choiceIdx: 5 } });
    expect(v.of('storyRefused').map((r) => r.reason)).toEqual(['chooser_suggests']);
    expect(panam.of('storyRefused').map((r) => r.reason)).toEqual(['stale_hub', 'bad_index']);
  });

  it('the chooser leaving hands the wheel to the lowest remaining peer id, who can pick', () => {
    const { s, v, judy, panam } = three();
    v.send(wheel(1));
    v.client.quit();
    s.h.pump();
    for (const p of [judy, panam]) expect(p.of('dialogWheel').at(-1)).toEqual(expect.objectContaining({ hubId: 1, chooserPeerId: judy.conn.peerId }));
    judy.send(pick(1, 0));
    expect(panam.of('dialogChoice')).toEqual([{ dialogId: 42, hubId: 1, choiceIdx: 0, fromPeerId: judy.conn.peerId, pickSeq: 0 }]);
    judy.send({ dialogEnd: { dialogId: 42 } });
    expect(panam.of('dialogEnd')).toEqual([{ dialogId: 42, reason: 'ended' }]);
    expect(s.story.dialogue.conversations.size).toBe(0);
  });

  it("an accepted pick goes out twice (reliable, then unreliable); a pick's second copy (same pick_seq) is ignored, not refused", () => {
    const { s, v, judy } = three();
    v.send(wheel(1));
    v.send(pick(1, 2, 7));
    v.send(pick(1, 2, 7)); // the chooser's redundant copy
    expect(v.of('storyRefused')).toEqual([]);
    judy.send(pick(1, 0, 3));
    judy.send(pick(1, 0, 3)); // a refused pick's copy is not refused twice
    expect(judy.of('storyRefused').map((r) => r.reason)).toEqual(['not_chooser']);
    judy.link.toClient.length = 0;
    s.later.splice(0).forEach((fn) => fn());
    expect(judy.link.toClient.map((m) => m.channel)).toEqual([1]); // the copy, on the unreliable channel
    s.h.pump();
    expect(judy.of('dialogChoice')).toHaveLength(2); // the sidecar drops the second (dialogue-link.test.ts)
  });

  it('a late joiner sees the open wheel', () => {
    const { s, v } = three();
    v.send(wheel(1));
    const late = s.add('Late');
    expect(late.of('dialogWheel')).toEqual([expect.objectContaining({ dialogId: 42, hubId: 1, chooserPeerId: v.conn.peerId })]);
  });
});
