// Chat rate limit per peer (issue 17): a 1,000/s flood is relayed at no more than the stated
// rate (CHAT_BURST_MESSAGES, then CHAT_RATE_MESSAGES_PER_S) while another player's chat gets
// through; drops are counted, the sender is told once per burst, and the host/admin is limited
// like anyone. Manual clock: the rates are exact, nothing depends on the machine's speed.
import { describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TokenBucket } from '../../src/server/token-bucket.js';
import { CHAT_RATE_NOTICE } from '../../src/server/chat-rate.js';
import { CHAT_BURST_MESSAGES, CHAT_RATE_MESSAGES_PER_S } from '../../src/server/constants.js';
import { startAdmin } from '../../src/server/admin/admin-runtime.js';
import { adminOptionsFrom } from '../../src/server/admin/admin-options.js';
import { adminPlugin } from '../../src/server/admin-plugin.js';
import { sessionViewOf } from '../../src/server/session-view.js';
import { generateIdentity, fingerprint } from '../../src/protocol/identity.js';
import { Harness, at } from './harness.js';

const FLOOD_PER_S = 1000;
const FLOOD_S = 2;

describe('TokenBucket', () => {
  it('allows the burst, then the rate; a clock going backwards refills nothing', () => {
    const b = new TokenBucket({ burst: 3, ratePerS: 2, nowMs: 0 });
    expect([b.take(0), b.take(0), b.take(0), b.take(0)]).toEqual([true, true, true, false]);
    expect(b.take(499)).toBe(false);
    expect(b.take(500)).toBe(true); // 2/s: one token every 500 ms
    expect(b.take(-10_000)).toBe(false);
    expect(b.available(100_000)).toBe(3); // never more than the burst
  });

  it.each([[0, 1], [1, 0], [Number.NaN, 1], [1, Number.POSITIVE_INFINITY]])('refuses burst %s, rate %s', (burst, ratePerS) => {
    expect(() => new TokenBucket({ burst, ratePerS, nowMs: 0 })).toThrow(RangeError);
  });
});

describe('chat flood', () => {
  it(`${FLOOD_PER_S}/s for ${FLOOD_S} s from the host admin: relayed at the stated rate, another player still heard, told once`, async () => {
    const h = new Harness();
    const floodKeys = generateIdentity();
    // the flooder is the session host: every admin right, no exemption from the chat limit
    const admin = await startAdmin({
      options: adminOptionsFrom({ 'no-dash': true, 'no-console': true, 'data-dir': mkdtempSync(join(tmpdir(), 'chat-rate-')), 'host-identity': fingerprint(floodKeys.publicKeyRaw) }),
      session: sessionViewOf(h.server), clock: { now: () => h.t }, log: { info: () => undefined, warn: () => undefined },
    });
    h.server.use(adminPlugin(h.server, admin));
    const notices: string[] = [];
    const flooder = h.add('Flood', at(0, 0), { identity: floodKeys, events: { notice: (text) => notices.push(text) } });
    const listener = h.add('L', at(1, 0));
    const other = h.add('O', at(2, 0));
    expect([flooder, listener, other].every((p) => p.conn.inWorld)).toBe(true);
    // proof the flooder holds admin rights: its remote Mute is obeyed (the listener only listens)
    expect((await admin.controller.handleRemote(flooder.conn.peerId, { cmdType: 'Mute', param: listener.conn.peerId, secs: 1 })).ok).toBe(true);

    const sent = FLOOD_PER_S * FLOOD_S;
    for (let i = 0; i < sent; i++) {
      flooder.client.sendChat(`spam ${i}`);
      if (i === sent / 2) other.client.sendChat('anyone there?');
      h.pump();
      h.t += 1000 / FLOOD_PER_S;
    }
    const relayed = listener.events.chats.filter((c) => c.startsWith('Flood: ')).length;
    const allowed = CHAT_BURST_MESSAGES + Math.floor(FLOOD_S * CHAT_RATE_MESSAGES_PER_S);
    expect(relayed).toBeLessThanOrEqual(allowed);
    expect(relayed).toBeGreaterThanOrEqual(CHAT_BURST_MESSAGES); // limited, not silenced
    expect(listener.events.chats).toContain('O: anyone there?');
    expect(flooder.conn.drops.get('chat-flood')).toBe(sent - relayed);
    expect(notices.filter((n) => n === CHAT_RATE_NOTICE)).toHaveLength(1);
    expect(flooder.conn.inWorld).toBe(true); // shed, not kicked: chat is well-formed

    // after a pause long enough to refill the bucket, a new burst; going over again is told again
    h.t += (CHAT_BURST_MESSAGES / CHAT_RATE_MESSAGES_PER_S) * 1000;
    for (let i = 0; i < CHAT_BURST_MESSAGES + 1; i++) flooder.client.sendChat(`again ${i}`);
    h.pump();
    expect(listener.events.chats.filter((c) => c.startsWith('Flood: again'))).toHaveLength(CHAT_BURST_MESSAGES);
    expect(notices.filter((n) => n === CHAT_RATE_NOTICE)).toHaveLength(2);
    await admin.close();
  });
});
