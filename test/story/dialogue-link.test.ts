// CC-3 in the sidecar: the game's wheel goes up; other players' wheels come down read-only (or
// interactive for the chooser after a hand-over); a pick goes up twice (reliable, then the
// unreliable copy) and an accepted pick advances the game once even when both copies arrive.
import { describe, expect, it, vi } from 'vitest';
import { DialogueLink, DIALOG_PICK_COPY_MS } from '../../src/sidecar/story/dialogue-link.js';
import { FakeGame } from './fake-game.js';

describe('DialogueLink (sidecar side of CC-3)', () => {
  it('wheels, picks (twice), advances once, suggestions and refusals reach the game', () => {
    vi.useFakeTimers();
    try {
      const game = new FakeGame();
      const sent: { msg: unknown; channel?: number }[] = [];
      const link = new DialogueLink({
        game,
        send: (msg, channel) => (sent.push({ msg, channel }), true),
        myPeerId: () => 2,
        nameOf: (id) => ['', 'V', 'Judy'][id] ?? '?',
      });
      game.emit('DialogueWheelShown', { conversationId: 9, hubId: 1, choices: [{ index: 0, text: 'Yes', flags: 0 }] });
      expect(sent[0]).toEqual({ msg: { dialogWheel: { dialogId: 9, hubId: 1, choices: ['Yes'] } }, channel: 0 });
      // our own wheel echoed by the server: nothing to show; someone else's: read-only
      link.message('dialogWheel', { dialogWheel: { dialogId: 9, hubId: 1, choices: ['Yes'], chooserPeerId: 2 } });
      link.message('dialogWheel', { dialogWheel: { dialogId: 5, hubId: 3, choices: ['A', 'B'], chooserPeerId: 1 } });
      expect(game.of('DialogueWheelRemote')).toEqual([
        {
          conversationId: 5,
          hubId: 3,
          choices: [
            { index: 0, text: 'A', flags: 0 },
            { index: 1, text: 'B', flags: 0 },
          ],
          chooserName: 'V',
          readOnly: true,
        },
      ]);
      game.emit('DialogueChoiceSelected', { conversationId: 9, hubId: 1, choiceIndex: 0 });
      vi.advanceTimersByTime(DIALOG_PICK_COPY_MS);
      expect(sent.slice(1)).toEqual([
        { msg: { dialogChoice: { dialogId: 9, hubId: 1, choiceIdx: 0, pickSeq: 1 } }, channel: 0 },
        { msg: { dialogChoice: { dialogId: 9, hubId: 1, choiceIdx: 0, pickSeq: 1 } }, channel: 1 },
      ]);
      link.message('dialogChoice', { dialogChoice: { dialogId: 9, hubId: 1, choiceIdx: 0, fromPeerId: 2 } });
      link.message('dialogChoice', { dialogChoice: { dialogId: 9, hubId: 1, choiceIdx: 0, fromPeerId: 2 } });
      expect(game.of('DialogueAdvance')).toEqual([{ conversationId: 9, hubId: 1, choiceIndex: 0 }]);
      link.message('dialogSuggest', { dialogSuggest: { dialogId: 9, hubId: 2, choiceIdx: 1, fromPeerId: 1 } });
      expect(game.of('DialogueSuggestion')).toEqual([{ conversationId: 9, hubId: 2, choiceIndex: 1, fromName: 'V' }]);
      link.refused('stale_hub');
      expect(game.of('DialogueRefused')).toEqual([{ conversationId: 9, hubId: 1, choiceIndex: 0, reason: 'stale_hub' }]);
      // handed the wheel of conversation 5: now interactive here
      link.message('dialogWheel', { dialogWheel: { dialogId: 5, hubId: 3, choices: ['A', 'B'], chooserPeerId: 2 } });
      expect(game.of('DialogueWheelRemote').at(-1)).toEqual(expect.objectContaining({ conversationId: 5, readOnly: false, chooserName: 'Judy' }));
      link.message('dialogEnd', { dialogEnd: { dialogId: 9, reason: 'ended' } });
      expect(game.of('DialogueEnded')).toEqual([{ conversationId: 9, reason: 'ended' }]);
    } finally {
      vi.useRealTimers();
    }
  });

  it('is open from a wheel until its advance or the conversation ends (a paced sidecar reads the socket at once meanwhile)', () => {
    const game = new FakeGame();
    const link = new DialogueLink({ game, send: () => true, myPeerId: () => 2, nameOf: () => 'V' });
    expect(link.open).toBe(false);
    link.message('dialogWheel', { dialogWheel: { dialogId: 5, hubId: 3, choices: ['A'], chooserPeerId: 1 } });
    expect(link.open).toBe(true);
    link.message('dialogChoice', { dialogChoice: { dialogId: 5, hubId: 3, choiceIdx: 0, fromPeerId: 1 } });
    expect(link.open).toBe(false);
    link.message('dialogWheel', { dialogWheel: { dialogId: 6, hubId: 1, choices: ['A'], chooserPeerId: 2 } });
    link.message('dialogWheel', { dialogWheel: { dialogId: 6, hubId: 2, choices: ['B'], chooserPeerId: 1 } });
    link.message('dialogEnd', { dialogEnd: { dialogId: 6, reason: 'left' } });
    expect(link.open).toBe(false);
    // wheels whose end never came are forgotten past a bound, not kept for ever
    for (let i = 0; i < 1000; i++) link.message('dialogWheel', { dialogWheel: { dialogId: 7, hubId: i, choices: ['A'], chooserPeerId: 1 } });
    link.message('dialogEnd', { dialogEnd: { dialogId: 7, reason: 'gone' } });
    expect(link.open).toBe(false);
  });
});
