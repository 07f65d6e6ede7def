// One received datagram (ENet's enet_protocol_handle_incoming_commands): header, session and
// checksum checks, then each command in turn, sizes checked before any read. Hostile bytes
// never throw: a bad header drops the datagram, a bad command drops the rest of it, each
// counted in host.drops by reason.
import { handleAcknowledge } from './acknowledge.js';
import { windowSizeFor, handleConnect, handleVerifyConnect } from './connect.js';
import { crc32 } from '../../util/crc32.js';
import {
  ENET_PACKET_FLAG_RELIABLE,
  ENET_PACKET_FLAG_UNSEQUENCED,
  ENET_PEER_FREE_UNSEQUENCED_WINDOWS,
  ENET_PEER_UNSEQUENCED_WINDOW_SIZE,
  ENET_PROTOCOL_MAXIMUM_MTU,
  ENET_PROTOCOL_MAXIMUM_PEER_ID,
} from './constants.js';
import { handleSendFragment, handleSendUnreliableFragment } from './fragments.js';
import type { EnetHost } from './host.js';
import { queueIncomingCommand } from './incoming.js';
import { queueAcknowledgement } from './outgoing.js';
import type { Peer } from './peer.js';
import { PeerState, isUp } from './peer-state.js';
import {
  BANDWIDTH_LIMIT,
  CHECKSUM_SIZE,
  Command,
  COMMAND_COUNT,
  COMMAND_FLAG_ACKNOWLEDGE,
  COMMAND_HEADER_SIZE,
  COMMAND_MASK,
  COMMAND_SIZES,
  DATA_LENGTH_OFFSET,
  DISCONNECT,
  HEADER_FLAG_COMPRESSED,
  HEADER_FLAG_MASK,
  HEADER_FLAG_SENT_TIME,
  HEADER_MINIMUM_SIZE,
  HEADER_PEER_ID_MASK,
  HEADER_SESSION_MASK,
  HEADER_SESSION_SHIFT,
  HEADER_SIZE,
  readU16,
  readU32,
  SEND_UNRELIABLE,
  SEND_UNSEQUENCED,
  THROTTLE_CONFIGURE,
  writeU32,
} from './protocol.js';
import type { DatagramAddress } from './transport.js';

export type DropReason =
  | 'short' // shorter than its header
  | 'peer' // unknown peer id, wrong address or session, or a peer not connected
  | 'compressed' // compressed, but this host has no compressor (ENet's default host has none either)
  | 'decompress' // compressed data that does not decode, or decodes beyond ENet's 4096-byte maximum
  | 'checksum' // CRC32 mismatch
  | 'command' // a malformed or refused command: the rest of the datagram was dropped
  | 'inbox'; // too many datagrams queued between two services

