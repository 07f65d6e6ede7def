// A deterministic simulated network for tests (netcode's network simulator idea): seeded loss,
// duplication, reordering, latency with jitter and a per-sender bandwidth cap, on a simulated
// clock. Nothing happens until the test advances time; datagrams due by then are delivered in
// (time, send order) order.
import { SimClock } from '../../util/clock.js';
import { seededRandom } from '../../util/random.js';
import type { DatagramAddress, DatagramHandler, DatagramTransport } from './transport.js';

export interface SimLinkOptions {
  /** Probability 0..1 that a datagram is lost. */
  loss?: number;
  /** Probability 0..1 that a datagram is delivered twice. */
  duplicate?: number;
  /** Probability 0..1 that a datagram is held back by up to `reorderDelayMs` extra. */
  reorder?: number;
  reorderDelayMs?: number;
  latencyMs?: number;
  /** Uniform extra delay 0..jitterMs. */
  jitterMs?: number;
  /** Bytes/s a sender can put on the wire; 0 = unlimited. Excess queues, then drops. */
  bandwidthBytesPerSecond?: number;
  /** Most bytes queued behind the bandwidth cap before tail drop. */
  queueLimitBytes?: number;
}

export interface SimNetworkOptions extends SimLinkOptions {
  seed: number;
  clock?: SimClock;
}

interface InFlight {
  at: number;
  order: number;
  data: Uint8Array;
  from: DatagramAddress;
  to: string;
}

const key = (a: DatagramAddress): string => `${a.address}|${a.port}`;

export class SimNetwork {
  readonly clock: SimClock;
  link: Required<SimLinkOptions>;
  readonly random: () => number;
  readonly #endpoints = new Map<string, SimTransport>();
  readonly #busyUntil = new Map<string, number>();
  #queue: InFlight[] = [];
  #order = 0;
  #nextPort = 1000;
  counts = { sent: 0, lost: 0, duplicated: 0, reordered: 0, queueDropped: 0, delivered: 0, undeliverable: 0 };

  constructor(options: SimNetworkOptions) {
    this.clock = options.clock ?? new SimClock(0);
    this.random = seededRandom(options.seed);
    this.link = {
      loss: options.loss ?? 0,
      duplicate: options.duplicate ?? 0,
      reorder: options.reorder ?? 0,
      reorderDelayMs: options.reorderDelayMs ?? 20,
      latencyMs: options.latencyMs ?? 0,
      jitterMs: options.jitterMs ?? 0,
      bandwidthBytesPerSecond: options.bandwidthBytesPerSecond ?? 0,
      queueLimitBytes: options.queueLimitBytes ?? 256 * 1024,
    };
  }

  /** A transport at `address` (default sim-N:port). */
  createTransport(address?: DatagramAddress): SimTransport {
    const a = address ?? { address: '10.0.0.1', port: this.#nextPort++ };
    const t = new SimTransport(this, a);
    this.#endpoints.set(key(a), t);
    return t;
  }

  /** Change link conditions mid-test (e.g. cut a peer off with loss: 1). */
  setLink(options: SimLinkOptions): void {
    this.link = { ...this.link, ...options };
  }

  remove(t: SimTransport): void {
    this.#endpoints.delete(key(t.localAddress()));
  }

  submit(data: Uint8Array, from: DatagramAddress, to: DatagramAddress): void {
    const l = this.link;
    const now = this.clock.now();
    this.counts.sent++;
    let departure = now;
    if (l.bandwidthBytesPerSecond > 0) {
      const busy = Math.max(this.#busyUntil.get(key(from)) ?? now, now);
      const backlogBytes = ((busy - now) * l.bandwidthBytesPerSecond) / 1000;
      if (backlogBytes + data.length > l.queueLimitBytes) {
        this.counts.queueDropped++;
        return;
      }
      departure = busy + (data.length * 1000) / l.bandwidthBytesPerSecond;
      this.#busyUntil.set(key(from), departure);
    }
    if (this.random() < l.loss) {
      this.counts.lost++;
      return;
    }
    const copies = this.random() < l.duplicate ? 2 : 1;
    if (copies === 2) this.counts.duplicated++;
    for (let i = 0; i < copies; i++) {
      let at = departure + l.latencyMs + this.random() * l.jitterMs;
      if (this.random() < l.reorder) {
        at += this.random() * l.reorderDelayMs;
        this.counts.reordered++;
      }
      // A true copy (Buffer.prototype.slice would alias the sender's memory).
      this.#queue.push({ at, order: this.#order++, data: Uint8Array.prototype.slice.call(data), from, to: key(to) });
    }
  }

  /** Deliver every datagram due at the current time. Returns how many were delivered. */
  deliver(): number {
    const now = this.clock.now();
    if (this.#queue.length === 0) return 0;
    const due = this.#queue.filter((d) => d.at <= now);
    if (due.length === 0) return 0;
    this.#queue = this.#queue.filter((d) => d.at > now);
    due.sort((a, b) => a.at - b.at || a.order - b.order);
    for (const d of due) {
      const t = this.#endpoints.get(d.to);
      if (t === undefined) {
        this.counts.undeliverable++;
        continue;
      }
      this.counts.delivered++;
      t.receive(d.data, d.from);
    }
    return due.length;
  }

  get inFlight(): number {
    return this.#queue.length;
  }
}

export class SimTransport implements DatagramTransport {
  #handler: DatagramHandler | null = null;
  #closed = false;

  constructor(
    private readonly network: SimNetwork,
    private readonly address: DatagramAddress,
  ) {}

  send(data: Uint8Array, to: DatagramAddress): boolean {
    if (this.#closed) return false;
    this.network.submit(data, this.address, to);
    return true;
  }

  onDatagram(handler: DatagramHandler): void {
    this.#handler = handler;
  }

  localAddress(): DatagramAddress {
    return this.address;
  }

  /** Called by the network. */
  receive(data: Uint8Array, from: DatagramAddress): void {
    if (!this.#closed && this.#handler !== null) this.#handler(data, from);
  }

  close(): void {
    this.#closed = true;
    this.network.remove(this);
  }
}
