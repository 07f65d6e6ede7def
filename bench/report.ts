// What a bench run reports around its figures: the machine with the 1-minute load average before
// and after (other work on a shared machine moves the figures, so every result carries it), the
// header line of the printed summary, and the result file. bench:bridge and bench:bridge:win.
import { mkdirSync } from 'node:fs';
import os from 'node:os';
import { dirname } from 'node:path';
import { writeFileAtomicSync } from '../src/util/atomic-file.js';
import { machineInfo, type MachineInfo } from './machine.js';

export const median = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

export interface LoadedMachine extends MachineInfo {
  loadavg_1m_before: number;
  loadavg_1m_after: number;
}

export interface BenchReport {
  /** The machine, with the load average when the report started and now. */
  machine(): LoadedMachine;
  /** `<title> (median of <reps>)  cpu, cores, node, load average before -> now`, after a blank line. */
  printHeader(title: string, reps: number): void;
  /** Writes `result` as JSON to `file` (atomically, its folder made) and says so. */
  write(file: string, result: unknown): void;
}

/** Call when the run starts: the load average is read now as the "before". */
export function startBenchReport(): BenchReport {
  const loadBefore = os.loadavg()[0];
  return {
    machine: () => ({ ...machineInfo(), loadavg_1m_before: loadBefore, loadavg_1m_after: os.loadavg()[0] }),
    printHeader: (title, reps) => {
      const m = machineInfo();
      console.log(
        '\n%s (median of %d)  %s, %d cores, node %s, load average %s -> %s',
        title,
        reps,
        m.cpu,
        m.cores,
        process.version,
        loadBefore.toFixed(1),
        os.loadavg()[0].toFixed(1),
      );
    },
    write: (file, result) => {
      mkdirSync(dirname(file), { recursive: true });
      writeFileAtomicSync(file, `${JSON.stringify(result, null, 2)}\n`);
      console.log(`wrote ${file}`);
    },
  };
}

/**
 * Rows measured interleaved in one run: a warm-up pass of each, then `reps` repetitions of every
 * row in turn (the machine's drift falls on all rows alike); each row's median.
 * `measure(row, ms)` runs a row for at least ms and gives its figure.
 */
export function measureRows<R extends string>(
  title: string,
  rows: readonly R[],
  reps: number,
  measure: (row: R, ms: number) => number,
  warmupMs: number,
  ms: number,
): { reps: Record<R, number>[]; median: Record<R, number> } {
  for (const r of rows) measure(r, warmupMs);
  const all: Record<R, number>[] = [];
  for (let i = 0; i < reps; i++) {
    process.stderr.write(`${title} rep ${i + 1}/${reps}...\n`);
    all.push(Object.fromEntries(rows.map((r) => [r, measure(r, ms)])) as Record<R, number>);
  }
  const med = Object.fromEntries(rows.map((r) => [r, median(all.map((x) => x[r]))])) as Record<R, number>;
  return { reps: all, median: med };
}

/** measureRows' figures as a table: each row's median, repetitions and ratio to the baseline row
 * (baseline ÷ row: above 1 is faster, for time figures). */
export function printRowTable<R extends string>(rows: readonly R[], result: { reps: Record<R, number>[]; median: Record<R, number> }, baseline: R): void {
  const { reps, median: med } = result;
  console.table(
    rows.map((r) => ({
      row: r,
      median_us: med[r].toFixed(2),
      ...Object.fromEntries(reps.map((x, i) => [`rep${i + 1}`, x[r].toFixed(2)])),
      [`vs_${baseline.replace(/-/g, '_')}`]: (med[baseline] / med[r]).toFixed(2),
    })),
  );
}
