// The queued command records of a peer (ENet's ENetOutgoingCommand, ENetIncomingCommand; the
// acknowledgements it owes are in ack-queue.ts) and the encoder of an outgoing command into a datagram.
import { ListNode } from './list.js';
import { Command, COMMAND_MASK, SEND_FRAGMENT, SEND_RELIABLE, SEND_UNRELIABLE, SEND_UNSEQUENCED, writeU16, writeU32 } from './protocol.js';

export class OutgoingCommand extends ListNode {
  reliableSequenceNumber = 0;
  unreliableSequenceNumber = 0;
  sentTime = 0;
  roundTripTimeout = 0;
  roundTripTimeoutLimit = 0;
  sendAttempts = 0;
  /** Set when queued on a channel that carries unsequenced data. */
  unsequencedGroup = 0;
  // SEND_FRAGMENT / SEND_UNRELIABLE_FRAGMENT fields
  startSequenceNumber = 0;
  fragmentCount = 0;
  fragmentNumber = 0;

  constructor(
    /** Command byte: number | flags. */
    public commandByte: number,
    public channelID: number,
    /** The packet's bytes (our copy; shared by its fragments and by a broadcast's peers), null for control commands. */
    public data: Uint8Array | null,
    public fragmentOffset: number,
    public fragmentLength: number,
    /** Pre-encoded fields after the command header, for control commands. */
    public body: Uint8Array | null,
  ) {
    super();
  }

  /** Make a retired command (outgoing.ts's pool) a new one: every field as the constructor leaves it. */
  reuse(commandByte: number, channelID: number, data: Uint8Array | null, fragmentOffset: number, fragmentLength: number, body: Uint8Array | null): this {
    this.reliableSequenceNumber = 0;
    this.unreliableSequenceNumber = 0;
    this.sentTime = 0;
    this.roundTripTimeout = 0;
    this.roundTripTimeoutLimit = 0;
    this.sendAttempts = 0;
    this.unsequencedGroup = 0;
    this.startSequenceNumber = 0;
    this.fragmentCount = 0;
    this.fragmentNumber = 0;
    this.commandByte = commandByte;
    this.channelID = channelID;
    this.data = data;
    this.fragmentOffset = fragmentOffset;
    this.fragmentLength = fragmentLength;
    this.body = body;
    return this;
  }

  get commandNumber(): number {
    return this.commandByte & COMMAND_MASK;
  }
}

/** Write the command (header and fixed fields, not the payload) at `o`; returns bytes written. */
export function encodeOutgoingCommand(b: Uint8Array, o: number, c: OutgoingCommand): number {
  b[o] = c.commandByte;
  b[o + 1] = c.channelID;
  writeU16(b, o + 2, c.reliableSequenceNumber);
  switch (c.commandByte & COMMAND_MASK) {
    case Command.SEND_RELIABLE:
      writeU16(b, o + SEND_RELIABLE.DATA_LENGTH, c.fragmentLength);
      return 6;
    case Command.SEND_UNRELIABLE:
      writeU16(b, o + SEND_UNRELIABLE.UNRELIABLE_SEQUENCE_NUMBER, c.unreliableSequenceNumber);
      writeU16(b, o + SEND_UNRELIABLE.DATA_LENGTH, c.fragmentLength);
      return 8;
    case Command.SEND_UNSEQUENCED:
      writeU16(b, o + SEND_UNSEQUENCED.UNSEQUENCED_GROUP, c.unsequencedGroup);
      writeU16(b, o + SEND_UNSEQUENCED.DATA_LENGTH, c.fragmentLength);
      return 8;
    case Command.SEND_FRAGMENT:
    case Command.SEND_UNRELIABLE_FRAGMENT:
      writeU16(b, o + SEND_FRAGMENT.START_SEQUENCE_NUMBER, c.startSequenceNumber);
      writeU16(b, o + SEND_FRAGMENT.DATA_LENGTH, c.fragmentLength);
      writeU32(b, o + SEND_FRAGMENT.FRAGMENT_COUNT, c.fragmentCount);
      writeU32(b, o + SEND_FRAGMENT.FRAGMENT_NUMBER, c.fragmentNumber);
      writeU32(b, o + SEND_FRAGMENT.TOTAL_LENGTH, c.data !== null ? c.data.length : 0);
      writeU32(b, o + SEND_FRAGMENT.FRAGMENT_OFFSET, c.fragmentOffset);
      return 24;
    default: {
      const body = c.body;
      if (body === null) return 4;
      b.set(body, o + 4);
      return 4 + body.length;
    }
  }
}

export class IncomingCommand extends ListNode {
  fragmentsRemaining: number;
  fragments: Uint32Array | null = null;

  constructor(
    public commandNumber: number,
    public channelID: number,
    public reliableSequenceNumber: number,
    public unreliableSequenceNumber: number,
    public fragmentCount: number,
    /** The packet's bytes (ENet's packet->data; a fragmented one fills in as fragments arrive). */
    public data: Uint8Array,
    /** Its ENET_PACKET_FLAG_* bits. */
    public flags: number,
  ) {
    super();
    this.fragmentsRemaining = fragmentCount;
  }

  /** Make a released record (incoming.ts's pool) a new one: every field as the constructor leaves it. */
  reuse(
    commandNumber: number,
    channelID: number,
    reliableSequenceNumber: number,
    unreliableSequenceNumber: number,
    fragmentCount: number,
    data: Uint8Array,
    flags: number,
  ): this {
    this.fragmentsRemaining = fragmentCount;
    this.fragments = null;
    this.commandNumber = commandNumber;
    this.channelID = channelID;
    this.reliableSequenceNumber = reliableSequenceNumber;
    this.unreliableSequenceNumber = unreliableSequenceNumber;
    this.fragmentCount = fragmentCount;
    this.data = data;
    this.flags = flags;
    return this;
  }
}
