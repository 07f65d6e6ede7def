// The connection handshake (ENet's enet_host_connect, handle_connect, handle_verify_connect,
// notify_connect, notify_disconnect): our CONNECT goes out from a free slot; a CONNECT received
// takes a free peer slot and answers VERIFY_CONNECT; the window size follows both sides'
// bandwidth limits. Before a CONNECT takes a slot, half-open.ts makes room within the
// half-open bounds.
import {
  ENET_PEER_WINDOW_SIZE_SCALE,
  ENET_PROTOCOL_MAXIMUM_CHANNEL_COUNT,
  ENET_PROTOCOL_MAXIMUM_MTU,
  ENET_PROTOCOL_MAXIMUM_WINDOW_SIZE,
  ENET_PROTOCOL_MINIMUM_CHANNEL_COUNT,
  ENET_PROTOCOL_MINIMUM_MTU,
  ENET_PROTOCOL_MINIMUM_WINDOW_SIZE,
} from './constants.js';
import type { EnetHost } from './host.js';
import { queueOutgoingCommand, removeSentReliableCommand } from './outgoing.js';
import type { Peer } from './peer.js';
import { PeerState } from './peer-state.js';
import { Command, COMMAND_FLAG_ACKNOWLEDGE, COMMAND_SIZES, CONNECT, CONTROL_CHANNEL_ID, readU16, readU32, writeU16, writeU32 } from './protocol.js';
import { makeRoomForConnect } from './half-open.js';
import type { DatagramAddress } from './transport.js';

const SESSION_ID_MASK = 3;

function clamp(v: number, lo: number, hi: number): number {
  return v < lo ? lo : v > hi ? hi : v;
}

/** ENet's window size for a link: from the smaller non-zero of two bandwidth limits. */
export function windowSizeFor(a: number, b: number): number {
  let size: number;
  if (a === 0 && b === 0) size = ENET_PROTOCOL_MAXIMUM_WINDOW_SIZE;
  else if (a === 0 || b === 0) size = Math.floor(Math.max(a, b) / ENET_PEER_WINDOW_SIZE_SCALE) * ENET_PROTOCOL_MINIMUM_WINDOW_SIZE;
  else size = Math.floor(Math.min(a, b) / ENET_PEER_WINDOW_SIZE_SCALE) * ENET_PROTOCOL_MINIMUM_WINDOW_SIZE;
  return clamp(size, ENET_PROTOCOL_MINIMUM_WINDOW_SIZE, ENET_PROTOCOL_MAXIMUM_WINDOW_SIZE);
}

function nextSessionID(proposed: number, fallback: number, avoid: number): number {
  let id = proposed === 0xff ? fallback : proposed;
  id = (id + 1) & SESSION_ID_MASK;
  if (id === avoid) id = (id + 1) & SESSION_ID_MASK;
  return id;
}

/** Encode the CONNECT (with `data`) or VERIFY_CONNECT body after the command header. */
export function handshakeBody(
  kind: 'connect' | 'verify',
  f: {
    outgoingPeerID: number;
    incomingSessionID: number;
    outgoingSessionID: number;
    mtu: number;
    windowSize: number;
    channelCount: number;
    incomingBandwidth: number;
    outgoingBandwidth: number;
    throttleInterval: number;
    throttleAcceleration: number;
    throttleDeceleration: number;
    connectID: number;
    data?: number;
  },
): Uint8Array {
  const size = COMMAND_SIZES[kind === 'connect' ? Command.CONNECT : Command.VERIFY_CONNECT];
  const whole = new Uint8Array(size);
  writeU16(whole, CONNECT.OUTGOING_PEER_ID, f.outgoingPeerID);
  whole[CONNECT.INCOMING_SESSION_ID] = f.incomingSessionID;
  whole[CONNECT.OUTGOING_SESSION_ID] = f.outgoingSessionID;
  writeU32(whole, CONNECT.MTU, f.mtu);
  writeU32(whole, CONNECT.WINDOW_SIZE, f.windowSize);
  writeU32(whole, CONNECT.CHANNEL_COUNT, f.channelCount);
  writeU32(whole, CONNECT.INCOMING_BANDWIDTH, f.incomingBandwidth);
  writeU32(whole, CONNECT.OUTGOING_BANDWIDTH, f.outgoingBandwidth);
  writeU32(whole, CONNECT.PACKET_THROTTLE_INTERVAL, f.throttleInterval);
  writeU32(whole, CONNECT.PACKET_THROTTLE_ACCELERATION, f.throttleAcceleration);
  writeU32(whole, CONNECT.PACKET_THROTTLE_DECELERATION, f.throttleDeceleration);
  writeU32(whole, CONNECT.CONNECT_ID, f.connectID);
  if (kind === 'connect') writeU32(whole, CONNECT.DATA, f.data ?? 0);
  return whole.subarray(4);
}

