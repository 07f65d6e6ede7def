// A remote ENet peer (ENet's peer.c, ENetPeer): its protocol state, state machine and the
// send/disconnect calls. Code outside ENet sees it only as peer-api.ts's EnetPeer; the fields
// here are ENet's own (queueing in outgoing.ts and incoming.ts, wire handling in the host's
// modules), and `state` has one writer, setState.
import { Channel } from './channel.js';
import { AckQueue } from './ack-queue.js';
import type { IncomingCommand, OutgoingCommand } from './commands.js';
import {
  ENET_PEER_PACKET_LOSS_SCALE,
  ENET_PEER_PING_INTERVAL_MS,
  ENET_PEER_TIMEOUT_LIMIT,
  ENET_PEER_TIMEOUT_MAXIMUM_MS,
  ENET_PEER_TIMEOUT_MINIMUM_MS,
  ENET_PEER_UNSEQUENCED_WINDOW_SIZE,
} from './constants.js';
import type { EnetHost } from './host.js';
import { List } from './list.js';
import { controlBody, peerSend, queueOutgoingCommand, resetOutgoingQueues } from './outgoing.js';
import { resetIncomingQueues } from './incoming.js';
import { packetFlagsFrom, type SendOptions } from './packet.js';
import { resetLink } from './peer-link.js';
import type { EnetPeer, PeerStats, UnreliableLease } from './peer-api.js';
import { PEER_STATE_NAMES, PeerState, isUp, type PeerStateName, type PeerStateValue } from './peer-state.js';
import type { DatagramAddress } from './transport.js';
import { Command, COMMAND_FLAG_ACKNOWLEDGE, COMMAND_FLAG_UNSEQUENCED, CONTROL_CHANNEL_ID, DISCONNECT, THROTTLE_CONFIGURE } from './protocol.js';

export class Peer implements EnetPeer {
  // ---- identity and link (see ENetPeer); the `!` fields are set by resetLink ----
  outgoingPeerID!: number;
  connectID!: number;
  outgoingSessionID = 0xff;
  incomingSessionID = 0xff;
  address: DatagramAddress = { address: '', port: 0 };
  /** Application slot, never touched by ENet. */
  userData: unknown = undefined;
  #state: PeerStateValue = PeerState.DISCONNECTED;
  channels: Channel[] = [];
  incomingBandwidth!: number;
  outgoingBandwidth!: number;
  incomingBandwidthThrottleEpoch!: number;
  outgoingBandwidthThrottleEpoch!: number;
  incomingDataTotal!: number;
  outgoingDataTotal!: number;
  lastSendTime!: number;
  lastReceiveTime!: number;
  nextTimeout!: number;
  earliestTimeout!: number;
  packetLossEpoch!: number;
  packetsSent!: number;
  packetsLost!: number;
  packetLoss!: number;
  packetLossVariance!: number;
  packetThrottle!: number;
  packetThrottleLimit!: number;
  packetThrottleCounter!: number;
  packetThrottleEpoch!: number;
  packetThrottleAcceleration!: number;
  packetThrottleDeceleration!: number;
  packetThrottleInterval!: number;
  pingInterval!: number;
  timeoutLimit!: number;
  timeoutMinimum!: number;
  timeoutMaximum!: number;
  lastRoundTripTime!: number;
  lowestRoundTripTime!: number;
  lastRoundTripTimeVariance!: number;
  highestRoundTripTimeVariance!: number;
  roundTripTime!: number;
  roundTripTimeVariance!: number;
  mtu!: number;
  windowSize!: number;
  reliableDataInTransit!: number;
  outgoingReliableSequenceNumber!: number;
  readonly acknowledgements = new AckQueue();
  readonly sentReliableCommands = new List<OutgoingCommand>();
  readonly sentUnreliableCommands = new List<OutgoingCommand>();
  readonly outgoingCommands = new List<OutgoingCommand>();
  /** Commands in outgoingCommands a full send window does not hold back (outgoing-walk.ts). */
  outgoingPassableCommands = 0;
  readonly dispatchedCommands = new List<IncomingCommand>();
  /** Released incoming command records, reused by incoming.ts (at most PEER_INCOMING_POOL_MAX_COMMANDS). */
  readonly incomingPool: IncomingCommand[] = [];
  needsDispatch = false;
  /** The handshake completed; the `connect` event is still to be emitted. */
  connectEventPending = false;
  /** Arrival order of this peer's CONNECT (half-open.ts evicts the oldest half-open first). */
  halfOpenOrder = 0;
  incomingUnsequencedGroup!: number;
  outgoingUnsequencedGroup!: number;
  readonly unsequencedWindow = new Uint32Array(ENET_PEER_UNSEQUENCED_WINDOW_SIZE / 32);
  eventData!: number;
  totalWaitingData!: number;
  // ---- cumulative counters for stats (ENet's own counters reset every interval) ----
  totalBytesSent = 0;
  totalBytesReceived = 0;
  totalPacketsSent = 0;
  totalPacketsLost = 0;

