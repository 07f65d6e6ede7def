// Debian's libenet (1.3.17, libenet.so.7) loaded through koffi, for the interop tests and the
// benchmark: a thin typed wrapper over enet_host_* and enet_peer_* with IPv4 loopback hosts.
// Struct layouts follow include/enet/enet.h of 1.3.17 on x86_64 Linux.
import koffi from 'koffi';

export const LIBENET_PATH = '/usr/lib/x86_64-linux-gnu/libenet.so.7';

const ENET_EVENT_TYPE = { NONE: 0, CONNECT: 1, DISCONNECT: 2, RECEIVE: 3 } as const;

const ENetAddress = koffi.struct('ENetAddress', { host: 'uint32', port: 'uint16' });
const ENetListNode = koffi.struct('ENetListNode', { next: 'void *', previous: 'void *' });
const ENetList = koffi.struct('ENetList', { sentinel: ENetListNode });
const ENetBuffer = koffi.struct('ENetBuffer', { data: 'void *', dataLength: 'size_t' });
const ENetCompressor = koffi.struct('ENetCompressor', { context: 'void *', compress: 'void *', decompress: 'void *', destroy: 'void *' });
const ENetEvent = koffi.struct('ENetEvent', { type: 'int', peer: 'void *', channelID: 'uint8', data: 'uint32', packet: 'void *' });
const ENetPacket = koffi.struct('ENetPacket', {
  referenceCount: 'size_t',
  flags: 'uint32',
  data: 'void *',
  dataLength: 'size_t',
  freeCallback: 'void *',
  userData: 'void *',
});
const PROTOCOL_SIZE = 48; // sizeof(ENetProtocol), packed
const ENetHost = koffi.struct('ENetHost', {
  socket: 'int',
  address: ENetAddress,
  incomingBandwidth: 'uint32',
  outgoingBandwidth: 'uint32',
  bandwidthThrottleEpoch: 'uint32',
  mtu: 'uint32',
  randomSeed: 'uint32',
  recalculateBandwidthLimits: 'int',
  peers: 'void *',
  peerCount: 'size_t',
  channelLimit: 'size_t',
  serviceTime: 'uint32',
  dispatchQueue: ENetList,
  continueSending: 'int',
  packetSize: 'size_t',
  headerFlags: 'uint16',
  commands: koffi.array('uint8', 32 * PROTOCOL_SIZE),
  commandCount: 'size_t',
  buffers: koffi.array(ENetBuffer, 65),
  bufferCount: 'size_t',
  checksum: 'void *',
  compressor: ENetCompressor,
  packetData: koffi.array('uint8', 2 * 4096),
  receivedAddress: ENetAddress,
  receivedData: 'void *',
  receivedDataLength: 'size_t',
  totalSentData: 'uint32',
  totalSentPackets: 'uint32',
  totalReceivedData: 'uint32',
  totalReceivedPackets: 'uint32',
  intercept: 'void *',
  connectedPeers: 'size_t',
  bandwidthLimitedPeers: 'size_t',
  duplicatePeers: 'size_t',
  maximumPacketSize: 'size_t',
  maximumWaitingData: 'size_t',
});
const u32 = 'uint32';
const ENetPeer = koffi.struct('ENetPeer', {
  dispatchList: ENetListNode,
  host: 'void *',
  outgoingPeerID: 'uint16',
  incomingPeerID: 'uint16',
  connectID: u32,
  outgoingSessionID: 'uint8',
  incomingSessionID: 'uint8',
  address: ENetAddress,
  data: 'void *',
  state: 'int',
  channels: 'void *',
  channelCount: 'size_t',
  incomingBandwidth: u32,
  outgoingBandwidth: u32,
  incomingBandwidthThrottleEpoch: u32,
  outgoingBandwidthThrottleEpoch: u32,
  incomingDataTotal: u32,
  outgoingDataTotal: u32,
  lastSendTime: u32,
  lastReceiveTime: u32,
  nextTimeout: u32,
  earliestTimeout: u32,
  packetLossEpoch: u32,
  packetsSent: u32,
  packetsLost: u32,
  packetLoss: u32,
  packetLossVariance: u32,
  packetThrottle: u32,
  packetThrottleLimit: u32,
  packetThrottleCounter: u32,
  packetThrottleEpoch: u32,
  packetThrottleAcceleration: u32,
  packetThrottleDeceleration: u32,
  packetThrottleInterval: u32,
  pingInterval: u32,
  timeoutLimit: u32,
  timeoutMinimum: u32,
  timeoutMaximum: u32,
  lastRoundTripTime: u32,
  lowestRoundTripTime: u32,
  lastRoundTripTimeVariance: u32,
  highestRoundTripTimeVariance: u32,
  roundTripTime: u32,
  roundTripTimeVariance: u32,
  mtu: u32,
  windowSize: u32,
  reliableDataInTransit: u32,
  outgoingReliableSequenceNumber: 'uint16',
  acknowledgements: ENetList,
  sentReliableCommands: ENetList,
  sentUnreliableCommands: ENetList,
  outgoingCommands: ENetList,
  dispatchedCommands: ENetList,
  flags: 'uint16',
  reserved: 'uint16',
  incomingUnsequencedGroup: 'uint16',
  outgoingUnsequencedGroup: 'uint16',
  unsequencedWindow: koffi.array('uint32', 32),
  eventData: u32,
  totalWaitingData: 'size_t',
});

