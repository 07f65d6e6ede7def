// Per-process figures from /proc (Linux) that bench:sidecar, bench:master and the sidecar's system tests read: CPU time, RSS and its split
// as the kernel counts it, and the event loop's wakes.
import { readFileSync } from 'node:fs';

const CLK_TCK = 100; // /proc/<pid>/stat times are in clock ticks (USER_HZ, 100 on Linux)
const PAGE_BYTES = 4096;

/** utime + stime in seconds and RSS in MB of a process, from /proc; a process that has ended is
 * named in the error (`what`: which one, for a bench measuring several). */
export function procStat(pid: number, what = 'process'): { cpuS: number; rssMb: number } {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch (err) {
    throw new Error(`${what} (pid ${pid}) has ended: ${(err as Error).message}`);
  }
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // Fields after the command: state is [0], utime [11], stime [12], rss (pages) [21].
  return { cpuS: (Number(f[11]) + Number(f[12])) / CLK_TCK, rssMb: (Number(f[21]) * PAGE_BYTES) / 1e6 };
}

/** RSS split as the kernel counts it (/proc/<pid>/status, MB): anonymous (the heap, private),
 * file-backed (node's binary and libraries, shared) and shared memory (the bridge rings, which the
 * game maps too: pages the sidecar has touched). */
export function rssSplit(pid: number): { anonMb: number; fileMb: number; shmemMb: number } {
  const st = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (k: string): number => Number(new RegExp(`^${k}:\\s+(\\d+) kB`, 'm').exec(st)?.[1] ?? NaN) / 1000;
  return { anonMb: kb('RssAnon'), fileMb: kb('RssFile'), shmemMb: kb('RssShmem') };
}

/** Voluntary context switches of a process's main thread (the event loop): how often it went
 * to sleep and was woken, a count that load on the machine does not blur as CPU time is. */
export function mainThreadWakes(pid: number): number {
  const st = readFileSync(`/proc/${pid}/task/${pid}/status`, 'utf8');
  return Number(/^voluntary_ctxt_switches:\s+(\d+)/m.exec(st)?.[1] ?? NaN);
}
