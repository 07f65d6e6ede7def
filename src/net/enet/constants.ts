// ENet 1.3.17 limits and defaults, named as ENet names them (include/enet/enet.h,
// include/enet/protocol.h). Units are in the names where ENet's names carry none in comments.
// Option defaults of EnetHost live in DEFAULT_HOST_OPTIONS at the bottom.

// protocol.h
export const ENET_PROTOCOL_MINIMUM_MTU = 576;
export const ENET_PROTOCOL_MAXIMUM_MTU = 4096;
export const ENET_PROTOCOL_MAXIMUM_PACKET_COMMANDS = 32;
export const ENET_PROTOCOL_MINIMUM_WINDOW_SIZE = 4096;
export const ENET_PROTOCOL_MAXIMUM_WINDOW_SIZE = 65536;
export const ENET_PROTOCOL_MINIMUM_CHANNEL_COUNT = 1;
export const ENET_PROTOCOL_MAXIMUM_CHANNEL_COUNT = 255;
export const ENET_PROTOCOL_MAXIMUM_PEER_ID = 0xfff;
export const ENET_PROTOCOL_MAXIMUM_FRAGMENT_COUNT = 1024 * 1024;

/** Datagram scatter limit of ENet's send path: one header plus a command and a payload each. */
export const ENET_BUFFER_MAXIMUM = 1 + 2 * ENET_PROTOCOL_MAXIMUM_PACKET_COMMANDS;

// enet.h: host
export const ENET_HOST_RECEIVE_BUFFER_SIZE_BYTES = 256 * 1024;
export const ENET_HOST_SEND_BUFFER_SIZE_BYTES = 256 * 1024;
export const ENET_HOST_BANDWIDTH_THROTTLE_INTERVAL_MS = 1000;
/** ENet 1.3.17 says 1400; 1.3.18 lowered it to 1392 to leave room for tunnels. Both interoperate. */
export const ENET_HOST_DEFAULT_MTU = 1392;
export const ENET_HOST_DEFAULT_MAXIMUM_PACKET_SIZE_BYTES = 32 * 1024 * 1024;
export const ENET_HOST_DEFAULT_MAXIMUM_WAITING_DATA_BYTES = 32 * 1024 * 1024;
/** ENet's duplicatePeers default: as many peers per IP as there are peer ids. */
export const ENET_HOST_DEFAULT_DUPLICATE_PEERS = ENET_PROTOCOL_MAXIMUM_PEER_ID;
/** ENet reads at most this many datagrams per receive pass of enet_host_service. */
export const ENET_HOST_RECEIVE_DATAGRAMS_PER_SERVICE = 256;

// enet.h: peer
export const ENET_PEER_DEFAULT_ROUND_TRIP_TIME_MS = 500;
export const ENET_PEER_DEFAULT_PACKET_THROTTLE = 32;
export const ENET_PEER_PACKET_THROTTLE_SCALE = 32;
export const ENET_PEER_PACKET_THROTTLE_COUNTER = 7;
export const ENET_PEER_PACKET_THROTTLE_ACCELERATION = 2;
export const ENET_PEER_PACKET_THROTTLE_DECELERATION = 2;
export const ENET_PEER_PACKET_THROTTLE_INTERVAL_MS = 5000;
export const ENET_PEER_PACKET_LOSS_SCALE = 1 << 16;
export const ENET_PEER_PACKET_LOSS_INTERVAL_MS = 10000;
export const ENET_PEER_WINDOW_SIZE_SCALE = 64 * 1024;
export const ENET_PEER_TIMEOUT_LIMIT = 32;
export const ENET_PEER_TIMEOUT_MINIMUM_MS = 5000;
export const ENET_PEER_TIMEOUT_MAXIMUM_MS = 30000;
export const ENET_PEER_PING_INTERVAL_MS = 500;
export const ENET_PEER_UNSEQUENCED_WINDOWS = 64;
export const ENET_PEER_UNSEQUENCED_WINDOW_SIZE = 1024;
export const ENET_PEER_FREE_UNSEQUENCED_WINDOWS = 32;
export const ENET_PEER_RELIABLE_WINDOWS = 16;
export const ENET_PEER_RELIABLE_WINDOW_SIZE = 0x1000;
export const ENET_PEER_FREE_RELIABLE_WINDOWS = 8;