interface Api {
  initialize: () => number;
  version: () => number;
  hostCreate: (address: { host: number; port: number } | null, peers: number, channels: number, inBw: number, outBw: number) => unknown;
  hostDestroy: (host: unknown) => void;
  hostConnect: (host: unknown, address: { host: number; port: number }, channels: number, data: number) => unknown;
  hostService: (host: unknown, event: Record<string, unknown>, timeout: number) => number;
  hostFlush: (host: unknown) => void;
  packetCreate: (data: Uint8Array, length: number, flags: number) => unknown;
  packetDestroy: (packet: unknown) => void;
  peerSend: (peer: unknown, channel: number, packet: unknown) => number;
  peerDisconnect: (peer: unknown, data: number) => void;
  peerDisconnectLater: (peer: unknown, data: number) => void;
  peerDisconnectNow: (peer: unknown, data: number) => void;
  peerReset: (peer: unknown) => void;
  crc32: unknown;
  hostCompressWithRangeCoder: (host: unknown) => number;
  rangeCoderCreate: () => unknown;
  rangeCoderDestroy: (context: unknown) => void;
  rangeCoderCompress: (
    context: unknown,
    buffers: Array<{ data: unknown; dataLength: number }>,
    bufferCount: number,
    inLimit: number,
    out: Uint8Array,
    outLimit: number,
  ) => number | bigint;
  rangeCoderDecompress: (context: unknown, input: Uint8Array, inLimit: number, out: Uint8Array, outLimit: number) => number | bigint;
  malloc: (size: number) => unknown;
  free: (pointer: unknown) => void;
}

let api: Api | null = null;

function load(): Api {
  if (api) return api;
  const lib = koffi.load(LIBENET_PATH);
  const AddrPtr = koffi.pointer(ENetAddress);
  const a: Api = {
    initialize: lib.func('int enet_initialize(void)'),
    version: lib.func('uint32 enet_linked_version(void)'),
    hostCreate: lib.func('enet_host_create', 'void *', [AddrPtr, 'size_t', 'size_t', 'uint32', 'uint32']),
    hostDestroy: lib.func('void enet_host_destroy(void *)'),
    hostConnect: lib.func('enet_host_connect', 'void *', ['void *', AddrPtr, 'size_t', 'uint32']),
    hostService: lib.func('enet_host_service', 'int', ['void *', koffi.out(koffi.pointer(ENetEvent)), 'uint32']),
    hostFlush: lib.func('void enet_host_flush(void *)'),
    packetCreate: lib.func('void *enet_packet_create(const void *, size_t, uint32)'),
    packetDestroy: lib.func('void enet_packet_destroy(void *)'),
    peerSend: lib.func('int enet_peer_send(void *, uint8, void *)'),
    peerDisconnect: lib.func('void enet_peer_disconnect(void *, uint32)'),
    peerDisconnectLater: lib.func('void enet_peer_disconnect_later(void *, uint32)'),
    peerDisconnectNow: lib.func('void enet_peer_disconnect_now(void *, uint32)'),
    peerReset: lib.func('void enet_peer_reset(void *)'),
    crc32: null,
    hostCompressWithRangeCoder: lib.func('int enet_host_compress_with_range_coder(void *)'),
    rangeCoderCreate: lib.func('void *enet_range_coder_create(void)'),
    rangeCoderDestroy: lib.func('void enet_range_coder_destroy(void *)'),
    rangeCoderCompress: lib.func('enet_range_coder_compress', 'size_t', ['void *', koffi.pointer(ENetBuffer), 'size_t', 'size_t', 'void *', 'size_t']),
    rangeCoderDecompress: lib.func('enet_range_coder_decompress', 'size_t', ['void *', 'void *', 'size_t', 'void *', 'size_t']),
    malloc: () => null,
    free: () => undefined,
  };
  // The address of enet_crc32, to install it as a host's checksum callback.
  const libc = koffi.load('libc.so.6');
  a.malloc = libc.func('void *malloc(size_t)');
  a.free = libc.func('void free(void *)');
  const dlopen = libc.func('void *dlopen(const char *, int)');
  const dlsym = libc.func('void *dlsym(void *, const char *)');
  const RTLD_NOW = 2;
  a.crc32 = dlsym(dlopen(LIBENET_PATH, RTLD_NOW), 'enet_crc32');
  if (a.initialize() !== 0) throw new Error('enet_initialize failed');
  api = a;
  return a;
}

