// ENet rides ICE unchanged: this DatagramTransport carries datagrams over the selected pair of
// one or more ICE connections (a server has one per joiner). A peer's address is the opaque
// path id `{ address: 'ice:<peerId>', port: 0 }`. Garbage (neither STUN nor ENet-shaped) is a
// counted drop; bytes are counted per path for the connection stats (NT-3).
import type { DatagramAddress, DatagramHandler, DatagramTransport } from '../enet/transport.js';
import { NAT_MAX_DATAGRAM_BYTES } from './constants.js';
import { enetShape } from './enetShape.js';

/** The part of a werift-ice Connection this transport uses (injected, so tests can fake it). */
export interface IceDataChannel {
  readonly onData: { subscribe(cb: (data: Buffer) => void): { unSubscribe(): void } };
  send(data: Buffer): Promise<void>;
}

export interface PathCounters {
  bytesSent: number;
  bytesReceived: number;
  datagramsSent: number;
  datagramsReceived: number;
  dropsGarbage: number;
  dropsTooBig: number;
  dropsSendFailed: number;
}

interface Path {
  channel: IceDataChannel;
  from: DatagramAddress;
  counters: PathCounters;
  unsubscribe: () => void;
}

export const ICE_PATH_PREFIX = 'ice:';

export function icePathAddress(peerId: string): DatagramAddress {
  return { address: ICE_PATH_PREFIX + peerId, port: 0 };
}

export class IceDatagramTransport implements DatagramTransport {
  readonly #paths = new Map<string, Path>();
  readonly #local: DatagramAddress;
  #handler: DatagramHandler | undefined;
  #closed = false;
  /** Datagrams ENet sent to an address with no ICE path behind it. */
  dropsNoPath = 0;

  constructor(localId: string) {
    this.#local = icePathAddress(localId);
  }

  /** Adds the selected pair of one ICE connection as the path to `peerId`. */
  attach(peerId: string, channel: IceDataChannel): DatagramAddress {
    this.detach(peerId);
    const from = icePathAddress(peerId);
    const counters: PathCounters = { bytesSent: 0, bytesReceived: 0, datagramsSent: 0, datagramsReceived: 0, dropsGarbage: 0, dropsTooBig: 0, dropsSendFailed: 0 };
    const sub = channel.onData.subscribe((data) => {
      if (this.#closed) return;
      if (data.length > NAT_MAX_DATAGRAM_BYTES) {
        counters.dropsTooBig++;
        return;
      }
      if (enetShape(data) !== 'ok') {
        counters.dropsGarbage++;
        return;
      }
      counters.datagramsReceived++;
      counters.bytesReceived += data.length;
      this.#handler?.(new Uint8Array(data.buffer, data.byteOffset, data.length), from);
    });
    this.#paths.set(from.address, { channel, from, counters, unsubscribe: () => sub.unSubscribe() });
    return from;
  }

  detach(peerId: string): void {
    const key = ICE_PATH_PREFIX + peerId;
    this.#paths.get(key)?.unsubscribe();
    this.#paths.delete(key);
  }

  counters(peerId: string): Readonly<PathCounters> | undefined {
    return this.#paths.get(ICE_PATH_PREFIX + peerId)?.counters;
  }

  send(data: Uint8Array, to: DatagramAddress): boolean {
    const path = this.#closed ? undefined : this.#paths.get(to.address);
    if (!path) {
      this.dropsNoPath++;
      return false;
    }
    if (data.length > NAT_MAX_DATAGRAM_BYTES) {
      path.counters.dropsTooBig++;
      return false;
    }
    path.counters.datagramsSent++;
    path.counters.bytesSent += data.length;
    // Copy: the caller may reuse its buffer before the socket write happens.
    path.channel.send(Buffer.from(data)).catch(() => { path.counters.dropsSendFailed++; });
    return true;
  }

  onDatagram(handler: DatagramHandler): void {
    this.#handler = handler;
  }

  localAddress(): DatagramAddress {
    return this.#local;
  }

  close(): void {
    this.#closed = true;
    for (const p of this.#paths.values()) p.unsubscribe();
    this.#paths.clear();
  }
}