  constructor(
    readonly host: EnetHost,
    /** Our id for this peer, its index in the host (ENet's incomingPeerID). */
    readonly incomingPeerID: number,
  ) {
    resetLink(this);
  }

  // ---------------------------------------------------------------- public API

  get id(): number {
    return this.incomingPeerID;
  }

  get state(): PeerStateValue {
    return this.#state;
  }

  get stateName(): PeerStateName {
    return PEER_STATE_NAMES[this.#state];
  }

  get channelCount(): number {
    return this.channels.length;
  }

  get connected(): boolean {
    return this.state === PeerState.CONNECTED;
  }

  get stats(): PeerStats {
    return {
      rtt: this.roundTripTime,
      rttVariance: this.roundTripTimeVariance,
      packetLoss: this.packetLoss / ENET_PEER_PACKET_LOSS_SCALE,
      bytesSent: this.totalBytesSent,
      bytesReceived: this.totalBytesReceived,
      packetsSent: this.totalPacketsSent,
      packetsLost: this.totalPacketsLost,
    };
  }

  /**
   * Queue `data` (copied) on `channelId`. Returns false when the peer is not connected, the
   * channel does not exist or the packet is too big (ENet's enet_peer_send returning -1).
   */
  send(channelId: number, data: Uint8Array, options?: SendOptions | number): boolean {
    const ok = peerSend(this, channelId, data, packetFlagsFrom(options));
    if (ok) this.host.flushSoon();
    return ok;
  }

  lendUnreliable(channelId: number): UnreliableLease | null {
    const ch = this.channels[channelId];
    if (!ch || this.state !== PeerState.CONNECTED) return null;
    return {
      outgoingPeerId: this.outgoingPeerID,
      outgoingSessionId: this.outgoingSessionID,
      reliableSeq: ch.outgoingReliableSequenceNumber,
      unreliableSeq: ch.outgoingUnreliableSequenceNumber,
    };
  }

  returnUnreliable(channelId: number, unreliableSeq: number): void {
    const ch = this.channels[channelId];
    if (ch) ch.outgoingUnreliableSequenceNumber = unreliableSeq & 0xffff;
  }

  /** Graceful disconnect: the remote acknowledges, then both sides see a `disconnect` event. */
  disconnect(data = 0): void {
    const s = this.state;
    if (s === PeerState.DISCONNECTING || s === PeerState.DISCONNECTED || s === PeerState.ACKNOWLEDGING_DISCONNECT || s === PeerState.ZOMBIE) return;
    this.resetQueues();
    const up = isUp(s);
    const commandByte = Command.DISCONNECT | (up ? COMMAND_FLAG_ACKNOWLEDGE : COMMAND_FLAG_UNSEQUENCED);
    queueOutgoingCommand(
      this,
      commandByte,
      CONTROL_CHANNEL_ID,
      null,
      0,
      0,
      controlBody(8, (b) => writeBodyU32(b, DISCONNECT.DATA, data)),
    );
    if (up) {
      this.setState(PeerState.DISCONNECTING);
      this.host.wake();
    } else {
      this.host.flush();
      this.reset();
    }
  }

  /** Disconnect once every queued outgoing packet has been sent and acknowledged. */
  disconnectLater(data = 0): void {
    if (isUp(this.state) && !(this.outgoingCommands.empty && this.sentReliableCommands.empty)) {
      this.setState(PeerState.DISCONNECT_LATER);
      this.eventData = data >>> 0;
    } else {
      this.disconnect(data);
    }
  }

  /** Tell the remote (one unacknowledged datagram) and forget the peer now; no local event. */
  disconnectNow(data = 0): void {
    if (this.state === PeerState.DISCONNECTED) return;
    if (this.state !== PeerState.ZOMBIE && this.state !== PeerState.DISCONNECTING) {
      this.resetQueues();
      queueOutgoingCommand(
        this,
        Command.DISCONNECT | COMMAND_FLAG_UNSEQUENCED,
        CONTROL_CHANNEL_ID,
        null,
        0,
        0,
        controlBody(8, (b) => writeBodyU32(b, DISCONNECT.DATA, data)),
      );
      this.host.flush();
    }
    this.reset();
  }

  /** Send a ping now (ENet pings idle peers every pingInterval on its own). */
  ping(): void {
    if (this.state !== PeerState.CONNECTED) return;
    queueOutgoingCommand(this, Command.PING | COMMAND_FLAG_ACKNOWLEDGE, CONTROL_CHANNEL_ID, null, 0, 0, null);
    this.host.wake();
  }

  setPingInterval(ms: number): void {
    this.pingInterval = ms > 0 ? ms : ENET_PEER_PING_INTERVAL_MS;
  }

  /** ENet's enet_peer_timeout: 0 keeps ENet's default for that parameter. */
  setTimeout(limit: number, minimumMs: number, maximumMs: number): void {
    this.timeoutLimit = limit > 0 ? limit : ENET_PEER_TIMEOUT_LIMIT;
    this.timeoutMinimum = minimumMs > 0 ? minimumMs : ENET_PEER_TIMEOUT_MINIMUM_MS;
    this.timeoutMaximum = maximumMs > 0 ? maximumMs : ENET_PEER_TIMEOUT_MAXIMUM_MS;
  }

  /** ENet's enet_peer_throttle_configure; also tells the remote. */
  throttleConfigure(intervalMs: number, acceleration: number, deceleration: number): void {
    this.packetThrottleInterval = intervalMs >>> 0;
    this.packetThrottleAcceleration = acceleration >>> 0;
    this.packetThrottleDeceleration = deceleration >>> 0;
    const body = controlBody(16, (b) => {
      writeBodyU32(b, THROTTLE_CONFIGURE.INTERVAL, intervalMs);
      writeBodyU32(b, THROTTLE_CONFIGURE.ACCELERATION, acceleration);
      writeBodyU32(b, THROTTLE_CONFIGURE.DECELERATION, deceleration);
    });
    queueOutgoingCommand(this, Command.THROTTLE_CONFIGURE | COMMAND_FLAG_ACKNOWLEDGE, CONTROL_CHANNEL_ID, null, 0, 0, body);
    this.host.wake();
  }

  /** Forget the peer without telling the remote (it will time out). No event. */
  reset(): void {
    this.setState(PeerState.DISCONNECTED);
    resetLink(this);
    this.unsequencedWindow.fill(0);
    this.resetQueues();
  }

  // ---------------------------------------------------------------- internal

  /** The single writer of `state`: keeps the host's connected/limited counts and logs. */
  setState(state: PeerStateValue): void {
    const from = this.#state;
    if (from === state) return;
    const wasUp = isUp(from);
    const nowUp = isUp(state);
    if (!wasUp && nowUp) {
      if (this.incomingBandwidth !== 0) this.host.bandwidthLimitedPeers++;
      this.host.connectedPeers++;
    } else if (wasUp && !nowUp) {
      if (this.incomingBandwidth !== 0) this.host.bandwidthLimitedPeers--;
      this.host.connectedPeers--;
    }
    this.#state = state;
    this.host.onPeerState(this, from, state);
  }

  /** setState, then queue the peer for the host's event dispatch (ENet's dispatch_state). */
  dispatchState(state: PeerStateValue): void {
    this.setState(state);
    this.host.queueDispatch(this);
  }

  /** Drop every queued command and the channels (ENet's enet_peer_reset_queues). */
  resetQueues(): void {
    if (this.needsDispatch) this.host.unqueueDispatch(this);
    this.connectEventPending = false;
    this.acknowledgements.clear();
    resetOutgoingQueues(this);
    resetIncomingQueues(this);
    this.channels = [];
  }

  /** Set up `count` fresh channels. */
  initChannels(count: number): void {
    this.channels = new Array<Channel>(count);
    for (let i = 0; i < count; i++) this.channels[i] = new Channel();
  }
}

function writeBodyU32(body: Uint8Array, commandOffset: number, v: number): void {
  // Control bodies start after the 4-byte command header.
  const o = commandOffset - 4;
  body[o] = (v >>> 24) & 0xff;
  body[o + 1] = (v >>> 16) & 0xff;
  body[o + 2] = (v >>> 8) & 0xff;
  body[o + 3] = v & 0xff;
}
