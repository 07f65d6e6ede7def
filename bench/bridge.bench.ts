// bench:bridge — game <-> sidecar (workload: docs/benchmarks.md#benchbridge). This process is the sidecar;
// bench/bridge-peer.ts is the game process, over the shared-memory bridge and, as the baseline
// in the same run, over a ws WebSocket on 127.0.0.1. Prints a table and writes
// bench/results/bridge.json (median of REPS repetitions, machine info, ratios).
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import WebSocket from 'ws';
import { loadNative, MESSAGE_IDS, openBridge, type Bridge, type Msg } from '../bridge/index.js';
import { transformFor, wsDecode, wsEncode } from './bridge-peer.js';
import { median, startBenchReport } from './report.js';

/** 3 by default (docs/benchmarks.md); BENCH_REPS=1 for a quick look while developing. */
const REPS = Number(process.env.BENCH_REPS ?? 3);
const RTT_WARMUP = 10_000;
const RTT_SAMPLES = 100_000;
const IDLE_GAP_US = 200;
const IDLE_SAMPLES = 10_000;
const BLAST_MS = 3_000;
const IDLE_CPU_MS = 5_000;

type Send = (seq: number) => void;
interface Transport {
  /** Sends PlayerTransform(seq). */
  send: Send;
  onTransform(h: (m: Msg<'PlayerTransform'>) => void): void;
  command(text: string): void;
  onCommand(h: (text: string) => void): void;
  close(): Promise<void>;
}

function percentile(sorted: Float64Array, p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
}

function startPeer(args: string[]): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', 'bench/bridge-peer.ts', ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
}

async function bridgeTransport(): Promise<{ t: Transport; bridge: Bridge; peer: ChildProcess }> {
  const session = `bench${process.pid}`;
  loadNative().unlink(session);
  const bridge = openBridge({ name: session, role: 'sidecar' });
  const peer = startPeer(['--mode', 'bridge', '--bridge', session]);
  await new Promise<void>((r) => bridge.once('peerAttached', () => r()));
  const t: Transport = {
    send: (seq) => void bridge.send('PlayerTransform', transformFor(seq)),
    onTransform: (h) => void bridge.on('PlayerTransform', h),
    command: (text) => void bridge.send('ConsoleCommand', { text }),
    onCommand: (h) => void bridge.on('ConsoleCommand', (m) => h(m.text)),
    close: async () => {
      await bridge.close();
      await new Promise((r) => (peer.exitCode !== null ? r(null) : peer.once('exit', r)));
      loadNative().unlink(session);
    },
  };
  return { t, bridge, peer };
}

async function wsTransport(): Promise<Transport> {
  const peer = startPeer(['--mode', 'ws']);
  const port = await new Promise<number>((resolve) => createInterface({ input: peer.stdout! }).once('line', (l) => resolve(JSON.parse(l).port)));
  const ws = new WebSocket(`ws://127.0.0.1:${port}`);
  await new Promise((r) => ws.once('open', r));
  const onT: ((m: Msg<'PlayerTransform'>) => void)[] = [];
  const onC: ((t: string) => void)[] = [];
  ws.on('message', (data: Buffer) => {
    const d = wsDecode(data);
    if (d?.type === MESSAGE_IDS.PlayerTransform) for (const h of onT) h(d.msg as Msg<'PlayerTransform'>);
    else if (d?.type === MESSAGE_IDS.ConsoleCommand) for (const h of onC) h((d.msg as Msg<'ConsoleCommand'>).text);
  });
  return {
    send: (seq) => ws.send(wsEncode('PlayerTransform', transformFor(seq))),
    onTransform: (h) => void onT.push(h),
    command: (text) => ws.send(wsEncode('ConsoleCommand', { text })),
    onCommand: (h) => void onC.push(h),
    close: async () => {
      ws.close();
      await new Promise((r) => (peer.exitCode !== null ? r(null) : peer.once('exit', r)));
    },
  };
}

/** One outstanding round trip at a time; gapUs > 0 idles the event loop between them. */
function roundTrips(t: Transport, warmup: number, samples: number, gapUs: number): Promise<Float64Array> {
  const out = new Float64Array(samples);
  let n = -warmup;
  let sentAt = 0;
  return new Promise((resolve, reject) => {
    const fire = () => {
      sentAt = performance.now();
      t.send(n + warmup);
    };
    const later = () => {
      const due = performance.now() + gapUs / 1000;
      const poll = () => (performance.now() >= due ? fire() : setImmediate(poll));
      setImmediate(poll);
    };
    t.onTransform((m) => {
      const rtt = performance.now() - sentAt;
      if (m.entityId !== n + warmup || m.pos.x !== ((n + warmup) & 0xffff)) return reject(new Error(`round trip ${n}: got entity ${m.entityId}`));
      if (n >= 0) out[n] = rtt * 1000;
      n++;
      if (n === samples) return resolve(out.sort());
      if (gapUs > 0) later();
      else fire();
    });
    fire();
  });
}

