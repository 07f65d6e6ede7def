// Received data commands waiting for their turn (ENet's enet_peer_queue_incoming_command and
// the two dispatch functions): reliable commands are released in sequence order, unreliable
// ones never behind the newest released, unsequenced ones at once.
import type { Channel } from './channel.js';
import { IncomingCommand } from './commands.js';
import { ENET_PEER_FREE_RELIABLE_WINDOWS, ENET_PEER_RELIABLE_WINDOWS, ENET_PEER_RELIABLE_WINDOW_SIZE, PEER_INCOMING_POOL_MAX_COMMANDS } from './constants.js';
import { insertAfter, ListNode, moveRange, unlink, type List } from './list.js';
import type { Peer } from './peer.js';
import { PeerState } from './peer-state.js';
import { Command } from './protocol.js';

export const DISCARDED = 'discarded';
export type QueueResult = IncomingCommand | typeof DISCARDED | null;

/** Is `sequence` outside the receive window that starts at `incoming`? (ENet's window test.) */
export function outsideReliableWindow(sequence: number, incoming: number): boolean {
  // Sequence numbers are 16-bit: the window index is an integer division (a shift: the size is a power of two).
  let reliableWindow = (sequence / ENET_PEER_RELIABLE_WINDOW_SIZE) | 0;
  const currentWindow = (incoming / ENET_PEER_RELIABLE_WINDOW_SIZE) | 0;
  if (sequence < incoming) reliableWindow += ENET_PEER_RELIABLE_WINDOWS;
  return reliableWindow < currentWindow || reliableWindow >= currentWindow + ENET_PEER_FREE_RELIABLE_WINDOWS - 1;
}

/** Where a received command belongs in a channel's queue (see findReliableSlot). */
export interface QueueSlot {
  /** The queued command with the same sequence number(s), if any. */
  match: IncomingCommand | null;
  /** Otherwise the node after which the new command belongs. */
  position: ListNode;
}

/** One slot reused by every search: the hot path allocates nothing. Valid until the next call. */
const slot: QueueSlot = { match: null, position: new ListNode() };

function found(match: IncomingCommand | null, position: ListNode): QueueSlot {
  slot.match = match;
  slot.position = position;
  return slot;
}

/**
 * ENet's walk of a channel's reliable queue from the newest end: the command queued with
 * `sequence`, or where a command with it belongs. Sequence numbers below the channel's
 * incoming one have wrapped and sort after those above it.
 */
export function findReliableSlot(channel: Channel, sequence: number): QueueSlot {
  const incoming = channel.incomingReliableSequenceNumber;
  const list = channel.incomingReliableCommands;
  let current = list.sentinel.prev;
  for (; current !== list.sentinel; current = current.prev) {
    const c = current as IncomingCommand;
    if (sequence >= incoming) {
      if (c.reliableSequenceNumber < incoming) continue;
    } else if (c.reliableSequenceNumber >= incoming) break;
    if (c.reliableSequenceNumber <= sequence) return found(c.reliableSequenceNumber === sequence ? c : null, current);
  }
  return found(null, current);
}

/** The same walk for the unreliable queue, ordered by (reliable, unreliable) sequence numbers. */
export function findUnreliableSlot(channel: Channel, reliableSequence: number, unreliableSequence: number): QueueSlot {
  const incoming = channel.incomingReliableSequenceNumber;
  const list = channel.incomingUnreliableCommands;
  let current = list.sentinel.prev;
  for (; current !== list.sentinel; current = current.prev) {
    const c = current as IncomingCommand;
    if (c.commandNumber === Command.SEND_UNSEQUENCED) continue;
    if (reliableSequence >= incoming) {
      if (c.reliableSequenceNumber < incoming) continue;
    } else if (c.reliableSequenceNumber >= incoming) break;
    if (c.reliableSequenceNumber < reliableSequence) break;
    if (c.reliableSequenceNumber > reliableSequence) continue;
    if (c.unreliableSequenceNumber <= unreliableSequence) return found(c.unreliableSequenceNumber === unreliableSequence ? c : null, current);
  }
  return found(null, current);
}

/**
 * Queue a received data command. `source[offset, offset+length)` is copied; for a fragmented
 * packet (`fragmentCount` > 0) a zeroed buffer of `length` is allocated for reassembly.
 * Returns the queued command, DISCARDED (duplicate or stale: fine) or null (an error: the
 * rest of the datagram is dropped, as ENet does).
 */
