// Queueing commands to send (ENet's enet_peer_send, enet_host_broadcast,
// enet_peer_queue_outgoing_command, enet_peer_setup_outgoing_command,
// enet_peer_queue_acknowledgement) and retiring them when acknowledged
// (remove_sent_reliable_command): sequence numbers and reliable windows are taken and given
// back here, big packets are split into fragments here.
import type { Channel } from './channel.js';
import { OutgoingCommand } from './commands.js';
import type { EnetHost } from './host.js';
import {
  ENET_PACKET_FLAG_RELIABLE,
  ENET_PACKET_FLAG_UNRELIABLE_FRAGMENT,
  ENET_PACKET_FLAG_UNSEQUENCED,
  ENET_PEER_FREE_RELIABLE_WINDOWS,
  ENET_PEER_RELIABLE_WINDOWS,
  ENET_PEER_RELIABLE_WINDOW_SIZE,
  ENET_PROTOCOL_MAXIMUM_FRAGMENT_COUNT,
  HOST_COMMAND_POOL_MAX_COMMANDS,
} from './constants.js';
import { unlink } from './list.js';
import { isPassable } from './outgoing-walk.js';
import { copyPacketData } from './packet.js';
import type { Peer } from './peer.js';
import { PeerState } from './peer-state.js';
import {
  CHECKSUM_SIZE,
  Command,
  COMMAND_FLAG_ACKNOWLEDGE,
  COMMAND_FLAG_UNSEQUENCED,
  COMMAND_MASK,
  COMMAND_SIZES,
  CONTROL_CHANNEL_ID,
  HEADER_SIZE,
} from './protocol.js';

/** A control command's fields after its 4-byte header, filled by `fill`. */
export function controlBody(commandSize: number, fill: (body: Uint8Array) => void): Uint8Array {
  const body = new Uint8Array(commandSize - 4);
  fill(body);
  return body;
}

/** Bytes of payload that fit one fragment for this peer (ENet's fragmentLength in enet_peer_send). */
export function fragmentPayloadSize(peer: Peer): number {
  return peer.mtu - HEADER_SIZE - COMMAND_SIZES[Command.SEND_FRAGMENT] - (peer.host.checksumEnabled ? CHECKSUM_SIZE : 0);
}

/** ENet's enet_peer_send. `flags` are ENET_PACKET_FLAG_* bits. */
export function peerSend(peer: Peer, channelID: number, data: Uint8Array, flags: number): boolean {
  if (!canTake(peer, channelID, data.length)) return false;
  return sendPacket(peer, channelID, copyPacketData(data), flags);
}

/** Whether a peer takes a packet of `length` bytes on the channel: connected, the channel is
 * one of its own, and the packet within the host's maximum. */
function canTake(peer: Peer, channelID: number, length: number): boolean {
  return (
    peer.state === PeerState.CONNECTED &&
    Number.isInteger(channelID) &&
    channelID >= 0 &&
    channelID < peer.channels.length &&
    length <= peer.host.maximumPacketSize
  );
}

/** ENet's enet_host_broadcast: one copy of `data` queued to every connected peer that has the
 * channel (to none when it is too big). `flags` are ENET_PACKET_FLAG_* bits. */
export function hostBroadcast(host: EnetHost, channelID: number, data: Uint8Array, flags: number): void {
  const copy = copyPacketData(data);
  for (const peer of host.slots) if (canTake(peer, channelID, data.length)) sendPacket(peer, channelID, copy, flags);
}

