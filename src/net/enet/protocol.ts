// The ENet 1.3 wire format, declaratively (include/enet/protocol.h). All multi-byte fields
// are big-endian. A datagram is a header followed by whole commands; each command starts with
// a 4-byte command header and has the fixed size given by COMMAND_SIZES, and the data-bearing
// commands are followed by `dataLength` payload bytes. Every size is checked before a read.

export const Command = {
  NONE: 0,
  ACKNOWLEDGE: 1,
  CONNECT: 2,
  VERIFY_CONNECT: 3,
  DISCONNECT: 4,
  PING: 5,
  SEND_RELIABLE: 6,
  SEND_UNRELIABLE: 7,
  SEND_FRAGMENT: 8,
  SEND_UNSEQUENCED: 9,
  BANDWIDTH_LIMIT: 10,
  THROTTLE_CONFIGURE: 11,
  SEND_UNRELIABLE_FRAGMENT: 12,
} as const;
export type CommandNumber = (typeof Command)[keyof typeof Command];
export const COMMAND_COUNT = 13;
export const COMMAND_MASK = 0x0f;

/** Flags in the command byte. */
export const COMMAND_FLAG_ACKNOWLEDGE = 1 << 7;
export const COMMAND_FLAG_UNSEQUENCED = 1 << 6;

/** Flags and session bits in the header's peer id field. */
export const HEADER_FLAG_COMPRESSED = 1 << 14;
export const HEADER_FLAG_SENT_TIME = 1 << 15;
export const HEADER_FLAG_MASK = HEADER_FLAG_COMPRESSED | HEADER_FLAG_SENT_TIME;
export const HEADER_SESSION_MASK = 3 << 12;
export const HEADER_SESSION_SHIFT = 12;
export const HEADER_PEER_ID_MASK = 0xffff & ~(HEADER_FLAG_MASK | HEADER_SESSION_MASK);

/** Header: peerID u16 (with flags/session), then sentTime u16 only when HEADER_FLAG_SENT_TIME. */
export const HEADER_MINIMUM_SIZE = 2;
export const HEADER_SIZE = 4;
/** With checksums on, a u32 CRC32 follows the header. */
export const CHECKSUM_SIZE = 4;

/** Command header: command u8, channelID u8, reliableSequenceNumber u16. */
export const COMMAND_HEADER_SIZE = 4;
export const CH_COMMAND = 0;
export const CH_CHANNEL_ID = 1;
export const CH_RELIABLE_SEQUENCE_NUMBER = 2;
/** Commands about the peer rather than a channel carry this channel id. */
export const CONTROL_CHANNEL_ID = 0xff;

/** Field offsets from the start of each command (after its 4-byte command header). */
export const ACK = { RECEIVED_RELIABLE_SEQUENCE_NUMBER: 4, RECEIVED_SENT_TIME: 6 } as const; // u16 u16
/** CONNECT and VERIFY_CONNECT share this layout; CONNECT adds `data` at 44. */
export const CONNECT = {
  OUTGOING_PEER_ID: 4, // u16
  INCOMING_SESSION_ID: 6, // u8
  OUTGOING_SESSION_ID: 7, // u8
  MTU: 8, // u32 ...
  WINDOW_SIZE: 12,
  CHANNEL_COUNT: 16,
  INCOMING_BANDWIDTH: 20,
  OUTGOING_BANDWIDTH: 24,
  PACKET_THROTTLE_INTERVAL: 28,
  PACKET_THROTTLE_ACCELERATION: 32,
  PACKET_THROTTLE_DECELERATION: 36,
  CONNECT_ID: 40,
  DATA: 44,
} as const;
export const BANDWIDTH_LIMIT = { INCOMING_BANDWIDTH: 4, OUTGOING_BANDWIDTH: 8 } as const; // u32 u32
export const THROTTLE_CONFIGURE = { INTERVAL: 4, ACCELERATION: 8, DECELERATION: 12 } as const; // u32 x3
export const DISCONNECT = { DATA: 4 } as const; // u32
export const SEND_RELIABLE = { DATA_LENGTH: 4 } as const; // u16
export const SEND_UNRELIABLE = { UNRELIABLE_SEQUENCE_NUMBER: 4, DATA_LENGTH: 6 } as const; // u16 u16
export const SEND_UNSEQUENCED = { UNSEQUENCED_GROUP: 4, DATA_LENGTH: 6 } as const; // u16 u16
/** SEND_FRAGMENT and SEND_UNRELIABLE_FRAGMENT share this layout. */
export const SEND_FRAGMENT = {
  START_SEQUENCE_NUMBER: 4, // u16
  DATA_LENGTH: 6, // u16
  FRAGMENT_COUNT: 8, // u32 ...
  FRAGMENT_NUMBER: 12,
  TOTAL_LENGTH: 16,
  FRAGMENT_OFFSET: 20,
} as const;

/** Fixed size of each command, payload excluded; 0 = not a valid command. */
export const COMMAND_SIZES: readonly number[] = Object.freeze([
  0, // NONE
  8, // ACKNOWLEDGE
  48, // CONNECT
  44, // VERIFY_CONNECT
  8, // DISCONNECT
  4, // PING
  6, // SEND_RELIABLE
  8, // SEND_UNRELIABLE
  24, // SEND_FRAGMENT
  8, // SEND_UNSEQUENCED
  12, // BANDWIDTH_LIMIT
  16, // THROTTLE_CONFIGURE
  24, // SEND_UNRELIABLE_FRAGMENT
]);

export function commandSize(commandByte: number): number {
  return COMMAND_SIZES[commandByte & COMMAND_MASK] ?? 0;
}

/** Offset of the u16 `dataLength` field for the data-bearing commands, else -1. */
export const DATA_LENGTH_OFFSET: readonly number[] = Object.freeze([
  -1,
  -1,
  -1,
  -1,
  -1,
  -1,
  SEND_RELIABLE.DATA_LENGTH,
  SEND_UNRELIABLE.DATA_LENGTH,
  SEND_FRAGMENT.DATA_LENGTH,
  SEND_UNSEQUENCED.DATA_LENGTH,
  -1,
  -1,
  SEND_FRAGMENT.DATA_LENGTH,
]);

export const COMMAND_NAMES: readonly string[] = Object.freeze([
  'NONE',
  'ACKNOWLEDGE',
  'CONNECT',
  'VERIFY_CONNECT',
  'DISCONNECT',
  'PING',
  'SEND_RELIABLE',
  'SEND_UNRELIABLE',
  'SEND_FRAGMENT',
  'SEND_UNSEQUENCED',
  'BANDWIDTH_LIMIT',
  'THROTTLE_CONFIGURE',
  'SEND_UNRELIABLE_FRAGMENT',
]);

// Byte helpers (big-endian), bounds are the caller's job: every read is preceded by a size check.
export function readU16(b: Uint8Array, o: number): number {
  return (b[o] << 8) | b[o + 1];
}
export function readU32(b: Uint8Array, o: number): number {
  return ((b[o] << 24) | (b[o + 1] << 16) | (b[o + 2] << 8) | b[o + 3]) >>> 0;
}
export function writeU16(b: Uint8Array, o: number, v: number): void {
  b[o] = (v >>> 8) & 0xff;
  b[o + 1] = v & 0xff;
}
export function writeU32(b: Uint8Array, o: number, v: number): void {
  b[o] = (v >>> 24) & 0xff;
  b[o + 1] = (v >>> 16) & 0xff;
  b[o + 2] = (v >>> 8) & 0xff;
  b[o + 3] = v & 0xff;
}
