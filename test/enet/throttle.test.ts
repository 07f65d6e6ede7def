// ENet's packet throttle and bandwidth limits on the simulated network: unreliable packets are
// dropped at the sender when the round-trip time climbs or the bandwidth is exceeded, and the
// throttle recovers when the link does. Reliable packets are never throttled.
import { describe, expect, it } from 'vitest';
import { ENET_PEER_PACKET_THROTTLE_SCALE } from '../../src/net/enet/constants.js';
import { SimWorld, collect, payload } from './harness.js';

describe('enet packet throttle and bandwidth limits', () => {
  it('drops unreliable packets when the RTT climbs and recovers when it falls', () => {
    const w = new SimWorld({ seed: 21, latencyMs: 10 });
    const server = w.host();
    const client = w.host();
    const got = collect(server);
    const { clientPeer } = w.connect(client, server, 2);
    const stream = (ms: number): void => {
      for (let t = 0; t < ms; t += 10) {
        clientPeer.send(0, payload(0, t, 40), { reliable: true }); // keeps RTT samples coming
        clientPeer.send(1, payload(1, t, 100));
        w.run(10);
      }
    };
    stream(6_000); // a calm link, longer than the 5 s throttle interval
    expect(clientPeer.packetThrottle).toBe(ENET_PEER_PACKET_THROTTLE_SCALE);
    expect(client.stats.throttledPackets).toBe(0);
    w.net.setLink({ latencyMs: 40, jitterMs: 200 }); // the round trip climbs and wobbles
    stream(3_000);
    expect(clientPeer.packetThrottle).toBeLessThan(ENET_PEER_PACKET_THROTTLE_SCALE);
    const throttled = client.stats.throttledPackets;
    expect(throttled).toBeGreaterThan(0);
    w.net.setLink({ latencyMs: 10, jitterMs: 0 });
    stream(12_000);
    w.run(500);
    expect(clientPeer.packetThrottle).toBe(ENET_PEER_PACKET_THROTTLE_SCALE);
    // Every reliable packet arrived despite the throttle.
    expect(got.filter((r) => r.channelId === 0).length).toBe(2_100);
  });

  it('limits unreliable traffic to the outgoing bandwidth and tells peers our incoming limit', () => {
    const w = new SimWorld({ seed: 22, latencyMs: 5 });
    const server = w.host({ outgoingBandwidth: 20_000, incomingBandwidth: 50_000 });
    const client = w.host();
    const got = collect(client);
    const { serverPeer } = w.connect(client, server, 1);
    let sentBytes = 0;
    for (let t = 0; t < 10_000; t += 10) {
      serverPeer.send(0, payload(0, t, 1000)); // 100 kB/s of unreliable data
      sentBytes += 1000;
      w.run(10);
    }
    const receivedBytes = got.reduce((n, r) => n + r.data.length, 0);
    expect(serverPeer.packetThrottleLimit).toBeLessThan(ENET_PEER_PACKET_THROTTLE_SCALE);
    expect(server.stats.throttledPackets).toBeGreaterThan(0);
    expect(receivedBytes).toBeLessThan(sentBytes / 2);
    expect(receivedBytes).toBeGreaterThan(0);
    // The client knows the server's limits (VERIFY_CONNECT, then BANDWIDTH_LIMIT).
    expect(client.slots[0].outgoingBandwidth).toBe(20_000);
  });
});
