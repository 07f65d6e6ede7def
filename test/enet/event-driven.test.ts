// Real-time mode (autoService) with the service timer out of the picture: setTimeout and
// setInterval are faked and never advanced, and the simulated clock never moves. A packet the
// application queues must still leave by the end of the macrotask that queued it, and a datagram
// that arrives must be taken in and delivered within one turn of the event loop: latency never
// waits for the timer, which only paces resends and pings (bench:e2e, docs/enet.md).
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { EnetHost } from '../../src/net/enet/host.js';
import type { EnetPeer } from '../../src/net/enet/peer-api.js';
import { SimNetwork } from '../../src/net/enet/sim-network.js';

/** Far beyond anything the test waits: the timer cannot be what moves a datagram. */
const SERVICE_INTERVAL_MS = 60_000;
/** Event-loop turns the handshake may take (a few datagrams each way). */
const HANDSHAKE_TURNS = 50;

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
const bytes = (...xs: number[]): Uint8Array => Uint8Array.from(xs);

interface Pair {
  net: SimNetwork;
  client: EnetHost;
  server: EnetHost;
  clientPeer: EnetPeer;
  serverPeer: EnetPeer;
}

let hosts: EnetHost[] = [];

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'] });
});
afterEach(() => {
  for (const h of hosts) h.destroy();
  hosts = [];
  vi.useRealTimers();
});

async function connectedPair(): Promise<Pair> {
  const net = new SimNetwork({ seed: 19 });
  const make = (): EnetHost => {
    const h = new EnetHost({ transport: net.createTransport(), clock: net.clock, serviceIntervalMs: SERVICE_INTERVAL_MS, peerLimit: 2 });
    hosts.push(h);
    return h;
  };
  const client = make();
  const server = make();
  let serverPeer: EnetPeer | undefined;
  let up = false;
  server.on('connect', (p) => (serverPeer = p));
  client.on('connect', () => (up = true));
  const clientPeer = client.connect(server.address(), 2, 0);
  for (let i = 0; i < HANDSHAKE_TURNS && !(up && serverPeer); i++) {
    await turn();
    net.deliver(); // latency 0: everything sent so far is due now
  }
  if (!up || !serverPeer) throw new Error('handshake did not complete on activity alone');
  await turn(); // the last acknowledgements out
  net.deliver();
  await turn();
  return { net, client, server, clientPeer, serverPeer };
}

describe('ENet real-time mode: no wait for the service timer', () => {
  it('connects on activity alone (no timer fired, no simulated time passed)', async () => {
    const { net, clientPeer, serverPeer } = await connectedPair();
    expect(clientPeer.connected).toBe(true);
    expect(serverPeer.connected).toBe(true);
    expect(net.clock.now()).toBe(0);
    expect(vi.getTimerCount()).toBe(2); // the two hosts' service intervals, never run
  });

  it('a packet queued outside service() leaves by the end of the macrotask that queued it', async () => {
    const { net, clientPeer } = await connectedPair();
    const before = net.counts.sent;
    expect(clientPeer.send(0, bytes(1, 2, 3), {})).toBe(true);
    expect(clientPeer.send(1, bytes(4, 5), { reliable: true })).toBe(true);
    await Promise.resolve(); // one microtask: no timer, no setImmediate turn
    expect(net.counts.sent).toBe(before + 1); // both packets, one datagram
  });

  it('a broadcast is flushed the same way', async () => {
    const { net, server } = await connectedPair();
    const before = net.counts.sent;
    server.broadcast(0, bytes(9), {});
    await Promise.resolve();
    expect(net.counts.sent).toBe(before + 1);
  });

  it('a datagram that arrives is delivered within one event-loop turn', async () => {
    const { net, clientPeer, server } = await connectedPair();
    const got: number[][] = [];
    server.on('receive', (_p, channel, data) => got.push([channel, ...data]));
    clientPeer.send(1, bytes(7, 8), { reliable: true });
    await Promise.resolve();
    expect(net.deliver()).toBe(1);
    expect(got).toEqual([]); // taken in on the next turn, not inside the socket callback
    await turn();
    expect(got).toEqual([[1, 7, 8]]);
  });

  it('a reply queued by a receive handler leaves in that same service, acknowledgement included', async () => {
    const { net, client, clientPeer, server } = await connectedPair();
    const replies: number[][] = [];
    server.on('receive', (peer, channel, data) =>
      peer.send(
        channel,
        data.map((b) => b + 1),
        { reliable: true },
      ),
    );
    client.on('receive', (_p, _c, data) => replies.push([...data]));
    clientPeer.send(0, bytes(41), { reliable: true });
    await Promise.resolve();
    net.deliver();
    const before = net.counts.sent;
    await turn();
    expect(net.counts.sent).toBe(before + 1); // the echo and the ack of the request together
    net.deliver();
    await turn();
    expect(replies).toEqual([[42]]);
    expect(net.clock.now()).toBe(0);
  });
});
