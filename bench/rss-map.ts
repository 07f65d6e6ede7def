// Where a process's resident memory is, per mapping, from /proc/<pid>/smaps (bench:sidecar's RSS
// breakdown). The kernel's three totals (anonymous, file-backed, shared memory) do not say whether
// file pages are node's code or ICU data, nor whether anonymous pages are V8's heap, malloc or a
// thread's stack; the mappings do, by name and shape.
import { readFileSync } from 'node:fs';
import { median } from './report.js';

/** What a mapping is: node's own binary by section, a library, the bridge rings, or anonymous memory by shape. */
export type RssPart =
  | 'node_text'
  | 'node_rodata'
  | 'node_data'
  | 'libs'
  | 'native_addons'
  | 'bridge_rings'
  | 'brk_heap'
  | 'malloc_arenas'
  | 'thread_stacks'
  | 'anon_other'
  | 'other';

export type RssMap = Record<RssPart, number>;

/** glibc's non-main malloc arenas are carved out of 64 MB-aligned reservations of this size (x86-64). */
const MALLOC_ARENA_RESERVE_KB = 64 * 1024;
/** A thread stack: pthread's default 8 MB and its guard page (what node's and libuv's threads get). */
const THREAD_STACK_KB = 8 * 1024;
/** smaps' "kB" are KiB. */
const BYTES_PER_KB = 1024;

interface Vma {
  startHex: string;
  sizeKb: number;
  perm: string;
  path: string;
  rssKb: number;
}

function parse(text: string): Vma[] {
  const out: Vma[] = [];
  let cur: Vma | undefined;
  for (const line of text.split('\n')) {
    const head = /^([0-9a-f]+)-([0-9a-f]+) (\S{4}) \S+ \S+ \d+\s*(.*)$/.exec(line);
    if (head) {
      cur = { startHex: head[1], sizeKb: (parseInt(head[2], 16) - parseInt(head[1], 16)) / 1024, perm: head[3], path: head[4], rssKb: 0 };
      out.push(cur);
      continue;
    }
    const rss = /^Rss:\s+(\d+) kB/.exec(line);
    if (rss && cur) cur.rssKb = Number(rss[1]);
  }
  return out;
}

/** Groups anonymous mappings by the shape their owner gives them: a malloc arena is a 64 MB
 * reservation split into a read-write head and a PROT_NONE rest; a thread stack is an 8 MB
 * read-write mapping right after its one-page guard. The rest is mostly V8's heap (its pages and
 * code space), which the process itself can name (v8.getHeapSpaceStatistics()). */
function classify(vmas: Vma[], nodePath: string): Map<Vma, RssPart> {
  const parts = new Map<Vma, RssPart>();
  for (let i = 0; i < vmas.length; i++) {
    const v = vmas[i];
    let part: RssPart = 'other';
    if (v.path === nodePath) part = v.perm.includes('x') ? 'node_text' : v.perm.startsWith('r-') ? 'node_rodata' : 'node_data';
    else if (v.path.startsWith('/dev/shm/')) part = 'bridge_rings';
    else if (v.path.endsWith('.node')) part = 'native_addons';
    else if (/\.so(\.|$)/.test(v.path)) part = /coopbridge|opus/.test(v.path) ? 'native_addons' : 'libs';
    else if (v.path === '[heap]') part = 'brk_heap';
    else if (v.path === '' || v.path === '[anon]') {
      const next = vmas[i + 1];
      const prev = vmas[i - 1];
      const arenaHead = next && next.perm === '---p' && next.path === '' && v.sizeKb + next.sizeKb === MALLOC_ARENA_RESERVE_KB;
      const afterGuard = prev && prev.perm === '---p' && prev.path === '' && prev.sizeKb <= 64;
      if (v.perm.startsWith('rw') && arenaHead) part = 'malloc_arenas';
      else if (v.perm.startsWith('rw') && afterGuard && Math.abs(v.sizeKb - THREAD_STACK_KB) <= 64) part = 'thread_stacks';
      else part = 'anon_other';
    }
    parts.set(v, part);
  }
  return parts;
}

/** Resident MB of each part (MB = 10^6 bytes, as the bench's other RSS figures). */
export function rssMap(pid: number, nodePath = process.execPath): RssMap {
  const vmas = parse(readFileSync(`/proc/${pid}/smaps`, 'utf8'));
  const parts = classify(vmas, nodePath);
  const kb: RssMap = {
    node_text: 0,
    node_rodata: 0,
    node_data: 0,
    libs: 0,
    native_addons: 0,
    bridge_rings: 0,
    brk_heap: 0,
    malloc_arenas: 0,
    thread_stacks: 0,
    anon_other: 0,
    other: 0,
  };
  for (const [v, part] of parts) kb[part] += v.rssKb;
  for (const k of Object.keys(kb) as RssPart[]) kb[k] = +((kb[k] * BYTES_PER_KB) / 1e6).toFixed(2);
  return kb;
}

/** The median of each part over the repetitions. */
export function mapMedian(maps: readonly RssMap[]): RssMap {
  const out = { ...maps[0] };
  for (const k of Object.keys(out) as RssPart[]) out[k] = median(maps.map((x) => x[k]));
  return out;
}