/** Process one datagram. `datagram` is ours to modify (the checksum check rewrites its field). */
export function handleDatagram(host: EnetHost, datagram: Uint8Array, from: DatagramAddress): void {
  const wireLength = datagram.length;
  let b = datagram;
  let length = wireLength;
  if (length < HEADER_MINIMUM_SIZE) return host.drop('short');
  const peerField = readU16(b, 0);
  const sessionID = (peerField & HEADER_SESSION_MASK) >>> HEADER_SESSION_SHIFT;
  const flags = peerField & HEADER_FLAG_MASK;
  const peerID = peerField & HEADER_PEER_ID_MASK;
  let headerSize = flags & HEADER_FLAG_SENT_TIME ? HEADER_SIZE : HEADER_MINIMUM_SIZE;
  if (host.checksumEnabled) headerSize += CHECKSUM_SIZE;
  if (length < headerSize) return host.drop('short');
  let peer: Peer | null = null;
  if (peerID !== ENET_PROTOCOL_MAXIMUM_PEER_ID) {
    if (peerID >= host.slots.length) return host.drop('peer');
    const p = host.slots[peerID];
    if (
      p.state === PeerState.DISCONNECTED ||
      p.state === PeerState.ZOMBIE ||
      from.address !== p.address.address ||
      from.port !== p.address.port ||
      (p.outgoingPeerID < ENET_PROTOCOL_MAXIMUM_PEER_ID && sessionID !== p.incomingSessionID)
    ) {
      return host.drop('peer');
    }
    peer = p;
  }
  if (flags & HEADER_FLAG_COMPRESSED) {
    // Only the commands are compressed; the checksum below covers the decompressed datagram.
    const plain = decompressCommands(host, b, headerSize);
    if (plain === null) return;
    b = plain;
    length = plain.length;
  }
  if (host.checksumEnabled) {
    const at = headerSize - CHECKSUM_SIZE;
    const desired = readU32(b, at);
    writeU32(b, at, peer !== null ? peer.connectID : 0);
    if (crc32(b) !== desired) return host.drop('checksum');
  }
  if (peer !== null) {
    peer.incomingDataTotal += length; // ENet's bandwidth accounting counts decompressed bytes
    peer.totalBytesReceived += wireLength;
  }
  const sentTime = flags & HEADER_FLAG_SENT_TIME ? readU16(b, 2) : -1;
  let o = headerSize;
  while (o < length) {
    if (o + COMMAND_HEADER_SIZE > length) break;
    const commandByte = b[o];
    const commandNumber = commandByte & COMMAND_MASK;
    if (commandNumber >= COMMAND_COUNT) return host.drop('command');
    const size = COMMAND_SIZES[commandNumber];
    if (size === 0 || o + size > length) return host.drop('command');
    const at = o;
    o += size;
    if (peer === null && commandNumber !== Command.CONNECT) return host.drop('command');
    let dataLength = 0;
    const lengthOffset = DATA_LENGTH_OFFSET[commandNumber];
    if (lengthOffset >= 0) {
      dataLength = readU16(b, at + lengthOffset);
      if (dataLength > host.maximumPacketSize || o + dataLength > length) return host.drop('command');
      o += dataLength;
    }
    let ok: boolean;
    if (commandNumber === Command.CONNECT) {
      if (peer !== null) return host.drop('command');
      peer = handleConnect(host, b, at, from);
      ok = peer !== null;
    } else {
      ok = handleCommand(host, peer as Peer, commandNumber, b, at, o - dataLength, dataLength);
    }
    if (!ok || peer === null) return host.drop('command');
    if (commandByte & COMMAND_FLAG_ACKNOWLEDGE) {
      if (sentTime < 0) break;
      switch (peer.state) {
        case PeerState.DISCONNECTING:
        case PeerState.ACKNOWLEDGING_CONNECT:
        case PeerState.DISCONNECTED:
        case PeerState.ZOMBIE:
          break;
        case PeerState.ACKNOWLEDGING_DISCONNECT:
          if (commandNumber === Command.DISCONNECT) queueAcknowledgement(peer, commandNumber, b[at + 1], readU16(b, at + 2), sentTime);
          break;
        default:
          queueAcknowledgement(peer, commandNumber, b[at + 1], readU16(b, at + 2), sentTime);
      }
    }
  }
}

/** Header plus decompressed commands in a new array, or null (counted) when that fails. */
function decompressCommands(host: EnetHost, b: Uint8Array, headerSize: number): Uint8Array | null {
  if (host.rangeCoder === null) {
    host.drop('compressed');
    return null;
  }
  // ENet decompresses into one MTU-sized packet buffer, header included.
  const plain = new Uint8Array(ENET_PROTOCOL_MAXIMUM_MTU);
  const length = host.rangeCoder.decompress(b.subarray(headerSize), plain.subarray(headerSize), ENET_PROTOCOL_MAXIMUM_MTU - headerSize);
  if (length === 0) {
    host.drop('decompress');
    return null;
  }
  plain.set(b.subarray(0, headerSize));
  return plain.subarray(0, headerSize + length);
}

function handleCommand(host: EnetHost, peer: Peer, commandNumber: number, b: Uint8Array, at: number, dataStart: number, dataLength: number): boolean {
  switch (commandNumber) {
    case Command.ACKNOWLEDGE:
      return handleAcknowledge(host, peer, b, at);
    case Command.VERIFY_CONNECT:
      return handleVerifyConnect(host, peer, b, at);
    case Command.DISCONNECT:
      return handleDisconnect(host, peer, b, at);
    case Command.PING:
      return isUp(peer.state);
    case Command.BANDWIDTH_LIMIT:
      return handleBandwidthLimit(host, peer, b, at);
    case Command.THROTTLE_CONFIGURE:
      if (!isUp(peer.state)) return false;
      peer.packetThrottleInterval = readU32(b, at + THROTTLE_CONFIGURE.INTERVAL);
      peer.packetThrottleAcceleration = readU32(b, at + THROTTLE_CONFIGURE.ACCELERATION);
      peer.packetThrottleDeceleration = readU32(b, at + THROTTLE_CONFIGURE.DECELERATION);
      return true;
    default:
      return handleData(peer, commandNumber, b, at, dataStart, dataLength);
  }
}

