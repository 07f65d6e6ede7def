// An ENet host (ENet's host.c and the service loop of protocol.c): peer slots, the datagram
// transport, the clock, and service(), which takes in queued datagrams, emits events and
// sends. In real-time mode (autoService, the default) the host services itself as soon as a
// datagram arrives, and a queued packet leaves at the end of the macrotask that queued it
// (flushSoon): neither waits for the service timer, which only paces resends, pings and
// timeouts. On a simulated clock the caller drives service() by hand.
import { randomInt } from 'node:crypto';
import { bandwidthThrottle } from './bandwidth.js';
import {
  DEFAULT_HOST_OPTIONS,
  ENET_HOST_BANDWIDTH_THROTTLE_INTERVAL_MS,
  ENET_PROTOCOL_MAXIMUM_CHANNEL_COUNT,
  ENET_PROTOCOL_MAXIMUM_MTU,
  ENET_PROTOCOL_MAXIMUM_PEER_ID,
  ENET_PROTOCOL_MAXIMUM_WINDOW_SIZE,
  ENET_PROTOCOL_MINIMUM_CHANNEL_COUNT,
  ENET_PROTOCOL_MINIMUM_MTU,
  ENET_PROTOCOL_MINIMUM_WINDOW_SIZE,
  ENET_PEER_WINDOW_SIZE_SCALE,
  HOST_INBOX_LIMIT_DATAGRAMS,
} from './constants.js';
import { handshakeBody } from './connect.js';
import { EnetError } from './errors.js';
import { TypedEmitter } from './events.js';
import { takeDispatched } from './incoming.js';
import { queueOutgoingCommand, sendPacket } from './outgoing.js';
import { copyPacketData, packetFlagsFrom, type SendOptions } from './packet.js';
import { Peer } from './peer.js';
import type { EnetPeer } from './peer-api.js';
import { PEER_STATE_NAMES, PeerState, type PeerStateValue } from './peer-state.js';
import { Command, COMMAND_FLAG_ACKNOWLEDGE, CONTROL_CHANNEL_ID } from './protocol.js';
import { RangeCoder } from './range-coder.js';
import { handleDatagram, type DropReason } from './receive.js';
import type { HalfOpenEviction, HalfOpenLimits } from './half-open.js';
import type { OutgoingCommand } from './commands.js';
import { DatagramBuilder } from './datagram-builder.js';
import { sendOutgoingCommands } from './send.js';
import { timeDifference, timeFromMs } from './time.js';
import { systemClock, type Clock } from '../../util/clock.js';
import { RingQueue } from '../../util/ring-queue.js';
import type { DatagramAddress, DatagramTransport } from './transport.js';

export interface EnetLogger {
  debug(fields: object, message: string): void;
}

export interface EnetHostOptions {
  transport: DatagramTransport;
  /** Default: the system clock (performance.now). */
  clock?: Clock;
  /** Peer slots, incoming and outgoing together (ENet's peerCount). Default 32, at most 4095. */
  peerLimit?: number;
  /** Most channels an incoming connection may open. Default 255. */
  channelLimit?: number;
  /** Bytes/s we accept, 0 = unlimited. */
  incomingBandwidth?: number;
  /** Bytes/s we send, 0 = unlimited. */
  outgoingBandwidth?: number;
  /** Default 1392; clamped to 576..4096; each link uses the smaller of both sides'. */
  mtu?: number;
  /** CRC32 on every datagram (ENet's host->checksum = enet_crc32); both sides must agree. */
  checksum?: boolean;
  /**
   * 'range-coder' = ENet's enet_host_compress_with_range_coder: each outgoing datagram's
   * commands are compressed when that makes them smaller, and compressed datagrams are
   * accepted. Default 'none': compressed datagrams are dropped (counted), as in ENet.
   */
  compressor?: 'none' | 'range-coder';
  /** Largest packet accepted or sent, bytes. Default 32 MiB. */
  maximumPacketSize?: number;
  /** Largest amount of received data a peer may have waiting, bytes. Default 32 MiB. */
  maximumWaitingData?: number;
  /** Most peers from one IP address. Default 4095. */
  duplicatePeers?: number;
  /** Service on timers and activity (default true); false = the caller calls service(). */
  autoService?: boolean;
  serviceIntervalMs?: number;
  logger?: EnetLogger;
  /** Source of connect ids (uint32). Default: crypto.randomInt. */
  random?: () => number;
  /**
   * Bounds on half-open incoming connections (CONNECT received, our VERIFY_CONNECT not yet
   * acknowledged): per IP address and in total; past them the oldest is evicted (half-open.ts).
   * Default HOST_HALF_OPEN_PER_ADDRESS and HOST_HALF_OPEN_TOTAL; false = plain ENet (no
   * eviction: a CONNECT finding no free slot is dropped).
   */
  halfOpen?: Partial<HalfOpenLimits> | false;
  /** Told about every half-open peer evicted (counted by the caller, e.g. the server's refusals). */
  onHalfOpenEvicted?: (address: DatagramAddress, why: HalfOpenEviction) => void;
}