/** Queue a packet's bytes, already our copy (hostBroadcast shares one between peers). */
export function sendPacket(peer: Peer, channelID: number, data: Uint8Array, flags: number): boolean {
  const channel = peer.channels[channelID];
  const length = data.length;
  const fragmentLength = fragmentPayloadSize(peer);
  if (length > fragmentLength) {
    const fragmentCount = Math.ceil(length / fragmentLength);
    if (fragmentCount > ENET_PROTOCOL_MAXIMUM_FRAGMENT_COUNT) return false;
    let commandByte: number;
    let startSequenceNumber: number;
    if (
      (flags & (ENET_PACKET_FLAG_RELIABLE | ENET_PACKET_FLAG_UNRELIABLE_FRAGMENT)) === ENET_PACKET_FLAG_UNRELIABLE_FRAGMENT &&
      channel.outgoingUnreliableSequenceNumber < 0xffff
    ) {
      commandByte = Command.SEND_UNRELIABLE_FRAGMENT;
      startSequenceNumber = (channel.outgoingUnreliableSequenceNumber + 1) & 0xffff;
    } else {
      commandByte = Command.SEND_FRAGMENT | COMMAND_FLAG_ACKNOWLEDGE;
      startSequenceNumber = (channel.outgoingReliableSequenceNumber + 1) & 0xffff;
    }
    for (let number = 0, offset = 0; offset < length; number++, offset += fragmentLength) {
      const fragment = takeCommand(peer, commandByte, channelID, data, offset, Math.min(fragmentLength, length - offset), null);
      fragment.startSequenceNumber = startSequenceNumber;
      fragment.fragmentCount = fragmentCount;
      fragment.fragmentNumber = number;
      setupOutgoingCommand(peer, fragment);
    }
    return true;
  }
  let commandByte: number;
  if ((flags & (ENET_PACKET_FLAG_RELIABLE | ENET_PACKET_FLAG_UNSEQUENCED)) === ENET_PACKET_FLAG_UNSEQUENCED) {
    commandByte = Command.SEND_UNSEQUENCED | COMMAND_FLAG_UNSEQUENCED;
  } else if (flags & ENET_PACKET_FLAG_RELIABLE || channel.outgoingUnreliableSequenceNumber >= 0xffff) {
    commandByte = Command.SEND_RELIABLE | COMMAND_FLAG_ACKNOWLEDGE;
  } else {
    commandByte = Command.SEND_UNRELIABLE;
  }
  queueOutgoingCommand(peer, commandByte, channelID, data, 0, length, null);
  return true;
}

export function queueOutgoingCommand(
  peer: Peer,
  commandByte: number,
  channelID: number,
  data: Uint8Array | null,
  offset: number,
  length: number,
  body: Uint8Array | null,
): OutgoingCommand {
  const command = takeCommand(peer, commandByte, channelID, data, offset, length, body);
  setupOutgoingCommand(peer, command);
  return command;
}

/**
 * A command record: a retired one when the host has some (host.commandPool), else a new one.
 * Reliable commands live until acknowledged, long enough for the garbage collector to copy
 * and promote thousands of them; reusing them keeps that work off the hot path.
 */
function takeCommand(
  peer: Peer,
  commandByte: number,
  channelID: number,
  data: Uint8Array | null,
  offset: number,
  length: number,
  body: Uint8Array | null,
): OutgoingCommand {
  const c = peer.host.commandPool.pop();
  return c === undefined
    ? new OutgoingCommand(commandByte, channelID, data, offset, length, body)
    : c.reuse(commandByte, channelID, data, offset, length, body);
}

/** Give back a command that is in no list any more and referenced by nothing. */
export function retireCommand(peer: Peer, c: OutgoingCommand): void {
  const pool = peer.host.commandPool;
  if (pool.length >= HOST_COMMAND_POOL_MAX_COMMANDS) return;
  c.data = null;
  c.body = null;
  c.prev = c; // no stale links into a list it left
  c.next = c;
  pool.push(c);
}

/** Assign sequence numbers and append to the peer's outgoing queue. */
export function setupOutgoingCommand(peer: Peer, command: OutgoingCommand): void {
  peer.outgoingDataTotal += COMMAND_SIZES[command.commandByte & COMMAND_MASK] + command.fragmentLength;
  if (command.channelID === CONTROL_CHANNEL_ID) {
    peer.outgoingReliableSequenceNumber = (peer.outgoingReliableSequenceNumber + 1) & 0xffff;
    command.reliableSequenceNumber = peer.outgoingReliableSequenceNumber;
    command.unreliableSequenceNumber = 0;
  } else if (command.commandByte & COMMAND_FLAG_ACKNOWLEDGE) {
    const channel: Channel = peer.channels[command.channelID];
    channel.outgoingReliableSequenceNumber = (channel.outgoingReliableSequenceNumber + 1) & 0xffff;
    channel.outgoingUnreliableSequenceNumber = 0;
    command.reliableSequenceNumber = channel.outgoingReliableSequenceNumber;
    command.unreliableSequenceNumber = 0;
  } else if (command.commandByte & COMMAND_FLAG_UNSEQUENCED) {
    peer.outgoingUnsequencedGroup = (peer.outgoingUnsequencedGroup + 1) & 0xffff;
    command.reliableSequenceNumber = 0;
    command.unreliableSequenceNumber = 0;
  } else {
    const channel: Channel = peer.channels[command.channelID];
    if (command.fragmentOffset === 0) channel.outgoingUnreliableSequenceNumber = (channel.outgoingUnreliableSequenceNumber + 1) & 0xffff;
    command.reliableSequenceNumber = channel.outgoingReliableSequenceNumber;
    command.unreliableSequenceNumber = channel.outgoingUnreliableSequenceNumber;
  }
  command.sendAttempts = 0;
  command.sentTime = 0;
  command.roundTripTimeout = 0;
  command.roundTripTimeoutLimit = 0;
  if ((command.commandByte & COMMAND_MASK) === Command.SEND_UNSEQUENCED) command.unsequencedGroup = peer.outgoingUnsequencedGroup;
  peer.outgoingCommands.pushBack(command);
  if (isPassable(command)) peer.outgoingPassableCommands++;
}

