// Incoming command records are reused once released (incoming.ts takeDispatched /
// releaseIncomingCommand): a reused record must start as a new one, a record still queued must
// never be handed out, and the bytes an application was given must never change afterwards.
import { describe, expect, it } from 'vitest';
import { IncomingCommand } from '../../src/net/enet/commands.js';
import { PEER_INCOMING_POOL_MAX_COMMANDS } from '../../src/net/enet/constants.js';
import { SimWorld, collect, indexOf, payload } from './harness.js';

/** Message `i`'s size: mostly small, every 40th one fragmented (larger than the MTU). */
const sizeOf = (i: number): number => (i % 40 === 0 ? 3000 + (i % 7) : 16 + (i % 50));

describe('incoming command pool', () => {
  it('a reused record is field for field a new one', () => {
    const data = new Uint8Array(3);
    const fresh = new IncomingCommand(6, 2, 5, 4, 0, data, 1);
    const used = new IncomingCommand(8, 7, 9, 8, 3, new Uint8Array(9), 8);
    used.fragments = new Uint32Array(1);
    used.fragmentsRemaining = 1;
    used.reuse(6, 2, 5, 4, 0, data, 1);
    const fields = (c: IncomingCommand): Record<string, unknown> => Object.fromEntries(Object.entries(c).filter(([k]) => k !== 'prev' && k !== 'next'));
    expect(fields(used)).toEqual(fields(fresh));
    expect(Object.keys(used).sort()).toEqual(Object.keys(fresh).sort());
  });

  it('under loss, duplication and reordering every packet arrives once, byte-exact, while records are reused', () => {
    const w = new SimWorld({ seed: 23, latencyMs: 8, jitterMs: 4, loss: 0.1, duplicate: 0.05, reorder: 0.1, reorderDelayMs: 10 });
    const server = w.host();
    const client = w.host();
    const got = collect(server);
    const { clientPeer, serverPeer } = w.connect(client, server, 2);
    clientPeer.setTimeout(0, 60_000, 120_000);
    const total = 2000;
    let sent = 0;
    let unreliable = 0;
    while (sent < total) {
      for (let i = 0; i < 200; i++, sent++) {
        expect(clientPeer.send(sent % 2, payload(sent % 2, sent, sizeOf(sent)), { reliable: true })).toBe(true);
        if (sent % 5 === 0) clientPeer.send(1, payload(1, -1 >>> 0, 8 + (unreliable++ % 9))); // unreliable: queued on the other list
      }
      w.run(20_000, 1, () => got.filter((r) => r.flags === 1).length >= sent);
      expect(serverPeer.incomingPool.length).toBeGreaterThan(0);
      expect(serverPeer.incomingPool.length).toBeLessThanOrEqual(PEER_INCOMING_POOL_MAX_COMMANDS);
    }
    const reliable = got.filter((r) => r.flags === 1);
    expect(reliable.length).toBe(total);
    for (const channel of [0, 1]) {
      const indexes = reliable.filter((r) => r.channelId === channel).map((r) => indexOf(r.data));
      expect(indexes).toEqual(Array.from({ length: total / 2 }, (_, k) => 2 * k + channel));
    }
    // Checked after all of them arrived: a reused record must not have touched bytes handed out before.
    for (const r of reliable) expect(r.data).toEqual(payload(r.channelId, indexOf(r.data), sizeOf(indexOf(r.data))));
    for (const r of got.filter((x) => x.flags !== 1)) expect(r.data.subarray(0, 8)).toEqual(payload(1, -1 >>> 0, 8));
  });

  it('in order across the 16-bit sequence wrap, with records reused many times over', () => {
    const w = new SimWorld({ seed: 5, latencyMs: 2 });
    const server = w.host();
    const client = w.host();
    let next = 0;
    let inOrder = true;
    server.on('receive', (_peer, _channel, data) => {
      if (indexOf(data) !== next) inOrder = false;
      next++;
    });
    const { clientPeer, serverPeer } = w.connect(client, server, 1);
    const total = 0x10000 + 3000;
    for (let sent = 0; sent < total;) {
      for (let i = 0; i < 1000 && sent < total; i++, sent++) clientPeer.send(0, payload(0, sent, 8), { reliable: true });
      w.run(20_000, 1, () => next >= sent);
    }
    expect(next).toBe(total);
    expect(inOrder).toBe(true);
    expect(serverPeer.channels[0].incomingReliableSequenceNumber).toBe(total & 0xffff);
    expect(serverPeer.incomingPool.length).toBeGreaterThan(0);
  });
});
