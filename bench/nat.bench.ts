// bench:nat (docs/benchmarks.md#benchnat): the namespace NAT lab of the tests. connect_ms_* is the time from
// Nat_PerformHandshake to the first ENet round trip, measured by the joiner, RUNS runs per case
// (direct: two endpoint-independent NATs; relayed: two symmetric NATs); relay_throughput_ratio
// is ENet reliable throughput through coturn over the direct one, REPS repetitions each, same
// run. Prints a table and writes bench/results/nat.json. Needs root (network namespaces).
import { mkdirSync } from 'node:fs';
import { writeFileAtomicSync } from '../src/util/atomic-file.js';
import { runJoiner, startLabWorld, type LabWorld } from '../test/nat/lab-run.js';
import { machineInfo } from './machine.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 10);
const REPS = Number(process.env.BENCH_REPS ?? 5);
const THROUGHPUT_BYTES = 2_000_000;
const GOAL_DIRECT_MS = 500;
const GOAL_RELAY_MS = 1_500;

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const pct = (xs: number[], p: number): number => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))];

interface Sample {
  connectMs: number;
  path: string;
  throughputBps?: number;
}

async function sample(w: LabWorld, extra: string[]): Promise<Sample> {
  const { result } = await runJoiner(w, ['--messages', '1', ...extra]);
  const stats = result.stats as { path: string };
  return { connectMs: result.firstRoundTripMs as number, path: stats.path, throughputBps: result.throughputBps as number | undefined };
}

/** Both labs up at once; direct and relayed samples interleaved so load drift hits both alike. */
async function measureBoth(): Promise<{ direct: { connect: number[]; throughput: number[] }; relay: { connect: number[]; throughput: number[] } }> {
  const worlds = { direct: await startLabWorld('eim'), relay: await startLabWorld('symmetric') };
  const expectPath = { direct: 'srflx', relay: 'relay' };
  const out = { direct: { connect: [] as number[], throughput: [] as number[] }, relay: { connect: [] as number[], throughput: [] as number[] } };
  try {
    for (let i = 0; i < RUNS; i++) {
      for (const k of ['direct', 'relay'] as const) {
        const s = await sample(worlds[k], []);
        if (s.path !== expectPath[k]) throw new Error(`${k}: expected path ${expectPath[k]}, got ${s.path}`);
        out[k].connect.push(s.connectMs);
        process.stderr.write(`  ${k} run ${i + 1}/${RUNS}: ${s.connectMs.toFixed(0)} ms (${s.path})\n`);
      }
    }
    for (let i = 0; i < REPS; i++) {
      for (const k of ['direct', 'relay'] as const) {
        const s = await sample(worlds[k], ['--throughput-bytes', String(THROUGHPUT_BYTES)]);
        out[k].throughput.push(s.throughputBps ?? 0);
        process.stderr.write(`  ${k} throughput ${i + 1}/${REPS}: ${((s.throughputBps ?? 0) / 1e6).toFixed(2)} MB/s\n`);
      }
    }
    return out;
  } finally {
    worlds.direct.lab.close();
    worlds.relay.lab.close();
  }
}

const { direct, relay } = await measureBoth();
const results = {
  connect_ms_direct_p50: median(direct.connect),
  connect_ms_direct_p90: pct(direct.connect, 0.9),
  connect_ms_relay_p50: median(relay.connect),
  connect_ms_relay_p90: pct(relay.connect, 0.9),
  throughput_direct_bytes_per_s: median(direct.throughput),
  throughput_relay_bytes_per_s: median(relay.throughput),
  relay_throughput_ratio: median(relay.throughput) / median(direct.throughput),
};
const rows: [string, string, string][] = [
  ['connect_ms_direct_p50', results.connect_ms_direct_p50.toFixed(0), `goal < ${GOAL_DIRECT_MS}`],
  ['connect_ms_direct_p90', results.connect_ms_direct_p90.toFixed(0), ''],
  ['connect_ms_relay_p50', results.connect_ms_relay_p50.toFixed(0), `goal < ${GOAL_RELAY_MS}`],
  ['connect_ms_relay_p90', results.connect_ms_relay_p90.toFixed(0), ''],
  ['throughput direct MB/s', (results.throughput_direct_bytes_per_s / 1e6).toFixed(2), `${THROUGHPUT_BYTES / 1e6} MB echoed, median of ${REPS}`],
  ['throughput relay MB/s', (results.throughput_relay_bytes_per_s / 1e6).toFixed(2), 'through coturn'],
  ['relay_throughput_ratio', results.relay_throughput_ratio.toFixed(2), 'relay / direct, same run'],
];
console.log('\nbench:nat (namespace NAT lab)');
for (const [k, v, note] of rows) console.log(`${k.padEnd(26)} ${v.padStart(10)}  ${note}`);

const out = {
  ...results,
  runs_per_case: RUNS,
  repetitions: REPS,
  samples: { connect_ms_direct: direct.connect, connect_ms_relay: relay.connect },
  machine: machineInfo(),
  when: new Date().toISOString(),
};
mkdirSync('bench/results', { recursive: true });
writeFileAtomicSync('bench/results/nat.json', `${JSON.stringify(out, null, 2)}\n`);
console.log('wrote bench/results/nat.json');
