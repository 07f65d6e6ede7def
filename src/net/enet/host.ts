// An ENet host (ENet's host.c and the service loop of protocol.c): peer slots, the datagram
// transport, the clock, and service(), which takes in queued datagrams, emits events and
// sends. In real-time mode (autoService, the default) the host services itself as soon as a
// datagram arrives, and a queued packet leaves at the end of the macrotask that queued it
// (service-scheduler.ts). On a simulated clock the caller drives service() by hand. Options:
// host-options.ts; inbox and counters: host-traffic.ts; events: dispatch.ts; our CONNECT:
// connect.ts.
import { bandwidthThrottle } from './bandwidth.js';
import {
  ENET_HOST_BANDWIDTH_THROTTLE_INTERVAL_MS,
  ENET_PROTOCOL_MAXIMUM_CHANNEL_COUNT,
  ENET_PROTOCOL_MAXIMUM_MTU,
  ENET_PROTOCOL_MINIMUM_CHANNEL_COUNT,
} from './constants.js';
import { startConnect } from './connect.js';
import { EventDispatch } from './dispatch.js';
import { EnetError } from './errors.js';
import { TypedEmitter } from './events.js';
import { intOption, resolveHostOptions, type EnetHostOptions, type EnetLogger } from './host-options.js';
import { HostTraffic, type HostStats } from './host-traffic.js';
import { hostBroadcast } from './outgoing.js';
import { packetFlagsFrom, type SendOptions } from './packet.js';
import { Peer } from './peer.js';
import type { EnetPeer } from './peer-api.js';
import { PEER_STATE_NAMES, PeerState, type PeerStateValue } from './peer-state.js';
import { RangeCoder } from './range-coder.js';
import { handleDatagram, type DropReason } from './receive.js';
import type { HalfOpenEviction, HalfOpenLimits } from './half-open.js';
import type { OutgoingCommand } from './commands.js';
import { DatagramBuilder } from './datagram-builder.js';
import { sendOutgoingCommands } from './send.js';
import { ServiceScheduler } from './service-scheduler.js';
import { timeDifference, timeFromMs } from './time.js';
import type { Clock } from '../../util/clock.js';
import type { DatagramAddress, DatagramTransport } from './transport.js';

export interface EnetHostEvents {
  connect: (peer: EnetPeer, data: number) => void;
  receive: (peer: EnetPeer, channelId: number, data: Uint8Array, flags: number) => void;
  disconnect: (peer: EnetPeer, data: number) => void;
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
  readonly #events: EventDispatch;
  readonly #scheduler: ServiceScheduler;
  readonly #traffic = new HostTraffic();
  #servicing = false;
  /** serviceWaiting() is reading: its datagrams need no wake (it services at once). */
  #readingWaiting = false;
  #destroyed = false;
  readonly #logger: EnetLogger | undefined;
  readonly #random: () => number;
  readonly #onHalfOpenEvicted: ((address: DatagramAddress, why: HalfOpenEviction) => void) | undefined;

  constructor(options: EnetHostOptions) {
    super();
    const o = resolveHostOptions(options);
    this.transport = o.transport;
    this.clock = o.clock;
    this.channelLimit = o.channelLimit;
    this.incomingBandwidth = o.incomingBandwidth;
    this.outgoingBandwidth = o.outgoingBandwidth;
    this.mtu = o.mtu;
    this.checksumEnabled = o.checksum;
    this.rangeCoder = o.compressor === 'range-coder' ? new RangeCoder() : null;
    this.compressionBuffer = new Uint8Array(this.rangeCoder === null ? 0 : ENET_PROTOCOL_MAXIMUM_MTU);
    this.maximumPacketSize = o.maximumPacketSize;
    this.maximumWaitingData = o.maximumWaitingData;
    this.duplicatePeers = o.duplicatePeers;
    this.halfOpenLimits = o.halfOpenLimits;
    this.#logger = o.logger;
    this.#random = o.random;
    this.#onHalfOpenEvicted = o.onHalfOpenEvicted;
    this.#events = new EventDispatch(this, this.listenersOf('receive'), (event, ...args) => this.emit(event, ...args));
    this.slots = [];
    for (let i = 0; i < o.peerLimit; i++) this.slots.push(new Peer(this, i));
    this.transport.onDatagram((data, from) => this.#onDatagram(data, from));
    this.#scheduler = new ServiceScheduler({
      intervalMs: o.serviceIntervalMs,
      now: () => this.clock.now(),
      service: () => this.service(),
      flush: () => this.#flushChecked(),
      timers: o.timers,
    });
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
    startConnect(this, peer, address, channels, this.#random() >>> 0, data >>> 0);
    this.wake();
    return peer;
  }

