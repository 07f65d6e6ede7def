// The sidecar gives back the pages of Node's binary and its libraries that only its start-up
// touched. Node's executable is ≈ 75 MB of code and read-only data (V8, ICU, OpenSSL); loading,
// compiling and joining fault in ≈ 40 MB of it, of which a sidecar in play uses ≈ 15 MB.
// Those pages are clean copies of files: MADV_DONTNEED drops them from the sidecar's page
// tables, and a page used again is read back from the page cache on its next touch (a minor
// fault), exactly as the kernel would after reclaiming it. Pages a mapping holds privately
// (relocated data, anything ever written) are never given back: a mapping that is writable,
// shared, anonymous or holds any anonymous page is left alone (dropping such a page would lose
// what was written). On Windows and under wine (Proton) the same pages are found and given back
// another way: working-set-windows.ts.
import { readFile } from 'node:fs/promises';
import { loadLibc } from '../net/enet/udp-native.js';
import type { Timers } from '../util/clock.js';

/** When the trim runs: start-up (bundle compile, bridge, join, the first optimising bursts) is
 * over well before this, and what play needs has long been touched again. */
export const WORKING_SET_TRIM_AFTER_MS = 30_000;
/** madvise(2)'s advice: the pages leave the process's page tables; file pages refault from the file. */
const MADV_DONTNEED = 4;
const KB = 1024;

/** One mapping whose pages can be given back. */
export interface TrimmableMapping {
  start: bigint;
  end: bigint;
  path: string;
  /** Resident bytes before the trim (smaps' Rss). */
  rssBytes: number;
}

const MAPPING_LINE = /^([0-9a-f]+)-([0-9a-f]+) ([r-][w-][x-][ps]) [0-9a-f]+ \S+ \d+ *(.*)$/;
const FIELD_LINE = /^(\w+):\s+(\d+) kB$/;

/**
 * The mappings of /proc/<pid>/smaps whose resident pages are all clean file pages: private,
 * not writable, backed by a file that still exists, with no anonymous (copied-on-write) page.
 */
export function trimmableMappings(smaps: string): TrimmableMapping[] {
  const out: TrimmableMapping[] = [];
  let cur: (TrimmableMapping & { ok: boolean; anonKb: number | undefined }) | undefined;
  const close = (): void => {
    if (cur?.ok && cur.anonKb === 0 && cur.rssBytes > 0) out.push({ start: cur.start, end: cur.end, path: cur.path, rssBytes: cur.rssBytes });
  };
  for (const line of smaps.split('\n')) {
    const m = MAPPING_LINE.exec(line);
    if (m) {
      close();
      const [, start, end, perms, path] = m;
      const fileBacked = path.startsWith('/') && !path.endsWith(' (deleted)');
      cur = {
        start: BigInt(`0x${start}`),
        end: BigInt(`0x${end}`),
        path,
        rssBytes: 0,
        anonKb: undefined,
        ok: fileBacked && perms[1] === '-' && perms[3] === 'p',
      };
      continue;
    }
    const f = FIELD_LINE.exec(line);
    if (!f || !cur) continue;
    if (f[1] === 'Rss') cur.rssBytes = Number(f[2]) * KB;
    else if (f[1] === 'Anonymous') cur.anonKb = Number(f[2]);
  }
  close();
  return out;
}

/** What one trim gave back. */
export interface TrimResult {
  /** Mappings (Windows: runs of pages) given back. */
  mappings: number;
  /** Resident bytes of those mappings before the trim (what was given back, less what refaults). */
  bytes: number;
}

/** Gives back this process's clean file pages now; a string says why it cannot here. */
export async function trimWorkingSet(): Promise<TrimResult | string> {
  if (process.platform === 'win32') return (await import('./working-set-windows.js')).trimWindowsWorkingSet();
  if (process.platform !== 'linux') return `trimming the working set is for Linux and Windows (this is ${process.platform})`;
  const lib = await loadLibc('trimming the working set');
  if (typeof lib === 'string') return lib;
  const madvise = lib.func('int madvise(uintptr_t addr, size_t len, int advice)') as (addr: bigint, len: bigint, advice: number) => number;
  let smaps: string;
  try {
    smaps = await readFile('/proc/self/smaps', 'utf8');
  } catch (err) {
    return `reading /proc/self/smaps: ${(err as Error).message}`;
  }
  const result: TrimResult = { mappings: 0, bytes: 0 };
  for (const m of trimmableMappings(smaps)) {
    if (madvise(m.start, m.end - m.start, MADV_DONTNEED) !== 0) continue;
    result.mappings++;
    result.bytes += m.rssBytes;
  }
  return result;
}

/** Runs one trim WORKING_SET_TRIM_AFTER_MS from now and reports it; returns a canceller. */
export function scheduleWorkingSetTrim(timers: Timers, report: (r: TrimResult | string) => void, afterMs = WORKING_SET_TRIM_AFTER_MS): () => void {
  const handle = timers.setTimeout(() => {
    trimWorkingSet().then(report, (err: unknown) => report(`trimming the working set: ${(err as Error).message}`));
  }, afterMs);
  return () => timers.clearTimeout(handle);
}
