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
