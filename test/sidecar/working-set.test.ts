// The working-set trim: which mappings it may give back (only clean file pages: a page written
// or copied would be lost), and, in this very process, that it gives them back and that the
// code on them still runs after (each page refaults from the file).
import { createHash } from 'node:crypto';
import { describe, it, expect } from 'vitest';
import { scheduleWorkingSetTrim, trimmableMappings, trimWorkingSet, WORKING_SET_TRIM_AFTER_MS, type TrimResult } from '../../src/sidecar/working-set.js';
import type { Timers } from '../../src/util/clock.js';
import { executableRssKb } from '../helpers/resident.js';

/** One smaps entry: the mapping line, then its Rss and Anonymous fields (kB). */
const entry = (range: string, perms: string, path: string, rssKb: number, anonKb: number): string =>
  [
    `${range} ${perms} 00000000 08:01 1234${path ? `                       ${path}` : ''}`,
    `Size:              ${rssKb * 2} kB`,
    `Rss:               ${rssKb} kB`,
    `Anonymous:         ${anonKb} kB`,
    'VmFlags: rd mr mw me',
  ].join('\n');

const SMAPS = [
  entry('00400000-00b6f000', 'r--p', '/usr/bin/node', 6700, 0), // headers, symbols: clean
  entry('00b72000-025fe000', 'r-xp', '/usr/bin/node', 21300, 0), // code: clean
  entry('0563a000-0563e000', 'r--p', '/usr/bin/node', 16, 8), // relocated, then made read-only: holds copies
  entry('0563e000-0565d000', 'rw-p', '/usr/bin/node', 120, 92), // data: writable
  entry('05660000-05700000', 'rw-p', '[heap]', 4700, 4700),
  entry('7f0000000000-7f0000100000', 'rw-s', '/dev/shm/coop-bridge-demo', 1400, 0), // the bridge rings: shared, written
  entry('7f0000200000-7f0000300000', 'r--s', '/usr/share/some.cache', 64, 0), // shared: not ours to drop
  entry('7f0000400000-7f0000500000', 'r-xp', '/tmp/old.node (deleted)', 100, 0), // its file is gone
  entry('7f0000600000-7f0000700000', 'r--p', '/usr/lib/x86_64-linux-gnu/libstdc++.so.6', 0, 0), // nothing resident
  entry('7f0000800000-7f0000900000', 'r-xp', '/usr/lib/x86_64-linux-gnu/libc.so.6', 900, 0),
  entry('7ffd00000000-7ffd00002000', 'r-xp', '[vdso]', 8, 0),
  entry('7f0000a00000-7f0000b00000', '---p', '', 0, 0),
].join('\n');

describe('trimmableMappings', () => {
  it('picks only private, read-only, file-backed mappings with no copied page and something resident', () => {
    const picked = trimmableMappings(SMAPS);
    expect(picked.map((m) => `${m.start.toString(16)} ${m.path}`)).toEqual([
      '400000 /usr/bin/node',
      'b72000 /usr/bin/node',
      '7f0000800000 /usr/lib/x86_64-linux-gnu/libc.so.6',
    ]);
    expect(picked[1]).toMatchObject({ end: 0x25fe000n, rssBytes: 21300 * 1024 });
  });

  it('gives nothing back from a mapping whose Anonymous field it never saw (a truncated read)', () => {
    const cut = SMAPS.split('\n').slice(0, 3).join('\n'); // the first entry, up to its Rss line
    expect(trimmableMappings(cut)).toEqual([]);
    expect(trimmableMappings('')).toEqual([]);
    expect(trimmableMappings('not smaps at all\n\u0000\u00ff')).toEqual([]);
  });
});

describe('trimWorkingSet', () => {
  it('gives back most of the executable’s resident pages, and the code on them still runs', async () => {
    const digest = (): string => createHash('sha256').update('coop-bridge').digest('hex');
    const before = digest();
    const rssBefore = executableRssKb(process.pid);
    const r = (await trimWorkingSet()) as TrimResult;
    const rssAfter = executableRssKb(process.pid);
    expect(typeof r).toBe('object');
    expect(r.mappings).toBeGreaterThan(0);
    expect(r.bytes).toBeGreaterThan(rssAfter * 1024);
    expect(rssAfter).toBeLessThan(rssBefore / 2);
    expect(digest()).toBe(before); // OpenSSL's pages, refaulted, compute the same
    expect(executableRssKb(process.pid)).toBeGreaterThan(0);
  });

  it('is scheduled WORKING_SET_TRIM_AFTER_MS ahead, reports what it gave back, and a cancel disarms it', async () => {
    const armed = new Set<{ fn: () => void; ms: number }>();
    const timers: Timers = {
      setTimeout: (fn, ms) => {
        const t = { fn, ms };
        armed.add(t);
        return t;
      },
      clearTimeout: (h) => {
        armed.delete(h as { fn: () => void; ms: number });
      },
    };
    const reports: (TrimResult | string)[] = [];
    scheduleWorkingSetTrim(timers, (r) => reports.push(r));
    const [timer] = [...armed];
    expect(timer.ms).toBe(WORKING_SET_TRIM_AFTER_MS);
    expect(reports).toEqual([]);
    timer.fn();
    await expect.poll(() => reports.length).toBe(1);
    expect(reports[0]).toMatchObject({ mappings: expect.any(Number), bytes: expect.any(Number) });
    armed.clear();
    scheduleWorkingSetTrim(timers, (r) => reports.push(r))();
    expect(armed.size).toBe(0);
  });
});
