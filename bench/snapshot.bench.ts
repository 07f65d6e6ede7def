// bench:snapshot — µs per decoded city snapshot on the client: the C receiver
// (native-shims/sidecar/snapshot_receiver.c) through koffi, against the TypeScript decoder it
// replaced, in the same process. The workload: test/sidecar/city-snapshots.ts (bench:sidecar's
// city, ≈ 110 entities moving, written by the server's SnapshotWriter), each a delta against the
// tick acked two ticks before. Rows:
//   ts-main      main's SnapshotReceiver and decodeSnapshotData, loaded from git at BASELINE_REV
//                (the last commit with the TypeScript decoder; `git show` into a temp folder)
//   c-receiver   this SnapshotReceiver: the C decode, then the state copied out for the
//                interpolator (what the sidecar runs)
//   c-bare       coop_snap_rx_receive alone through koffi (the state stays in C memory: what the
//                native per-frame path will read)
// Each row runs ≥ SNAPSHOT_BENCH_MS per repetition, rows interleaved; median of REPS. Writes
// bench/results/snapshot.json. Needs the shim built (npm run build) and the git history.
import { loadSnapshotNative } from '../src/sidecar/snapshot-native.js';
import { SnapshotReceiver } from '../src/sidecar/snapshot-receiver.js';
import { citySnapshots, type CitySnapshot } from '../test/sidecar/city-snapshots.js';
import { importFromRev } from './git-baseline.js';
import { measureRows, printRowTable, startBenchReport } from './report.js';

/** main's last commit with the TypeScript decoder (src/protocol/snapshot-format.ts decodeSnapshotData). */
const BASELINE_REV = '83a44628c186969427676de67c4a438e69e8e3b0';
const BASELINE_FILES = ['src/protocol/snapshot-format.ts', 'src/protocol/bit-stream.ts', 'src/sidecar/snapshot-receiver.ts'];
const TICKS = 400;
/** Full snapshots at the start of the sequence (no base acked yet): decoded, not timed. */
const FULL_AT_START = 2;
const REPS = 3;
const MIN_DURATION_MS = Number(process.env.SNAPSHOT_BENCH_MS ?? 1_000);
const WARMUP_MS = 500;

interface Receiver {
  receive(tick: number, baseTick: number, data: Uint8Array): { ok: boolean };
}
type Row = 'ts-main' | 'c-receiver' | 'c-bare';

/** main's receiver class, from git (bench/git-baseline.ts). */
async function baselineReceiver(): Promise<{ make: () => Receiver; cleanup: () => void }> {
  const { mod, cleanup } = await importFromRev<{ SnapshotReceiver: new () => Receiver }>(BASELINE_REV, BASELINE_FILES, 'src/sidecar/snapshot-receiver.ts');
  return { make: () => new mod.SnapshotReceiver(), cleanup };
}

/** The bare C call: receive only, the state left in C memory. */
function bareReceiver(): Receiver & { close(): void } {
  const n = loadSnapshotNative();
  const h = n.create()!;
  return { receive: (t, b, d) => ({ ok: n.receive(h, t, b, d, d.length) === 0 }), close: () => n.destroy(h) };
}

/** µs per delta over ≥ ms: passes over the sequence, each on a fresh receiver. */
function usPerDelta(snaps: CitySnapshot[], make: () => Receiver & { close?(): void }, ms: number): number {
  let decoded = 0,
    spent = 0;
  while (spent < ms) {
    const rx = make();
    for (let i = 0; i < FULL_AT_START; i++) rx.receive(snaps[i].tick, snaps[i].baseTick, snaps[i].data);
    const t0 = performance.now();
    for (let i = FULL_AT_START; i < snaps.length; i++) {
      const s = snaps[i];
      if (!rx.receive(s.tick, s.baseTick, s.data).ok) throw new Error(`tick ${s.tick} rejected`);
    }
    spent += performance.now() - t0;
    decoded += snaps.length - FULL_AT_START;
    rx.close?.();
  }
  return (spent * 1000) / decoded;
}

async function main(): Promise<void> {
  const report = startBenchReport();
  const snaps = citySnapshots(TICKS);
  if (snaps.slice(0, FULL_AT_START).some((s) => s.baseTick !== 0) || snaps.slice(FULL_AT_START).some((s) => s.baseTick === 0))
    throw new Error('unexpected sequence');
  const meanEntities = snaps.slice(FULL_AT_START).reduce((a, s) => a + s.count, 0) / (TICKS - FULL_AT_START);
  const meanBytes = snaps.slice(FULL_AT_START).reduce((a, s) => a + s.data.length, 0) / (TICKS - FULL_AT_START);
  const baseline = await baselineReceiver();
  const makers: Record<Row, () => Receiver & { close?(): void }> = {
    'ts-main': baseline.make,
    'c-receiver': () => new SnapshotReceiver(),
    'c-bare': bareReceiver,
  };
  const rows = Object.keys(makers) as Row[];
  const { reps, median: med } = measureRows('bench:snapshot', rows, REPS, (r, ms) => usPerDelta(snaps, makers[r], ms), WARMUP_MS, MIN_DURATION_MS);
  baseline.cleanup();
  const ratios = { ts_over_c_receiver: med['ts-main'] / med['c-receiver'], ts_over_c_bare: med['ts-main'] / med['c-bare'] };
  report.printHeader('bench:snapshot', REPS);
  console.log(`city deltas: ${meanEntities.toFixed(1)} entities, ${meanBytes.toFixed(0)} bytes on average; µs per decoded delta`);
  printRowTable(rows, { reps, median: med }, 'ts-main');
  report.write('bench/results/snapshot.json', {
    bench: 'snapshot',
    date: new Date().toISOString(),
    machine: report.machine(),
    workload: {
      ticks: TICKS,
      timed_deltas_per_pass: TICKS - FULL_AT_START,
      mean_entities: meanEntities,
      mean_bytes: meanBytes,
      baseline_rev: BASELINE_REV,
      min_duration_ms: MIN_DURATION_MS,
      reps: REPS,
    },
    unit: 'µs per decoded delta snapshot',
    median: med,
    ratios,
    reps,
  });
}

await main();
