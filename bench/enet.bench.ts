// bench:enet — the TS ENet host against Debian's libenet (workload: docs/benchmarks.md#benchenet).
// Both with ENet's defaults (MTU 1392, ENet's window and throttle), each talking to itself on
// 127.0.0.1 in this process: TS client → TS server over node:dgram, libenet client → libenet
// server through koffi (polled with enet_host_service(…, 0)). Reliable, one channel; the sender
// keeps QUEUE_MESSAGES not yet received queued, the receiver counts. Each run lasts ≥ 3 s and
// ≥ 200 k messages (20 s cap); 3 repetitions, median. RTT: what the client peer reports after the run.
// The honest baseline is the third: the same loop written in C against Debian's libenet
// (bench/native/enet-loop.c, built by `npm run build`), run as a child process in the same run;
// the koffi one pays several FFI calls per event and is kept only to show that cost. The TS hosts
// run as the product runs them (real-time mode: each services itself when a datagram arrives or
// a send queues), the C loop services the client, then drains the server: both leave ENet to
// pack as many messages into each datagram as it can, and the messages per datagram (both hosts'
// datagrams, acknowledgements included) are printed for both to show the shapes match.
// Headline: rates per CPU second of each process, since wall rates on a shared machine depend
// on what else runs.
// Prints a table and writes bench/results/enet.json.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { EnetHost } from '../src/net/enet/host.js';
import type { EnetPeer } from '../src/net/enet/peer-api.js';
import { UdpTransport } from '../src/net/enet/udp.js';
import { ENET_HOST_DEFAULT_MTU, ENET_PACKET_FLAG_RELIABLE } from '../src/net/enet/constants.js';
import { LibEnetHost, libenetVersion, type LibEnetPeer } from '../test/enet/libenet.js';
import { memoryNsPerMessage } from './enet-memory.js';
import { machineInfo } from './machine.js';

const SMALL_BYTES = 64;
const LARGE_BYTES = 1024;
const MIN_DURATION_MS = 3_000;
const MIN_MESSAGES = 200_000;
const MAX_DURATION_MS = 20_000;
const QUEUE_MESSAGES = 2_048;
const REPS = Number(process.env.ENET_BENCH_REPS ?? 3);
/** Messages of each in-memory run (bench/enet-memory.ts). */
const MEMORY_MESSAGES = 1_000_000;

/** Rates per wall second and per CPU second of the process (the latter robust to other load). */
interface Run {
  msgsPerS: number;
  mbPerS: number;
  msgsPerCpuS: number;
  mbPerCpuS: number;
  rttMs: number;
  messages: number;
  ms: number;
  cpuMs: number;
  /** Messages per datagram sent by both hosts (0 = not counted: libenet through koffi). */
  msgsPerDatagram: number;
}

function rates(messages: number, bytes: number, ms: number, cpuMs: number, rttMs: number, datagrams = 0): Run {
  return {
    msgsPerS: (messages / ms) * 1000,
    mbPerS: bytes / ms / 1000,
    msgsPerCpuS: (messages / cpuMs) * 1000,
    mbPerCpuS: bytes / cpuMs / 1000,
    rttMs,
    messages,
    ms,
    cpuMs,
    msgsPerDatagram: datagrams > 0 ? messages / datagrams : 0,
  };
}

function cpuMsSince(start: NodeJS.CpuUsage): number {
  const u = process.cpuUsage(start);
  return (u.user + u.system) / 1000;
}

/** A run ends after ≥ 3 s and ≥ 200 k messages, or at the 20 s cap. */
function done(received: number, elapsed: number): boolean {
  return (elapsed >= MIN_DURATION_MS && received >= MIN_MESSAGES) || elapsed >= MAX_DURATION_MS;
}