/** Our side starts a handshake: `peer` (a free slot) takes `address` and queues CONNECT with `data`. */
export function startConnect(host: EnetHost, peer: Peer, address: DatagramAddress, channelCount: number, connectID: number, data: number): void {
  peer.initChannels(channelCount);
  peer.setState(PeerState.CONNECTING);
  peer.address = { address: address.address, port: address.port };
  peer.connectID = connectID;
  peer.windowSize =
    host.outgoingBandwidth === 0
      ? ENET_PROTOCOL_MAXIMUM_WINDOW_SIZE
      : Math.min(
          ENET_PROTOCOL_MAXIMUM_WINDOW_SIZE,
          Math.max(ENET_PROTOCOL_MINIMUM_WINDOW_SIZE, Math.floor(host.outgoingBandwidth / ENET_PEER_WINDOW_SIZE_SCALE) * ENET_PROTOCOL_MINIMUM_WINDOW_SIZE),
        );
  const body = handshakeBody('connect', {
    outgoingPeerID: peer.incomingPeerID,
    incomingSessionID: peer.incomingSessionID,
    outgoingSessionID: peer.outgoingSessionID,
    mtu: peer.mtu,
    windowSize: peer.windowSize,
    channelCount,
    incomingBandwidth: host.incomingBandwidth,
    outgoingBandwidth: host.outgoingBandwidth,
    throttleInterval: peer.packetThrottleInterval,
    throttleAcceleration: peer.packetThrottleAcceleration,
    throttleDeceleration: peer.packetThrottleDeceleration,
    connectID,
    data,
  });
  queueOutgoingCommand(peer, Command.CONNECT | COMMAND_FLAG_ACKNOWLEDGE, CONTROL_CHANNEL_ID, null, 0, 0, body);
}

/** CONNECT at `o` from `from`: the new peer, or null when refused (full, duplicate, bad). */
export function handleConnect(host: EnetHost, b: Uint8Array, o: number, from: DatagramAddress): Peer | null {
  let channelCount = readU32(b, o + CONNECT.CHANNEL_COUNT);
  if (channelCount < ENET_PROTOCOL_MINIMUM_CHANNEL_COUNT || channelCount > ENET_PROTOCOL_MAXIMUM_CHANNEL_COUNT) return null;
  const connectID = readU32(b, o + CONNECT.CONNECT_ID);
  // a repeated CONNECT of a peer we already hold is not a new connection: never evict for it
  for (const p of host.slots) {
    if (
      p.state !== PeerState.DISCONNECTED &&
      p.state !== PeerState.CONNECTING &&
      p.address.address === from.address &&
      p.address.port === from.port &&
      p.connectID === connectID
    )
      return null;
  }
  if (host.halfOpenLimits) makeRoomForConnect(host, from, host.halfOpenLimits);
  let peer: Peer | null = null;
  let duplicatePeers = 0;
  for (const p of host.slots) {
    if (p.state === PeerState.DISCONNECTED) {
      if (peer === null) peer = p;
    } else if (p.state !== PeerState.CONNECTING && p.address.address === from.address) {
      if (p.address.port === from.port && p.connectID === connectID) return null;
      duplicatePeers++;
    }
  }
  if (peer === null || duplicatePeers >= host.duplicatePeers) return null;
  if (channelCount > host.channelLimit) channelCount = host.channelLimit;
  peer.initChannels(channelCount);
  peer.setState(PeerState.ACKNOWLEDGING_CONNECT);
  peer.connectID = connectID;
  peer.halfOpenOrder = ++host.connectsReceived;
  peer.address = { address: from.address, port: from.port };
  peer.outgoingPeerID = readU16(b, o + CONNECT.OUTGOING_PEER_ID);
  peer.incomingBandwidth = readU32(b, o + CONNECT.INCOMING_BANDWIDTH);
  peer.outgoingBandwidth = readU32(b, o + CONNECT.OUTGOING_BANDWIDTH);
  peer.packetThrottleInterval = readU32(b, o + CONNECT.PACKET_THROTTLE_INTERVAL);
  peer.packetThrottleAcceleration = readU32(b, o + CONNECT.PACKET_THROTTLE_ACCELERATION);
  peer.packetThrottleDeceleration = readU32(b, o + CONNECT.PACKET_THROTTLE_DECELERATION);
  peer.eventData = readU32(b, o + CONNECT.DATA);
  const incomingSessionID = nextSessionID(b[o + CONNECT.INCOMING_SESSION_ID], peer.outgoingSessionID, peer.outgoingSessionID);
  peer.outgoingSessionID = incomingSessionID;
  const outgoingSessionID = nextSessionID(b[o + CONNECT.OUTGOING_SESSION_ID], peer.incomingSessionID, peer.incomingSessionID);
  peer.incomingSessionID = outgoingSessionID;
  peer.mtu = clamp(readU32(b, o + CONNECT.MTU), ENET_PROTOCOL_MINIMUM_MTU, ENET_PROTOCOL_MAXIMUM_MTU);
  peer.windowSize = windowSizeFor(host.outgoingBandwidth, peer.incomingBandwidth);
  let windowSize =
    host.incomingBandwidth === 0
      ? ENET_PROTOCOL_MAXIMUM_WINDOW_SIZE
      : Math.floor(host.incomingBandwidth / ENET_PEER_WINDOW_SIZE_SCALE) * ENET_PROTOCOL_MINIMUM_WINDOW_SIZE;
  windowSize = clamp(Math.min(windowSize, readU32(b, o + CONNECT.WINDOW_SIZE)), ENET_PROTOCOL_MINIMUM_WINDOW_SIZE, ENET_PROTOCOL_MAXIMUM_WINDOW_SIZE);
  const body = handshakeBody('verify', {
    outgoingPeerID: peer.incomingPeerID,
    incomingSessionID,
    outgoingSessionID,
    mtu: peer.mtu,
    windowSize,
    channelCount,
    incomingBandwidth: host.incomingBandwidth,
    outgoingBandwidth: host.outgoingBandwidth,
    throttleInterval: peer.packetThrottleInterval,
    throttleAcceleration: peer.packetThrottleAcceleration,
    throttleDeceleration: peer.packetThrottleDeceleration,
    connectID,
  });
  queueOutgoingCommand(peer, Command.VERIFY_CONNECT | COMMAND_FLAG_ACKNOWLEDGE, CONTROL_CHANNEL_ID, null, 0, 0, body);
  return peer;
}

