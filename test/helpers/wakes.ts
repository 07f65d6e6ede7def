// How often a process's event loop sleeps and is woken, from /proc (Linux): bench:sidecar's
// figure, and the wake-timers system test's. No vitest import here: bench/ uses this too.
import { readFileSync } from 'node:fs';

/** Voluntary context switches of a process's main thread (the event loop): how often it went
 * to sleep and was woken, a count that load on the machine does not blur as CPU time is. */
export function mainThreadWakes(pid: number): number {
  const st = readFileSync(`/proc/${pid}/task/${pid}/status`, 'utf8');
  return Number(/^voluntary_ctxt_switches:\s+(\d+)/m.exec(st)?.[1] ?? NaN);
}