export interface EnetHostEvents {
  connect: (peer: EnetPeer, data: number) => void;
  receive: (peer: EnetPeer, channelId: number, data: Uint8Array, flags: number) => void;
  disconnect: (peer: EnetPeer, data: number) => void;
}

export interface HostStats {
  datagramsSent: number;
  datagramsReceived: number;
  bytesSent: number;
  bytesReceived: number;
  /** Datagrams the transport refused (closed, buffer full). */
  sendFailures: number;
  /** Unreliable packets dropped by the packet throttle. */
  throttledPackets: number;
  drops: Readonly<Record<DropReason, number>>;
}

function intOption(name: string, value: number | undefined, fallback: number, lo: number, hi: number): number {
  const v = value ?? fallback;
  if (!Number.isInteger(v) || v < lo || v > hi) throw new EnetError('ENET_BAD_OPTION', `${name} must be an integer in ${lo}..${hi}, got ${String(value)}`);
  return v;
}

export class EnetHost extends TypedEmitter<EnetHostEvents> {
  readonly transport: DatagramTransport;
  readonly clock: Clock;
  /** Every peer slot, free or not (ENet's host->peers); the protocol modules work on these. */
  readonly slots: Peer[];
  readonly mtu: number;
  readonly checksumEnabled: boolean;
  /** The compressor of both directions, null = none (compressed datagrams are dropped). */
  readonly rangeCoder: RangeCoder | null;
  /** Where an outgoing datagram's commands are compressed to (empty without a compressor). */
  readonly compressionBuffer: Uint8Array;
  readonly maximumPacketSize: number;
  readonly maximumWaitingData: number;
  readonly duplicatePeers: number;
  readonly halfOpenLimits: HalfOpenLimits | null;
  /** Half-open peers evicted so far (half-open.ts). */
  halfOpenEvictions = 0;
  /** Arrival counter of CONNECTs (Peer.halfOpenOrder). */
  connectsReceived = 0;
  channelLimit: number;
  incomingBandwidth: number;
  outgoingBandwidth: number;
  // ---- ENet's host bookkeeping, used by the protocol modules ----
  serviceTime = 0;
  bandwidthThrottleEpoch = 0;
  recalculateBandwidthLimits = false;
  connectedPeers = 0;
  bandwidthLimitedPeers = 0;
  throttledPackets = 0;
  readonly builder = new DatagramBuilder();
  /** Retired outgoing command records for reuse (outgoing.ts). */
  readonly commandPool: OutgoingCommand[] = [];
  // ----
  /** Peers with events to emit, each once (Peer.needsDispatch), served round-robin. */
  readonly #dispatchQueue = new RingQueue<Peer>();
  readonly #receiveListeners = this.listenersOf('receive');
  #inbox: Array<[Uint8Array, DatagramAddress]> = [];
  readonly #drops: Record<DropReason, number> = { short: 0, peer: 0, compressed: 0, decompress: 0, checksum: 0, command: 0, inbox: 0 };
  #datagramsSent = 0;
  #datagramsReceived = 0;
  #bytesSent = 0;
  #bytesReceived = 0;
  #sendFailures = 0;
  readonly #autoService: boolean;
  #timer: NodeJS.Timeout | null = null;
  #wakeScheduled = false;
  #flushScheduled = false;
  #servicing = false;
  #destroyed = false;
  readonly #logger: EnetLogger | undefined;
  readonly #random: () => number;
  readonly #onHalfOpenEvicted: ((address: DatagramAddress, why: HalfOpenEviction) => void) | undefined;