  /** Queue one packet to every connected peer. */
  broadcast(channelId: number, data: Uint8Array, options?: SendOptions | number): void {
    hostBroadcast(this, channelId, data, packetFlagsFrom(options));
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
      const events = this.#events.run();
      if (!this.#destroyed) {
        sendOutgoingCommands(this, true);
        this.transport.sendGathered?.();
      }
      this.#scheduler.serviced();
      return events;
    } finally {
      this.#servicing = false;
    }
  }

  /**
   * For a transport that reads on demand (DatagramTransport.receiveWaiting, e.g. a sidecar's
   * socket read on the game's frames): takes in the datagrams waiting there now and services the
   * host in this call (their events emitted before it returns, no later turn). Returns how many
   * were read, or -1 where the transport cannot read on demand.
   */
  serviceWaiting(): number {
    const t = this.transport;
    if (this.#destroyed || t.receiveWaiting === undefined) return -1;
    this.#readingWaiting = true;
    let n: number;
    try {
      n = t.receiveWaiting();
    } finally {
      this.#readingWaiting = false;
    }
    if (n > 0) this.service();
    return n;
  }

  /** Send what is queued now, without waiting for the next service. */
  flush(): void {
    if (this.#destroyed) return;
    this.serviceTime = timeFromMs(this.clock.now());
    sendOutgoingCommands(this, false);
    this.transport.sendGathered?.();
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
    return this.#traffic.stats(this.throttledPackets);
  }

  /** Reset every peer (no events, no goodbye), stop the timers and close the transport. */
  destroy(): void {
    if (this.#destroyed) return;
    for (const peer of this.slots) peer.reset();
    this.#destroyed = true;
    this.#scheduler.stop();
    this.#traffic.clearInbox();
    this.transport.close();
  }

  // ---------------------------------------------------------------- internal (protocol modules)

  /** Real-time mode: service soon (coalesced). */
  wake(): void {
    this.#scheduler.wake();
  }

  /**
   * Real-time mode: a packet was queued; send it at the end of the current macrotask, not at
   * the next service. Inside service() its own send covers it.
   */
  flushSoon(): void {
    if (!this.#servicing) this.#scheduler.flushSoon();
  }

  drop(reason: DropReason): void {
    this.#traffic.drop(reason);
  }

  transmit(datagram: Uint8Array, to: DatagramAddress): void {
    this.#traffic.send(this.transport, datagram, to);
  }

  queueDispatch(peer: Peer): void {
    this.#events.queue(peer);
  }

  unqueueDispatch(peer: Peer): void {
    this.#events.unqueue(peer);
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

  /** The deferred flush (real-time mode): also the resends and timeouts a service would check,
   * so it counts as one for the periodic timer (service-scheduler.ts). Events it queues (a
   * timed-out peer) are emitted by the next service. */
  #flushChecked(): void {
    if (this.#destroyed) return;
    this.serviceTime = timeFromMs(this.clock.now());
    sendOutgoingCommands(this, true);
    this.transport.sendGathered?.();
  }

  #onDatagram(data: Uint8Array, from: DatagramAddress): void {
    if (this.#destroyed) return;
    if (this.#traffic.accept(data, from) && !this.#readingWaiting) this.wake();
  }

  #receive(): void {
    for (const [data, from] of this.#traffic.takeInbox()) {
      this.#traffic.received(data);
      // A plain Uint8Array view: slice() on it copies (Buffer.slice would not).
      handleDatagram(this, new Uint8Array(data.buffer, data.byteOffset, data.byteLength), from);
      if (this.#destroyed) return;
    }
  }
}
