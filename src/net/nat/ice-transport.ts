// ENet rides ICE unchanged: this DatagramTransport carries datagrams over the selected pair of
// one or more ICE connections (a server has one per joiner). A peer's address is the opaque
// path id `{ address: 'ice:<peerId>', port: 0 }`. Garbage (neither STUN nor ENet-shaped) is a
// counted drop; bytes are counted per path for the connection stats (NT-3).
//
// The controlled side (the host) learns of the nomination one check round trip after the
// controlling side starts sending ENet over it: datagrams sent before its pair is selected wait
// here (bounded) instead of being lost, which would cost ENet a 500 ms retransmission.
import type { DatagramAddress, DatagramHandler, DatagramTransport } from '../enet/transport.js';
import { NAT_MAX_DATAGRAM_BYTES, NAT_PENDING_MAX_DATAGRAMS } from './constants.js';
import { enetShape } from './enet-shape.js';

/** The part of a werift-ice Connection this transport uses (injected, so tests can fake it). */
export interface IceDataChannel {
  readonly onData: { subscribe(cb: (data: Buffer) => void): { unSubscribe(): void } };
  send(data: Buffer): Promise<void>;
  /** False while no pair is selected yet (sends would fail); absent = always ready. */
  ready?(): boolean;
}

export interface PathCounters {
  bytesSent: number;
  bytesReceived: number;
  datagramsSent: number;
  datagramsReceived: number;
  dropsGarbage: number;
  dropsTooBig: number;
  dropsSendFailed: number;
  /** Datagrams dropped because too many waited for the pair to be selected. */
  dropsNotReady: number;
}

interface Path {
  channel: IceDataChannel;
  from: DatagramAddress;
  counters: PathCounters;
  unsubscribe: () => void;
  /** Datagrams sent before the pair was selected, oldest first. */
  pending: Buffer[];
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
    const counters: PathCounters = {
      bytesSent: 0,
      bytesReceived: 0,
      datagramsSent: 0,
      datagramsReceived: 0,
      dropsGarbage: 0,
      dropsTooBig: 0,
      dropsSendFailed: 0,
      dropsNotReady: 0,
    };
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
    this.#paths.set(from.address, { channel, from, counters, unsubscribe: () => sub.unSubscribe(), pending: [] });
    return from;
  }

  /** Sends what waited for the pair to be selected (the handshake calls it once connected). */
  flush(peerId: string): void {
    const path = this.#paths.get(ICE_PATH_PREFIX + peerId);
    if (path && (path.channel.ready?.() ?? true)) this.#drain(path);
  }

  #drain(path: Path): void {
    for (const d of path.pending.splice(0)) this.#write(path, d);
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
    // Copy: the caller may reuse its buffer before the socket write happens.
    const copy = Buffer.from(data);
    if (!(path.channel.ready?.() ?? true)) {
      if (path.pending.length >= NAT_PENDING_MAX_DATAGRAMS) {
        path.counters.dropsNotReady++;
        return false;
      }
      path.pending.push(copy);
      return true;
    }
    this.#drain(path);
    this.#write(path, copy);
    return true;
  }

  #write(path: Path, data: Buffer): void {
    path.counters.datagramsSent++;
    path.counters.bytesSent += data.length;
    path.channel.send(data).catch(() => {
      path.counters.dropsSendFailed++;
    });
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
