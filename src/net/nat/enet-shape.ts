// A cheap structural test that a datagram can be an ENet 1.3 packet (header, then a known
// command whose fixed part fits). Anything else arriving on the ICE socket — neither STUN
// (werift-ice takes those) nor ENet — is a counted drop before it reaches the ENet host.
// Facts from ENet 1.3.17 include/enet/protocol.h.

const ENET_HEADER_FLAG_COMPRESSED = 0x4000;
const ENET_HEADER_FLAG_SENT_TIME = 0x8000;
const ENET_HEADER_BYTES = 2;
const ENET_SENT_TIME_BYTES = 2;
const ENET_COMMAND_MASK = 0x0f;

/** Fixed size of each command (header included), by command number 1..12. */
const ENET_COMMAND_BYTES: readonly number[] = [
  0, // 0: none
  8, // 1: acknowledge
  48, // 2: connect
  44, // 3: verify connect
  8, // 4: disconnect
  4, // 5: ping
  6, // 6: send reliable
  8, // 7: send unreliable
  24, // 8: send fragment
  8, // 9: send unsequenced
  12, // 10: bandwidth limit
  16, // 11: throttle configure
  24, // 12: send unreliable fragment
];

export type EnetShapeVerdict = 'ok' | 'too_short' | 'bad_command';

export function enetShape(data: Uint8Array): EnetShapeVerdict {
  if (data.length < ENET_HEADER_BYTES) return 'too_short';
  const peerField = (data[0] << 8) | data[1];
  let offset = ENET_HEADER_BYTES + (peerField & ENET_HEADER_FLAG_SENT_TIME ? ENET_SENT_TIME_BYTES : 0);
  if (data.length <= offset) return 'too_short';
  // Our hosts configure no range coder, so a compressed packet is never legitimate here.
  if (peerField & ENET_HEADER_FLAG_COMPRESSED) return 'bad_command';
  const command = data[offset] & ENET_COMMAND_MASK;
  const size = ENET_COMMAND_BYTES[command] ?? 0;
  if (size === 0) return 'bad_command';
  offset += size;
  return data.length >= offset ? 'ok' : 'too_short';
}
