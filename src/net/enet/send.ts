// Building and sending datagrams (ENet's send_outgoing_commands, send_acknowledgements,
// check_timeouts, check_outgoing_commands): per peer, acknowledgements first, then resends
// and queued commands while they fit the MTU, the reliable window and the throttle.
import type { OutgoingCommand } from './commands.js';
import { notifyDisconnect } from './connect.js';
import { retireCommand } from './outgoing.js';
import { checkOutgoingCommands } from './outgoing-walk.js';
import { HEADER_RESERVE } from './datagram-builder.js';
import { crc32 } from '../../util/crc32.js';
import {
  ENET_BUFFER_MAXIMUM,
  ENET_PEER_PACKET_LOSS_INTERVAL_MS,
  ENET_PEER_PACKET_LOSS_SCALE,
  ENET_PROTOCOL_MAXIMUM_PACKET_COMMANDS,
  ENET_PROTOCOL_MAXIMUM_PEER_ID,
} from './constants.js';
import type { EnetHost } from './host.js';
import { insertBefore, unlink, type ListNode } from './list.js';
import type { Peer } from './peer.js';
import { PeerState } from './peer-state.js';
import {
  CHECKSUM_SIZE,
  Command,
  COMMAND_SIZES,
  HEADER_FLAG_COMPRESSED,
  HEADER_FLAG_SENT_TIME,
  HEADER_MINIMUM_SIZE,
  HEADER_SESSION_SHIFT,
  HEADER_SIZE,
  writeU16,
  writeU32,
} from './protocol.js';
import { timeDifference, timeGreaterEqual, timeLess } from './time.js';

const ACK_SIZE = COMMAND_SIZES[Command.ACKNOWLEDGE];
const PING_SIZE = COMMAND_SIZES[Command.PING];

export function sendOutgoingCommands(host: EnetHost, checkForTimeouts: boolean): void {
  const d = host.builder;
  d.continueSending = true;
  while (d.continueSending) {
    d.continueSending = false;
    for (const peer of host.slots) {
      if (peer.state === PeerState.DISCONNECTED || peer.state === PeerState.ZOMBIE) continue;
      // Nothing to acknowledge, send, resend or ping: what the walk below would conclude, found
      // without setting up a datagram (a server services on every burst of datagrams in, and most
      // of its peers are idle at each of those passes).
      if (
        peer.acknowledgements.length === 0 &&
        peer.outgoingCommands.empty &&
        peer.sentReliableCommands.empty &&
        timeDifference(host.serviceTime, peer.lastReceiveTime) < peer.pingInterval
      )
        continue;
      d.begin(peer.mtu);
      if (peer.acknowledgements.length > 0) sendAcknowledgements(host, peer);
      if (checkForTimeouts && !peer.sentReliableCommands.empty && timeGreaterEqual(host.serviceTime, peer.nextTimeout) && checkTimeouts(host, peer)) {
        continue;
      }
      if (
        (peer.outgoingCommands.empty || checkOutgoingCommands(host, peer)) &&
        peer.sentReliableCommands.empty &&
        timeDifference(host.serviceTime, peer.lastReceiveTime) >= peer.pingInterval &&
        peer.mtu - d.packetSize >= PING_SIZE
      ) {
        peer.ping();
        checkOutgoingCommands(host, peer);
      }
      if (d.commandCount === 0) continue;
      updatePacketLoss(host, peer);
      transmit(host, peer);
      removeSentUnreliableCommands(peer);
    }
  }
}

function updatePacketLoss(host: EnetHost, peer: Peer): void {
  if (peer.packetLossEpoch === 0) {
    peer.packetLossEpoch = host.serviceTime;
  } else if (timeDifference(host.serviceTime, peer.packetLossEpoch) >= ENET_PEER_PACKET_LOSS_INTERVAL_MS && peer.packetsSent > 0) {
    const packetLoss = Math.floor((peer.packetsLost * ENET_PEER_PACKET_LOSS_SCALE) / peer.packetsSent);
    peer.packetLossVariance = Math.floor((peer.packetLossVariance * 3 + Math.abs(packetLoss - peer.packetLoss)) / 4);
    peer.packetLoss = Math.floor((peer.packetLoss * 7 + packetLoss) / 8);
    peer.packetLossEpoch = host.serviceTime;
    peer.packetsSent = 0;
    peer.packetsLost = 0;
  }
}

/**
 * Write the header (and checksum) in front of the commands and hand the datagram over. With
 * a compressor, the commands (never the header or checksum) go out compressed when that is
 * smaller; the checksum still covers the plain datagram, compressed flag included, as in ENet.
 */