async function runTs(size: number): Promise<Run> {
  const server = new EnetHost({ transport: await UdpTransport.bind({ address: '127.0.0.1' }), peerLimit: 4 });
  const client = new EnetHost({ transport: await UdpTransport.bind({ address: '127.0.0.1' }), peerLimit: 4 });
  const payload = new Uint8Array(size).fill(0xab);
  const peer = await new Promise<EnetPeer>((resolve) => {
    client.on('connect', (p) => resolve(p));
    client.connect(server.address(), 1, 0);
  });
  let sent = 0;
  let received = 0;
  let bytes = 0;
  const topUp = (): void => {
    while (sent - received < QUEUE_MESSAGES) {
      peer.send(0, payload, ENET_PACKET_FLAG_RELIABLE);
      sent++;
    }
  };
  const start = performance.now();
  const cpuStart = process.cpuUsage();
  const finished = new Promise<number>((resolve) => {
    server.on('receive', (_p, _c, data) => {
      received++;
      bytes += data.length;
      if ((received & 255) === 0) {
        const elapsed = performance.now() - start;
        if (done(received, elapsed)) resolve(elapsed);
        else topUp();
      }
    });
  });
  topUp();
  const ms = await finished;
  const cpuMs = cpuMsSince(cpuStart);
  const rttMs = peer.stats.rtt;
  const datagrams = client.stats.datagramsSent + server.stats.datagramsSent;
  client.destroy();
  server.destroy();
  return rates(received, bytes, ms, cpuMs, rttMs, datagrams);
}

function runLib(size: number): Run {
  const server = new LibEnetHost({ port: 0, peerLimit: 4, mtu: ENET_HOST_DEFAULT_MTU });
  const client = new LibEnetHost({ port: null, peerLimit: 4, mtu: ENET_HOST_DEFAULT_MTU });
  const payload = new Uint8Array(size).fill(0xab);
  const peer: LibEnetPeer = client.connect(server.port, 1, 0);
  let connected = false;
  for (let i = 0; i < 1_000_000 && !connected; i++) {
    for (const e of client.drain()) if (e.type === 'connect') connected = true;
    server.drain();
  }
  if (!connected) throw new Error('libenet did not connect');
  let sent = 0;
  let received = 0;
  let bytes = 0;
  const start = performance.now();
  const cpuStart = process.cpuUsage();
  let elapsed = 0;
  for (;;) {
    while (sent - received < QUEUE_MESSAGES) {
      peer.send(0, payload, ENET_PACKET_FLAG_RELIABLE);
      sent++;
    }
    client.service(0);
    for (let e = server.service(0); e !== null; e = server.service(0)) {
      if (e.type === 'receive') {
        received++;
        bytes += e.data.length;
      }
    }
    elapsed = performance.now() - start;
    if (done(received, elapsed)) break;
  }
  const cpuMs = cpuMsSince(cpuStart);
  const rttMs = peer.roundTripTime;
  client.destroy();
  server.destroy();
  return rates(received, bytes, elapsed, cpuMs, rttMs);
}

const C_DRIVER = 'bench/native/build/enet-loop';