/** The peer sends as fast as it can for BLAST_MS; we count and check every message. */
function oneWay(t: Transport): Promise<number> {
  let count = 0;
  let first = 0;
  let last = 0;
  let bad = 0;
  return new Promise((resolve, reject) => {
    t.onTransform((m) => {
      if (count === 0) first = performance.now();
      if (m.entityId !== count || m.pos.x !== (count & 0xffff) || m.vel.z !== 3) bad++;
      count++;
      last = performance.now();
    });
    t.onCommand((text) => {
      const sent = Number(text.split(' ')[1]);
      if (bad || sent !== count) return reject(new Error(`one way: sent ${sent}, received ${count}, ${bad} not byte-exact`));
      resolve(count / ((last - first) / 1000));
    });
    t.command(`blast ${BLAST_MS}`);
  });
}

async function idleCpuPct(): Promise<number> {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  await new Promise((r) => setTimeout(r, IDLE_CPU_MS));
  const c = process.cpuUsage(c0);
  return ((c.user + c.system) / 1000 / (performance.now() - t0)) * 100;
}

interface Rep {
  [k: string]: number;
}

/** The same workload on either transport, keys prefixed (`ws_` for the baseline); then closes it. */
async function measure(t: Transport, prefix: string, r: Rep): Promise<void> {
  const rtt = await roundTrips(freshHandlers(t), RTT_WARMUP, RTT_SAMPLES, 0);
  r[`${prefix}rtt_p50_us`] = percentile(rtt, 0.5);
  r[`${prefix}rtt_p99_us`] = percentile(rtt, 0.99);
  const idle = await roundTrips(freshHandlers(t), 1000, IDLE_SAMPLES, IDLE_GAP_US);
  r[`${prefix}rtt_idle_p50_us`] = percentile(idle, 0.5);
  r[`${prefix}msgs_per_s`] = await oneWay(freshHandlers(t));
  await t.close();
}

async function rep(): Promise<Rep> {
  const r: Rep = {};
  const { t } = await bridgeTransport();
  r.idle_cpu_pct = await idleCpuPct();
  await measure(t, '', r);
  await measure(await wsTransport(), 'ws_', r);
  return r;
}

/** Each phase registers its own handlers; this wrapper drops the previous phase's ones. */
function freshHandlers(t: Transport): Transport {
  const gen = ((t as Transport & { gen?: number }).gen ?? 0) + 1;
  (t as Transport & { gen?: number }).gen = gen;
  const live = () => (t as Transport & { gen?: number }).gen === gen;
  return { ...t, onTransform: (h) => t.onTransform((m) => live() && h(m)), onCommand: (h) => t.onCommand((x) => live() && h(x)) };
}

async function main(): Promise<void> {
  // Other work on this machine (load) decides whether spinning can pay off: record it.
  const report = startBenchReport();
  const reps: Rep[] = [];
  for (let i = 0; i < REPS; i++) {
    process.stderr.write(`bench:bridge rep ${i + 1}/${REPS}...\n`);
    reps.push(await rep());
  }
  const keys = Object.keys(reps[0]);
  const med: Rep = Object.fromEntries(keys.map((k) => [k, median(reps.map((x) => x[k]))]));
  const ratios = {
    ws_over_bridge_rtt_p50: med.ws_rtt_p50_us / med.rtt_p50_us,
    ws_over_bridge_rtt_idle_p50: med.ws_rtt_idle_p50_us / med.rtt_idle_p50_us,
    bridge_over_ws_msgs_per_s: med.msgs_per_s / med.ws_msgs_per_s,
  };
  const goals = {
    rtt_p50_10x_lower_than_ws: ratios.ws_over_bridge_rtt_p50 >= 10,
    msgs_per_s_at_least_1M: med.msgs_per_s >= 1_000_000,
  };
  const result = {
    bench: 'bridge',
    date: new Date().toISOString(),
    machine: report.machine(),
    workload: {
      message: 'PlayerTransform (44-byte payload, 52-byte frame)',
      reps: REPS,
      rtt_samples: RTT_SAMPLES,
      rtt_warmup: RTT_WARMUP,
      idle_gap_us: IDLE_GAP_US,
      idle_samples: IDLE_SAMPLES,
      blast_ms: BLAST_MS,
      idle_cpu_ms: IDLE_CPU_MS,
    },
    median: med,
    ratios,
    goals,
    reps,
  };
  const fmt = (v: number) => (v >= 1000 ? Math.round(v).toLocaleString('en-US') : v.toFixed(2));
  report.printHeader('bench:bridge', REPS);
  console.table(keys.map((k) => ({ metric: k, median: fmt(med[k]), ...Object.fromEntries(reps.map((x, i) => [`rep${i + 1}`, fmt(x[k])])) })));
  console.table(Object.entries({ ...ratios, ...goals }).map(([k, v]) => ({ ratio_or_goal: k, value: typeof v === 'number' ? v.toFixed(1) : String(v) })));
  report.write('bench/results/bridge.json', result);
}

await main();
