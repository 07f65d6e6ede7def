// bench:enet's "our cost alone" run: two TS hosts joined by an in-memory transport and
// serviced by hand (no socket, no event loop, a simulated clock), the same workload as the UDP
// loop (reliable, one channel, QUEUE_MESSAGES in flight). Its CPU per message is ENet's own
// work plus one copy per datagram (standing in for the kernel's), so it moves far less with the
// machine's load than the UDP runs; there is no libenet counterpart.
import { ENET_PACKET_FLAG_RELIABLE } from '../src/net/enet/constants.js';
import { EnetHost } from '../src/net/enet/host.js';
import type { EnetPeer } from '../src/net/enet/peer-api.js';
import type { DatagramAddress, DatagramHandler, DatagramTransport } from '../src/net/enet/transport.js';
import { SimClock } from '../src/util/clock.js';

/** Simulated time per service round, ms (about what a round takes on the UDP loop). */
const ROUND_MS = 0.05;
const CONNECT_ROUNDS = 1_000;

/** Delivers each datagram at once, as a fresh copy (as a socket would). */
class MemoryTransport implements DatagramTransport {
  #handler: DatagramHandler | null = null;
  other: MemoryTransport | null = null;

  constructor(readonly local: DatagramAddress) {}

  send(data: Uint8Array): boolean {
    const to = this.other;
    if (to !== null && to.#handler !== null) to.#handler(Uint8Array.prototype.slice.call(data), this.local);
    return true;
  }

  onDatagram(handler: DatagramHandler): void {
    this.#handler = handler;
  }

  localAddress(): DatagramAddress {
    return this.local;
  }

  close(): void {
    this.#handler = null;
  }
}

/** CPU nanoseconds per `size`-byte reliable message, over `messages` messages. */
export function memoryNsPerMessage(size: number, messages: number, queueMessages: number): number {
  const clock = new SimClock();
  const a = new MemoryTransport({ address: '192.0.2.1', port: 1 });
  const b = new MemoryTransport({ address: '192.0.2.2', port: 2 });
  a.other = b;
  b.other = a;
  const server = new EnetHost({ transport: b, clock, autoService: false, peerLimit: 4 });
  const client = new EnetHost({ transport: a, clock, autoService: false, peerLimit: 4 });
  let peer: EnetPeer | null = null;
  client.on('connect', (p) => (peer = p));
  client.connect(b.local, 1, 0);
  for (let i = 0; i < CONNECT_ROUNDS && peer === null; i++) {
    clock.advance(1);
    client.service();
    server.service();
  }
  if (peer === null) throw new Error('in-memory ENet did not connect');
  const connected: EnetPeer = peer;
  const payload = new Uint8Array(size).fill(0xab);
  let sent = 0;
  let received = 0;
  server.on('receive', () => received++);
  const start = process.cpuUsage();
  while (received < messages) {
    for (; sent - received < queueMessages; sent++) connected.send(0, payload, ENET_PACKET_FLAG_RELIABLE);
    clock.advance(ROUND_MS);
    client.service();
    server.service();
  }
  const cpu = process.cpuUsage(start);
  client.destroy();
  server.destroy();
  return ((cpu.user + cpu.system) * 1000) / received;
}
