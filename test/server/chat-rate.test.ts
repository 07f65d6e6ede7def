// Chat rate limit per peer (issue 17): a 1,000/s flood is relayed at no more than the stated
// rate (CHAT_BURST_MESSAGES, then CHAT_RATE_MESSAGES_PER_S) while another player's chat gets
// through; drops are counted, the sender is told once per burst, and the host/admin is limited
// like anyone. Manual clock: the rates are exact, nothing depends on the machine's speed.
import { describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CHAT_RATE_NOTICE, ChatRateGate } from '../../src/server/chat-rate.js';
import { CHAT_BURST_MESSAGES, CHAT_RATE_MESSAGES_PER_S } from '../../src/server/constants.js';
import { startAdmin } from '../../src/server/admin/admin-runtime.js';
import { adminOptionsFrom } from '../../src/server/admin/admin-options.js';
import { adminPlugin } from '../../src/server/admin-plugin.js';
import { sessionViewOf } from '../../src/server/session-view.js';
import { generateIdentity, fingerprint } from '../../src/protocol/identity.js';
import { Harness, at } from './harness.js';

const FLOOD_PER_S = 1000;
const FLOOD_S = 2;

// The bucket itself is src/util/rate-limit.ts's (test/util/rate-limit.test.ts); this is the gate on it.
describe('ChatRateGate', () => {
  it('relays the burst, then the rate; tells once per burst of drops; a clock going backwards refills nothing', () => {
    const g = new ChatRateGate(0, 3, 2);
    expect([g.check(0), g.check(0), g.check(0), g.check(0), g.check(0)]).toEqual(['relay', 'relay', 'relay', 'drop_and_tell', 'drop']);
    expect(g.check(499)).toBe('drop');
    expect(g.check(500)).toBe('relay'); // 2/s: one token every 500 ms
    expect(g.check(-10_000)).toBe('drop');
    expect(g.dropped).toBe(4);
    // a pause long enough to refill: a new burst (never more than 3), and going over is told again
    expect([g.check(100_000), g.check(100_000), g.check(100_000), g.check(100_000)]).toEqual(['relay', 'relay', 'relay', 'drop_and_tell']);
  });
});

describe('chat flood', () => {
  it(`${FLOOD_PER_S}/s for ${FLOOD_S} s from the host admin: relayed at the stated rate, another player still heard, told once`, async () => {
    const h = new Harness();
    const floodKeys = generateIdentity();
    // the flooder is the session host: every admin right, no exemption from the chat limit
    const admin = await startAdmin({
      options: adminOptionsFrom({
        'no-dash': true,
        'no-console': true,
        'data-dir': mkdtempSync(join(tmpdir(), 'chat-rate-')),
        'host-identity': fingerprint(floodKeys.publicKeyRaw),
      }),
      session: sessionViewOf(h.server),
      clock: { now: () => h.t },
      log: { info: () => undefined, warn: () => undefined },
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
    expect(flooder.conn.drops.get('chat_flood')).toBe(sent - relayed);
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
