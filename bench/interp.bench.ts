// bench:interp — µs per interpolator sample on the client, ≈ 110 city entities between two
// states: the C interpolator (native-shims/sidecar/interpolator.c) through koffi, against the
// TypeScript interpolator it replaced, in the same process. The workload: test/sidecar/
// city-snapshots.ts (bench:sidecar's city, written by the server's SnapshotWriter, decoded by the
// C receiver once), pushed 25 ms apart as they arrive and sampled at 60 Hz frames 80 ms behind
// (every sample between two states); only the samples are timed. Rows:
//   ts-main    main's SnapshotInterpolator.sample, loaded from git at BASELINE_REV (the last
//              commit with the TypeScript interpolator; `git show` into tmp/)
//   c-interp   this SnapshotInterpolator.sample: one koffi call, then the entities read into
//              the pooled objects the sidecar uses (what the sidecar runs)
//   c-bare     coop_interp_sample alone through koffi, into a Float64Array (what a reader of the
//              buffer, or the native per-frame path, pays)
// Each row runs ≥ INTERP_BENCH_MS per repetition, rows interleaved; median of REPS. Writes
// bench/results/interp.json. Needs the shim built (npm run build) and the git history.
import { SnapshotInterpolator } from '../src/sidecar/interpolator.js';
import { loadInterpNative, OUT_STRIDE } from '../src/sidecar/interp-native.js';
import { SnapshotReceiver } from '../src/sidecar/snapshot-receiver.js';
import { emptyState, FIELD_COUNT, type SnapshotState } from '../src/protocol/snapshot-format.js';
import { citySnapshots } from '../test/sidecar/city-snapshots.js';
import { importFromRev } from './git-baseline.js';
import { measureRows, printRowTable, startBenchReport } from './report.js';

/** main's last commit with the TypeScript interpolator (src/sidecar/interpolator.ts). */
const BASELINE_REV = '8d4750a6313de18536b2e8d20aed1c765b615692';
const BASELINE_FILES = ['src/sidecar/interpolator.ts', 'src/protocol/constants.ts', 'src/protocol/snapshot-format.ts', 'src/protocol/bit-stream.ts'];
const TICKS = 400;
const TICK_MS = 25;
const FRAME_MS = 1000 / 60;
const DELAY_MS = 80;
/** Server clock ahead of the local one (any offset: the interpolator learns it). */
const SERVER_OFFSET_MS = 5_000;
const REPS = 3;
const MIN_DURATION_MS = Number(process.env.INTERP_BENCH_MS ?? 1_000);
const WARMUP_MS = 500;

interface Interp {
  push(serverTimeMs: number, state: SnapshotState, localNowMs: number): void;
  /** Samples; the entity count. */
  sample(localNowMs: number): number;
  close?(): void;
}
type Row = 'ts-main' | 'c-interp' | 'c-bare';

/** main's interpolator class, from git (bench/git-baseline.ts). */
async function baselineInterp(): Promise<{ make: () => Interp; cleanup: () => void }> {
  type Old = { push(t: number, s: SnapshotState, now: number): void; sample(now: number): unknown[] };
  const { mod, cleanup } = await importFromRev<{ SnapshotInterpolator: new (tick: number, fixed: number) => Old }>(
    BASELINE_REV,
    BASELINE_FILES,
    'src/sidecar/interpolator.ts',
  );
  return {
    make: () => {
      const ip = new mod.SnapshotInterpolator(TICK_MS, DELAY_MS);
      return { push: (t, s, now) => ip.push(t, s, now), sample: (now) => ip.sample(now).length };
    },
    cleanup,
  };
}

function cInterp(): Interp {
  const ip = new SnapshotInterpolator(TICK_MS, DELAY_MS);
  return { push: (t, s, now) => ip.push(t, s, now), sample: (now) => ip.sample(now).length, close: () => ip.close() };
}

/** The bare C call: the sample stays in a Float64Array. */
function bareInterp(): Interp {
  const n = loadInterpNative();
  const h = n.create(DELAY_MS)!;
  const out = new Float64Array(1024 * OUT_STRIDE);
  return {
    push: (t, s, now) => n.push(h, t, s.ids, s.vals, s.count, now, 1),
    sample: (now) => n.sample(h, now, out, 1024),
    close: () => n.destroy(h),
  };
}

/** The city's states, decoded once by the C receiver and copied out. */
function cityStates(): SnapshotState[] {
  const rx = new SnapshotReceiver();
  const states = citySnapshots(TICKS).map((s) => {
    const r = rx.receive(s.tick, s.baseTick, s.data);
    if (!r.ok) throw new Error(`tick ${s.tick} rejected: ${r.reason}`);
    const copy = emptyState(r.state.count);
    copy.ids.set(r.state.ids.subarray(0, r.state.count));
    copy.vals.set(r.state.vals.subarray(0, r.state.count * FIELD_COUNT));
    copy.count = r.state.count;
    return copy;
  });
  rx.close();
  return states;
}

/** µs per sample over ≥ ms: passes over the timeline, each on a fresh interpolator; also the
 * mean entity count of a sample. */
function usPerSample(states: SnapshotState[], make: () => Interp, ms: number): { us: number; entities: number } {
  let sampled = 0,
    shown = 0,
    spent = 0;
  while (spent < ms) {
    const ip = make();
    let next = 0;
    // frames from the second state's arrival on (a state before and after every playout time)
    for (let now = TICK_MS; now < (states.length - 1) * TICK_MS; now += FRAME_MS) {
      while (next < states.length && next * TICK_MS <= now) {
        ip.push(next * TICK_MS + SERVER_OFFSET_MS, states[next], next * TICK_MS);
        next++;
      }
      const t0 = performance.now();
      shown += ip.sample(now);
      spent += performance.now() - t0;
      sampled++;
    }
    ip.close?.();
  }
  return { us: (spent * 1000) / sampled, entities: shown / sampled };
}

async function main(): Promise<void> {
  const report = startBenchReport();
  const states = cityStates();
  const baseline = await baselineInterp();
  const makers: Record<Row, () => Interp> = { 'ts-main': baseline.make, 'c-interp': cInterp, 'c-bare': bareInterp };
  const rows = Object.keys(makers) as Row[];
  let entities = 0;
  const measure = (r: Row, ms: number): number => {
    const m = usPerSample(states, makers[r], ms);
    entities = m.entities;
    return m.us;
  };
  const { reps, median: med } = measureRows('bench:interp', rows, REPS, measure, WARMUP_MS, MIN_DURATION_MS);
  baseline.cleanup();
  const ratios = { ts_over_c_interp: med['ts-main'] / med['c-interp'], ts_over_c_bare: med['ts-main'] / med['c-bare'] };
  report.printHeader('bench:interp', REPS);
  console.log(`city samples: ${entities.toFixed(1)} entities on average, between two states 25 ms apart; µs per sample`);
  printRowTable(rows, { reps, median: med }, 'ts-main');
  report.write('bench/results/interp.json', {
    bench: 'interp',
    date: new Date().toISOString(),
    machine: report.machine(),
    workload: {
      ticks: TICKS,
      tick_ms: TICK_MS,
      frame_ms: FRAME_MS,
      delay_ms: DELAY_MS,
      mean_entities: entities,
      baseline_rev: BASELINE_REV,
      min_duration_ms: MIN_DURATION_MS,
      reps: REPS,
    },
    unit: 'µs per interpolator sample',
    median: med,
    ratios,
    reps,
  });
}

await main();
