// bench:server's tick with its sends (docs/benchmarks.md#benchserver): the same city workload and
// TickPipeline as the tick without sends, but every client's interest and snapshot messages go to
// its peer on the project's ENet host, bound to a real UDP socket on 127.0.0.1, exactly as
// coop-server sends them (enetSendOptions), and the host is flushed at the end of the tick: the
// tick's time includes ENet's queueing, datagram building and the sendto syscalls. The clients
// are real ENet peers in another process (tick-clients.ts) that acknowledge as sidecars do; the
// server takes their SnapshotAcks between ticks, as coop-server does. Ticks are paced at TICK_MS.
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { EnetHost, UdpTransport, type EnetPeer } from '../src/net/enet/index.js';
import { ENET_PEER_PACKET_THROTTLE_ACCELERATION, ENET_PEER_PACKET_THROTTLE_INTERVAL_MS } from '../src/net/enet/constants.js';
import { enetSendOptions, serverUdpOptions } from '../src/server/enet-adapter.js';
import { TickPipeline, type TickClient } from '../src/server/tick-pipeline.js';
import { decodeMsg } from '../src/protocol/codec.js';
import { CHANNEL_COUNT, CHANNEL_RELIABLE, CHANNEL_SNAPSHOT } from '../src/protocol/constants.js';
import { proc } from '../test/helpers/proc.js';
import { buildWorld, moveAvatars, pct, TICK_MS, WARMUP_TICKS } from './server-workload.js';

const MEASURED_TICKS = 300;
/** Every n-th client decodes its snapshots in full (tick-clients.ts). */
const DECODE_EVERY = Number(process.env.SERVER_BENCH_DECODE_EVERY ?? 8);
const CLIENTS_READY_TIMEOUT_MS = 180_000;
/** After the last tick: time for the last datagrams to arrive before the clients are asked. */
const DRAIN_MS = 300;
/** Server peer slots beside the players, as enetPeerLimit leaves for handshakes. */
const SPARE_PEER_SLOTS = 64;
/** The server's core and the clients' (Linux, ≥ 2 cores, taskset): the goal is a tick on one core. */
const SERVER_CPU = 0;
const CLIENTS_CPU = 1;
/** Cores this process may use, read before any pinning (availableParallelism follows the affinity). */
const CORES = os.availableParallelism();

