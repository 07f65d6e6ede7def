// Bandwidth limits (ENet's enet_host_bandwidth_throttle), run once per
// ENET_HOST_BANDWIDTH_THROTTLE_INTERVAL_MS: share the host's outgoing bandwidth between peers
// by lowering their packet throttle limits, and tell each peer what it may send us.
import { ENET_PEER_PACKET_THROTTLE_SCALE } from './constants.js';
import type { EnetHost } from './host.js';
import { queueOutgoingCommand } from './outgoing.js';
import type { Peer } from './peer.js';
import { isUp } from './peer-state.js';
import { BANDWIDTH_LIMIT, Command, COMMAND_FLAG_ACKNOWLEDGE, CONTROL_CHANNEL_ID, writeU32 } from './protocol.js';

const UNLIMITED = 0xffffffff;

function throttleFor(bandwidth: number, dataTotal: number): number {
  return dataTotal <= bandwidth ? ENET_PEER_PACKET_THROTTLE_SCALE : Math.floor((bandwidth * ENET_PEER_PACKET_THROTTLE_SCALE) / dataTotal);
}

export function bandwidthThrottle(host: EnetHost): void {
  const timeCurrent = host.serviceTime;
  const elapsedTime = (timeCurrent - host.bandwidthThrottleEpoch) >>> 0;
  let peersRemaining = host.connectedPeers;
  let dataTotal = UNLIMITED;
  let bandwidth = UNLIMITED;
  let needsAdjustment = host.bandwidthLimitedPeers > 0;
  host.bandwidthThrottleEpoch = timeCurrent;
  if (peersRemaining === 0) return;
  const up: Peer[] = host.slots.filter((p) => isUp(p.state));
  if (host.outgoingBandwidth !== 0) {
    dataTotal = 0;
    bandwidth = Math.floor((host.outgoingBandwidth * elapsedTime) / 1000);
    for (const peer of up) dataTotal += peer.outgoingDataTotal;
  }
  while (peersRemaining > 0 && needsAdjustment) {
    needsAdjustment = false;
    const throttle = throttleFor(bandwidth, dataTotal);
    for (const peer of up) {
      if (peer.incomingBandwidth === 0 || peer.outgoingBandwidthThrottleEpoch === timeCurrent) continue;
      const peerBandwidth = Math.floor((peer.incomingBandwidth * elapsedTime) / 1000);
      if (Math.floor((throttle * peer.outgoingDataTotal) / ENET_PEER_PACKET_THROTTLE_SCALE) <= peerBandwidth) continue;
      peer.packetThrottleLimit = Math.max(1, Math.floor((peerBandwidth * ENET_PEER_PACKET_THROTTLE_SCALE) / peer.outgoingDataTotal));
      if (peer.packetThrottle > peer.packetThrottleLimit) peer.packetThrottle = peer.packetThrottleLimit;
      peer.outgoingBandwidthThrottleEpoch = timeCurrent;
      peer.incomingDataTotal = 0;
      peer.outgoingDataTotal = 0;
      needsAdjustment = true;
      peersRemaining--;
      bandwidth = Math.max(0, bandwidth - peerBandwidth);
      dataTotal = Math.max(0, dataTotal - peerBandwidth);
    }
  }
  if (peersRemaining > 0) {
    const throttle = throttleFor(bandwidth, dataTotal);
    for (const peer of up) {
      if (peer.outgoingBandwidthThrottleEpoch === timeCurrent) continue;
      peer.packetThrottleLimit = throttle;
      if (peer.packetThrottle > peer.packetThrottleLimit) peer.packetThrottle = peer.packetThrottleLimit;
      peer.incomingDataTotal = 0;
      peer.outgoingDataTotal = 0;
    }
  }
  if (host.recalculateBandwidthLimits) recalculateLimits(host, up, timeCurrent);
}

/** Split our incoming bandwidth between the peers and send each a BANDWIDTH_LIMIT. */
function recalculateLimits(host: EnetHost, up: Peer[], timeCurrent: number): void {
  host.recalculateBandwidthLimits = false;
  let peersRemaining = host.connectedPeers;
  let bandwidth = host.incomingBandwidth;
  let bandwidthLimit = 0;
  let needsAdjustment = true;
  if (bandwidth !== 0) {
    while (peersRemaining > 0 && needsAdjustment) {
      needsAdjustment = false;
      bandwidthLimit = Math.floor(bandwidth / peersRemaining);
      for (const peer of up) {
        if (peer.incomingBandwidthThrottleEpoch === timeCurrent) continue;
        if (peer.outgoingBandwidth > 0 && peer.outgoingBandwidth >= bandwidthLimit) continue;
        peer.incomingBandwidthThrottleEpoch = timeCurrent;
        needsAdjustment = true;
        peersRemaining--;
        bandwidth = Math.max(0, bandwidth - peer.outgoingBandwidth);
      }
    }
  }
  for (const peer of up) {
    const body = new Uint8Array(8);
    const incoming = peer.incomingBandwidthThrottleEpoch === timeCurrent ? peer.outgoingBandwidth : bandwidthLimit;
    writeU32(body, BANDWIDTH_LIMIT.INCOMING_BANDWIDTH - 4, incoming);
    writeU32(body, BANDWIDTH_LIMIT.OUTGOING_BANDWIDTH - 4, host.outgoingBandwidth);
    queueOutgoingCommand(peer, Command.BANDWIDTH_LIMIT | COMMAND_FLAG_ACKNOWLEDGE, CONTROL_CHANNEL_ID, null, 0, 0, body);
  }
}
