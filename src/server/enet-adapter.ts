// Binds CoopServer to an ENet host over UDP (or another datagram transport, e.g. ICE): every
// ENet peer becomes a Connection via PeerLink.
import type { PeerNetView } from './admin/session-view.js';
import { EnetHost, UdpTransport, type EnetPeer, type SendOptions, type UdpBindOptions } from '../net/enet/index.js';
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
  /** Connection stats of a peer by its transport address; default: direct UDP, ENet's byte counts. */
  netOf?: (address: string) => PeerNetView | undefined;
  /** Told when a peer's ENet connection is up. */
  onPeerUp?: (address: string) => void;
  /** Told when a peer's ENet connection ends (the ICE listener frees its agent). */
  onPeerGone?: (address: string) => void;
}

export interface EnetListener {
  readonly host: EnetHost;
  readonly port: number;
  /** How datagrams leave, for the startup log: batched, or one by one and why. */
  readonly udpSends: string;
  close(): void;
}

function udpNet(peer: EnetPeer): PeerNetView {
  const s = peer.stats;
  return { path: 'udp', connectMs: null, bytesSent: s.bytesSent, bytesReceived: s.bytesReceived };
}

/** How a message on `channel` goes out: snapshots and voice unreliable (fragments too), the rest reliable. */
export function enetSendOptions(channel: number, reliable: boolean): SendOptions {
  const unreliable = channel === CHANNEL_SNAPSHOT || channel === CHANNEL_VOICE;
  return reliable || !unreliable ? RELIABLE : UNRELIABLE;
}
const RELIABLE: SendOptions = { reliable: true };
const UNRELIABLE: SendOptions = { unreliableFragment: true };

function linkFor(peer: EnetPeer, netOf: ((address: string) => PeerNetView | undefined) | undefined, aborted: () => void): PeerLink {
  return {
    send(channel, bytes, reliable) {
      if (!peer.connected) return;
      peer.send(channel, bytes, enetSendOptions(channel, reliable));
    },
    close() {
      peer.disconnectLater(0);
    },
    // disconnectNow frees the slot at once and emits no event: the listener forgets the peer here
    abort() {
      peer.disconnectNow(0);
      aborted();
    },
    get pingMs() {
      return peer.stats.rtt;
    },
    net: () => (netOf ? netOf(peer.address.address) : udpNet(peer)),
    address: `${peer.address.address}:${peer.address.port}`,
  };
}

/** The server's UDP socket (bench:server binds its own the same way). */
export const serverUdpOptions = (address: string, port: number): UdpBindOptions => ({ address, port, batchSends: true });

export async function listenEnet(server: CoopServer, opts: EnetListenOptions): Promise<EnetListener> {
  // A tick sends a datagram to every player at once: one sendmmsg for them all where there is one.
  const transport = opts.transport ?? (await UdpTransport.bind(serverUdpOptions(opts.host, opts.port)));
  const host = new EnetHost({
    transport,
    peerLimit: opts.peerLimit,
    channelLimit: CHANNEL_COUNT,
    onHalfOpenEvicted: () => server.countEviction('enet_half_open'),
  });
  const conns = new Map<EnetPeer, Connection>();
  host.on('connect', (peer) => {
    const address = peer.address.address;
    opts.onPeerUp?.(address);
    const aborted = (): void => {
      conns.delete(peer);
      opts.onPeerGone?.(address);
    };
    conns.set(peer, server.peerConnected(linkFor(peer, opts.netOf, aborted)));
  });
  host.on('receive', (peer, channel, data) => {
    const c = conns.get(peer);
    if (c) server.peerMessage(c, channel, data);
  });
  host.on('disconnect', (peer) => {
    opts.onPeerGone?.(peer.address.address);
    const c = conns.get(peer);
    if (!c) return;
    conns.delete(peer);
    server.peerGone(c, 'link closed');
  });
  const udpSends =
    transport instanceof UdpTransport
      ? transport.batching
        ? "a tick's datagrams in one sendmmsg"
        : `one send a datagram (${transport.batchUnavailable ?? 'not asked'})`
      : 'through its own transport';
  return {
    host,
    port: transport.localAddress().port,
    udpSends,
    close() {
      host.flush();
      host.destroy();
    },
  };
}