/**
 * Queue an acknowledgement for a received reliable command (ENet's
 * enet_peer_queue_acknowledgement): none for a command too far ahead of the receive window.
 */
export function queueAcknowledgement(peer: Peer, commandNumber: number, channelID: number, reliableSequenceNumber: number, sentTime: number): void {
  if (channelID < peer.channels.length) {
    const channel = peer.channels[channelID];
    let reliableWindow = Math.floor(reliableSequenceNumber / ENET_PEER_RELIABLE_WINDOW_SIZE);
    const currentWindow = Math.floor(channel.incomingReliableSequenceNumber / ENET_PEER_RELIABLE_WINDOW_SIZE);
    if (reliableSequenceNumber < channel.incomingReliableSequenceNumber) reliableWindow += ENET_PEER_RELIABLE_WINDOWS;
    if (reliableWindow >= currentWindow + ENET_PEER_FREE_RELIABLE_WINDOWS - 1 && reliableWindow <= currentWindow + ENET_PEER_FREE_RELIABLE_WINDOWS) return;
  }
  peer.outgoingDataTotal += COMMAND_SIZES[Command.ACKNOWLEDGE];
  peer.acknowledgements.push(channelID, reliableSequenceNumber, commandNumber, sentTime);
}

/** Retire the reliable command (seq, channel); returns its command number or NONE. */
export function removeSentReliableCommand(peer: Peer, reliableSequenceNumber: number, channelID: number): number {
  let found: OutgoingCommand | null = null;
  let wasSent = true;
  const sent = peer.sentReliableCommands;
  for (let n = sent.sentinel.next; n !== sent.sentinel; n = n.next) {
    const c = n as OutgoingCommand;
    if (c.reliableSequenceNumber === reliableSequenceNumber && c.channelID === channelID) {
      found = c;
      break;
    }
  }
  if (found === null) {
    const outgoing = peer.outgoingCommands;
    for (let n = outgoing.sentinel.next; n !== outgoing.sentinel; n = n.next) {
      const c = n as OutgoingCommand;
      if (!(c.commandByte & COMMAND_FLAG_ACKNOWLEDGE)) continue;
      if (c.sendAttempts < 1) return Command.NONE;
      if (c.reliableSequenceNumber === reliableSequenceNumber && c.channelID === channelID) {
        found = c;
        break;
      }
    }
    if (found === null) return Command.NONE;
    wasSent = false;
  }
  if (channelID < peer.channels.length) {
    const channel = peer.channels[channelID];
    const reliableWindow = Math.floor(reliableSequenceNumber / ENET_PEER_RELIABLE_WINDOW_SIZE);
    if (channel.reliableWindows[reliableWindow] > 0) {
      channel.reliableWindows[reliableWindow]--;
      if (channel.reliableWindows[reliableWindow] === 0) channel.usedReliableWindows &= ~(1 << reliableWindow);
    }
  }
  const commandNumber = found.commandNumber;
  if (!wasSent && found.data === null) peer.outgoingPassableCommands--;
  unlink(found);
  if (found.data !== null && wasSent) peer.reliableDataInTransit -= found.fragmentLength;
  retireCommand(peer, found);
  const front = sent.front();
  if (front !== undefined) peer.nextTimeout = (front.sentTime + front.roundTripTimeout) >>> 0;
  return commandNumber;
}

export function resetOutgoingQueues(peer: Peer): void {
  peer.sentReliableCommands.clear();
  peer.sentUnreliableCommands.clear();
  peer.outgoingCommands.clear();
  peer.outgoingPassableCommands = 0;
}
