// Behaviour of the TS ENet host on the simulated network: handshake, channels, the four
// ways to disconnect, limits, checksum, MTU, timeouts and the clock wrap.
import { describe, expect, it } from 'vitest';
import { ENET_PEER_TIMEOUT_MAXIMUM_MS, ENET_PEER_TIMEOUT_MINIMUM_MS } from '../../src/net/enet/constants.js';
import { SimClock } from '../../src/util/clock.js';
import type { EnetPeer } from '../../src/net/enet/peer-api.js';
import { SimWorld, collect, payload } from './harness.js';

describe('enet on the simulated network', () => {
  it('connects with connect data, exchanges on several channels, disconnects with data', () => {
    const w = new SimWorld({ seed: 1, latencyMs: 5 });
    const server = w.host({ peerLimit: 4 });
    const client = w.host({ peerLimit: 4 });
    let serverConnectData = -1;
    server.on('connect', (_p, data) => {
      serverConnectData = data;
    });
    const got = collect(server);
    const back = collect(client);
    const { clientPeer, serverPeer } = w.connect(client, server, 3, 0xdeadbeef);
    expect(serverConnectData).toBe(0xdeadbeef);
    expect(clientPeer.channelCount).toBe(3);
    expect(serverPeer.channelCount).toBe(3);
    expect(clientPeer.stateName).toBe('connected');
    expect(clientPeer.send(0, payload(0, 1), { reliable: true })).toBe(true);
    expect(clientPeer.send(1, payload(1, 2))).toBe(true);
    expect(clientPeer.send(2, payload(2, 3), { unsequenced: true })).toBe(true);
    expect(clientPeer.send(3, payload(3, 4))).toBe(false); // no such channel
    expect(serverPeer.send(1, payload(1, 9), { reliable: true })).toBe(true);
    w.run(100);
    expect(got.map((r) => [r.channelId, r.flags])).toEqual([
      [0, 1],
      [1, 0],
      [2, 2],
    ]);
    expect(back.map((r) => r.channelId)).toEqual([1]);
    expect(clientPeer.stats.rtt).toBeGreaterThanOrEqual(10);
    expect(clientPeer.stats.rtt).toBeLessThan(40);
    const events: string[] = [];
    server.on('disconnect', (_p, d) => events.push(`server:${d}`));
    client.on('disconnect', (_p, d) => events.push(`client:${d}`));
    clientPeer.disconnect(77);
    expect(clientPeer.stateName).toBe('disconnecting');
    w.run(200);
    expect(events.sort()).toEqual(['client:0', 'server:77']);
    expect(serverPeer.stateName).toBe('disconnected');
    expect(server.connectedPeerCount).toBe(0);
  });

  it('disconnectLater delivers every queued reliable packet first', () => {
    const w = new SimWorld({ seed: 2, latencyMs: 10, loss: 0.2 });
    const server = w.host();
    const client = w.host();
    const got = collect(server);
    const { clientPeer } = w.connect(client, server, 1);
    clientPeer.setTimeout(0, 60_000, 120_000);
    for (let i = 0; i < 50; i++) clientPeer.send(0, payload(0, i, 300), { reliable: true });
    let disconnected = -1;
    server.on('disconnect', (_p, d) => {
      disconnected = d;
    });
    clientPeer.disconnectLater(5);
    expect(clientPeer.stateName).toBe('disconnect_later');
    expect(clientPeer.send(0, payload(0, 99), { reliable: true })).toBe(false);
    w.run(30_000, 1, () => disconnected >= 0);
    expect(got.length).toBe(50);
    expect(disconnected).toBe(5);
  });

  it('disconnectNow tells the remote and raises no local event', () => {
    const w = new SimWorld({ seed: 3, latencyMs: 5 });
    const server = w.host();
    const client = w.host();
    const { clientPeer } = w.connect(client, server, 1);
    const local: number[] = [];
    const remote: number[] = [];
    client.on('disconnect', (_p, d) => local.push(d));
    server.on('disconnect', (_p, d) => remote.push(d));
    clientPeer.disconnectNow(9);
    expect(clientPeer.stateName).toBe('disconnected');
    w.run(100);
    expect(local).toEqual([]);
    expect(remote).toEqual([9]);
  });

  it('reset forgets silently; the remote times out within ENet limits', () => {
    const w = new SimWorld({ seed: 4, latencyMs: 5 });
    const server = w.host();
    const client = w.host();
    const { clientPeer, serverPeer } = w.connect(client, server, 1);
    let at = -1;
    const start = w.net.clock.now();
    server.on('disconnect', (p) => {
      if (p === serverPeer) at = w.net.clock.now();
    });
    clientPeer.reset();
    w.run(ENET_PEER_TIMEOUT_MAXIMUM_MS + 5_000, 5, () => at >= 0);
    expect(at).toBeGreaterThan(0);
    const waited = at - start;
    expect(waited).toBeGreaterThanOrEqual(ENET_PEER_TIMEOUT_MINIMUM_MS);
    expect(waited).toBeLessThanOrEqual(ENET_PEER_TIMEOUT_MAXIMUM_MS + 1_000);
  });

  it('a silent peer (link cut) is timed out within ENet limits on both sides', () => {
    const w = new SimWorld({ seed: 5, latencyMs: 20 });
    const server = w.host();
    const client = w.host();
    const { clientPeer } = w.connect(client, server, 1);
    clientPeer.send(0, payload(0, 1), { reliable: true });
    w.run(3_000); // settle the RTT estimate
    const cut = w.net.clock.now();
    w.net.setLink({ loss: 1 });
    const times: Record<string, number> = {};
    server.on('disconnect', () => {
      times.server = w.net.clock.now() - cut;
    });
    client.on('disconnect', () => {
      times.client = w.net.clock.now() - cut;
    });
    w.run(ENET_PEER_TIMEOUT_MAXIMUM_MS + 5_000, 5, () => times.server !== undefined && times.client !== undefined);
    for (const side of ['server', 'client']) {
      expect(times[side]).toBeGreaterThanOrEqual(ENET_PEER_TIMEOUT_MINIMUM_MS);
      // ENet notices on the first timeout check past the limit; a ping interval of slack.
      expect(times[side]).toBeLessThanOrEqual(ENET_PEER_TIMEOUT_MAXIMUM_MS + 1_000);
    }
  });

  it('a connect to nobody fails with a disconnect event', () => {
    const w = new SimWorld({ seed: 6, latencyMs: 5 });
    const client = w.host();
    let failed = false;
    client.on('disconnect', () => {
      failed = true;
    });
    const peer = client.connect({ address: '10.9.9.9', port: 1 }, 1);
    w.run(ENET_PEER_TIMEOUT_MAXIMUM_MS + 5_000, 5, () => failed);
    expect(failed).toBe(true);
    expect(peer.stateName).toBe('disconnected');
  });

  it('holds at most peerLimit peers and caps channels at channelLimit', () => {
    const w = new SimWorld({ seed: 7, latencyMs: 5 });
    const server = w.host({ peerLimit: 2, channelLimit: 2 });
    const clients = [w.host(), w.host(), w.host()];
    const serverPeers: EnetPeer[] = [];
    server.on('connect', (p) => serverPeers.push(p));
    const peers = clients.map((c) => c.connect(server.address(), 4));
    w.run(2_000);
    expect(serverPeers.length).toBe(2);
    expect(server.connectedPeerCount).toBe(2);
    expect(peers.filter((p) => p.connected).length).toBe(2);
    for (const p of peers.filter((x) => x.connected)) expect(p.channelCount).toBe(2);
    for (const p of serverPeers) expect(p.channelCount).toBe(2);
  });

  it('checksums work when both sides enable them and refuse a side that does not', () => {
    const w = new SimWorld({ seed: 8, latencyMs: 5 });
    const server = w.host({ checksum: true });
    const good = w.host({ checksum: true });
    const got = collect(server);
    const { clientPeer } = w.connect(good, server, 1);
    clientPeer.send(0, payload(0, 1, 3000), { reliable: true });
    w.run(200);
    expect(got.length).toBe(1);
    const bad = w.host({ checksum: false });
    let badConnected = false;
    bad.on('connect', () => {
      badConnected = true;
    });
    bad.connect(server.address(), 1);
    w.run(2_000);
    expect(badConnected).toBe(false);
    expect(server.stats.drops.checksum).toBeGreaterThan(0);
  });

  it("uses the connecting side's MTU (as ENet does) and fragments to fit it", () => {
    const w = new SimWorld({ seed: 9, latencyMs: 5 });
    const server = w.host({ mtu: 1400 });
    const client = w.host({ mtu: 600 });
    const got = collect(server);
    const { clientPeer, serverPeer } = w.connect(client, server, 1);
    expect(clientPeer.mtu).toBe(600);
    expect(serverPeer.mtu).toBe(600);
    let biggest = 0;
    const t = client.transport;
    const send = t.send.bind(t);
    t.send = (d, to) => {
      biggest = Math.max(biggest, d.length);
      return send(d, to);
    };
    clientPeer.send(0, payload(0, 1, 5000), { reliable: true });
    w.run(500);
    expect(got[0].data).toEqual(payload(0, 1, 5000));
    expect(biggest).toBeLessThanOrEqual(600);
  });

  it('keeps working across the 2^32 ms wrap of the clock', () => {
    const clock = new SimClock(2 ** 32 - 3_000);
    const w = new SimWorld({ seed: 10, latencyMs: 15, loss: 0.1, clock });
    const server = w.host();
    const client = w.host();
    const got = collect(server);
    const { clientPeer } = w.connect(client, server, 1);
    let i = 0;
    const disconnects: number[] = [];
    client.on('disconnect', (_p, d) => disconnects.push(d));
    w.run(10_000, 1, () => {
      if (i < 200 && w.net.clock.now() % 25 === 0) clientPeer.send(0, payload(0, i++), { reliable: true });
      return false;
    });
    expect(got.length).toBe(200);
    expect(disconnects).toEqual([]);
    expect(clientPeer.stats.rtt).toBeLessThan(200);
  });

  it('throttle configure and ping reach the remote; bandwidth limits are announced', () => {
    const w = new SimWorld({ seed: 11, latencyMs: 5 });
    const server = w.host({ incomingBandwidth: 100_000, outgoingBandwidth: 50_000 });
    const client = w.host({ incomingBandwidth: 80_000, outgoingBandwidth: 300_000 });
    const other = w.host({ outgoingBandwidth: 300_000 });
    const { clientPeer, serverPeer } = w.connect(client, server, 1);
    const { clientPeer: otherPeer } = w.connect(other, server, 1);
    expect(clientPeer.incomingBandwidth).toBe(100_000);
    expect(clientPeer.outgoingBandwidth).toBe(50_000);
    expect(serverPeer.incomingBandwidth).toBe(80_000);
    clientPeer.throttleConfigure(1000, 4, 3);
    clientPeer.ping();
    w.run(1_500); // past the host's bandwidth throttle interval: BANDWIDTH_LIMIT goes out
    expect(serverPeer.packetThrottleInterval).toBe(1000);
    expect(serverPeer.packetThrottleAcceleration).toBe(4);
    expect(serverPeer.packetThrottleDeceleration).toBe(3);
    // The server shares its 100 kB/s incoming between two fast senders and tells each.
    expect(clientPeer.incomingBandwidth).toBe(50_000);
    expect(otherPeer.incomingBandwidth).toBe(50_000);
    expect(serverPeer.windowSize).toBe(4096); // min(80 k, 50 k) / 64 KiB → ENet's minimum window
  });
});

