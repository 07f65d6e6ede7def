// The walk over a peer's outgoing queue (ENet's enet_protocol_check_outgoing_commands): queued
// commands go into the datagram in queue order while they fit the MTU, the reliable windows and
// the throttled send window. Once the send window is full, only commands it does not hold back
// (unreliable ones, reliable ones without data) can still go: `peer.outgoingPassableCommands`
// counts those, so when none is queued the walk stops there instead of skipping the rest of a
// queue that can be thousands long. What goes on the wire is the same as the full walk's.
import { encodeOutgoingCommand, type OutgoingCommand } from './commands.js';
import {
  ENET_BUFFER_MAXIMUM,
  ENET_PEER_FREE_RELIABLE_WINDOWS,
  ENET_PEER_PACKET_THROTTLE_COUNTER,
  ENET_PEER_PACKET_THROTTLE_SCALE,
  ENET_PEER_RELIABLE_WINDOWS,
  ENET_PEER_RELIABLE_WINDOW_SIZE,
  ENET_PROTOCOL_MAXIMUM_PACKET_COMMANDS,
} from './constants.js';
import type { EnetHost } from './host.js';
import { unlink, type ListNode } from './list.js';
import type { Peer } from './peer.js';
import { PeerState } from './peer-state.js';
import { COMMAND_FLAG_ACKNOWLEDGE, COMMAND_MASK, COMMAND_SIZES, HEADER_FLAG_SENT_TIME } from './protocol.js';

const WINDOW_MASK = (1 << (ENET_PEER_FREE_RELIABLE_WINDOWS + 2)) - 1;

/** Whether a full send window lets this queued command through (it is not reliable with data). */
export function isPassable(c: OutgoingCommand): boolean {
  return (c.commandByte & COMMAND_FLAG_ACKNOWLEDGE) === 0 || c.data === null;
}

