// bench:server's send workload, the clients' side (docs/benchmarks.md#benchserver): N real ENet
// client hosts in this one process, each on its own UDP socket and loopback address (127.1.x.y,
// one player each), connected to the bench's server host. They take in what a sidecar takes in
// (ENet acknowledges the reliable interest messages by itself) and acknowledge snapshots as
// coop-sidecar does: SnapshotAck of the newest decoded tick on the snapshot channel. Every
// DECODE_EVERY-th client decodes each snapshot with the sidecar's SnapshotReceiver (the bytes are
// proven decodable; all N decoding would take the server's core on a 2-core machine); the others
// acknowledge the newest tick they received. Config: JSON in argv[2].
//   stdout  `ready <n>` once all are connected
//   stdin   `stats` → one JSON line of counters; `quit` → close the hosts and exit
import { createInterface } from 'node:readline';
import { EnetHost, UdpTransport, type EnetPeer } from '../src/net/enet/index.js';
import { decodeMsg, encodeMsg } from '../src/protocol/codec.js';
import { CHANNEL_COUNT, CHANNEL_SNAPSHOT } from '../src/protocol/constants.js';
import { SnapshotReceiver } from '../src/sidecar/snapshot-receiver.js';

interface Config {
  port: number;
  clients: number;
  decodeEvery: number;
}
const cfg = JSON.parse(process.argv[2]) as Config;
/** Handshakes in flight at once: under the server's half-open bound (32 in all). */
const CONNECTS_IN_FLIGHT = 16;
/** Timers only drive resends and pings here: arriving datagrams wake a host at once. */
const CLIENT_SERVICE_INTERVAL_MS = 100;
const CONNECT_TIMEOUT_MS = 60_000;

const counts = { snapshots: 0, snapshotBytes: 0, interestMessages: 0, otherMessages: 0, undecodable: 0, decoded: 0, rejected: 0, acks: 0 };
const rejects: Record<string, number> = {};

interface Client {
  host: EnetHost;
  peer: EnetPeer;
  receiver: SnapshotReceiver | null;
  newest: number;
}

const ipOf = (k: number): string => `127.1.${(k + 1) >> 8}.${(k + 1) & 255}`;

function onMessage(c: Client, data: Uint8Array): void {
  const d = decodeMsg(data);
  if (!d.ok) {
    counts.undecodable++;
    return;
  }
  if (d.kind === 'interestAdd' || d.kind === 'interestRemove') {
    counts.interestMessages++;
    return;
  }
  if (d.kind !== 'snapshot') {
    counts.otherMessages++;
    return;
  }
  const s = d.msg.snapshot!;
  counts.snapshots++;
  counts.snapshotBytes += data.length;
  const tick = s.tick ?? 0;
  if (c.receiver !== null) {
    const r = c.receiver.receive(tick, s.baseTick ?? 0, s.data ?? new Uint8Array(0));
    if (!r.ok) {
      counts.rejected++;
      rejects[r.reason] = (rejects[r.reason] ?? 0) + 1;
      return;
    }
    counts.decoded++;
    if (r.tick !== c.receiver.newestTick) return;
  } else if (tick <= c.newest) return;
  c.newest = tick;
  counts.acks++;
  c.peer.send(CHANNEL_SNAPSHOT, encodeMsg({ snapshotAck: { tick } }), { unreliableFragment: true });
}

async function connect(k: number): Promise<Client> {
  const transport = await UdpTransport.bind({ address: ipOf(k), port: 0 });
  const host = new EnetHost({ transport, peerLimit: 1, channelLimit: CHANNEL_COUNT, serviceIntervalMs: CLIENT_SERVICE_INTERVAL_MS });
  const peer = host.connect({ address: '127.0.0.1', port: cfg.port }, CHANNEL_COUNT);
  const c: Client = { host, peer, receiver: k % cfg.decodeEvery === 0 ? new SnapshotReceiver() : null, newest: -1 };
  host.on('receive', (_p, _ch, data) => onMessage(c, data));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`client ${k} not connected within ${CONNECT_TIMEOUT_MS} ms`)), CONNECT_TIMEOUT_MS);
    host.on('connect', () => {
      clearTimeout(timer);
      resolve();
    });
    host.on('disconnect', () => reject(new Error(`client ${k} refused`)));
  });
  return c;
}

const clients: Client[] = [];
let next = 0;
await Promise.all(
  Array.from({ length: Math.min(CONNECTS_IN_FLIGHT, cfg.clients) }, async () => {
    while (next < cfg.clients) clients.push(await connect(next++));
  }),
);
console.log(`ready ${clients.length}`);

createInterface({ input: process.stdin }).on('line', (line) => {
  if (line === 'stats') {
    const cpu = process.cpuUsage();
    const datagrams = clients.reduce((n, c) => n + c.host.stats.datagramsReceived, 0);
    console.log(JSON.stringify({ ...counts, rejects, datagrams, cpuMs: (cpu.user + cpu.system) / 1000 }));
  } else if (line === 'quit') {
    for (const c of clients) c.host.destroy();
    process.exit(0);
  }
});
