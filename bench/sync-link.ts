// A simulated internet path between one sidecar and coop-server, in the bench's process: a UDP
// relay that holds each datagram for its direction's one-way delay plus jitter, and drops some.
// The sidecar talks to `port`; the relay talks to the server from its own socket. Every
// forwarded datagram's real transit time through the relay (delay + timer lateness) is kept, so
// the link's round trip is measured, not assumed.
import { createSocket, type Socket, type RemoteInfo } from 'node:dgram';
import type { AddressInfo } from 'node:net';

export interface LinkParams {
  /** One-way delay sidecar → server, ms. */
  upMs: number;
  /** One-way delay server → sidecar, ms. */
  downMs: number;
  /** Jitter added per datagram: exponential with this mean, ms ... */
  jitterMeanMs: number;
  /** ... capped here, ms. */
  jitterMaxMs: number;
  /** Probability a datagram is dropped, each direction. */
  loss: number;
}

export class DelayLink {
  readonly up: number[] = [];
  readonly down: number[] = [];
  dropped = 0;
  readonly #front: Socket;
  readonly #back: Socket;
  readonly #p: LinkParams;
  readonly #rng: () => number;
  #client: RemoteInfo | null = null;
  #closed = false;

  private constructor(front: Socket, back: Socket, p: LinkParams, rng: () => number, server: { address: string; port: number }) {
    this.#front = front;
    this.#back = back;
    this.#p = p;
    this.#rng = rng;
    front.on('message', (msg, from) => {
      this.#client = from;
      this.#hold(msg, p.upMs, this.up, () => back.send(msg, server.port, server.address));
    });
    back.on('message', (msg) => {
      const c = this.#client;
      if (c) this.#hold(msg, p.downMs, this.down, () => front.send(msg, c.port, c.address));
    });
  }

  static async open(server: { address: string; port: number }, p: LinkParams, rng: () => number): Promise<DelayLink> {
    const bind = (s: Socket) => new Promise<void>((r) => s.bind(0, '127.0.0.1', () => r()));
    const front = createSocket('udp4'),
      back = createSocket('udp4');
    await Promise.all([bind(front), bind(back)]);
    return new DelayLink(front, back, p, rng, server);
  }

  get port(): number {
    return (this.#front.address() as AddressInfo).port;
  }

  #hold(msg: Buffer, baseMs: number, log: number[], forward: () => void): void {
    if (this.#rng() < this.#p.loss) {
      this.dropped++;
      return;
    }
    const jitter = Math.min(this.#p.jitterMaxMs, -this.#p.jitterMeanMs * Math.log(1 - this.#rng()));
    const t0 = performance.now();
    setTimeout(() => {
      if (this.#closed) return;
      log.push(performance.now() - t0);
      forward();
    }, baseMs + jitter);
  }

  close(): void {
    this.#closed = true;
    this.#front.close();
    this.#back.close();
  }
}
