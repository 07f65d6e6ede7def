// Outgoing command records are reused once retired (outgoing.ts takeCommand / retireCommand):
// a reused record must start as a new one, and one still in use must never be handed out.
import { describe, expect, it } from 'vitest';
import { OutgoingCommand } from '../../src/net/enet/commands.js';
import { HOST_COMMAND_POOL_MAX_COMMANDS } from '../../src/net/enet/constants.js';
import { SimWorld, collect, indexOf, payload } from './harness.js';

describe('outgoing command pool', () => {
  it('a reused record is field for field a new one', () => {
    const fresh = new OutgoingCommand(0x86, 2, new Uint8Array(3), 0, 3, null);
    const used = new OutgoingCommand(0x88, 7, new Uint8Array(9), 4, 5, new Uint8Array(2));
    Object.assign(used, { reliableSequenceNumber: 9, unreliableSequenceNumber: 8, sentTime: 7, roundTripTimeout: 6 });
    Object.assign(used, { roundTripTimeoutLimit: 5, sendAttempts: 4, unsequencedGroup: 3, startSequenceNumber: 2, fragmentCount: 1, fragmentNumber: 1 });
    used.reuse(0x86, 2, fresh.data, 0, 3, null);
    const fields = (c: OutgoingCommand): Record<string, unknown> => Object.fromEntries(Object.entries(c).filter(([k]) => k !== 'prev' && k !== 'next'));
    expect(fields(used)).toEqual(fields(fresh));
    expect(Object.keys(used).sort()).toEqual(Object.keys(fresh).sort());
  });

  it('reliable data under loss, duplication and reordering arrives exactly once, in order, byte-exact while records are reused', () => {
    const w = new SimWorld({ seed: 19, latencyMs: 8, jitterMs: 4, loss: 0.15, duplicate: 0.05, reorder: 0.1, reorderDelayMs: 10 });
    const server = w.host();
    const client = w.host();
    const got = collect(server);
    const { clientPeer } = w.connect(client, server, 2);
    clientPeer.setTimeout(0, 60_000, 120_000);
    const total = 3000;
    let sent = 0;
    // Waves: each is queued after the previous one's records were retired, so they are reused.
    while (sent < total) {
      for (let i = 0; i < 300; i++, sent++) {
        const control = sent % 7 === 0;
        expect(clientPeer.send(sent % 2, payload(sent % 2, sent, 16 + (sent % 50)), { reliable: true })).toBe(true);
        if (control) clientPeer.send(0, payload(0, -1 >>> 0, 8)); // unreliable, retired once sent
      }
      w.run(20_000, 1, () => got.filter((r) => indexOf(r.data) !== -1 >>> 0).length >= sent);
      expect(client.commandPool.length).toBeGreaterThan(0);
    }
    const reliable = got.filter((r) => r.flags === 1);
    expect(reliable.length).toBe(total);
    for (const channel of [0, 1]) {
      const indexes = reliable.filter((r) => r.channelId === channel).map((r) => indexOf(r.data));
      expect(indexes).toEqual(Array.from({ length: total / 2 }, (_, k) => 2 * k + channel));
    }
    for (const r of reliable) expect(r.data).toEqual(payload(r.channelId, indexOf(r.data), 16 + (indexOf(r.data) % 50)));
    expect(client.commandPool.length).toBeLessThanOrEqual(HOST_COMMAND_POOL_MAX_COMMANDS);
  });
});
