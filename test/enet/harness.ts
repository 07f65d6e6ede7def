// Test harness: two or more EnetHosts on one seeded SimNetwork, stepped by hand.
import { EnetHost } from '../../src/net/enet/host.js';
import type { EnetHostOptions } from '../../src/net/enet/host-options.js';
import type { EnetPeer } from '../../src/net/enet/peer-api.js';
import type { Peer } from '../../src/net/enet/peer.js';
import { SimNetwork, type SimNetworkOptions } from '../../src/net/enet/sim-network.js';

export interface Received {
  peer: EnetPeer;
  channelId: number;
  data: Uint8Array;
  flags: number;
}

export class SimWorld {
  readonly net: SimNetwork;
  readonly hosts: EnetHost[] = [];

  constructor(options: SimNetworkOptions) {
    this.net = new SimNetwork(options);
  }

  host(options: Partial<EnetHostOptions> = {}): EnetHost {
    const h = new EnetHost({ peerLimit: 8, ...options, transport: this.net.createTransport(), clock: this.net.clock, autoService: false });
    this.hosts.push(h);
    return h;
  }

  /** Advance simulated time by `ms` in steps of `stepMs`, servicing every host each step. */
  run(ms: number, stepMs = 1, until?: () => boolean): number {
    let t = 0;
    while (t < ms) {
      this.net.clock.advance(stepMs);
      t += stepMs;
      this.net.deliver();
      for (const h of this.hosts) h.service();
      if (until?.()) break;
    }
    return t;
  }

  /**
   * Connect `client` to `server`; runs until both sides saw `connect`. The peers come back as
   * ENet's own Peer: these are white-box tests of ENet, which read its throttle and windows.
   */
  connect(client: EnetHost, server: EnetHost, channels: number, data = 0, budgetMs = 60_000): { clientPeer: Peer; serverPeer: Peer } {
    let serverPeer: EnetPeer | undefined;
    let connected = false;
    const onServer = (p: EnetPeer): void => {
      serverPeer = p;
    };
    const onClient = (): void => {
      connected = true;
    };
    server.on('connect', onServer);
    client.on('connect', onClient);
    const clientPeer = client.connect(server.address(), channels, data);
    this.run(budgetMs, 1, () => connected && serverPeer !== undefined);
    server.off('connect', onServer);
    client.off('connect', onClient);
    if (!connected || serverPeer === undefined) throw new Error('simulated connect did not complete');
    return { clientPeer: clientPeer as Peer, serverPeer: serverPeer as Peer };
  }
}

export function collect(host: EnetHost): Received[] {
  const out: Received[] = [];
  host.on('receive', (peer, channelId, data, flags) => out.push({ peer, channelId, data, flags }));
  return out;
}

/** A payload that encodes (channel, index) in its first 8 bytes, then `size` filler bytes. */
export function payload(channel: number, index: number, size = 16): Uint8Array {
  const b = new Uint8Array(Math.max(8, size));
  const v = new DataView(b.buffer);
  v.setUint32(0, channel);
  v.setUint32(4, index);
  for (let i = 8; i < b.length; i++) b[i] = (index * 31 + i) & 0xff;
  return b;
}

export function indexOf(data: Uint8Array): number {
  return new DataView(data.buffer, data.byteOffset, data.byteLength).getUint32(4);
}