describe('enet host API', () => {
  it('broadcasts one packet to every connected peer and keeps per-peer and host counters', () => {
    const w = new SimWorld({ seed: 12, latencyMs: 5 });
    const server = w.host();
    const a = w.host();
    const b = w.host();
    const gotA = collect(a);
    const gotB = collect(b);
    const { clientPeer } = w.connect(a, server, 2);
    w.connect(b, server, 2);
    const data = payload(1, 7, 3000);
    server.broadcast(1, data, { reliable: true });
    data.fill(0); // the host kept its own copy
    w.run(200);
    expect(gotA.map((r) => r.data)).toEqual([payload(1, 7, 3000)]);
    expect(gotB.map((r) => r.data)).toEqual([payload(1, 7, 3000)]);
    const s = clientPeer.stats;
    expect(s.bytesReceived).toBeGreaterThan(3000);
    expect(s.packetsSent).toBeGreaterThan(0);
    expect(s.packetLoss).toBe(0);
    expect(server.stats.datagramsSent).toBeGreaterThan(4);
    expect(clientPeer.send(1.5, payload(0, 1))).toBe(false);
    expect(clientPeer.send(-1, payload(0, 1))).toBe(false);
  });

  it('rejects bad options with a typed error and refuses connect() when every slot is taken', () => {
    const w = new SimWorld({ seed: 13 });
    expect(() => w.host({ peerLimit: 0 })).toThrow(/peerLimit/);
    expect(() => w.host({ mtu: 100 })).toThrow(/mtu/);
    const h = w.host({ peerLimit: 1 });
    h.connect({ address: '10.1.1.1', port: 1 }, 1);
    expect(() => h.connect({ address: '10.1.1.2', port: 1 }, 1)).toThrow(/peer slots/);
    h.destroy();
    expect(() => h.connect({ address: '10.1.1.1', port: 1 }, 1)).toThrow(/destroyed/);
    expect(h.service()).toBe(0);
  });
});