/** VERIFY_CONNECT at `o`. False on a protocol error (the peer is then dropped). */
export function handleVerifyConnect(host: EnetHost, peer: Peer, b: Uint8Array, o: number): boolean {
  if (peer.state !== PeerState.CONNECTING) return true;
  const channelCount = readU32(b, o + CONNECT.CHANNEL_COUNT);
  if (
    channelCount < ENET_PROTOCOL_MINIMUM_CHANNEL_COUNT ||
    channelCount > ENET_PROTOCOL_MAXIMUM_CHANNEL_COUNT ||
    readU32(b, o + CONNECT.PACKET_THROTTLE_INTERVAL) !== peer.packetThrottleInterval ||
    readU32(b, o + CONNECT.PACKET_THROTTLE_ACCELERATION) !== peer.packetThrottleAcceleration ||
    readU32(b, o + CONNECT.PACKET_THROTTLE_DECELERATION) !== peer.packetThrottleDeceleration ||
    readU32(b, o + CONNECT.CONNECT_ID) !== peer.connectID
  ) {
    peer.eventData = 0;
    peer.dispatchState(PeerState.ZOMBIE);
    return false;
  }
  removeSentReliableCommand(peer, 1, CONTROL_CHANNEL_ID);
  if (channelCount < peer.channels.length) peer.channels.length = channelCount;
  peer.outgoingPeerID = readU16(b, o + CONNECT.OUTGOING_PEER_ID);
  peer.incomingSessionID = b[o + CONNECT.INCOMING_SESSION_ID];
  peer.outgoingSessionID = b[o + CONNECT.OUTGOING_SESSION_ID];
  const mtu = clamp(readU32(b, o + CONNECT.MTU), ENET_PROTOCOL_MINIMUM_MTU, ENET_PROTOCOL_MAXIMUM_MTU);
  if (mtu < peer.mtu) peer.mtu = mtu;
  const windowSize = clamp(readU32(b, o + CONNECT.WINDOW_SIZE), ENET_PROTOCOL_MINIMUM_WINDOW_SIZE, ENET_PROTOCOL_MAXIMUM_WINDOW_SIZE);
  if (windowSize < peer.windowSize) peer.windowSize = windowSize;
  peer.incomingBandwidth = readU32(b, o + CONNECT.INCOMING_BANDWIDTH);
  peer.outgoingBandwidth = readU32(b, o + CONNECT.OUTGOING_BANDWIDTH);
  notifyConnect(host, peer);
  return true;
}

/**
 * The handshake completed. As in ENet's service path the peer is connected at once, so data
 * commands later in the same datagram are accepted; the `connect` event follows at dispatch.
 */
export function notifyConnect(host: EnetHost, peer: Peer): void {
  host.recalculateBandwidthLimits = true;
  peer.setState(PeerState.CONNECTED);
  peer.connectEventPending = true;
  host.queueDispatch(peer);
}

export function notifyDisconnect(host: EnetHost, peer: Peer): void {
  if (peer.state >= PeerState.CONNECTION_PENDING) host.recalculateBandwidthLimits = true;
  if (peer.state !== PeerState.CONNECTING && peer.state < PeerState.CONNECTION_SUCCEEDED) {
    peer.reset();
  } else {
    peer.eventData = 0;
    peer.dispatchState(PeerState.ZOMBIE);
  }
}