  constructor(options: EnetHostOptions) {
    super();
    if (!options || typeof options.transport?.send !== 'function')
      throw new EnetError('ENET_BAD_OPTION', 'options.transport (a DatagramTransport) is required');
    const d = DEFAULT_HOST_OPTIONS;
    this.transport = options.transport;
    this.clock = options.clock ?? systemClock;
    const peerLimit = intOption('peerLimit', options.peerLimit, d.peerLimit, 1, ENET_PROTOCOL_MAXIMUM_PEER_ID);
    this.channelLimit = intOption(
      'channelLimit',
      options.channelLimit,
      d.channelLimit,
      ENET_PROTOCOL_MINIMUM_CHANNEL_COUNT,
      ENET_PROTOCOL_MAXIMUM_CHANNEL_COUNT,
    );
    this.incomingBandwidth = intOption('incomingBandwidth', options.incomingBandwidth, d.incomingBandwidth, 0, 0xffffffff);
    this.outgoingBandwidth = intOption('outgoingBandwidth', options.outgoingBandwidth, d.outgoingBandwidth, 0, 0xffffffff);
    this.mtu = intOption('mtu', options.mtu, d.mtu, ENET_PROTOCOL_MINIMUM_MTU, ENET_PROTOCOL_MAXIMUM_MTU);
    this.checksumEnabled = options.checksum ?? d.checksum;
    const compressor = options.compressor ?? d.compressor;
    if (compressor !== 'none' && compressor !== 'range-coder')
      throw new EnetError('ENET_BAD_OPTION', `compressor must be 'none' or 'range-coder', got ${String(compressor)}`);
    this.rangeCoder = compressor === 'range-coder' ? new RangeCoder() : null;
    this.compressionBuffer = new Uint8Array(this.rangeCoder === null ? 0 : ENET_PROTOCOL_MAXIMUM_MTU);
    this.maximumPacketSize = intOption('maximumPacketSize', options.maximumPacketSize, d.maximumPacketSize, 1, 0xffffffff);
    this.maximumWaitingData = intOption('maximumWaitingData', options.maximumWaitingData, d.maximumWaitingData, 1, Number.MAX_SAFE_INTEGER);
    this.duplicatePeers = intOption('duplicatePeers', options.duplicatePeers, d.duplicatePeers, 1, ENET_PROTOCOL_MAXIMUM_PEER_ID);
    this.#autoService = options.autoService ?? true;
    this.#logger = options.logger;
    this.#random = options.random ?? (() => randomInt(1, 0xffffffff));
    const halfOpen = options.halfOpen;
    this.halfOpenLimits =
      halfOpen === false
        ? null
        : {
            perAddress: intOption('halfOpen.perAddress', halfOpen?.perAddress, d.halfOpenPerAddress, 1, ENET_PROTOCOL_MAXIMUM_PEER_ID),
            total: intOption('halfOpen.total', halfOpen?.total, d.halfOpenTotal, 1, ENET_PROTOCOL_MAXIMUM_PEER_ID),
          };
    this.#onHalfOpenEvicted = options.onHalfOpenEvicted;
    this.slots = [];
    for (let i = 0; i < peerLimit; i++) this.slots.push(new Peer(this, i));
    this.transport.onDatagram((data, from) => this.#onDatagram(data, from));
    if (this.#autoService) {
      const interval = intOption('serviceIntervalMs', options.serviceIntervalMs, d.serviceIntervalMs, 1, 60_000);
      this.#timer = setInterval(() => this.service(), interval);
      this.#timer.unref();
    }
  }

  // ---------------------------------------------------------------- public API

  /** Every peer slot as the application sees it (peer-api.ts). */
  get peers(): readonly EnetPeer[] {
    return this.slots;
  }

  /** Start connecting; the peer's `connect` event (or `disconnect` on failure) follows. */
  connect(address: DatagramAddress, channelCount = 1, data = 0): EnetPeer {
    if (this.#destroyed) throw new EnetError('ENET_DESTROYED', 'connect() on a destroyed host');
    const channels = intOption('channelCount', channelCount, 1, ENET_PROTOCOL_MINIMUM_CHANNEL_COUNT, ENET_PROTOCOL_MAXIMUM_CHANNEL_COUNT);
    const peer = this.slots.find((p) => p.state === PeerState.DISCONNECTED);
    if (peer === undefined) throw new EnetError('ENET_NO_FREE_PEER', `all ${this.slots.length} peer slots are in use`);
    peer.initChannels(channels);
    peer.setState(PeerState.CONNECTING);
    peer.address = { address: address.address, port: address.port };
    peer.connectID = this.#random() >>> 0;
    peer.windowSize =
      this.outgoingBandwidth === 0
        ? ENET_PROTOCOL_MAXIMUM_WINDOW_SIZE
        : Math.min(
            ENET_PROTOCOL_MAXIMUM_WINDOW_SIZE,
            Math.max(ENET_PROTOCOL_MINIMUM_WINDOW_SIZE, Math.floor(this.outgoingBandwidth / ENET_PEER_WINDOW_SIZE_SCALE) * ENET_PROTOCOL_MINIMUM_WINDOW_SIZE),
          );
    const body = handshakeBody('connect', {
      outgoingPeerID: peer.incomingPeerID,
      incomingSessionID: peer.incomingSessionID,
      outgoingSessionID: peer.outgoingSessionID,
      mtu: peer.mtu,
      windowSize: peer.windowSize,
      channelCount: channels,
      incomingBandwidth: this.incomingBandwidth,
      outgoingBandwidth: this.outgoingBandwidth,
      throttleInterval: peer.packetThrottleInterval,
      throttleAcceleration: peer.packetThrottleAcceleration,
      throttleDeceleration: peer.packetThrottleDeceleration,
      connectID: peer.connectID,
      data: data >>> 0,
    });
    queueOutgoingCommand(peer, Command.CONNECT | COMMAND_FLAG_ACKNOWLEDGE, CONTROL_CHANNEL_ID, null, 0, 0, body);
    this.wake();
    return peer;
  }

  /** Queue one packet to every connected peer. */
  broadcast(channelId: number, data: Uint8Array, options?: SendOptions | number): void {
    const copy = copyPacketData(data);
    const flags = packetFlagsFrom(options);
    for (const peer of this.slots) {
      if (
        peer.state !== PeerState.CONNECTED ||
        !Number.isInteger(channelId) ||
        channelId < 0 ||
        channelId >= peer.channels.length ||
        data.length > this.maximumPacketSize
      )
        continue;
      sendPacket(peer, channelId, copy, flags);
    }
    this.flushSoon();
  }

  /**
   * Take in queued datagrams, emit the events they complete, then send what is due
   * (acknowledgements, resends, pings, queued packets). Returns the number of events emitted.
   */
  service(): number {
    if (this.#destroyed || this.#servicing) return 0;
    this.#servicing = true;
    try {
      this.serviceTime = timeFromMs(this.clock.now());
      if (timeDifference(this.serviceTime, this.bandwidthThrottleEpoch) >= ENET_HOST_BANDWIDTH_THROTTLE_INTERVAL_MS) bandwidthThrottle(this);
      this.#receive();
      const events = this.#dispatch();
      if (!this.#destroyed) sendOutgoingCommands(this, true);
      return events;
    } finally {
      this.#servicing = false;
    }
  }

  /** Send what is queued now, without waiting for the next service. */
  flush(): void {
    if (this.#destroyed) return;
    this.serviceTime = timeFromMs(this.clock.now());
    sendOutgoingCommands(this, false);
  }

  /** ENet's enet_host_bandwidth_limit (bytes/s, 0 = unlimited). */
  setBandwidthLimit(incoming: number, outgoing: number): void {
    this.incomingBandwidth = intOption('incoming', incoming, 0, 0, 0xffffffff);
    this.outgoingBandwidth = intOption('outgoing', outgoing, 0, 0, 0xffffffff);
    this.recalculateBandwidthLimits = true;
  }

  /** ENet's enet_host_channel_limit for future incoming connections (0 = maximum). */
  setChannelLimit(limit: number): void {
    this.channelLimit = limit === 0 ? ENET_PROTOCOL_MAXIMUM_CHANNEL_COUNT : intOption('channelLimit', limit, 0, 1, ENET_PROTOCOL_MAXIMUM_CHANNEL_COUNT);
  }

  address(): DatagramAddress {
    return this.transport.localAddress();
  }

  get connectedPeerCount(): number {
    return this.connectedPeers;
  }

  get destroyed(): boolean {
    return this.#destroyed;
  }

  get stats(): HostStats {
    return {
      datagramsSent: this.#datagramsSent,
      datagramsReceived: this.#datagramsReceived,
      bytesSent: this.#bytesSent,
      bytesReceived: this.#bytesReceived,
      sendFailures: this.#sendFailures,
      throttledPackets: this.throttledPackets,
      drops: { ...this.#drops },
    };
  }

  /** Reset every peer (no events, no goodbye), stop the timers and close the transport. */
  destroy(): void {
    if (this.#destroyed) return;
    for (const peer of this.slots) peer.reset();
    this.#destroyed = true;
    if (this.#timer !== null) clearInterval(this.#timer);
    this.#timer = null;
    this.#inbox = [];
    this.transport.close();
  }

  // ---------------------------------------------------------------- internal (protocol modules)

  /** Real-time mode: service soon (coalesced). */
  wake(): void {
    if (!this.#autoService || this.#wakeScheduled || this.#destroyed) return;
    this.#wakeScheduled = true;
    setImmediate(() => {
      this.#wakeScheduled = false;
      this.service();
    });
  }

  /**
   * Real-time mode: a packet was queued. Send it once the current macrotask is done (a
   * microtask: every packet queued by the same callback, e.g. one server tick, shares the pass),
   * not at the next service. Inside service() its own send covers it.
   */
  flushSoon(): void {
    if (!this.#autoService || this.#flushScheduled || this.#servicing || this.#destroyed) return;
    this.#flushScheduled = true;
    queueMicrotask(() => {
      this.#flushScheduled = false;
      this.flush();
    });
  }

  drop(reason: DropReason): void {
    this.#drops[reason]++;
  }

  transmit(datagram: Uint8Array, to: DatagramAddress): void {
    this.#datagramsSent++;
    this.#bytesSent += datagram.length;
    if (!this.transport.send(datagram, to)) this.#sendFailures++;
  }

  queueDispatch(peer: Peer): void {
    if (peer.needsDispatch) return;
    peer.needsDispatch = true;
    this.#dispatchQueue.push(peer);
  }

  unqueueDispatch(peer: Peer): void {
    this.#dispatchQueue.remove(peer);
    peer.needsDispatch = false;
  }

  /** half-open.ts evicted a peer: count it and tell the owner. */
  onHalfOpenEvicted(address: DatagramAddress, why: HalfOpenEviction): void {
    this.halfOpenEvictions++;
    this.#logger?.debug({ address: address.address, why }, 'enet half-open peer evicted');
    this.#onHalfOpenEvicted?.(address, why);
  }

  onPeerState(peer: Peer, from: PeerStateValue, to: PeerStateValue): void {
    this.#logger?.debug({ peer: peer.incomingPeerID, from: PEER_STATE_NAMES[from], to: PEER_STATE_NAMES[to] }, 'enet peer state');
  }

  #onDatagram(data: Uint8Array, from: DatagramAddress): void {
    if (this.#destroyed) return;
    if (this.#inbox.length >= HOST_INBOX_LIMIT_DATAGRAMS) {
      this.drop('inbox');
      return;
    }
    this.#inbox.push([data, from]);
    this.wake();
  }

  #receive(): void {
    if (this.#inbox.length === 0) return;
    const inbox = this.#inbox;
    this.#inbox = [];
    for (const [data, from] of inbox) {
      this.#datagramsReceived++;
      this.#bytesReceived += data.length;
      // A plain Uint8Array view: slice() on it copies (Buffer.slice would not).
      handleDatagram(this, new Uint8Array(data.buffer, data.byteOffset, data.byteLength), from);
      if (this.#destroyed) return;
    }
  }

  /** Emit the events the protocol queued, round-robin over peers as ENet does. */
  #dispatch(): number {
    let events = 0;
    const queue = this.#dispatchQueue;
    while (queue.length > 0 && !this.#destroyed) {
      const peer = queue.shift() as Peer;
      peer.needsDispatch = false;
      if (peer.connectEventPending) {
        peer.connectEventPending = false;
        if (peer.state === PeerState.ZOMBIE || !peer.dispatchedCommands.empty) this.queueDispatch(peer);
        events++;
        this.emit('connect', peer, peer.eventData);
        continue;
      }
      switch (peer.state) {
        case PeerState.CONNECTION_PENDING:
        case PeerState.CONNECTION_SUCCEEDED:
          peer.setState(PeerState.CONNECTED);
          events++;
          this.emit('connect', peer, peer.eventData);
          break;
        case PeerState.ZOMBIE: {
          this.recalculateBandwidthLimits = true;
          const data = peer.eventData;
          peer.reset();
          events++;
          this.emit('disconnect', peer, data);
          break;
        }
        case PeerState.CONNECTED: {
          const command = takeDispatched(peer);
          if (command === undefined) break;
          if (!peer.dispatchedCommands.empty) this.queueDispatch(peer);
          events++;
          // The common case (one listener) without emit's lookup and argument spreading.
          const listeners = this.#receiveListeners;
          if (listeners.length === 1) listeners[0](peer, command.channelID, command.data, command.flags);
          else this.emit('receive', peer, command.channelID, command.data, command.flags);
          break;
        }
        default:
          break;
      }
    }
    return events;
  }
}
