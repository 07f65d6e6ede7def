// Binds CoopServer to an ENet host over UDP: every ENet peer becomes a Connection via PeerLink.
import { EnetHost, UdpTransport, type EnetPeer } from '../net/enet/index.js';
import type { DatagramTransport } from '../net/enet/transport.js';
import { CHANNEL_COUNT, CHANNEL_SNAPSHOT, CHANNEL_VOICE } from '../protocol/constants.js';
import type { Connection, PeerLink } from './connection.js';
import type { CoopServer } from './server.js';

export interface EnetListenOptions {
  host: string;
  port: number;
  peerLimit: number;
  /** Use this transport instead of binding UDP (ICE/TURN paths, tests). */
  transport?: DatagramTransport;
}

export interface EnetListener {
  readonly host: EnetHost;
  readonly port: number;
  close(): void;
}

function linkFor(peer: EnetPeer): PeerLink {
  return {
    send(channel, bytes, reliable) {
      if (!peer.connected) return;
      const unreliable = channel === CHANNEL_SNAPSHOT || channel === CHANNEL_VOICE;
      peer.send(channel, bytes, reliable || !unreliable ? { reliable: true } : { unreliableFragment: true });
    },
    close() { peer.disconnectLater(0); },
    get pingMs() { return peer.stats.rtt; },
    address: `${peer.address.address}:${peer.address.port}`,
  };
}

export async function listenEnet(server: CoopServer, opts: EnetListenOptions): Promise<EnetListener> {
  const transport = opts.transport ?? (await UdpTransport.bind({ address: opts.host, port: opts.port }));
  const host = new EnetHost({ transport, peerLimit: opts.peerLimit, channelLimit: CHANNEL_COUNT });
  const conns = new Map<EnetPeer, Connection>();
  host.on('connect', (peer) => { conns.set(peer, server.peerConnected(linkFor(peer))); });
  host.on('receive', (peer, channel, data) => {
    const c = conns.get(peer);
    if (c) server.peerMessage(c, channel, data);
  });
  host.on('disconnect', (peer) => {
    const c = conns.get(peer);
    if (!c) return;
    conns.delete(peer);
    server.peerGone(c, 'link closed');
  });
  return {
    host,
    port: transport.localAddress().port,
    close() { host.flush(); host.destroy(); },
  };
}
