// The node:dgram DatagramTransport: one UDP socket, IPv4 or IPv6, bound before use.
import { createSocket, type Socket, type SocketType } from 'node:dgram';
import { lookup as dnsLookup, type LookupOneOptions } from 'node:dns';
import { isIP, isIPv6 } from 'node:net';
import { ENET_HOST_RECEIVE_BUFFER_SIZE_BYTES, ENET_HOST_SEND_BUFFER_SIZE_BYTES } from './constants.js';
import { EnetError } from './errors.js';
import type { DatagramAddress, DatagramHandler, DatagramTransport } from './transport.js';

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
   * not resolve), the socket stays unconnected and sends as without this option.
   */
  connectTo?: DatagramAddress;
}

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

export class UdpTransport implements DatagramTransport {
  #handler: DatagramHandler | null = null;
  #closed = false;
  readonly #local: DatagramAddress;
  /** Set once the socket is connected to it (UdpBindOptions.connectTo). */
  #peer: DatagramAddress | null = null;

  private constructor(private readonly socket: Socket) {
    const a = socket.address();
    this.#local = { address: a.address, port: a.port };
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
        const t = new UdpTransport(socket);
        if (options.connectTo === undefined) return resolve(t);
        const peer = { address: options.connectTo.address, port: options.connectTo.port };
        socket.connect(peer.port, peer.address, (err?: Error) => {
          if (!err) t.#peer = peer;
          resolve(t);
        });
      });
    });
  }

  send(data: Uint8Array, to: DatagramAddress): boolean {
    if (this.#closed) return false;
    try {
      const peer = this.#peer;
      if (peer === null) this.socket.send(data, to.port, to.address);
      else if (to.port === peer.port && to.address === peer.address) this.socket.send(data);
      else return false;
      return true;
    } catch {
      return false;
    }
  }

  onDatagram(handler: DatagramHandler): void {
    this.#handler = handler;
  }

  localAddress(): DatagramAddress {
    return this.#local;
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#handler = null;
    this.socket.close();
  }
}