export function queueIncomingCommand(
  peer: Peer,
  commandNumber: number,
  channelID: number,
  reliableSequenceNumber: number,
  unreliableSequenceNumber: number,
  source: Uint8Array | null,
  offset: number,
  length: number,
  flags: number,
  fragmentCount: number,
): QueueResult {
  const discard = fragmentCount > 0 ? null : DISCARDED;
  const channel = peer.channels[channelID];
  if (peer.state === PeerState.DISCONNECT_LATER) return discard;
  if (commandNumber !== Command.SEND_UNSEQUENCED && outsideReliableWindow(reliableSequenceNumber, channel.incomingReliableSequenceNumber)) return discard;
  const incomingReliable = channel.incomingReliableSequenceNumber;
  let position: ListNode;
  if (commandNumber === Command.SEND_RELIABLE && reliableSequenceNumber === ((incomingReliable + 1) & 0xffff) && channel.incomingReliableCommands.empty) {
    return queueNextReliable(peer, channel, channelID, reliableSequenceNumber, source, offset, length, flags);
  }
  switch (commandNumber) {
    case Command.SEND_FRAGMENT:
    case Command.SEND_RELIABLE: {
      if (reliableSequenceNumber === incomingReliable) return discard;
      const slot = findReliableSlot(channel, reliableSequenceNumber);
      if (slot.match !== null) return discard;
      position = slot.position;
      break;
    }
    case Command.SEND_UNRELIABLE:
    case Command.SEND_UNRELIABLE_FRAGMENT: {
      if (reliableSequenceNumber === incomingReliable && unreliableSequenceNumber <= channel.incomingUnreliableSequenceNumber) return discard;
      const slot = findUnreliableSlot(channel, reliableSequenceNumber, unreliableSequenceNumber);
      if (slot.match !== null) return discard;
      position = slot.position;
      break;
    }
    case Command.SEND_UNSEQUENCED:
      position = channel.incomingUnreliableCommands.sentinel;
      break;
    default:
      return discard;
  }
  if (peer.totalWaitingData >= peer.host.maximumWaitingData) return null;
  // A whole packet is one slice (allocation and copy in one builtin); a fragmented one starts zeroed.
  const data = fragmentCount === 0 && source !== null ? sliceBytes(source, offset, length) : new Uint8Array(length);
  const command = takeIncomingCommand(peer, commandNumber, channelID, reliableSequenceNumber, unreliableSequenceNumber & 0xffff, fragmentCount, data, flags);
  if (fragmentCount > 0) command.fragments = new Uint32Array(Math.ceil(fragmentCount / 32));
  peer.totalWaitingData += length;
  insertAfter(position, command);
  if (commandNumber === Command.SEND_FRAGMENT || commandNumber === Command.SEND_RELIABLE) {
    dispatchIncomingReliableCommands(peer, channel, command);
  } else {
    dispatchIncomingUnreliableCommands(peer, channel, command);
  }
  return command;
}

/**
 * The common case: a whole reliable packet, the next one expected, nothing queued before it. It
 * is released at once, as dispatchIncomingReliableCommands would, without the queue walks.
 */
function queueNextReliable(
  peer: Peer,
  channel: Channel,
  channelID: number,
  sequence: number,
  source: Uint8Array | null,
  offset: number,
  length: number,
  flags: number,
): QueueResult {
  if (peer.totalWaitingData >= peer.host.maximumWaitingData) return null;
  const data = source !== null ? sliceBytes(source, offset, length) : new Uint8Array(length);
  const command = takeIncomingCommand(peer, Command.SEND_RELIABLE, channelID, sequence, 0, 0, data, flags);
  peer.totalWaitingData += length;
  channel.incomingReliableSequenceNumber = sequence;
  channel.incomingUnreliableSequenceNumber = 0;
  insertAfter(peer.dispatchedCommands.sentinel.prev, command);
  peer.host.queueDispatch(peer);
  if (!channel.incomingUnreliableCommands.empty) dispatchIncomingUnreliableCommands(peer, channel, command);
  return command;
}

/** A record from the peer's pool (released ones), else a new one. */
function takeIncomingCommand(
  peer: Peer,
  commandNumber: number,
  channelID: number,
  reliableSequenceNumber: number,
  unreliableSequenceNumber: number,
  fragmentCount: number,
  data: Uint8Array,
  flags: number,
): IncomingCommand {
  const pooled = peer.incomingPool.pop();
  return pooled === undefined
    ? new IncomingCommand(commandNumber, channelID, reliableSequenceNumber, unreliableSequenceNumber, fragmentCount, data, flags)
    : pooled.reuse(commandNumber, channelID, reliableSequenceNumber, unreliableSequenceNumber, fragmentCount, data, flags);
}