function transmit(host: EnetHost, peer: Peer): void {
  const d = host.builder;
  const b = d.buffer;
  let flags = d.headerFlags;
  const compressedLength = compressCommands(host);
  if (compressedLength > 0) flags |= HEADER_FLAG_COMPRESSED;
  let headerLength = flags & HEADER_FLAG_SENT_TIME ? HEADER_SIZE : HEADER_MINIMUM_SIZE;
  if (host.checksumEnabled) headerLength += CHECKSUM_SIZE;
  const start = HEADER_RESERVE - headerLength;
  if (peer.outgoingPeerID < ENET_PROTOCOL_MAXIMUM_PEER_ID) flags |= (peer.outgoingSessionID & 3) << HEADER_SESSION_SHIFT;
  writeU16(b, start, peer.outgoingPeerID | flags);
  if (flags & HEADER_FLAG_SENT_TIME) writeU16(b, start + 2, host.serviceTime & 0xffff);
  if (host.checksumEnabled) {
    const at = HEADER_RESERVE - CHECKSUM_SIZE;
    writeU32(b, at, peer.outgoingPeerID < ENET_PROTOCOL_MAXIMUM_PEER_ID ? peer.connectID : 0);
    writeU32(b, at, crc32(b.subarray(start, d.offset)));
  }
  let end = d.offset;
  if (compressedLength > 0) {
    b.set(host.compressionBuffer.subarray(0, compressedLength), HEADER_RESERVE);
    end = HEADER_RESERVE + compressedLength;
  }
  const datagram = d.handOver(start, end);
  peer.lastSendTime = host.serviceTime;
  peer.totalBytesSent += datagram.length;
  host.transmit(datagram, peer.address);
}

/** The compressed length of the datagram's commands in host.compressionBuffer, 0 = send them plain. */
function compressCommands(host: EnetHost): number {
  if (host.rangeCoder === null) return 0;
  const d = host.builder;
  const commandsLength = d.offset - HEADER_RESERVE;
  // The output may not reach the input's length: a result that is not smaller is useless.
  const compressed = host.rangeCoder.compress(d.buffer.subarray(HEADER_RESERVE, d.offset), host.compressionBuffer.subarray(0, commandsLength));
  return compressed < commandsLength ? compressed : 0;
}

function sendAcknowledgements(host: EnetHost, peer: Peer): void {
  const d = host.builder;
  const b = d.buffer;
  const acks = peer.acknowledgements;
  let i = 0;
  while (i < acks.length) {
    if (d.commandCount >= ENET_PROTOCOL_MAXIMUM_PACKET_COMMANDS || d.bufferCount >= ENET_BUFFER_MAXIMUM || peer.mtu - d.packetSize < ACK_SIZE) {
      d.continueSending = true;
      break;
    }
    const o = d.offset;
    const sequence = acks.reliableSequenceNumber(i);
    b[o] = Command.ACKNOWLEDGE;
    b[o + 1] = acks.channelID(i);
    writeU16(b, o + 2, sequence);
    writeU16(b, o + 4, sequence);
    writeU16(b, o + 6, acks.sentTime(i));
    d.offset += ACK_SIZE;
    d.packetSize += ACK_SIZE;
    d.commandCount++;
    d.bufferCount++;
    if (acks.commandNumber(i) === Command.DISCONNECT) peer.dispatchState(PeerState.ZOMBIE);
    i++;
  }
  acks.dropFront(i);
}

/** Resend what timed out; true when the peer itself timed out (it is then a zombie). */
function checkTimeouts(host: EnetHost, peer: Peer): boolean {
  const sent = peer.sentReliableCommands;
  const insertPosition = peer.outgoingCommands.sentinel.next;
  let current: ListNode = sent.sentinel.next;
  while (current !== sent.sentinel) {
    const c = current as OutgoingCommand;
    current = current.next;
    if (timeDifference(host.serviceTime, c.sentTime) < c.roundTripTimeout) continue;
    if (peer.earliestTimeout === 0 || timeLess(c.sentTime, peer.earliestTimeout)) peer.earliestTimeout = c.sentTime;
    if (peer.earliestTimeout !== 0) {
      const waited = timeDifference(host.serviceTime, peer.earliestTimeout);
      if (waited >= peer.timeoutMaximum || (c.roundTripTimeout >= c.roundTripTimeoutLimit && waited >= peer.timeoutMinimum)) {
        notifyDisconnect(host, peer);
        return true;
      }
    }
    if (c.data !== null) peer.reliableDataInTransit -= c.fragmentLength;
    peer.packetsLost++;
    peer.totalPacketsLost++;
    c.roundTripTimeout *= 2;
    unlink(c);
    insertBefore(insertPosition, c);
    if (c.data === null) peer.outgoingPassableCommands++;
    if (current === sent.sentinel.next && current !== sent.sentinel) {
      const next = current as OutgoingCommand;
      peer.nextTimeout = (next.sentTime + next.roundTripTimeout) >>> 0;
    }
  }
  return false;
}

function removeSentUnreliableCommands(peer: Peer): void {
  const sent = peer.sentUnreliableCommands;
  if (sent.empty) return;
  for (let n = sent.sentinel.next; n !== sent.sentinel;) {
    const c = n as OutgoingCommand;
    n = n.next;
    retireCommand(peer, c);
  }
  sent.clear();
  if (peer.state === PeerState.DISCONNECT_LATER && peer.outgoingCommands.empty && peer.sentReliableCommands.empty) {
    peer.disconnect(peer.eventData);
  }
}