/** 127.0.0.1 as ENet stores it: the four address bytes in memory order (host->host is network order). */
const LOOPBACK_HOST = 0x0100007f;

export function libenetVersion(): string {
  const v = load().version();
  return `${v >>> 16}.${(v >>> 8) & 0xff}.${v & 0xff}`;
}

export type LibEnetEvent =
  | { type: 'connect'; peer: LibEnetPeer; data: number }
  | { type: 'disconnect'; peer: LibEnetPeer; data: number }
  | { type: 'receive'; peer: LibEnetPeer; channelId: number; data: Uint8Array; flags: number };

/** An ENetPeer* of a libenet host. */
export class LibEnetPeer {
  constructor(readonly ptr: unknown) {}
  key(): string {
    return String(koffi.address(this.ptr));
  }
  get roundTripTime(): number {
    return koffi.decode(this.ptr, koffi.offsetof(ENetPeer, 'roundTripTime'), 'uint32') as number;
  }
  get state(): number {
    return koffi.decode(this.ptr, koffi.offsetof(ENetPeer, 'state'), 'int') as number;
  }
  send(channelId: number, data: Uint8Array, flags: number): boolean {
    const a = load();
    const packet = a.packetCreate(data, data.length, flags);
    if (a.peerSend(this.ptr, channelId, packet) < 0) {
      a.packetDestroy(packet);
      return false;
    }
    return true;
  }
  disconnect(data = 0): void {
    load().peerDisconnect(this.ptr, data);
  }
  disconnectLater(data = 0): void {
    load().peerDisconnectLater(this.ptr, data);
  }
  disconnectNow(data = 0): void {
    load().peerDisconnectNow(this.ptr, data);
  }
}

export interface LibEnetHostOptions {
  /** Bind 127.0.0.1:port (0 = any free port); null = client-only host (unbound). */
  port?: number | null;
  peerLimit?: number;
  channelLimit?: number;
  checksum?: boolean;
  mtu?: number;
  /** enet_host_compress_with_range_coder: compress outgoing datagrams, accept compressed ones. */
  rangeCoder?: boolean;
}

export class LibEnetHost {
  readonly ptr: unknown;
  readonly port: number;
  #peers = new Map<string, LibEnetPeer>();
  #destroyed = false;

  constructor(options: LibEnetHostOptions = {}) {
    const a = load();
    const bind = options.port === null ? null : { host: LOOPBACK_HOST, port: options.port ?? 0 };
    this.ptr = a.hostCreate(bind, options.peerLimit ?? 32, options.channelLimit ?? 0, 0, 0);
    if (!this.ptr) throw new Error('enet_host_create failed');
    if (options.checksum) koffi.encode(this.ptr, koffi.offsetof(ENetHost, 'checksum'), 'void *', a.crc32);
    if (options.rangeCoder && a.hostCompressWithRangeCoder(this.ptr) !== 0) throw new Error('enet_host_compress_with_range_coder failed');
    if (options.mtu !== undefined) koffi.encode(this.ptr, koffi.offsetof(ENetHost, 'mtu'), 'uint32', options.mtu);
    const addrOffset = koffi.offsetof(ENetHost, 'address');
    this.port = koffi.decode(this.ptr, addrOffset + koffi.offsetof(ENetAddress, 'port'), 'uint16') as number;
  }

