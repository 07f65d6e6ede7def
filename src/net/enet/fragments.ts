// Reassembly of fragmented packets (ENet's handle_send_fragment and
// handle_send_unreliable_fragment). A fragment is checked against the window and its own
// numbers before anything is allocated; the first fragment of a packet allocates its buffer.
import type { Channel } from './channel.js';
import type { IncomingCommand } from './commands.js';
import { ENET_PACKET_FLAG_RELIABLE, ENET_PACKET_FLAG_UNRELIABLE_FRAGMENT, ENET_PROTOCOL_MAXIMUM_FRAGMENT_COUNT } from './constants.js';
import {
  DISCARDED,
  dispatchIncomingReliableCommands,
  dispatchIncomingUnreliableCommands,
  findReliableSlot,
  findUnreliableSlot,
  outsideReliableWindow,
  queueIncomingCommand,
} from './incoming.js';
import type { Peer } from './peer.js';
import { Command, readU16, readU32, SEND_FRAGMENT } from './protocol.js';

/** The numbers of one fragment command, read after its size was checked. */
interface FragmentFields {
  startSequenceNumber: number;
  fragmentCount: number;
  fragmentNumber: number;
  totalLength: number;
  fragmentOffset: number;
}

function readFields(b: Uint8Array, o: number): FragmentFields {
  return {
    startSequenceNumber: readU16(b, o + SEND_FRAGMENT.START_SEQUENCE_NUMBER),
    fragmentCount: readU32(b, o + SEND_FRAGMENT.FRAGMENT_COUNT),
    fragmentNumber: readU32(b, o + SEND_FRAGMENT.FRAGMENT_NUMBER),
    totalLength: readU32(b, o + SEND_FRAGMENT.TOTAL_LENGTH),
    fragmentOffset: readU32(b, o + SEND_FRAGMENT.FRAGMENT_OFFSET),
  };
}

function fieldsInvalid(f: FragmentFields, fragmentLength: number, maximumPacketSize: number): boolean {
  return (
    f.fragmentCount > ENET_PROTOCOL_MAXIMUM_FRAGMENT_COUNT ||
    f.fragmentNumber >= f.fragmentCount ||
    f.totalLength > maximumPacketSize ||
    f.fragmentOffset >= f.totalLength ||
    fragmentLength > f.totalLength - f.fragmentOffset
  );
}

/** Copy one fragment into its packet unless it was seen before; true when the packet is whole. */
function storeFragment(start: IncomingCommand, f: FragmentFields, b: Uint8Array, dataStart: number, fragmentLength: number): boolean {
  const fragments = start.fragments;
  if (fragments === null) return false;
  const word = f.fragmentNumber >>> 5;
  const bit = 1 << (f.fragmentNumber & 31);
  if ((fragments[word] & bit) !== 0) return false;
  start.fragmentsRemaining--;
  fragments[word] |= bit;
  const data = start.data;
  const length = Math.min(fragmentLength, data.length - f.fragmentOffset);
  data.set(b.subarray(dataStart, dataStart + length), f.fragmentOffset);
  return start.fragmentsRemaining <= 0;
}

/** A fragment must agree with the packet its start sequence number already began. */
function sameFragmentedPacket(start: IncomingCommand, command: number, f: FragmentFields): boolean {
  return start.commandNumber === command && f.totalLength === start.data.length && f.fragmentCount === start.fragmentCount;
}

/** SEND_FRAGMENT at `o` with its payload at `dataStart`. Returns false on a protocol error. */
export function handleSendFragment(peer: Peer, channel: Channel, b: Uint8Array, o: number, dataStart: number, fragmentLength: number): boolean {
  const startSequenceNumber = readU16(b, o + SEND_FRAGMENT.START_SEQUENCE_NUMBER);
  const incomingReliable = channel.incomingReliableSequenceNumber;
  if (outsideReliableWindow(startSequenceNumber, incomingReliable)) return true;
  const f = readFields(b, o);
  if (fieldsInvalid(f, fragmentLength, peer.host.maximumPacketSize)) return false;
  let start = findReliableSlot(channel, startSequenceNumber).match;
  if (start !== null && !sameFragmentedPacket(start, Command.SEND_FRAGMENT, f)) return false;
  if (start === null) {
    const queued = queueIncomingCommand(
      peer,
      Command.SEND_FRAGMENT,
      b[o + 1],
      startSequenceNumber,
      0,
      null,
      0,
      f.totalLength,
      ENET_PACKET_FLAG_RELIABLE,
      f.fragmentCount,
    );
    if (queued === null || queued === DISCARDED) return false;
    start = queued;
  }
  if (storeFragment(start, f, b, dataStart, fragmentLength)) dispatchIncomingReliableCommands(peer, channel, null);
  return true;
}

/** SEND_UNRELIABLE_FRAGMENT at `o` with its payload at `dataStart`. False on a protocol error. */
export function handleSendUnreliableFragment(peer: Peer, channel: Channel, b: Uint8Array, o: number, dataStart: number, fragmentLength: number): boolean {
  const reliableSequenceNumber = readU16(b, o + 2);
  const startSequenceNumber = readU16(b, o + SEND_FRAGMENT.START_SEQUENCE_NUMBER);
  const incomingReliable = channel.incomingReliableSequenceNumber;
  if (outsideReliableWindow(reliableSequenceNumber, incomingReliable)) return true;
  if (reliableSequenceNumber === incomingReliable && startSequenceNumber <= channel.incomingUnreliableSequenceNumber) return true;
  const f = readFields(b, o);
  if (fieldsInvalid(f, fragmentLength, peer.host.maximumPacketSize)) return false;
  let start = findUnreliableSlot(channel, reliableSequenceNumber, startSequenceNumber).match;
  if (start !== null && !sameFragmentedPacket(start, Command.SEND_UNRELIABLE_FRAGMENT, f)) return false;
  if (start === null) {
    const queued = queueIncomingCommand(
      peer,
      Command.SEND_UNRELIABLE_FRAGMENT,
      b[o + 1],
      reliableSequenceNumber,
      startSequenceNumber,
      null,
      0,
      f.totalLength,
      ENET_PACKET_FLAG_UNRELIABLE_FRAGMENT,
      f.fragmentCount,
    );
    if (queued === null || queued === DISCARDED) return false;
    start = queued;
  }
  if (storeFragment(start, f, b, dataStart, fragmentLength)) dispatchIncomingUnreliableCommands(peer, channel, null);
  return true;
}
