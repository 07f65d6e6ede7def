// The host's edge to its transport: received datagrams wait in a bounded inbox for the next
// service (beyond HOST_INBOX_LIMIT_DATAGRAMS they are dropped, so a flood between two services
// cannot grow memory without bound), and every datagram each way and every drop, by reason, is
// counted for host.stats.
import { HOST_INBOX_LIMIT_DATAGRAMS } from './constants.js';
import type { DropReason } from './receive.js';
import type { DatagramAddress, DatagramTransport } from './transport.js';

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

export type InboxEntry = [data: Uint8Array, from: DatagramAddress];

export class HostTraffic {
  readonly #drops: Record<DropReason, number> = { short: 0, peer: 0, compressed: 0, decompress: 0, checksum: 0, command: 0, inbox: 0 };
  #inbox: InboxEntry[] = [];
  #datagramsSent = 0;
  #datagramsReceived = 0;
  #bytesSent = 0;
  #bytesReceived = 0;
  #sendFailures = 0;

  /** Keep a received datagram for the next service; false when the inbox is full (dropped, counted). */
  accept(data: Uint8Array, from: DatagramAddress): boolean {
    if (this.#inbox.length >= HOST_INBOX_LIMIT_DATAGRAMS) {
      this.#drops.inbox++;
      return false;
    }
    this.#inbox.push([data, from]);
    return true;
  }

  /** The datagrams accepted since the last call, oldest first (the inbox starts afresh). */
  takeInbox(): InboxEntry[] {
    const inbox = this.#inbox;
    if (inbox.length > 0) this.#inbox = [];
    return inbox;
  }

  clearInbox(): void {
    this.#inbox = [];
  }

  /** A datagram taken from the inbox is handled now. */
  received(data: Uint8Array): void {
    this.#datagramsReceived++;
    this.#bytesReceived += data.length;
  }

  send(transport: DatagramTransport, datagram: Uint8Array, to: DatagramAddress): void {
    this.#datagramsSent++;
    this.#bytesSent += datagram.length;
    if (!transport.send(datagram, to)) this.#sendFailures++;
  }

  drop(reason: DropReason): void {
    this.#drops[reason]++;
  }

  stats(throttledPackets: number): HostStats {
    return {
      datagramsSent: this.#datagramsSent,
      datagramsReceived: this.#datagramsReceived,
      bytesSent: this.#bytesSent,
      bytesReceived: this.#bytesReceived,
      sendFailures: this.#sendFailures,
      throttledPackets,
      drops: { ...this.#drops },
    };
  }
}
