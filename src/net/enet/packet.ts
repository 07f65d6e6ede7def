// A packet as the application sees it: bytes plus ENet's packet flags.
import { ENET_PACKET_FLAG_RELIABLE, ENET_PACKET_FLAG_UNRELIABLE_FRAGMENT, ENET_PACKET_FLAG_UNSEQUENCED } from './constants.js';

export interface EnetPacket {
  readonly data: Uint8Array;
  /** ENET_PACKET_FLAG_* bits. */
  readonly flags: number;
}

/**
 * How to send. Nothing set = unreliable sequenced. `reliable` wins over the others, as in ENet;
 * `unsequenced` = may arrive in any order, never twice; `unreliableFragment` = a packet bigger
 * than one datagram is sent as unreliable fragments (otherwise ENet sends it reliably).
 */
export interface SendOptions {
  reliable?: boolean;
  unsequenced?: boolean;
  unreliableFragment?: boolean;
}

/** ENET_PACKET_FLAG_* bits from options, or the bits themselves (e.g. a received packet's flags). */
export function packetFlagsFrom(options: SendOptions | number | undefined): number {
  if (options === undefined) return 0;
  if (typeof options === 'number') {
    return options & (ENET_PACKET_FLAG_RELIABLE | ENET_PACKET_FLAG_UNSEQUENCED | ENET_PACKET_FLAG_UNRELIABLE_FRAGMENT);
  }
  return (
    (options.reliable ? ENET_PACKET_FLAG_RELIABLE : 0) |
    (options.unsequenced ? ENET_PACKET_FLAG_UNSEQUENCED : 0) |
    (options.unreliableFragment ? ENET_PACKET_FLAG_UNRELIABLE_FRAGMENT : 0)
  );
}

/** Our private copy of a packet's bytes (the caller may reuse its buffer afterwards); a plain Uint8Array even from a Buffer. */
export function copyPacketData(data: Uint8Array): Uint8Array {
  return Uint8Array.prototype.slice.call(data);
}
