// ENet 1.3.17 wire-compatible transport in TypeScript: the public surface.
//
//   const transport = await UdpTransport.bind({ address: '0.0.0.0', port: 7777 });  // or SimNetwork
//   const host = new EnetHost({ transport, peerLimit: 64, channelLimit: 4,
//                               incomingBandwidth: 0, outgoingBandwidth: 0, mtu: 1392, checksum: false,
//                               compressor: 'none' });  // or 'range-coder' (libenet's, byte-exact)
//   host.on('connect',    (peer, data) => ...);                       // data: u32 from connect()
//   host.on('receive',    (peer, channelId, bytes, flags) => ...);    // flags: ENET_PACKET_FLAG_*
//   host.on('disconnect', (peer, data) => ...);                       // data: u32 from disconnect()
//   const peer = host.connect({ address: '127.0.0.1', port: 7777 }, channelCount, data);
//   peer.send(channelId, bytes, { reliable: true })   // or { unsequenced: true }, { unreliableFragment: true },
//                                                     // {} = unreliable sequenced; or the flags number
//   peer.disconnect(data) | peer.disconnectLater(data) | peer.disconnectNow(data) | peer.reset()
//   peer.stats  // { rtt, rttVariance, packetLoss (0..1), bytesSent, bytesReceived, packetsSent, packetsLost }
//   host.service()  // real time: automatic (timer + activity); simulated clock: pass autoService: false
//   host.flush(); host.broadcast(channelId, bytes, options); host.destroy();
//
// Events are emitted from inside service() only, never re-entrantly. Hostile datagrams are
// counted in host.stats.drops and never throw.
export { EnetHost } from './host.js';
export type { EnetHostEvents } from './host.js';
export type { EnetHostOptions, EnetLogger } from './host-options.js';
export type { HostStats } from './host-traffic.js';
export type { EnetPeer, PeerStats, UnreliableLease } from './peer-api.js';
export { PeerState, PEER_STATE_NAMES } from './peer-state.js';
export type { PeerStateName, PeerStateValue } from './peer-state.js';
export { packetFlagsFrom } from './packet.js';
export type { EnetPacket, SendOptions } from './packet.js';
export { EnetError } from './errors.js';
export type { EnetErrorCode } from './errors.js';
export type { DropReason } from './receive.js';
export type { HalfOpenEviction, HalfOpenLimits } from './half-open.js';
export { UdpTransport } from './udp.js';
export type { UdpBindOptions } from './udp.js';
export { SimNetwork, SimTransport } from './sim-network.js';
export type { SimLinkOptions, SimNetworkOptions } from './sim-network.js';
export type { DatagramAddress, DatagramHandler, DatagramTransport } from './transport.js';
export {
  DEFAULT_HOST_OPTIONS,
  ENET_HOST_DEFAULT_MTU,
  ENET_PACKET_FLAG_RELIABLE,
  ENET_PACKET_FLAG_UNRELIABLE_FRAGMENT,
  ENET_PACKET_FLAG_UNSEQUENCED,
  ENET_PEER_TIMEOUT_MAXIMUM_MS,
  ENET_PEER_TIMEOUT_MINIMUM_MS,
  ENET_PROTOCOL_MAXIMUM_CHANNEL_COUNT,
  ENET_PROTOCOL_MAXIMUM_PEER_ID,
  HOST_HALF_OPEN_PER_ADDRESS,
  HOST_HALF_OPEN_TOTAL,
} from './constants.js';
export { crc32 } from '../../util/crc32.js';