/** A copy of `from[offset, offset+length)` as a plain Uint8Array (Buffer's own slice would be a view). */
function sliceBytes(from: Uint8Array, offset: number, length: number): Uint8Array {
  return Uint8Array.prototype.slice.call(from, offset, offset + length);
}

function releaseToDispatch(peer: Peer, first: ListNode, last: ListNode): void {
  moveRange(peer.dispatchedCommands.sentinel, first, last);
  peer.host.queueDispatch(peer);
}

export function dispatchIncomingUnreliableCommands(peer: Peer, channel: Channel, queued: IncomingCommand | null): void {
  const list = channel.incomingUnreliableCommands;
  const end = list.sentinel;
  let dropped: ListNode = end.next;
  let start: ListNode = end.next;
  let current: ListNode = end.next;
  for (; current !== end; current = current.next) {
    const c = current as IncomingCommand;
    if (c.commandNumber === Command.SEND_UNSEQUENCED) continue;
    if (c.reliableSequenceNumber === channel.incomingReliableSequenceNumber) {
      if (c.fragmentsRemaining <= 0) {
        channel.incomingUnreliableSequenceNumber = c.unreliableSequenceNumber;
        continue;
      }
      if (start !== current) {
        releaseToDispatch(peer, start, current.prev);
        dropped = current;
      } else if (dropped !== current) {
        dropped = current.prev;
      }
    } else {
      if (!outsideReliableWindow(c.reliableSequenceNumber, channel.incomingReliableSequenceNumber)) break;
      dropped = current.next;
      if (start !== current) releaseToDispatch(peer, start, current.prev);
    }
    start = current.next;
  }
  if (start !== current) {
    releaseToDispatch(peer, start, current.prev);
    dropped = current;
  }
  removeIncomingCommands(peer, list, dropped, queued);
}

export function dispatchIncomingReliableCommands(peer: Peer, channel: Channel, queued: IncomingCommand | null): void {
  const list = channel.incomingReliableCommands;
  let current: ListNode = list.sentinel.next;
  for (; current !== list.sentinel; current = current.next) {
    const c = current as IncomingCommand;
    if (c.fragmentsRemaining > 0 || c.reliableSequenceNumber !== ((channel.incomingReliableSequenceNumber + 1) & 0xffff)) break;
    channel.incomingReliableSequenceNumber = c.reliableSequenceNumber;
    if (c.fragmentCount > 0) channel.incomingReliableSequenceNumber = (channel.incomingReliableSequenceNumber + c.fragmentCount - 1) & 0xffff;
  }
  if (current === list.sentinel.next) return;
  channel.incomingUnreliableSequenceNumber = 0;
  releaseToDispatch(peer, list.sentinel.next, current.prev);
  if (!channel.incomingUnreliableCommands.empty) dispatchIncomingUnreliableCommands(peer, channel, queued);
}

/** Drop the commands from the front of `list` up to (not including) `stop`, keeping `keep`. */
function removeIncomingCommands(peer: Peer, list: List<IncomingCommand>, stop: ListNode, keep: IncomingCommand | null): void {
  let current = list.sentinel.next;
  while (current !== stop && current !== list.sentinel) {
    const c = current as IncomingCommand;
    current = current.next;
    if (c === keep) continue;
    unlink(c);
    peer.totalWaitingData -= c.data.length;
    c.data = NO_DATA;
    releaseIncomingCommand(peer, c);
  }
}

const NO_DATA = new Uint8Array(0);

/** Give back a record that is in no list any more; queueIncomingCommand reuses it. */
export function releaseIncomingCommand(peer: Peer, c: IncomingCommand): void {
  const pool = peer.incomingPool;
  if (pool.length >= PEER_INCOMING_POOL_MAX_COMMANDS) return;
  c.fragments = null;
  pool.push(c);
}

export function resetIncomingQueues(peer: Peer): void {
  peer.dispatchedCommands.clear();
  for (const channel of peer.channels) {
    channel.incomingReliableCommands.clear();
    channel.incomingUnreliableCommands.clear();
  }
}

/**
 * Take the next packet released to the application, or undefined. The record goes back to the
 * peer's pool at once: read its fields before anything else is received (the host hands them to
 * the listener straight away). Its `data` stays the application's; the record keeps a reference
 * to it only until reused.
 */
export function takeDispatched(peer: Peer): IncomingCommand | undefined {
  const c = peer.dispatchedCommands.front();
  if (c === undefined) return undefined;
  unlink(c);
  peer.totalWaitingData -= c.data.length;
  releaseIncomingCommand(peer, c);
  return c;
}
