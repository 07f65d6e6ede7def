// Bad input: undecodable or out-of-range messages are dropped and counted per peer; a peer that
// keeps sending them is disconnected with a reason; nobody else's view is affected.
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { Harness, at } from './harness.js';
import { encodeMsg } from '../../src/protocol/codec.js';
import { CHANNEL_RELIABLE, CHANNEL_SNAPSHOT, PROTOCOL_VERSION } from '../../src/protocol/constants.js';
import { BAD_MESSAGE_LIMIT } from '../../src/server/constants.js';
import { ClientState } from '../../src/sidecar/session.js';
import { FIELD_COUNT, F_X, dequantPos } from '../../src/protocol/snapshot-format.js';

function setup() {
  const h = new Harness({ seed: 3 });
  for (let i = 0; i < 20; i++) h.server.sim.addNpc((i % 5) * 10, Math.floor(i / 5) * 10);
  const good = h.add('Good', at(0, 0));
  const bad = h.add('Bad', at(5, 5));
  h.tick();
  h.tick();
  return { h, good, bad };
}

const send = (h: Harness, p: ReturnType<typeof setup>['bad'], ch: number, bytes: Uint8Array) => {
  h.server.peerMessage(p.conn, ch, bytes);
  h.pump();
};

describe('bad input from a client', () => {
  it('each kind of bad message is dropped and counted under its reason', () => {
    const { h, bad } = setup();
    const avatarX = h.server.world.x[bad.conn.avatarId];
    send(h, bad, CHANNEL_RELIABLE, new Uint8Array([0x9a, 0x06, 0x00])); // unknown EMsg field 99
    send(h, bad, CHANNEL_RELIABLE, new Uint8Array([0xff, 0xff, 0xff])); // undecodable
    send(h, bad, CHANNEL_SNAPSHOT, encodeMsg({ playerState: { seq: 100, x: NaN, y: 0, z: 0 } }));
    send(h, bad, CHANNEL_SNAPSHOT, encodeMsg({ playerState: { seq: 101, x: 1e9, y: 0, z: 0 } }));
    send(h, bad, CHANNEL_SNAPSHOT, encodeMsg({ playerState: { seq: 102, x: 0, y: 0, z: 0, vx: Infinity } }));
    send(h, bad, CHANNEL_SNAPSHOT, encodeMsg({ snapshotAck: { tick: 999_999 } }));
    send(h, bad, CHANNEL_RELIABLE, encodeMsg({ entityInteract: { entityId: 123_456, action: 1 } }));
    send(h, bad, CHANNEL_RELIABLE, encodeMsg({ snapshot: { tick: 1 } })); // server-only kind
    send(h, bad, CHANNEL_RELIABLE, encodeMsg({ hello: { protocolVersion: PROTOCOL_VERSION } })); // second hello
    send(h, bad, 7, encodeMsg({ chat: { text: 'x' } }));
    const drops = Object.fromEntries(bad.conn.drops);
    expect(drops).toEqual({
      unknown_kind: 1,
      undecodable: 1,
      bad_coords: 3,
      ack_never_sent: 1,
      not_in_interest: 1,
      wrong_direction: 1,
      out_of_state: 1,
      bad_channel: 1,
    });
    expect(h.server.world.x[bad.conn.avatarId]).toBe(avatarX); // no bad value reached the world
    expect(bad.client.state).toBe(ClientState.IN_WORLD); // under the limit: still connected
    const npc = h.server.sim.npcs[0].id;
    expect(bad.conn.interest.has(npc)).toBe(true);
    send(h, bad, CHANNEL_RELIABLE, encodeMsg({ entityInteract: { entityId: npc, action: 1 } }));
    expect(bad.conn.dropsTotal).toBe(10); // an id in interest is fine
  });

  it('a peer that keeps sending garbage is disconnected with a reason; others are unaffected', () => {
    const { h, good, bad } = setup();
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 64 }), fc.constantFrom(0, 1, 2), (bytes, ch) => {
        if (bad.conn.state !== 3) h.server.peerMessage(bad.conn, ch, bytes);
      }),
      { numRuns: 400, seed: 7 },
    );
    h.pump();
    for (let i = 0; i <= BAD_MESSAGE_LIMIT; i++) if (bad.conn.state !== 3) send(h, bad, CHANNEL_RELIABLE, new Uint8Array([0xff]));
    expect(bad.client.state).toBe(ClientState.CLOSED);
    expect(bad.client.closeReason).toMatch(/too many bad messages/);
    expect(h.server.inWorld().map((c) => c.name)).toEqual(['Good']);
    // the good client still gets correct snapshots
    for (let i = 0; i < 5; i++) h.tick();
    const s = good.client.receiver.state(good.client.receiver.newestTick)!;
    expect(s.count).toBeGreaterThan(0);
    for (let i = 0; i < s.count; i++) {
      expect(Math.abs(dequantPos(s.vals[i * FIELD_COUNT + F_X]) - h.server.world.x[s.ids[i]])).toBeLessThanOrEqual(0.005 + 1e-9);
    }
    expect([...good.client.known.keys()]).not.toContain(bad.conn.avatarId);
  });

  it('messages before the handshake are counted, and a silent peer times out', () => {
    const h = new Harness();
    const a = h.add('A', at(0, 0));
    const link = new (a.link.constructor as new () => typeof a.link)();
    const conn = h.server.peerConnected(link);
    h.server.peerMessage(conn, CHANNEL_SNAPSHOT, encodeMsg({ playerState: { seq: 1, x: 1, y: 1 } }));
    expect(conn.drops.get('out_of_state')).toBe(1);
    h.t += 11_000;
    h.tick();
    expect(conn.stateName).toBe('closed');
    expect(a.client.state).toBe(ClientState.IN_WORLD);
  });
});
