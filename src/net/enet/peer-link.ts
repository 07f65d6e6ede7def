// A peer's link figures (bandwidth, round trip, packet loss, throttle, timeouts, window) and
// their ENet defaults: what enet_peer_reset puts back, and what a new Peer starts with. Apart
// from peer.ts so the peer's calls and state machine read without forty lines of numbers.
import {
  ENET_PEER_DEFAULT_PACKET_THROTTLE,
  ENET_PEER_DEFAULT_ROUND_TRIP_TIME_MS,
  ENET_PEER_PACKET_THROTTLE_ACCELERATION,
  ENET_PEER_PACKET_THROTTLE_DECELERATION,
  ENET_PEER_PACKET_THROTTLE_INTERVAL_MS,
  ENET_PEER_PACKET_THROTTLE_SCALE,
  ENET_PEER_PING_INTERVAL_MS,
  ENET_PEER_TIMEOUT_LIMIT,
  ENET_PEER_TIMEOUT_MAXIMUM_MS,
  ENET_PEER_TIMEOUT_MINIMUM_MS,
  ENET_PROTOCOL_MAXIMUM_PEER_ID,
  ENET_PROTOCOL_MAXIMUM_WINDOW_SIZE,
} from './constants.js';
import type { Peer } from './peer.js';

/** The link's figures back to ENet's defaults (enet_peer_reset; also the initial values). */
export function resetLink(peer: Peer): void {
  peer.outgoingPeerID = ENET_PROTOCOL_MAXIMUM_PEER_ID;
  peer.connectID = 0;
  peer.incomingBandwidth = 0;
  peer.outgoingBandwidth = 0;
  peer.incomingBandwidthThrottleEpoch = 0;
  peer.outgoingBandwidthThrottleEpoch = 0;
  peer.incomingDataTotal = 0;
  peer.outgoingDataTotal = 0;
  peer.lastSendTime = 0;
  peer.lastReceiveTime = 0;
  peer.nextTimeout = 0;
  peer.earliestTimeout = 0;
  peer.packetLossEpoch = 0;
  peer.packetsSent = 0;
  peer.packetsLost = 0;
  peer.packetLoss = 0;
  peer.packetLossVariance = 0;
  peer.packetThrottle = ENET_PEER_DEFAULT_PACKET_THROTTLE;
  peer.packetThrottleLimit = ENET_PEER_PACKET_THROTTLE_SCALE;
  peer.packetThrottleCounter = 0;
  peer.packetThrottleEpoch = 0;
  peer.packetThrottleAcceleration = ENET_PEER_PACKET_THROTTLE_ACCELERATION;
  peer.packetThrottleDeceleration = ENET_PEER_PACKET_THROTTLE_DECELERATION;
  peer.packetThrottleInterval = ENET_PEER_PACKET_THROTTLE_INTERVAL_MS;
  peer.pingInterval = ENET_PEER_PING_INTERVAL_MS;
  peer.timeoutLimit = ENET_PEER_TIMEOUT_LIMIT;
  peer.timeoutMinimum = ENET_PEER_TIMEOUT_MINIMUM_MS;
  peer.timeoutMaximum = ENET_PEER_TIMEOUT_MAXIMUM_MS;
  peer.lastRoundTripTime = ENET_PEER_DEFAULT_ROUND_TRIP_TIME_MS;
  peer.lowestRoundTripTime = ENET_PEER_DEFAULT_ROUND_TRIP_TIME_MS;
  peer.lastRoundTripTimeVariance = 0;
  peer.highestRoundTripTimeVariance = 0;
  peer.roundTripTime = ENET_PEER_DEFAULT_ROUND_TRIP_TIME_MS;
  peer.roundTripTimeVariance = 0;
  peer.mtu = peer.host.mtu;
  peer.reliableDataInTransit = 0;
  peer.outgoingReliableSequenceNumber = 0;
  peer.windowSize = ENET_PROTOCOL_MAXIMUM_WINDOW_SIZE;
  peer.incomingUnsequencedGroup = 0;
  peer.outgoingUnsequencedGroup = 0;
  peer.eventData = 0;
  peer.totalWaitingData = 0;
}
