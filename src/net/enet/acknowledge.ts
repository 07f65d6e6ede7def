// Acknowledgements (ENet's handle_acknowledge, enet_peer_throttle): each ACK retires a sent
// reliable command (outgoing.ts, which owns the sent queues), updates the smoothed round-trip
// time and moves the packet throttle, and may complete a connect or a disconnect.
import { notifyConnect, notifyDisconnect } from './connect.js';
import type { EnetHost } from './host.js';
import { removeSentReliableCommand } from './outgoing.js';
import type { Peer } from './peer.js';
import { PeerState } from './peer-state.js';
import { ACK, Command, readU16 } from './protocol.js';
import { timeDifference, timeLess } from './time.js';

/** Move the packet throttle after a round trip of `rtt` ms (ENet's enet_peer_throttle). */
export function throttle(peer: Peer, rtt: number): number {
  if (peer.lastRoundTripTime <= peer.lastRoundTripTimeVariance) {
    peer.packetThrottle = peer.packetThrottleLimit;
  } else if (rtt <= peer.lastRoundTripTime) {
    peer.packetThrottle = Math.min(peer.packetThrottle + peer.packetThrottleAcceleration, peer.packetThrottleLimit);
    return 1;
  } else if (rtt > peer.lastRoundTripTime + 2 * peer.lastRoundTripTimeVariance) {
    peer.packetThrottle = peer.packetThrottle > peer.packetThrottleDeceleration ? peer.packetThrottle - peer.packetThrottleDeceleration : 0;
    return -1;
  }
  return 0;
}

/** ACKNOWLEDGE at `o`. False on a protocol error. */
export function handleAcknowledge(host: EnetHost, peer: Peer, b: Uint8Array, o: number): boolean {
  if (peer.state === PeerState.DISCONNECTED || peer.state === PeerState.ZOMBIE) return true;
  const now = host.serviceTime;
  let receivedSentTime = (readU16(b, o + ACK.RECEIVED_SENT_TIME) | (now & 0xffff0000)) >>> 0;
  if ((receivedSentTime & 0x8000) > (now & 0x8000)) receivedSentTime = (receivedSentTime - 0x10000) >>> 0;
  if (timeLess(now, receivedSentTime)) return true;
  const rtt = Math.max(timeDifference(now, receivedSentTime), 1);
  if (peer.lastReceiveTime > 0) {
    throttle(peer, rtt);
    peer.roundTripTimeVariance -= Math.floor(peer.roundTripTimeVariance / 4);
    if (rtt >= peer.roundTripTime) {
      const diff = rtt - peer.roundTripTime;
      peer.roundTripTimeVariance += Math.floor(diff / 4);
      peer.roundTripTime += Math.floor(diff / 8);
    } else {
      const diff = peer.roundTripTime - rtt;
      peer.roundTripTimeVariance += Math.floor(diff / 4);
      peer.roundTripTime -= Math.floor(diff / 8);
    }
  } else {
    peer.roundTripTime = rtt;
    peer.roundTripTimeVariance = Math.floor((rtt + 1) / 2);
  }
  if (peer.roundTripTime < peer.lowestRoundTripTime) peer.lowestRoundTripTime = peer.roundTripTime;
  if (peer.roundTripTimeVariance > peer.highestRoundTripTimeVariance) peer.highestRoundTripTimeVariance = peer.roundTripTimeVariance;
  if (peer.packetThrottleEpoch === 0 || timeDifference(now, peer.packetThrottleEpoch) >= peer.packetThrottleInterval) {
    peer.lastRoundTripTime = peer.lowestRoundTripTime;
    peer.lastRoundTripTimeVariance = Math.max(peer.highestRoundTripTimeVariance, 1);
    peer.lowestRoundTripTime = peer.roundTripTime;
    peer.highestRoundTripTimeVariance = peer.roundTripTimeVariance;
    peer.packetThrottleEpoch = now;
  }
  peer.lastReceiveTime = Math.max(now, 1);
  peer.earliestTimeout = 0;
  const commandNumber = removeSentReliableCommand(peer, readU16(b, o + ACK.RECEIVED_RELIABLE_SEQUENCE_NUMBER), b[o + 1]);
  switch (peer.state) {
    case PeerState.ACKNOWLEDGING_CONNECT:
      if (commandNumber !== Command.VERIFY_CONNECT) return false;
      notifyConnect(host, peer);
      break;
    case PeerState.DISCONNECTING:
      if (commandNumber !== Command.DISCONNECT) return false;
      notifyDisconnect(host, peer);
      break;
    case PeerState.DISCONNECT_LATER:
      if (peer.outgoingCommands.empty && peer.sentReliableCommands.empty) peer.disconnect(peer.eventData);
      break;
    default:
      break;
  }
  return true;
}
