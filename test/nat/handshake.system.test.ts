// Nat_PerformHandshake on loopback with the real coturn and coop-master: direct, relay fallback,
// datagrams both ways over the selected pair, garbage on the ICE socket counted and dropped.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSocket } from 'node:dgram';
import { loopbackWorld, connectPair, newPlayerIdentity, type LoopbackWorld } from './fixture.js';
import { NatConnection } from '../../src/net/nat/handshake.js';
import { IceDatagramTransport } from '../../src/net/nat/ice-transport.js';
import { fetchTurnCredentials } from '../../src/net/nat/master-client.js';
import { parseRemoteCandidate } from '../../src/net/nat/nat-client.js';
import { enetShape } from '../../src/net/nat/enet-shape.js';

// An ENet PING with the sent-time flag: header (peer 0x8000|id, sent time) + command 5.
const ENET_PING = Uint8Array.from([0x80, 0x01, 0x12, 0x34, 0x85, 0xff, 0x00, 0x01]);

let w: LoopbackWorld;
beforeAll(async () => {
  w = await loopbackWorld();
});
afterAll(async () => {
  await w?.close();
});

function nextDatagram(t: { onDatagram(h: (d: Uint8Array, from: { address: string }) => void): void }): Promise<{ hex: string; from: string }> {
  return new Promise((resolve) => t.onDatagram((d, from) => resolve({ hex: Buffer.from(d).toString('hex'), from: from.address })));
}

describe('Nat_PerformHandshake (loopback)', () => {
  it('connects directly over host candidates though relay candidates were gathered, and counts bytes', async () => {
    const p = await connectPair(w);
    try {
      const { state, path, attempt, localCandidate, remoteCandidate } = p.joiner.stats();
      expect({ state, path, attempt, localCandidate, remoteCandidate }).toEqual({
        state: 'connected',
        path: 'host',
        attempt: 0,
        localCandidate: 'host',
        remoteCandidate: 'host',
      });
      const h = p.host.stats();
      expect({ state: h.state, path: h.path, attempt: h.attempt }).toEqual({ state: 'connected', path: 'host', attempt: 0 });
      expect(p.joiner.stats().gathered).toContain('relay');
      expect(p.host.stats().gathered).toContain('relay');
      const atHost = nextDatagram(p.hostTransport);
      expect(p.joinerTransport.send(ENET_PING, p.joiner.address!)).toBe(true);
      expect(await atHost).toEqual({ hex: Buffer.from(ENET_PING).toString('hex'), from: `ice:${p.host.stats().peerId}` });
      const atJoiner = nextDatagram(p.joinerTransport);
      p.hostTransport.send(ENET_PING, p.host.address!);
      expect((await atJoiner).hex).toBe(Buffer.from(ENET_PING).toString('hex'));
      expect(p.joiner.stats()).toMatchObject({ bytesSent: ENET_PING.length, bytesReceived: ENET_PING.length });

      // Garbage straight at the host's ICE socket: counted, dropped, the path keeps working.
      const [ip, port] = p.host.stats().localEndpoint!.split(':');
      const junk = createSocket('udp4');
      for (const g of ['hello', 'x'.repeat(40), '\u0000\u0001\u0002\u0003\u0004\u0005\u0006\u0007']) junk.send(Buffer.from(g), Number(port), ip);
      const again = nextDatagram(p.hostTransport);
      await new Promise((r) => setTimeout(r, 200));
      p.joinerTransport.send(ENET_PING, p.joiner.address!);
      expect((await again).hex).toBe(Buffer.from(ENET_PING).toString('hex'));
      junk.close();
      expect(p.host.stats().dropsGarbage).toBe(3);
    } finally {
      await p.close();
    }
  });

  it('falls back to a relay-only attempt through coturn when the direct attempt times out', async () => {
    const states: string[] = [];
    const p = await connectPair(w, { directTimeoutMs: 1, onState: (_f, t) => states.push(t) });
    try {
      expect(p.joiner.stats()).toMatchObject({ state: 'connected', path: 'relay', attempt: 1 });
      expect(p.host.stats()).toMatchObject({ state: 'connected', path: 'relay', attempt: 1 });
      expect(states).toContain('relay_fallback');
      const atHost = nextDatagram(p.hostTransport);
      p.joinerTransport.send(ENET_PING, p.joiner.address!);
      expect((await atHost).hex).toBe(Buffer.from(ENET_PING).toString('hex'));
    } finally {
      await p.close();
    }
  });

  it('a peer that never answers gets no relay attempt, and close() ends a running handshake', async () => {
    const silent = { send: () => undefined, onData: () => undefined };
    let credFetches = 0;
    const getTurnCredentials = () => {
      credFetches++;
      return fetchTurnCredentials(w.master.url, newPlayerIdentity());
    };
    const common = { role: 'host' as const, signal: silent, stunServer: `127.0.0.1:${w.coturn.port}`, bindAddress: '127.0.0.1', getTurnCredentials };
    const mute = new NatConnection({ ...common, peerId: 'mute', transport: new IceDatagramTransport('h1'), directTimeoutMs: 200 });
    await expect(mute.run()).rejects.toThrow(/sent no ICE parameters/);
    expect(mute.state).toBe('failed');
    expect(credFetches).toBe(1); // attempt 0 only: no relay-only attempt

    const long = new NatConnection({ ...common, peerId: 'long', transport: new IceDatagramTransport('h2') });
    const running = long.run();
    await new Promise((r) => setTimeout(r, 100));
    await long.close();
    await expect(running).rejects.toThrow(/closed while connecting/);
    expect(long.state).toBe('closed');
  });

  it('refuses hostile candidate lines and non-ENet datagrams', () => {
    expect(parseRemoteCandidate('candidate:1 1 udp 2130706431 10.0.0.1 5000 typ host')?.port).toBe(5000);
    for (const bad of [
      '',
      'garbage',
      'candidate:1 1 udp 1 evil.local 5000 typ host',
      'candidate:1 1 udp 1 10.0.0.1 99999 typ host',
      'candidate:1 1 tcp 1 10.0.0.1 5000 typ host',
      'candidate:1 2 udp 1 10.0.0.1 5000 typ host',
      'candidate:1 1 udp 1 example.org 5000 typ host',
    ]) {
      expect(parseRemoteCandidate(bad)).toBeUndefined();
    }
    expect(enetShape(ENET_PING)).toBe('ok');
    expect(enetShape(Uint8Array.from([0x00]))).toBe('too_short');
    expect(enetShape(Buffer.from('hello'))).toBe('bad_command');
    expect(enetShape(Uint8Array.from([0x00, 0x01, 0x82, 0xff, 0, 1]))).toBe('too_short');
  });
});
