// What a peer is to code outside ENet (the server, the sidecar, the NAT layer, tests of those):
// its id, address, state name, statistics and the send/disconnect calls. The protocol state
// behind it (sequence numbers, windows, round-trip and throttle figures, queues) lives in
// peer.ts's Peer, which only ENet's own modules touch: nothing outside can set a peer's
// round-trip time or state, and ENet can change that state's layout without breaking callers.
import type { SendOptions } from './packet.js';
import type { PeerStateName } from './peer-state.js';
import type { DatagramAddress } from './transport.js';

export interface PeerStats {
  /** Mean round-trip time, ms. */
  rtt: number;
  rttVariance: number;
  /** Mean loss of reliable commands, 0..1 (ENet's packetLoss / ENET_PEER_PACKET_LOSS_SCALE). */
  packetLoss: number;
  bytesSent: number;
  bytesReceived: number;
  /** Commands sent / reliable commands that needed a resend, since connect. */
  packetsSent: number;
  packetsLost: number;
}

/**
 * One channel's unreliable sends, lent to a sender outside this ENet (the sidecar's native path,
 * which builds those datagrams itself): what their headers need. The lender must not send
 * unreliably on that channel until the numbers come back (EnetPeer.returnUnreliable).
 */
export interface UnreliableLease {
  /** The remote's id for us (the datagram header's peer id) and the session bits beside it. */
  outgoingPeerId: number;
  outgoingSessionId: number;
  /** The channel's last reliable and unreliable sequence numbers. */
  reliableSeq: number;
  unreliableSeq: number;
}

export interface EnetPeer {
  /** Our id for this peer: its slot in the host (ENet's incomingPeerID). */
  readonly id: number;
  readonly address: DatagramAddress;
  readonly stateName: PeerStateName;
  readonly connected: boolean;
  readonly channelCount: number;
  readonly stats: PeerStats;
  /** Application slot, never touched by ENet. */
  userData: unknown;
  /**
   * Queue `data` (copied) on `channelId`. False when the peer is not connected, the channel does
   * not exist or the packet is too big (ENet's enet_peer_send returning -1).
   */
  send(channelId: number, data: Uint8Array, options?: SendOptions | number): boolean;
  /** Graceful disconnect: the remote acknowledges, then both sides see a `disconnect` event. */
  disconnect(data?: number): void;
  /** Disconnect once every queued outgoing packet has been sent and acknowledged. */
  disconnectLater(data?: number): void;
  /** Tell the remote (one unacknowledged datagram) and forget the peer now; no local event. */
  disconnectNow(data?: number): void;
  /** Lends `channelId`'s unreliable numbering (null when not connected or no such channel). */
  lendUnreliable(channelId: number): UnreliableLease | null;
  /** Takes the channel's last unreliable sequence number back from the borrower. */
  returnUnreliable(channelId: number, unreliableSeq: number): void;
  /** Send a ping now (ENet pings idle peers every ping interval on its own). */
  ping(): void;
  setPingInterval(ms: number): void;
  /** ENet's enet_peer_timeout: 0 keeps ENet's default for that parameter. */
  setTimeout(limit: number, minimumMs: number, maximumMs: number): void;
  /** ENet's enet_peer_throttle_configure; also tells the remote. */
  throttleConfigure(intervalMs: number, acceleration: number, deceleration: number): void;
  /** Forget the peer without telling the remote (it will time out). No event. */
  reset(): void;
}
