// Must show: a datagram handed to the transport is never written again by ENet. Datagrams are
// built one after another in shared arenas (send.ts); a transport that keeps the bytes it was
// given (a socket whose send completes later) must still hold exactly what was sent, after many
// flushes to several peers with packets of every size, fragments and arena turnovers included.
import { describe, it, expect } from 'vitest';
import { SimWorld, collect, indexOf, payload } from './harness.js';

describe('datagram arenas', () => {
  it('a datagram handed over stays as it was sent, and every packet arrives intact', () => {
    const w = new SimWorld({ seed: 7, latencyMs: 2 });
    const server = w.host();
    const clients = [w.host(), w.host(), w.host()];
    const peers = clients.map((c) => w.connect(c, server, 2).serverPeer);
    const received = clients.map((c) => collect(c));
    const kept: [Uint8Array, Uint8Array][] = [];
    const transport = server.transport;
    const send = transport.send.bind(transport);
    transport.send = (data, to) => {
      kept.push([data, data.slice()]);
      return send(data, to);
    };
    const sizes = [8, 40, 300, 1300, 1500, 5000];
    let n = 0;
    for (let round = 0; round < 60; round++) {
      for (const p of peers) p.send(round % 2, payload(round % 2, n++, sizes[(round + n) % sizes.length]), { reliable: true });
      server.flush();
      w.run(3);
    }
    w.run(500);
    expect(kept.length).toBeGreaterThan(200); // enough datagrams to fill several 64 KB arenas
    for (const [view, copy] of kept) expect(view).toEqual(copy);
    const got = received.flatMap((r) => r.map((m) => indexOf(m.data))).sort((a, b) => a - b);
    expect(got).toEqual(Array.from({ length: n }, (_, i) => i));
    for (const r of received) for (const m of r) expect(m.data).toEqual(payload(m.channelId, indexOf(m.data), m.data.length));
  });
});
