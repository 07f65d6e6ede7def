// The node:dgram DatagramTransport: one UDP socket, IPv4 or IPv6, bound before use.
import { createSocket, type Socket, type SocketType } from 'node:dgram';
import { lookup as dnsLookup, type LookupOneOptions } from 'node:dns';
import { isIP, isIPv6 } from 'node:net';
import { ENET_HOST_RECEIVE_BUFFER_SIZE_BYTES, ENET_HOST_SEND_BUFFER_SIZE_BYTES } from './constants.js';
import { EnetError } from './errors.js';
import type { DatagramAddress, DatagramHandler, DatagramTransport } from './transport.js';
import { ipv4Number, openSendBatch, type SendBatch } from './udp-batch.js';
import { openConnectedSocket, type ConnectedSocket } from './udp-connected.js';
import { dgramHandle } from './udp-native.js';

export interface UdpBindOptions {
  /** Local address; default 0.0.0.0, or :: when `type` is udp6. */
  address?: string;
  /** Local port; 0 (default) = any free port. */
  port?: number;
  /** Default: udp6 when `address` is an IPv6 literal, else udp4. */
  type?: SocketType;
  /** udp6 only: also accept IPv4 (dual stack). Default false. */
  dualStack?: boolean;
  /**
   * The one address this socket talks to (a client of one server): the socket is connected, so
   * a send skips dgram's per-send address lookup and the kernel drops datagrams from anyone
   * else; send() to another address returns false. If the connect fails (e.g. a name that does
   * not resolve), the socket stays unconnected and sends as without this option. A connected
   * socket does not batch (batchSends is for a server's many peers).
   */
  connectTo?: DatagramAddress;
  /**
   * Gather each send pass's IPv4 datagrams into one sendmmsg (udp-batch.ts) where the platform
   * has it; elsewhere (batchUnavailable says why) each goes out by itself as without. Default false.
   */
  batchSends?: boolean;
}

const ipv4Text = (ip: number): string => `${ip >>> 24}.${(ip >>> 16) & 255}.${(ip >>> 8) & 255}.${ip & 255}`;

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string, family: number) => void;

/**
 * dgram resolves the address of every send through dns.lookup, which answers an IP literal only
 * on the next tick: one extra callback a datagram. ENet peers are addressed by IP, so answer
 * those at once and keep dns.lookup for names.
 */
function literalFirstLookup(hostname: string, options: LookupOneOptions | number, callback: LookupCallback): void {
  const family = isIP(hostname);
  if (family !== 0) callback(null, hostname, family);
  else dnsLookup(hostname, typeof options === 'number' ? { family: options } : options, callback);
}

/** The receive switch of a dgram socket's libuv handle (udp-native.ts), or null where this Node's
 * dgram keeps it elsewhere: node:dgram has no public pause, and the handle's recvStop/recvStart
 * are what dgram's own bind and close call. */
interface RecvSwitch {
  recvStart(): number;
  recvStop(): number;
}
function recvSwitchOf(socket: Socket): RecvSwitch | null {
  const h = dgramHandle(socket);
  return h !== undefined && typeof h.recvStart === 'function' && typeof h.recvStop === 'function' ? (h as RecvSwitch) : null;
}

export class UdpTransport implements DatagramTransport {
  #handler: DatagramHandler | null = null;
  #closed = false;
  readonly #local: DatagramAddress;
  /** Set once the socket is connected to it (UdpBindOptions.connectTo). */
  #peer: DatagramAddress | null = null;
  #batch: SendBatch | null = null;
  #flushQueued = false;
  #receiving = true;
  /** Reads (receiveWaiting) and sends a connected socket through libc, where the platform allows (udp-connected.ts). */
  #connected: ConnectedSocket | null = null;
  /** Another reader took the datagrams over (handReadingOver): they never come in here again. */
  #handedOver = false;
  /** Why sends are not batched although asked (batchSends), or undefined. */
  readonly batchUnavailable: string | undefined;

