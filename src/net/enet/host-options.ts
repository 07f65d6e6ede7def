// EnetHost's options: what the application may pass, and their check against ENet's limits with
// the defaults of DEFAULT_HOST_OPTIONS filled in. A bad option is API misuse: it throws
// ENET_BAD_OPTION before the host touches its transport.
import { randomInt } from 'node:crypto';
import {
  DEFAULT_HOST_OPTIONS,
  ENET_PROTOCOL_MAXIMUM_CHANNEL_COUNT,
  ENET_PROTOCOL_MAXIMUM_MTU,
  ENET_PROTOCOL_MAXIMUM_PEER_ID,
  ENET_PROTOCOL_MINIMUM_CHANNEL_COUNT,
  ENET_PROTOCOL_MINIMUM_MTU,
  HOST_SERVICE_INTERVAL_MAX_MS,
} from './constants.js';
import { EnetError } from './errors.js';
import type { HalfOpenEviction, HalfOpenLimits } from './half-open.js';
import type { DatagramAddress, DatagramTransport } from './transport.js';
import { nodeTimers, systemClock, type Clock, type Timers } from '../../util/clock.js';

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
  /** The service timer's (resends, pings, timeouts; default Node's). It may fire late but never
   * early: e.g. timers that ride on wakes the process has anyway (util/wake-timers.ts). */
  timers?: Timers;
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

/** Every option checked, with its default. */
export interface ResolvedHostOptions {
  transport: DatagramTransport;
  clock: Clock;
  peerLimit: number;
  channelLimit: number;
  incomingBandwidth: number;
  outgoingBandwidth: number;
  mtu: number;
  checksum: boolean;
  compressor: 'none' | 'range-coder';
  maximumPacketSize: number;
  maximumWaitingData: number;
  duplicatePeers: number;
  halfOpenLimits: HalfOpenLimits | null;
  /** null = autoService off: the caller drives service() (the interval is then not checked). */
  serviceIntervalMs: number | null;
  timers: Timers;
  logger: EnetLogger | undefined;
  random: () => number;
  onHalfOpenEvicted: ((address: DatagramAddress, why: HalfOpenEviction) => void) | undefined;
}

/** `value` (or `fallback` when undefined) if it is an integer in lo..hi; throws ENET_BAD_OPTION otherwise. */
export function intOption(name: string, value: number | undefined, fallback: number, lo: number, hi: number): number {
  const v = value ?? fallback;
  if (!Number.isInteger(v) || v < lo || v > hi) throw new EnetError('ENET_BAD_OPTION', `${name} must be an integer in ${lo}..${hi}, got ${String(value)}`);
  return v;
}

/** Check `options` in a fixed order (the first bad one is the one reported) and fill in the defaults. */
export function resolveHostOptions(options: EnetHostOptions): ResolvedHostOptions {
  if (!options || typeof options.transport?.send !== 'function') throw new EnetError('ENET_BAD_OPTION', 'options.transport (a DatagramTransport) is required');
  const d = DEFAULT_HOST_OPTIONS;
  const peerLimit = intOption('peerLimit', options.peerLimit, d.peerLimit, 1, ENET_PROTOCOL_MAXIMUM_PEER_ID);
  const channelLimit = intOption(
    'channelLimit',
    options.channelLimit,
    d.channelLimit,
    ENET_PROTOCOL_MINIMUM_CHANNEL_COUNT,
    ENET_PROTOCOL_MAXIMUM_CHANNEL_COUNT,
  );
  const incomingBandwidth = intOption('incomingBandwidth', options.incomingBandwidth, d.incomingBandwidth, 0, 0xffffffff);
  const outgoingBandwidth = intOption('outgoingBandwidth', options.outgoingBandwidth, d.outgoingBandwidth, 0, 0xffffffff);
  const mtu = intOption('mtu', options.mtu, d.mtu, ENET_PROTOCOL_MINIMUM_MTU, ENET_PROTOCOL_MAXIMUM_MTU);
  const compressor = options.compressor ?? d.compressor;
  if (compressor !== 'none' && compressor !== 'range-coder')
    throw new EnetError('ENET_BAD_OPTION', `compressor must be 'none' or 'range-coder', got ${String(compressor)}`);
  const maximumPacketSize = intOption('maximumPacketSize', options.maximumPacketSize, d.maximumPacketSize, 1, 0xffffffff);
  const maximumWaitingData = intOption('maximumWaitingData', options.maximumWaitingData, d.maximumWaitingData, 1, Number.MAX_SAFE_INTEGER);
  const duplicatePeers = intOption('duplicatePeers', options.duplicatePeers, d.duplicatePeers, 1, ENET_PROTOCOL_MAXIMUM_PEER_ID);
  const halfOpen = options.halfOpen;
  const halfOpenLimits =
    halfOpen === false
      ? null
      : {
          perAddress: intOption('halfOpen.perAddress', halfOpen?.perAddress, d.halfOpenPerAddress, 1, ENET_PROTOCOL_MAXIMUM_PEER_ID),
          total: intOption('halfOpen.total', halfOpen?.total, d.halfOpenTotal, 1, ENET_PROTOCOL_MAXIMUM_PEER_ID),
        };
  const autoService = options.autoService ?? true;
  return {
    transport: options.transport,
    clock: options.clock ?? systemClock,
    peerLimit,
    channelLimit,
    incomingBandwidth,
    outgoingBandwidth,
    mtu,
    checksum: options.checksum ?? d.checksum,
    compressor,
    maximumPacketSize,
    maximumWaitingData,
    duplicatePeers,
    halfOpenLimits,
    serviceIntervalMs: autoService ? intOption('serviceIntervalMs', options.serviceIntervalMs, d.serviceIntervalMs, 1, HOST_SERVICE_INTERVAL_MAX_MS) : null,
    timers: options.timers ?? nodeTimers,
    logger: options.logger,
    random: options.random ?? (() => randomInt(1, 0xffffffff)),
    onHalfOpenEvicted: options.onHalfOpenEvicted,
  };
}
