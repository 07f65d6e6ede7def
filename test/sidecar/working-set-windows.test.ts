// The Windows working-set trim's choices, on a described address space: which regions it looks
// into (committed image code and constants only) and which pages of them it gives back (resident
// and shareable: a page the loader wrote, such as the import table, is kept). The calls into
// kernel32 run under wine in test/windows/working-set-wine.system.test.ts.
import { describe, expect, it } from 'vitest';
import { cleanRuns, trimmableRegion, trimWith, type MemoryRegion, type WindowsMemory } from '../../src/sidecar/working-set-windows.js';

const PAGE = 4096;
const VALID = 1n;
const SHARED = 1n << 15n;
const CLEAN = VALID | SHARED;
const IMAGE = 0x100_0000;
const COMMIT = 0x1000;

const region = (base: number, pages: number, protect: number, o: Partial<MemoryRegion> = {}): MemoryRegion => ({
  base: BigInt(base),
  bytes: pages * PAGE,
  state: COMMIT,
  type: IMAGE,
  protect,
  ...o,
});

describe('trimmableRegion', () => {
  it('takes committed image regions that are read-only or execute-read, nothing else', () => {
    expect(trimmableRegion(region(0x140001000, 4, 0x20))).toBe(true); // .text
    expect(trimmableRegion(region(0x14159c000, 4, 0x02))).toBe(true); // .rdata
    expect(trimmableRegion(region(0x14439d000, 4, 0x04))).toBe(false); // .data: read-write
    expect(trimmableRegion(region(0x14439d000, 4, 0x08))).toBe(false); // write-copy, not yet written
    expect(trimmableRegion(region(0x14439d000, 4, 0x80))).toBe(false); // execute-write-copy
    expect(trimmableRegion(region(0x140001000, 4, 0x20 | 0x100))).toBe(false); // guard page
    expect(trimmableRegion(region(0x10000000, 4, 0x02, { type: 0x2_0000 }))).toBe(false); // private memory
    expect(trimmableRegion(region(0x10000000, 4, 0x02, { type: 0x4_0000 }))).toBe(false); // a mapped file view (the bridge rings)
    expect(trimmableRegion(region(0x140001000, 4, 0x20, { state: 0x2000 }))).toBe(false); // reserved only
    expect(trimmableRegion(region(0x140001000, 0, 0x20))).toBe(false);
  });
});

describe('cleanRuns', () => {
  it('gives runs of resident shareable pages, split by private and absent ones', () => {
    const base = 0x140001000n;
    // clean clean | private (the loader wrote it) | clean | absent | clean clean clean
    const runs = cleanRuns(base, [CLEAN, CLEAN, VALID, CLEAN, 0n, CLEAN, CLEAN, CLEAN]);
    expect(runs).toEqual([
      { start: base, bytes: 2 * PAGE },
      { start: base + 3n * BigInt(PAGE), bytes: PAGE },
      { start: base + 5n * BigInt(PAGE), bytes: 3 * PAGE },
    ]);
  });

  it('never takes a page that is shareable but not resident, and takes nothing from an empty region', () => {
    expect(cleanRuns(0x1000n, [SHARED, SHARED])).toEqual([]);
    expect(cleanRuns(0x1000n, [])).toEqual([]);
  });
});

describe('trimWith', () => {
  it('asks the pages of trimmable regions only and gives back their clean runs, counting what the system took', () => {
    const text = region(0x140001000, 3, 0x20);
    const data = region(0x140004000, 2, 0x04);
    const rdata = region(0x140006000, 3, 0x02);
    const attributes = new Map<bigint, bigint[]>([
      [text.base, [CLEAN, CLEAN, CLEAN]],
      [rdata.base, [VALID, CLEAN, CLEAN]], // its first page holds the import table
    ]);
    const asked: bigint[] = [];
    const given: string[] = [];
    const memory: WindowsMemory = {
      regions: () => [text, data, rdata],
      pageAttributes: (base, pages) => {
        asked.push(base);
        expect(pages).toBe(3);
        return attributes.get(base) ?? null;
      },
      giveBack: (start, bytes) => {
        given.push(`${start.toString(16)}+${bytes / PAGE}`);
        return start !== text.base; // the system refuses the first run
      },
    };
    expect(trimWith(memory)).toEqual({ mappings: 1, bytes: 2 * PAGE });
    expect(asked).toEqual([text.base, rdata.base]);
    expect(given).toEqual(['140001000+3', '140007000+2']);
  });

  it('skips a region whose pages cannot be asked', () => {
    const memory: WindowsMemory = { regions: () => [region(0x140001000, 2, 0x20)], pageAttributes: () => null, giveBack: () => true };
    expect(trimWith(memory)).toEqual({ mappings: 0, bytes: 0 });
  });
});