function handleData(peer: Peer, commandNumber: number, b: Uint8Array, at: number, dataStart: number, dataLength: number): boolean {
  const channelID = b[at + 1];
  if (channelID >= peer.channels.length || !isUp(peer.state)) return false;
  const channel = peer.channels[channelID];
  const reliableSequenceNumber = readU16(b, at + 2);
  switch (commandNumber) {
    case Command.SEND_RELIABLE:
      return queueIncomingCommand(peer, commandNumber, channelID, reliableSequenceNumber, 0, b, dataStart, dataLength, ENET_PACKET_FLAG_RELIABLE, 0) !== null;
    case Command.SEND_UNRELIABLE: {
      const unreliable = readU16(b, at + SEND_UNRELIABLE.UNRELIABLE_SEQUENCE_NUMBER);
      return queueIncomingCommand(peer, commandNumber, channelID, reliableSequenceNumber, unreliable, b, dataStart, dataLength, 0, 0) !== null;
    }
    case Command.SEND_UNSEQUENCED:
      return handleUnsequenced(peer, channelID, b, at, dataStart, dataLength, reliableSequenceNumber);
    case Command.SEND_FRAGMENT:
      return handleSendFragment(peer, channel, b, at, dataStart, dataLength);
    case Command.SEND_UNRELIABLE_FRAGMENT:
      return handleSendUnreliableFragment(peer, channel, b, at, dataStart, dataLength);
    default:
      return false;
  }
}

/** SEND_UNSEQUENCED: a 1024-group sliding bitmap drops duplicates and stale groups. */
function handleUnsequenced(
  peer: Peer,
  channelID: number,
  b: Uint8Array,
  at: number,
  dataStart: number,
  dataLength: number,
  reliableSequenceNumber: number,
): boolean {
  let group = readU16(b, at + SEND_UNSEQUENCED.UNSEQUENCED_GROUP);
  const index = group % ENET_PEER_UNSEQUENCED_WINDOW_SIZE;
  if (group < peer.incomingUnsequencedGroup) group += 0x10000;
  if (group >= peer.incomingUnsequencedGroup + ENET_PEER_FREE_UNSEQUENCED_WINDOWS * ENET_PEER_UNSEQUENCED_WINDOW_SIZE) return true;
  group &= 0xffff;
  const word = index >>> 5;
  const bit = 1 << (index & 31);
  if (group - index !== peer.incomingUnsequencedGroup) {
    peer.incomingUnsequencedGroup = group - index;
    peer.unsequencedWindow.fill(0);
  } else if (peer.unsequencedWindow[word] & bit) {
    return true;
  }
  if (
    queueIncomingCommand(peer, Command.SEND_UNSEQUENCED, channelID, reliableSequenceNumber, 0, b, dataStart, dataLength, ENET_PACKET_FLAG_UNSEQUENCED, 0) ===
    null
  )
    return false;
  peer.unsequencedWindow[word] |= bit;
  return true;
}

function handleDisconnect(host: EnetHost, peer: Peer, b: Uint8Array, at: number): boolean {
  const state = peer.state;
  if (state === PeerState.DISCONNECTED || state === PeerState.ZOMBIE || state === PeerState.ACKNOWLEDGING_DISCONNECT) return true;
  peer.resetQueues();
  if (state === PeerState.CONNECTION_SUCCEEDED || state === PeerState.DISCONNECTING || state === PeerState.CONNECTING) {
    peer.dispatchState(PeerState.ZOMBIE);
  } else if (!isUp(state)) {
    if (state === PeerState.CONNECTION_PENDING) host.recalculateBandwidthLimits = true;
    peer.reset();
  } else if (b[at] & COMMAND_FLAG_ACKNOWLEDGE) {
    peer.setState(PeerState.ACKNOWLEDGING_DISCONNECT);
  } else {
    peer.dispatchState(PeerState.ZOMBIE);
  }
  if (peer.state !== PeerState.DISCONNECTED) peer.eventData = readU32(b, at + DISCONNECT.DATA);
  return true;
}

function handleBandwidthLimit(host: EnetHost, peer: Peer, b: Uint8Array, at: number): boolean {
  if (!isUp(peer.state)) return false;
  if (peer.incomingBandwidth !== 0) host.bandwidthLimitedPeers--;
  peer.incomingBandwidth = readU32(b, at + BANDWIDTH_LIMIT.INCOMING_BANDWIDTH);
  peer.outgoingBandwidth = readU32(b, at + BANDWIDTH_LIMIT.OUTGOING_BANDWIDTH);
  if (peer.incomingBandwidth !== 0) host.bandwidthLimitedPeers++;
  peer.windowSize = windowSizeFor(peer.incomingBandwidth, host.outgoingBandwidth);
  return true;
}