// enet.h: packet flags (the `flags` of a received packet and of peer.send)
export const ENET_PACKET_FLAG_RELIABLE = 1 << 0;
export const ENET_PACKET_FLAG_UNSEQUENCED = 1 << 1;
export const ENET_PACKET_FLAG_UNRELIABLE_FRAGMENT = 1 << 3;

// time.h
/** Two times further apart than this are taken to have wrapped (24 h in ms). */
export const ENET_TIME_OVERFLOW_MS = 86_400_000;

// This implementation's own limits (not ENet's)
/** Datagrams queued between two services before further ones are dropped (counted). */
export const HOST_INBOX_LIMIT_DATAGRAMS = 4096;
/** Real-time mode: how often the host services itself when nothing else wakes it. */
export const HOST_SERVICE_INTERVAL_MS = 5;
/**
 * Real-time mode: while other traffic keeps the host serviced (datagrams in, packets flushed),
 * its timer only looks this often (service-scheduler.ts); the periodic work is at most this late
 * once the traffic stops.
 */
export const HOST_SERVICE_BUSY_CHECK_MS = 200;
/** Longest service timer period a host accepts (serviceIntervalMs). */
export const HOST_SERVICE_INTERVAL_MAX_MS = 60_000;
/** Half-open connections (CONNECT received, VERIFY_CONNECT not acknowledged) from one IP address (half-open.ts). */
export const HOST_HALF_OPEN_PER_ADDRESS = 4;
/** Half-open connections in all; past it the oldest is evicted (half-open.ts). */
export const HOST_HALF_OPEN_TOTAL = 32;
/** Outgoing datagrams are carved from slabs this big (datagram-builder.ts): one allocation per ≈ 45 full datagrams. */
export const HOST_DATAGRAM_SLAB_BYTES = 64 * 1024;
/** Retired outgoing command records a host keeps for reuse (outgoing.ts); beyond, they are left to the GC. */
export const HOST_COMMAND_POOL_MAX_COMMANDS = 4096;
/** Released incoming command records a peer keeps for reuse (incoming.ts); beyond, they are left to the GC. */
export const PEER_INCOMING_POOL_MAX_COMMANDS = 1024;
/** Where the next datagram starts in a slab is rounded up to this. */
export const HOST_DATAGRAM_ALIGN_BYTES = 8;

export interface HostDefaults {
  peerLimit: number;
  channelLimit: number;
  incomingBandwidth: number;
  outgoingBandwidth: number;
  mtu: number;
  checksum: boolean;
  maximumPacketSize: number;
  maximumWaitingData: number;
  duplicatePeers: number;
  serviceIntervalMs: number;
  compressor: 'none' | 'range-coder';
  halfOpenPerAddress: number;
  halfOpenTotal: number;
}

/** Option defaults of EnetHost, in one place. Bandwidths are bytes/s, 0 = unlimited (as in ENet). */
export const DEFAULT_HOST_OPTIONS: Readonly<HostDefaults> = Object.freeze({
  peerLimit: 32,
  channelLimit: ENET_PROTOCOL_MAXIMUM_CHANNEL_COUNT,
  incomingBandwidth: 0,
  outgoingBandwidth: 0,
  mtu: ENET_HOST_DEFAULT_MTU,
  checksum: false,
  maximumPacketSize: ENET_HOST_DEFAULT_MAXIMUM_PACKET_SIZE_BYTES,
  maximumWaitingData: ENET_HOST_DEFAULT_MAXIMUM_WAITING_DATA_BYTES,
  duplicatePeers: ENET_HOST_DEFAULT_DUPLICATE_PEERS,
  serviceIntervalMs: HOST_SERVICE_INTERVAL_MS,
  compressor: 'none',
  halfOpenPerAddress: HOST_HALF_OPEN_PER_ADDRESS,
  halfOpenTotal: HOST_HALF_OPEN_TOTAL,
});