/** Every thread of `pid` on `cpus` (taskset's list); false when that could not be done. */
function setAffinity(pid: number, cpus: string): boolean {
  try {
    execFileSync('taskset', ['-a', '-p', '-c', cpus, String(pid)], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/**
 * Gives the server (this process, every thread) one core and the clients' process the other: the
 * goal is the server's tick on one core, and unpinned the scheduler may run the 256 clients on
 * the server's core during a tick. False (nothing pinned) without taskset or 2 cores.
 */
function pinCores(clientsPid: number | undefined): boolean {
  if (process.platform !== 'linux' || CORES < 2 || clientsPid === undefined) return false;
  return setAffinity(process.pid, String(SERVER_CPU)) && setAffinity(clientsPid, String(CLIENTS_CPU));
}

export interface SendRun {
  p50: number;
  p99: number;
  wallP50: number;
  wallP99: number;
  flushP50: number;
  flushP99: number;
  /** Process CPU per tick over the measured phase, receiving acks between ticks included. */
  cpuPerTickAll: number;
  snapshotsSentPerS: number;
  snapshotsReceivedPerS: number;
  receivedOverSent: number;
  decoded: number;
  rejected: number;
  acksNeverSent: number;
  /** The server and the clients ran on cores of their own (pinCores). */
  pinned: boolean;
  /** Client peers the server lost during the run (ENet timeout: a starved client process). */
  disconnects: number;
  datagramsPerTick: number;
  /** Unreliable packets ENet's packet throttle dropped (it slows a peer whose round trip grows), and datagrams the socket refused. */
  throttledPackets: number;
  sendFailures: number;
  /** Datagrams the clients received over those the server sent (the rest were lost on loopback: a starved receiver's full socket buffer). */
  datagramsReceivedOverSent: number;
  /** The clients' process CPU over the run, % of one core (a starved client process loses datagrams). */
  clientsCpuPct: number;
  bytesPerEntity: number;
  avgInterest: number;
}

interface ClientStats {
  snapshots: number;
  decoded: number;
  rejected: number;
  acks: number;
  datagrams: number;
  cpuMs: number;
}

/** `batchSends` false: the server's datagrams leave one dgram send each (the baseline of the batched sends). */
export async function tickSendRun(nClients: number, nEntities: number, seed: number, batchSends = true): Promise<SendRun> {
  const { world, sim, clients, rng } = buildWorld(nClients, nEntities, seed);
  const pipe = new TickPipeline(world, sim);
  const transport = await UdpTransport.bind({ ...serverUdpOptions('127.0.0.1', 0), batchSends });
  const host = new EnetHost({ transport, peerLimit: nClients + SPARE_PEER_SLOTS, channelLimit: CHANNEL_COUNT });
  const peerOf = new Map<TickClient, EnetPeer>();
  const clientOf = new Map<EnetPeer, TickClient>();
  let acksNeverSent = 0,
    disconnects = 0;
  host.on('disconnect', () => disconnects++);
  host.on('connect', (peer) => {
    const c = clients[clientOf.size];
    clientOf.set(peer, c);
    peerOf.set(c, peer);
    // ENet slows a peer whose round trip grows by dropping unreliable packets; the clients' one
    // process on a busy machine answers late, and a dropped snapshot costs the server nothing.
    // The bench measures sending every snapshot: no deceleration.
    peer.throttleConfigure(ENET_PEER_PACKET_THROTTLE_INTERVAL_MS, ENET_PEER_PACKET_THROTTLE_ACCELERATION, 0);
  });
  host.on('receive', (peer, _channel, data) => {
    const c = clientOf.get(peer);
    const d = decodeMsg(data);
    if (c && d.ok && d.kind === 'snapshotAck' && c.snaps.ack(d.msg.snapshotAck?.tick ?? -1) === 'never_sent') acksNeverSent++;
  });
  const child = proc(['bench/tick-clients.ts', JSON.stringify({ port: transport.localAddress().port, clients: nClients, decodeEvery: DECODE_EVERY })], {
    stdin: true,
    name: 'tick-clients',
  });
  const ask = async (): Promise<unknown> => {
    const before = child.json.length;
    child.write('stats');
    return child.jsonLine((l) => child.json.indexOf(l) >= before && 'snapshots' in l, CLIENTS_READY_TIMEOUT_MS);
  };
  let pinned = false;
  try {
    await child.line(/^ready /, CLIENTS_READY_TIMEOUT_MS);
    pinned = pinCores(child.child.pid);
    while (clientOf.size < nClients) await sleep(10);
    const cpu0 = ((await ask()) as ClientStats).cpuMs;
    let sent = 0,
      datagrams = 0,
      deltaBytes = 0,
      entities = 0;
    const out = (c: TickClient, kind: 'interest' | 'snapshot', bytes: Uint8Array): void => {
      const channel = kind === 'interest' ? CHANNEL_RELIABLE : CHANNEL_SNAPSHOT;
      const queued = peerOf.get(c)!.send(channel, bytes, enetSendOptions(channel, kind === 'interest'));
      if (queued && kind === 'snapshot') sent++;
    };
    const times: number[] = [],
      walls: number[] = [],
      flushes: number[] = [];
    let due = performance.now(),
      cpuAll0 = process.cpuUsage(),
      dg0 = 0;
    const loopStart = performance.now();
    for (let t = 1; t <= WARMUP_TICKS + MEASURED_TICKS; t++) {
      due += TICK_MS;
      const wait = due - performance.now();
      await sleep(Math.max(0, wait));
      if (t === WARMUP_TICKS + 1) {
        cpuAll0 = process.cpuUsage();
        dg0 = host.stats.datagramsSent;
      }
      const w0 = performance.now(),
        c0 = process.cpuUsage();
      moveAvatars(world, clients, rng, TICK_MS / 1000);
      pipe.run(t, t * TICK_MS, TICK_MS, clients, out);
      const c1 = process.cpuUsage(c0);
      host.flush();
      const c2 = process.cpuUsage(c0);
      const wall = performance.now() - w0;
      if (t <= WARMUP_TICKS) continue;
      times.push((c2.user + c2.system) / 1000);
      flushes.push((c2.user + c2.system - c1.user - c1.system) / 1000);
      walls.push(wall);
      deltaBytes += pipe.stats.snapshotBytes;
      entities += pipe.stats.interestTotal;
    }
    const loopS = (performance.now() - loopStart) / 1000;
    const cpuAll = process.cpuUsage(cpuAll0);
    datagrams = host.stats.datagramsSent - dg0;
    await sleep(DRAIN_MS);
    const got = (await ask()) as ClientStats;
    return {
      p50: pct(times, 50),
      p99: pct(times, 99),
      wallP50: pct(walls, 50),
      wallP99: pct(walls, 99),
      flushP50: pct(flushes, 50),
      flushP99: pct(flushes, 99),
      cpuPerTickAll: (cpuAll.user + cpuAll.system) / 1000 / MEASURED_TICKS,
      snapshotsSentPerS: sent / loopS,
      snapshotsReceivedPerS: got.snapshots / loopS,
      receivedOverSent: got.snapshots / sent,
      decoded: got.decoded,
      rejected: got.rejected,
      acksNeverSent,
      pinned,
      disconnects,
      datagramsPerTick: datagrams / MEASURED_TICKS,
      throttledPackets: host.stats.throttledPackets,
      sendFailures: host.stats.sendFailures,
      datagramsReceivedOverSent: got.datagrams / host.stats.datagramsSent,
      clientsCpuPct: (100 * (got.cpuMs - cpu0)) / (loopS * 1000),
      bytesPerEntity: deltaBytes / entities,
      avgInterest: entities / MEASURED_TICKS / nClients,
    };
  } finally {
    if (CORES >= 2 && process.platform === 'linux') setAffinity(process.pid, `0-${CORES - 1}`); // the rest of bench:server runs unpinned
    child.write('quit');
    await child.stop('SIGTERM');
    host.destroy();
  }
}