/** Move queued commands into the datagram; returns whether a ping may still be added. */
export function checkOutgoingCommands(host: EnetHost, peer: Peer): boolean {
  const d = host.builder;
  const outgoing = peer.outgoingCommands;
  let windowExceeded = false;
  let windowWrap = false;
  let canPing = true;
  // The throttled window is the same for every command of this pass (nothing below moves it).
  const windowLimit = Math.max(Math.floor((peer.packetThrottle * peer.windowSize) / ENET_PEER_PACKET_THROTTLE_SCALE), peer.mtu);
  let current: ListNode = outgoing.sentinel.next;
  while (current !== outgoing.sentinel) {
    let c = current as OutgoingCommand;
    const reliable = (c.commandByte & COMMAND_FLAG_ACKNOWLEDGE) !== 0;
    // Once the window is full every reliable packet behind it waits (the window-wrap test
    // below only ever skips more of those): skip them first, as the queue can be thousands long.
    if (windowExceeded && reliable && c.data !== null) {
      current = current.next;
      continue;
    }
    const channel = reliable && c.channelID < peer.channels.length ? peer.channels[c.channelID] : null;
    const reliableWindow = Math.floor(c.reliableSequenceNumber / ENET_PEER_RELIABLE_WINDOW_SIZE);
    if (reliable) {
      if (channel !== null) {
        if (
          !windowWrap &&
          c.sendAttempts < 1 &&
          c.reliableSequenceNumber % ENET_PEER_RELIABLE_WINDOW_SIZE === 0 &&
          (channel.reliableWindows[(reliableWindow + ENET_PEER_RELIABLE_WINDOWS - 1) % ENET_PEER_RELIABLE_WINDOWS] >= ENET_PEER_RELIABLE_WINDOW_SIZE ||
            (channel.usedReliableWindows & ((WINDOW_MASK << reliableWindow) | (WINDOW_MASK >>> (ENET_PEER_RELIABLE_WINDOWS - reliableWindow)))) !== 0)
        ) {
          windowWrap = true;
        }
        if (windowWrap) {
          current = current.next;
          continue;
        }
      }
      if (c.data !== null) {
        if (!windowExceeded) {
          if (peer.reliableDataInTransit + c.fragmentLength > windowLimit) windowExceeded = true;
        }
        if (windowExceeded) {
          // Every command behind this one waits too unless it is passable: none is queued.
          if (peer.outgoingPassableCommands === 0) break;
          current = current.next;
          continue;
        }
      }
      canPing = false;
    }
    const commandSize = COMMAND_SIZES[c.commandByte & COMMAND_MASK];
    const room = peer.mtu - d.packetSize;
    if (
      d.commandCount >= ENET_PROTOCOL_MAXIMUM_PACKET_COMMANDS ||
      d.bufferCount + 1 >= ENET_BUFFER_MAXIMUM ||
      room < commandSize ||
      (c.data !== null && (room & 0xffff) < ((commandSize + c.fragmentLength) & 0xffff))
    ) {
      d.continueSending = true;
      break;
    }
    current = current.next;
    if (reliable) {
      if (channel !== null && c.sendAttempts < 1) {
        channel.usedReliableWindows |= 1 << reliableWindow;
        channel.reliableWindows[reliableWindow]++;
      }
      c.sendAttempts++;
      if (c.roundTripTimeout === 0) {
        c.roundTripTimeout = peer.roundTripTime + 4 * peer.roundTripTimeVariance;
        c.roundTripTimeoutLimit = peer.timeoutLimit * c.roundTripTimeout;
      }
      if (peer.sentReliableCommands.empty) peer.nextTimeout = (host.serviceTime + c.roundTripTimeout) >>> 0;
      unlink(c);
      if (c.data === null) peer.outgoingPassableCommands--;
      peer.sentReliableCommands.pushBack(c);
      c.sentTime = host.serviceTime;
      d.headerFlags |= HEADER_FLAG_SENT_TIME;
      peer.reliableDataInTransit += c.fragmentLength;
    } else {
      if (c.data !== null && c.fragmentOffset === 0) {
        peer.packetThrottleCounter = (peer.packetThrottleCounter + ENET_PEER_PACKET_THROTTLE_COUNTER) % ENET_PEER_PACKET_THROTTLE_SCALE;
        if (peer.packetThrottleCounter > peer.packetThrottle) {
          // Throttled: drop this unreliable packet with all its fragments.
          const reliableSequenceNumber = c.reliableSequenceNumber;
          const unreliableSequenceNumber = c.unreliableSequenceNumber;
          for (;;) {
            unlink(c);
            peer.outgoingPassableCommands--;
            host.throttledPackets++;
            if (current === outgoing.sentinel) break;
            c = current as OutgoingCommand;
            if (c.reliableSequenceNumber !== reliableSequenceNumber || c.unreliableSequenceNumber !== unreliableSequenceNumber) break;
            current = current.next;
          }
          continue;
        }
      }
      unlink(c);
      peer.outgoingPassableCommands--;
      if (c.data !== null) peer.sentUnreliableCommands.pushBack(c);
    }
    const written = encodeOutgoingCommand(d.buffer, d.offset, c);
    d.offset += written;
    d.packetSize += commandSize;
    d.commandCount++;
    d.bufferCount++;
    if (c.data !== null) {
      copyPayload(d.buffer, d.offset, c.data, c.fragmentOffset, c.fragmentLength);
      d.offset += c.fragmentLength;
      d.packetSize += c.fragmentLength;
      d.bufferCount++;
    }
    peer.packetsSent++;
    peer.totalPacketsSent++;
  }
  if (peer.state === PeerState.DISCONNECT_LATER && outgoing.empty && peer.sentReliableCommands.empty && peer.sentUnreliableCommands.empty) {
    peer.disconnect(peer.eventData);
  }
  return canPing;
}

/** A whole packet is one set() (a memcpy); only a fragment needs a view of its part. */
function copyPayload(to: Uint8Array, at: number, from: Uint8Array, offset: number, length: number): void {
  if (offset === 0 && length === from.length) to.set(from, at);
  else to.set(new Uint8Array(from.buffer, from.byteOffset + offset, length), at);
}