  /** batch: a SendBatch for this socket, why there is none, or undefined (not asked). */
  private constructor(
    private readonly socket: Socket,
    batch: SendBatch | string | undefined,
  ) {
    const a = socket.address();
    this.#local = { address: a.address, port: a.port };
    if (typeof batch === 'string') this.batchUnavailable = batch;
    else if (batch !== undefined) this.#batch = batch;
    socket.on('message', (msg, rinfo) => {
      if (this.#handler !== null) this.#handler(msg, { address: rinfo.address, port: rinfo.port });
    });
    // Errors on a UDP socket (e.g. ICMP unreachable on some systems) are not fatal to ENet.
    socket.on('error', () => undefined);
  }

  /** Bind a UDP socket; rejects with EnetError('ENET_SOCKET') when the bind fails. */
  static bind(options: UdpBindOptions = {}): Promise<UdpTransport> {
    const type: SocketType = options.type ?? (options.address !== undefined && isIPv6(options.address) ? 'udp6' : 'udp4');
    const address = options.address ?? (type === 'udp6' ? '::' : '0.0.0.0');
    const socket = createSocket({
      type,
      ipv6Only: type === 'udp6' ? !options.dualStack : undefined,
      recvBufferSize: ENET_HOST_RECEIVE_BUFFER_SIZE_BYTES,
      sendBufferSize: ENET_HOST_SEND_BUFFER_SIZE_BYTES,
      lookup: literalFirstLookup as unknown as typeof dnsLookup,
    });
    return new Promise((resolve, reject) => {
      const onError = (err: Error): void => {
        socket.close();
        reject(new EnetError('ENET_SOCKET', `cannot bind UDP ${address}:${options.port ?? 0}: ${err.message}`, { cause: err }));
      };
      socket.once('error', onError);
      socket.bind(options.port ?? 0, address, () => {
        socket.off('error', onError);
        if (options.connectTo !== undefined) {
          const peer = { address: options.connectTo.address, port: options.connectTo.port };
          socket.connect(peer.port, peer.address, (err?: Error) => {
            const t = new UdpTransport(socket, undefined);
            if (err) return resolve(t);
            t.#peer = peer;
            void openConnectedSocket(socket).then((reader) => {
              if (typeof reader !== 'string') t.#connected = reader;
              resolve(t);
            });
          });
          return;
        }
        if (options.batchSends !== true) return resolve(new UdpTransport(socket, undefined));
        void openSendBatch(socket)
          .catch((err: Error) => `no send batch: ${err.message}`)
          .then((batch) => resolve(new UdpTransport(socket, batch)));
      });
    });
  }

  /** Whether sends are gathered into one system call a pass. */
  get batching(): boolean {
    return this.#batch !== null;
  }

  send(data: Uint8Array, to: DatagramAddress): boolean {
    if (this.#closed) return false;
    const peer = this.#peer;
    if (peer !== null) return to.port === peer.port && to.address === peer.address && this.#sendNow(data, to.port, to.address);
    if (this.#batch !== null) {
      const ip = ipv4Number(to.address);
      if (ip >= 0) {
        if (this.#batch.add(data, ip, to.port)) return this.#flushLater();
        this.sendGathered(); // full: send what is gathered, then gather this one
        if (this.#batch.add(data, ip, to.port)) return this.#flushLater();
      }
    }
    return this.#sendNow(data, to.port, to.address);
  }

  /** Sends the gathered datagrams in one call; any the kernel did not take go out one by one. */
  sendGathered(): void {
    if (this.#batch !== null && this.#batch.count > 0) this.#batch.send(this.#unsent);
  }

  #unsent = (data: Uint8Array, ip: number, port: number): void => {
    this.#sendNow(data, port, ipv4Text(ip));
  };

  /** A send outside a host's pass still leaves this turn (the host flushes at the end of its own). */
  #flushLater(): boolean {
    if (!this.#flushQueued) {
      this.#flushQueued = true;
      queueMicrotask(() => {
        this.#flushQueued = false;
        if (!this.#closed) this.sendGathered();
      });
    }
    return true;
  }

  /** One datagram now (a connected socket names no address: the kernel has it). */
  #sendNow(data: Uint8Array, port: number, address: string): boolean {
    try {
      if (this.#peer !== null) {
        if (this.#connected === null || !this.#connected.send(data)) this.socket.send(data);
      } else this.socket.send(data, port, address);
      return true;
    } catch {
      return false;
    }
  }

  onDatagram(handler: DatagramHandler): void {
    this.#handler = handler;
  }

  /**
   * Stops (false) or resumes (true) taking datagrams in: while stopped they wait in the socket's
   * OS buffer and the event loop is not woken for them. Does nothing on a Node whose dgram is not
   * as expected (datagrams then keep coming as they arrive).
   */
  setReceiving(on: boolean): void {
    if (this.#closed || this.#handedOver || on === this.#receiving) return;
    const sw = recvSwitchOf(this.socket);
    if (sw === null) return;
    this.#receiving = on;
    if (on) sw.recvStart();
    else sw.recvStop();
  }

  /** Whether datagrams are taken in as they come (setReceiving). */
  get receiving(): boolean {
    return this.#receiving;
  }

  /** Whether receiveWaiting() can read (a connected socket on Linux: udp-connected.ts). */
  get readsOnDemand(): boolean {
    return this.#connected !== null && !this.#closed && !this.#handedOver;
  }

  /**
   * Hands the datagrams waiting in the socket's OS buffer to the handler now (a connected
   * socket's, so from its peer); returns how many, or -1 where it cannot read on demand.
   */
  receiveWaiting(): number {
    const reader = this.#connected,
      peer = this.#peer;
    if (reader === null || peer === null || this.#closed || this.#handedOver) return -1;
    return reader.readWaiting((d) => this.#handler?.(d, peer));
  }

  handReadingOver(): number {
    const reader = this.#connected;
    if (reader === null || this.#peer === null || this.#closed) return -1;
    this.setReceiving(false);
    if (this.#receiving) return -1; // this Node's dgram cannot stop reading: two readers would race
    this.#handedOver = true;
    return reader.fd;
  }

  deliver(data: Uint8Array): void {
    const peer = this.#peer;
    if (peer !== null && !this.#closed) this.#handler?.(data, peer);
  }

  localAddress(): DatagramAddress {
    return this.#local;
  }

  close(): void {
    if (this.#closed) return;
    this.sendGathered();
    this.#closed = true;
    this.#handler = null;
    this.#batch?.close();
    this.#batch = null;
    this.socket.close();
  }
}
