import { describe, it, expect } from 'vitest';
import { MuteTable } from '../../src/server/admin/mute-table.js';
import { gateChat, cleanChatText } from '../../src/server/admin/chat-gate.js';
import { CHAT_TEXT_MAX_CHARS } from '../../src/server/admin/constants.js';
import { ManualClock, ID_A, ID_B } from './fake-session.js';

describe('MuteTable', () => {
  it('mutes for exactly the given seconds on the injected clock', () => {
    const clock = new ManualClock();
    const m = new MuteTable(clock);
    m.mute(ID_A, 10);
    expect(m.isMuted(ID_A)).toBe(true);
    expect(m.isMuted(ID_B)).toBe(false);
    clock.advance(9_999);
    expect(m.remainingMs(ID_A)).toBe(1);
    clock.advance(1);
    expect(m.isMuted(ID_A)).toBe(false);
    expect(m.list()).toEqual([]);
  });

  it('a new mute replaces the old one; unmute lifts it early', () => {
    const clock = new ManualClock();
    const m = new MuteTable(clock);
    m.mute(ID_A, 100);
    m.mute(ID_A, 5);
    expect(m.remainingMs(ID_A)).toBe(5000);
    expect(m.unmute(ID_A)).toBe(true);
    expect(m.unmute(ID_A)).toBe(false);
    expect(m.isMuted(ID_A)).toBe(false);
  });

  it.each([0, -1, 1.5, Number.NaN, 10 ** 9])('refuses %s seconds', (secs) => {
    expect(() => new MuteTable(new ManualClock()).mute(ID_A, secs)).toThrow(RangeError);
  });
});

describe('gateChat', () => {
  it('relays cleaned text for an unmuted player, refuses a muted one with a notice, relays after expiry', () => {
    const clock = new ManualClock();
    const m = new MuteTable(clock);
    expect(gateChat(m, ID_A, '  hi\u0007 there\n')).toEqual({ relay: true, text: 'hi  there' });
    m.mute(ID_A, 3);
    const d = gateChat(m, ID_A, 'hello');
    expect(d.relay).toBe(false);
    expect(d.relay === false && d.reason).toBe('muted');
    expect(d.relay === false && d.notice).toContain('3 s');
    expect(gateChat(m, ID_B, 'hello').relay).toBe(true);
    clock.advance(3000);
    expect(gateChat(m, ID_A, 'hello')).toEqual({ relay: true, text: 'hello' });
  });

  it('drops empty text and cuts long text', () => {
    const m = new MuteTable(new ManualClock());
    expect(gateChat(m, ID_A, ' \u0000 ').relay).toBe(false);
    expect([...cleanChatText('é'.repeat(CHAT_TEXT_MAX_CHARS + 50))].length).toBe(CHAT_TEXT_MAX_CHARS);
    expect(cleanChatText('a\u202eb')).toBe('a b');
  });
});
