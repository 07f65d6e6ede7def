// Unauthenticated connections are bounded apart from the player slots (handshake-slots.ts):
// per source address and in total, the oldest evicted (its link aborted at once, counted on the
// dashboard's refusals), a lone genuine joiner never the one evicted while a flooder holds two,
// and a short handshake deadline. In process, on the manual clock.
import { describe, expect, it } from 'vitest';
import { encodeMsg } from '../../src/protocol/codec.js';
import { CHANNEL_RELIABLE, PROTOCOL_VERSION } from '../../src/protocol/constants.js';
import { generateIdentity } from '../../src/protocol/identity.js';
import { ConnState, type Connection } from '../../src/server/connection.js';
import { HANDSHAKE_TIMEOUT_MS } from '../../src/server/constants.js';
import { HandshakeSlots, sourceOf } from '../../src/server/handshake-slots.js';
import { sessionViewOf } from '../../src/server/session-view.js';
import { FakeLink, Harness, at } from './harness.js';

class AbortableLink extends FakeLink {
  aborted = false;
  constructor(address: string) {
    super();
    this.address = address;
  }
  abort(): void {
    this.aborted = true;
    this.closed = true;
  }
}

/** A connection that sends a valid Hello and never answers the Challenge. */
function halfOpen(h: Harness, address: string): { conn: Connection; link: AbortableLink } {
  const link = new AbortableLink(address);
  const conn = h.server.peerConnected(link);
  const hello = { protocolVersion: PROTOCOL_VERSION, name: 'x', publicKey: generateIdentity().publicKeyRaw, initialState: at(0, 0) };
  h.server.peerMessage(conn, CHANNEL_RELIABLE, encodeMsg({ hello }));
  return { conn, link };
}

describe('sourceOf', () => {
  it.each([
    ['10.0.0.2:5000', '10.0.0.2'],
    ['[::1]:7', '[::1]'],
    ['ice:ab12:0', 'ice:ab12'],
    ['noport', 'noport'],
  ])('%s → %s', (a, s) => {
    expect(sourceOf(a)).toBe(s);
  });
});

describe('handshake slots', () => {
  it('bounds unauthenticated connections per address and in total; the oldest goes, at once, counted', () => {
    const h = new Harness({ handshakeSlots: { perAddress: 2, total: 4 } });
    const a = [halfOpen(h, '10.0.0.2:1'), halfOpen(h, '10.0.0.2:2')];
    expect(a.every((x) => x.conn.state === ConnState.AWAIT_PROOF)).toBe(true);
    const a3 = halfOpen(h, '10.0.0.2:3'); // over the per-address bound: 10.0.0.2's oldest goes
    expect(a[0].link.aborted).toBe(true);
    expect(a[1].link.aborted).toBe(false);
    const b = [halfOpen(h, '10.0.0.3:1'), halfOpen(h, '10.0.0.4:1')];
    expect(h.server.handshakes.size).toBe(4);
    halfOpen(h, '10.0.0.5:1'); // full: the oldest of the address holding the most (10.0.0.2)
    expect(a[1].link.aborted).toBe(true);
    expect(a3.link.aborted || b.some((x) => x.link.aborted)).toBe(false);
    expect(h.server.handshakes.size).toBe(4);
    expect(h.server.evictions.get('handshake')).toBe(2);
    expect(sessionViewOf(h.server).stats().refusals).toMatchObject({ evicted_handshake: 2 });
  });

  it('a genuine player joins while the table is full of half-open connections and leaves the table once in', () => {
    const h = new Harness({ handshakeSlots: { perAddress: 2, total: 4 } });
    const flood = ['10.0.0.2', '10.0.0.3'].flatMap((ip) => [halfOpen(h, `${ip}:1`), halfOpen(h, `${ip}:2`)]);
    expect(h.server.handshakes.size).toBe(4);
    const player = h.add('V', at(0, 0)); // FakeLink address 127.0.0.1:1
    expect(player.conn.inWorld).toBe(true);
    expect(h.server.handshakes.has(player.conn)).toBe(false);
    expect(flood.filter((f) => f.link.aborted)).toHaveLength(1);
    expect(h.server.handshakes.size).toBe(3); // the flood still held, minus one
  });

  it('a lone joiner is not the one evicted while another address holds two', () => {
    const slots = new HandshakeSlots({ perAddress: 3, total: 3 });
    const h = new Harness();
    const conn = (address: string): Connection => h.server.peerConnected(new AbortableLink(address));
    const lone = conn('10.0.0.9:1'); // the oldest of all
    slots.admit(lone);
    slots.admit(conn('10.0.0.2:1'));
    slots.admit(conn('10.0.0.2:2'));
    const out = slots.admit(conn('10.0.0.3:1'));
    expect(out?.why).toBe('total');
    expect(out?.victim).not.toBe(lone);
    expect(slots.has(lone)).toBe(true);
  });

  it(`a handshake not finished within ${HANDSHAKE_TIMEOUT_MS} ms is ended`, () => {
    const h = new Harness();
    const { conn } = halfOpen(h, '10.0.0.2:1');
    h.t += HANDSHAKE_TIMEOUT_MS - 1;
    h.server.runTick(h.t);
    expect(conn.state).toBe(ConnState.AWAIT_PROOF);
    h.t += 2;
    h.server.runTick(h.t);
    expect(conn.state).toBe(ConnState.CLOSED);
    expect(h.server.handshakes.has(conn)).toBe(true); // lingering until its link is gone, first to go
    h.server.peerGone(conn);
    expect(h.server.handshakes.size).toBe(0);
  });

  it('refuses nonsense limits', () => {
    expect(() => new HandshakeSlots({ perAddress: 0, total: 4 })).toThrow(RangeError);
    expect(() => new HandshakeSlots({ perAddress: 5, total: 4 })).toThrow(RangeError);
  });
});