/** libenet's own speed: the C driver, one process, the same loop and limits as runLib. */
function runC(size: number): Run {
  const args = [size, MIN_DURATION_MS, MIN_MESSAGES, MAX_DURATION_MS, QUEUE_MESSAGES].map(String);
  const r = JSON.parse(execFileSync(C_DRIVER, args, { encoding: 'utf8' })) as {
    messages: number;
    bytes: number;
    ms: number;
    cpu_ms: number;
    rtt_ms: number;
    datagrams: number;
  };
  return rates(r.messages, r.bytes, r.ms, r.cpu_ms, r.rtt_ms, r.datagrams);
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

async function main(): Promise<void> {
  const runs: Record<string, Run[]> = { ts64: [], lib64: [], c64: [], ts1k: [], lib1k: [], c1k: [] };
  const load: number[] = [os.loadavg()[0]];
  const memory64: number[] = [];
  const memory1k: number[] = [];
  for (let rep = 0; rep < REPS; rep++) {
    memory64.push(memoryNsPerMessage(SMALL_BYTES, MEMORY_MESSAGES, QUEUE_MESSAGES));
    memory1k.push(memoryNsPerMessage(LARGE_BYTES, MEMORY_MESSAGES / 4, QUEUE_MESSAGES));
    runs.c64.push(runC(SMALL_BYTES));
    runs.lib64.push(runLib(SMALL_BYTES));
    runs.ts64.push(await runTs(SMALL_BYTES));
    runs.c1k.push(runC(LARGE_BYTES));
    runs.lib1k.push(runLib(LARGE_BYTES));
    runs.ts1k.push(await runTs(LARGE_BYTES));
    load.push(os.loadavg()[0]);
    console.error(`rep ${rep + 1}/${REPS} done`);
  }
  const m = (k: string, f: (r: Run) => number): number => median(runs[k].map(f));
  const results = {
    ts_reliable_msgs_per_s: Math.round(m('ts64', (r) => r.msgsPerS)),
    libenet_reliable_msgs_per_s: Math.round(m('lib64', (r) => r.msgsPerS)),
    ts_reliable_mb_per_s: Number(m('ts1k', (r) => r.mbPerS).toFixed(2)),
    libenet_reliable_mb_per_s: Number(m('lib1k', (r) => r.mbPerS).toFixed(2)),
    libenet_c_reliable_msgs_per_s: Math.round(m('c64', (r) => r.msgsPerS)),
    libenet_c_reliable_mb_per_s: Number(m('c1k', (r) => r.mbPerS).toFixed(2)),
    ts_reliable_msgs_per_cpu_s: Math.round(m('ts64', (r) => r.msgsPerCpuS)),
    libenet_c_reliable_msgs_per_cpu_s: Math.round(m('c64', (r) => r.msgsPerCpuS)),
    ts_reliable_mb_per_cpu_s: Number(m('ts1k', (r) => r.mbPerCpuS).toFixed(2)),
    libenet_c_reliable_mb_per_cpu_s: Number(m('c1k', (r) => r.mbPerCpuS).toFixed(2)),
    ts_msgs_per_datagram: Number(m('ts64', (r) => r.msgsPerDatagram).toFixed(1)),
    libenet_c_msgs_per_datagram: Number(m('c64', (r) => r.msgsPerDatagram).toFixed(1)),
    ts_in_memory_cpu_ns_per_msg: Math.round(median(memory64)),
    ts_in_memory_cpu_ns_per_1k_msg: Math.round(median(memory1k)),
    ts_rtt_ms: m('ts64', (r) => r.rttMs),
    libenet_rtt_ms: m('c64', (r) => r.rttMs),
  };
  const ratios = {
    msgs_per_s_ts_over_libenet: Number((results.ts_reliable_msgs_per_s / results.libenet_reliable_msgs_per_s).toFixed(3)),
    mb_per_s_ts_over_libenet: Number((results.ts_reliable_mb_per_s / results.libenet_reliable_mb_per_s).toFixed(3)),
    // Headline: per CPU second of each process, so another engineer's build does not decide it.
    ts_over_libenet_c_msgs_per_s: Number((results.ts_reliable_msgs_per_cpu_s / results.libenet_c_reliable_msgs_per_cpu_s).toFixed(3)),
    ts_over_libenet_c_mb_per_s: Number((results.ts_reliable_mb_per_cpu_s / results.libenet_c_reliable_mb_per_cpu_s).toFixed(3)),
    ts_over_libenet_c_msgs_per_wall_s: Number((results.ts_reliable_msgs_per_s / results.libenet_c_reliable_msgs_per_s).toFixed(3)),
    ts_over_libenet_c_mb_per_wall_s: Number((results.ts_reliable_mb_per_s / results.libenet_c_reliable_mb_per_s).toFixed(3)),
    // Each repetition's own ratio (its TS and C runs measured back to back): the spread shows how much the machine's load moved them.
    ts_over_libenet_c_msgs_per_s_by_rep: runs.ts64.map((r, i) => Number((r.msgsPerCpuS / runs.c64[i].msgsPerCpuS).toFixed(3))),
    ts_over_libenet_c_mb_per_s_by_rep: runs.ts1k.map((r, i) => Number((r.mbPerCpuS / runs.c1k[i].mbPerCpuS).toFixed(3))),
  };
  const out = {
    benchmark: 'bench:enet',
    sizes: {
      ts_reliable_msgs_per_s: `${SMALL_BYTES} B messages`,
      libenet_reliable_msgs_per_s: `${SMALL_BYTES} B messages`,
      ts_reliable_mb_per_s: `${LARGE_BYTES} B messages (MB = 10^6 bytes of payload)`,
      libenet_reliable_mb_per_s: `${LARGE_BYTES} B messages (MB = 10^6 bytes of payload)`,
      libenet_c_reliable_msgs_per_s: `${SMALL_BYTES} B messages, C driver against libenet (no koffi)`,
      libenet_c_reliable_mb_per_s: `${LARGE_BYTES} B messages, C driver against libenet (no koffi)`,
      libenet_koffi_note: 'libenet_reliable_* is libenet through koffi (several FFI calls per event): not the baseline, see libenet_c_*',
      ts_msgs_per_datagram: `${SMALL_BYTES} B messages per datagram sent by either host (acknowledgements included)`,
      libenet_c_msgs_per_datagram: `${SMALL_BYTES} B messages per datagram sent by either host (acknowledgements included)`,
      ts_in_memory_cpu_ns_per_msg: `${SMALL_BYTES} B: our ENet's own CPU per message, two hosts over an in-memory transport (bench/enet-memory.ts; no libenet counterpart)`,
      ts_in_memory_cpu_ns_per_1k_msg: `${LARGE_BYTES} B: the same`,
      ts_rtt_ms: `reported by the client peer after a ${SMALL_BYTES} B run`,
      libenet_rtt_ms: `reported by the client peer after a ${SMALL_BYTES} B run`,
    },
    results,
    ratios,
    repetitions: REPS,
    runs,
    in_memory_cpu_ns_per_msg: { [SMALL_BYTES]: memory64.map(Math.round), [LARGE_BYTES]: memory1k.map(Math.round) },
    workload: {
      mtu: ENET_HOST_DEFAULT_MTU,
      channel: 0,
      reliable: true,
      queue_messages: QUEUE_MESSAGES,
      min_duration_ms: MIN_DURATION_MS,
      min_messages: MIN_MESSAGES,
    },
    load_average_1m: load,
    machine: {
      ...machineInfo(),
      libenet: libenetVersion(),
    },
    date: new Date().toISOString(),
  };
  mkdirSync('bench/results', { recursive: true });
  writeFileSync('bench/results/enet.json', `${JSON.stringify(out, null, 2)}\n`);
  const row = (name: string, ts: number, lib: number | string, unit: string): string =>
    `${name.padEnd(28)} ${String(ts).padStart(12)} ${String(lib).padStart(12)}  ${unit}`;
  console.log(`${'metric'.padEnd(28)} ${'TS'.padStart(12)} ${'libenet C'.padStart(12)}`);
  console.log(
    row(
      `msgs/CPU-s (${SMALL_BYTES} B)`,
      results.ts_reliable_msgs_per_cpu_s,
      results.libenet_c_reliable_msgs_per_cpu_s,
      `ratio ${ratios.ts_over_libenet_c_msgs_per_s}`,
    ),
  );
  console.log(
    row(`MB/CPU-s (${LARGE_BYTES} B)`, results.ts_reliable_mb_per_cpu_s, results.libenet_c_reliable_mb_per_cpu_s, `ratio ${ratios.ts_over_libenet_c_mb_per_s}`),
  );
  console.log(
    row(
      `msgs/s wall (${SMALL_BYTES} B)`,
      results.ts_reliable_msgs_per_s,
      results.libenet_c_reliable_msgs_per_s,
      `ratio ${ratios.ts_over_libenet_c_msgs_per_wall_s}`,
    ),
  );
  console.log(
    row(`MB/s wall (${LARGE_BYTES} B)`, results.ts_reliable_mb_per_s, results.libenet_c_reliable_mb_per_s, `ratio ${ratios.ts_over_libenet_c_mb_per_wall_s}`),
  );
  console.log(
    row(
      `  via koffi msgs/s`,
      results.ts_reliable_msgs_per_s,
      results.libenet_reliable_msgs_per_s,
      `ratio ${ratios.msgs_per_s_ts_over_libenet} (FFI-bound, not a baseline)`,
    ),
  );
  console.log(row(`  via koffi MB/s`, results.ts_reliable_mb_per_s, results.libenet_reliable_mb_per_s, `ratio ${ratios.mb_per_s_ts_over_libenet}`));
  console.log(row(`msgs/datagram (${SMALL_BYTES} B)`, results.ts_msgs_per_datagram, results.libenet_c_msgs_per_datagram, 'the loops have the same shape'));
  console.log(
    row(
      `ENet alone ns/msg (${SMALL_BYTES} B)`,
      results.ts_in_memory_cpu_ns_per_msg,
      '',
      `${LARGE_BYTES} B: ${results.ts_in_memory_cpu_ns_per_1k_msg}; in memory, no sockets`,
    ),
  );
  console.log(row('rtt ms (after run)', results.ts_rtt_ms, results.libenet_rtt_ms, ''));
  console.log(
    `machine: ${out.machine.cpu}, ${out.machine.cores} cores, node ${out.machine.node}, libenet ${out.machine.libenet}; median of ${REPS}; load ${load.map((l) => l.toFixed(2)).join(' ')}`,
  );
}

await main();