  #peer(ptr: unknown): LibEnetPeer {
    const k = String(koffi.address(ptr));
    let p = this.#peers.get(k);
    if (!p) {
      p = new LibEnetPeer(ptr);
      this.#peers.set(k, p);
    }
    return p;
  }

  connect(port: number, channelCount: number, data = 0): LibEnetPeer {
    const ptr = load().hostConnect(this.ptr, { host: LOOPBACK_HOST, port }, channelCount, data);
    if (!ptr) throw new Error('enet_host_connect failed');
    return this.#peer(ptr);
  }

  /** One enet_host_service call; returns the event or null. */
  service(timeoutMs = 0): LibEnetEvent | null {
    const a = load();
    const ev: Record<string, unknown> = {};
    const r = a.hostService(this.ptr, ev, timeoutMs);
    if (r < 0) throw new Error('enet_host_service failed');
    if (r === 0) return null;
    const peer = this.#peer(ev.peer);
    switch (ev.type as number) {
      case ENET_EVENT_TYPE.CONNECT:
        return { type: 'connect', peer, data: ev.data as number };
      case ENET_EVENT_TYPE.DISCONNECT:
        return { type: 'disconnect', peer, data: ev.data as number };
      case ENET_EVENT_TYPE.RECEIVE: {
        const packet = koffi.decode(ev.packet, ENetPacket) as { flags: number; data: unknown; dataLength: number };
        const data = packet.dataLength > 0 ? new Uint8Array(koffi.view(packet.data, packet.dataLength)).slice() : new Uint8Array(0);
        a.packetDestroy(ev.packet);
        return { type: 'receive', peer, channelId: ev.channelID as number, data, flags: packet.flags & 0xff };
      }
      default:
        return null;
    }
  }

  /** Service until no event is pending; returns the events. */
  drain(): LibEnetEvent[] {
    const out: LibEnetEvent[] = [];
    for (let e = this.service(0); e !== null; e = this.service(0)) out.push(e);
    return out;
  }

  flush(): void {
    load().hostFlush(this.ptr);
  }

  destroy(): void {
    if (this.#destroyed) return;
    this.#destroyed = true;
    load().hostDestroy(this.ptr);
  }
}

/** libenet's own range coder (enet_range_coder_*), one context, for byte-exact comparisons. */
export class LibEnetRangeCoder {
  #context: unknown;

  constructor() {
    this.#context = load().rangeCoderCreate();
    if (!this.#context) throw new Error('enet_range_coder_create failed');
  }

  /**
   * enet_range_coder_compress over `input` split into ENetBuffers at `splits` (as ENet's send
   * path passes one buffer per command and payload). Returns the output, empty when it failed.
   * No buffer is empty: libenet's compressor reads a byte from an empty buffer that is not the
   * last (and from a NULL one: a libenet host with the range coder crashes sending an empty
   * packet, see compression-interop.test.ts).
   */
  compress(input: Uint8Array, outLimit: number, splits: readonly number[] = []): Uint8Array {
    const a = load();
    const inside = [...new Set(splits)].filter((s) => s > 0 && s < input.length).sort((x, y) => x - y);
    const bounds = [0, ...inside, input.length];
    const buffers: Array<{ data: unknown; dataLength: number }> = [];
    try {
      for (let i = 0; i + 1 < bounds.length; i++) {
        const length = bounds[i + 1] - bounds[i];
        const data = a.malloc(Math.max(1, length));
        if (!data) throw new Error('malloc failed');
        buffers.push({ data, dataLength: length });
        if (length > 0) new Uint8Array(koffi.view(data, length)).set(input.subarray(bounds[i], bounds[i + 1]));
      }
      const out = new Uint8Array(Math.max(1, outLimit));
      const n = Number(a.rangeCoderCompress(this.#context, buffers, buffers.length, input.length, out, outLimit));
      return out.slice(0, n);
    } finally {
      for (const b of buffers) a.free(b.data);
    }
  }

  /** enet_range_coder_decompress; returns the output, empty when it failed. */
  decompress(input: Uint8Array, outLimit: number): Uint8Array {
    const out = new Uint8Array(Math.max(1, outLimit));
    const n = Number(load().rangeCoderDecompress(this.#context, input.length > 0 ? input : new Uint8Array(1), input.length, out, outLimit));
    return out.slice(0, n);
  }

  destroy(): void {
    if (this.#context === null) return;
    load().rangeCoderDestroy(this.#context);
    this.#context = null;
  }
}
