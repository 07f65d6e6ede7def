// The working-set trim (working-set.ts says why) for the Windows sidecar: node.exe on Windows,
// and under wine (Proton, Steam Deck). Windows has no smaps, so the pages come from the
// system's own view: every committed image region that is read-only or execute-read (code,
// constants: never writable, so never holding anything written), and in it, by
// QueryWorkingSetEx, each page that is resident and still shareable, a clean copy of its file.
// A page the loader wrote (the import table) or copied is private: never given back.
//
// How a run of such pages is given back differs:
// - Windows: VirtualUnlock on pages that were never locked takes them out of the working set
//   (documented; it then fails with ERROR_NOT_LOCKED); they stay in memory on the standby list
//   and come back on their next touch. Not measured: no Windows machine has run it.
// - wine: VirtualUnlock is munlock(2) there, which does nothing; VirtualAlloc(MEM_RESET) is
//   madvise(MADV_DONTNEED) (wine's ntdll), which is the Linux trim itself: the clean file pages
//   leave the page tables and refault from the file. On Windows MEM_RESET is for private
//   memory and is not used there.
import { loadKoffi } from '../net/enet/udp-native.js';
import type { TrimResult } from './working-set.js';

const PAGE_BYTES = 4096;
/** MEMORY_BASIC_INFORMATION's State, Type and Protect values the trim looks for. */
const MEM_COMMIT = 0x1000;
const MEM_IMAGE = 0x100_0000;
const PAGE_READONLY = 0x02;
const PAGE_EXECUTE_READ = 0x20;
/** VirtualAlloc's MEM_RESET; its protection argument must be valid but is not used. */
const MEM_RESET = 0x8_0000;
const PAGE_NOACCESS = 0x01;
/** VirtualUnlock's error when the pages were not locked: they left the working set. */
const ERROR_NOT_LOCKED = 158;
/** PSAPI_WORKING_SET_EX_BLOCK: bit 0 Valid (resident), bit 15 Shared (a shareable page: not
 * copied or written). One PSAPI_WORKING_SET_EX_INFORMATION is an address and that block. */
const WS_VALID = 1n;
const WS_SHARED = 1n << 15n;
const WS_ENTRY_BYTES = 16;
/** A bound on the address-space walk (a Node process has a few hundred regions). */
const MAX_REGIONS = 100_000;

/** One region as VirtualQuery describes it. */
export interface MemoryRegion {
  base: bigint;
  bytes: number;
  state: number;
  type: number;
  protect: number;
}

/** What the trim needs of the system; trimWindowsWorkingSet binds it to kernel32. */
export interface WindowsMemory {
  regions(): Iterable<MemoryRegion>;
  /** QueryWorkingSetEx's attributes of each page from base, or null when the call failed. */
  pageAttributes(base: bigint, pages: number): bigint[] | null;
  /** Gives a run of pages back; false when the system refused. */
  giveBack(start: bigint, bytes: number): boolean;
}

/** The regions whose pages may be given back: committed image pages, read-only or execute-read
 * (no guard or other modifier bits: those are compared as a whole). */
export function trimmableRegion(r: MemoryRegion): boolean {
  return r.state === MEM_COMMIT && r.type === MEM_IMAGE && (r.protect === PAGE_READONLY || r.protect === PAGE_EXECUTE_READ) && r.bytes > 0;
}

/** The runs of pages from base that are resident and shareable (attributes: one per page). */
export function cleanRuns(base: bigint, attributes: readonly bigint[]): { start: bigint; bytes: number }[] {
  const runs: { start: bigint; bytes: number }[] = [];
  let first = -1;
  for (let p = 0; p <= attributes.length; p++) {
    const clean = p < attributes.length && (attributes[p] & WS_VALID) !== 0n && (attributes[p] & WS_SHARED) !== 0n;
    if (clean && first < 0) first = p;
    if (!clean && first >= 0) {
      runs.push({ start: base + BigInt(first * PAGE_BYTES), bytes: (p - first) * PAGE_BYTES });
      first = -1;
    }
  }
  return runs;
}

/** Gives back every clean run of every trimmable region; mappings counts the runs given back. */
export function trimWith(memory: WindowsMemory): TrimResult {
  const result: TrimResult = { mappings: 0, bytes: 0 };
  for (const r of memory.regions()) {
    if (!trimmableRegion(r)) continue;
    const attributes = memory.pageAttributes(r.base, Math.floor(r.bytes / PAGE_BYTES));
    if (attributes === null) continue;
    for (const run of cleanRuns(r.base, attributes)) {
      if (!memory.giveBack(run.start, run.bytes)) continue;
      result.mappings++;
      result.bytes += run.bytes;
    }
  }
  return result;
}

/** kernel32's calls, bound once: koffi keeps a struct's name for the process (a second
 * koffi.struct of it throws), and the trim runs again after each join. */
let memory: WindowsMemory | undefined;

/** Gives back this process's clean image pages now (Windows or wine); a string says why not. */
export async function trimWindowsWorkingSet(): Promise<TrimResult | string> {
  memory ??= await bindWindowsMemory();
  return trimWith(memory);
}

async function bindWindowsMemory(): Promise<WindowsMemory> {
  const koffi = await loadKoffi();
  const kernel32 = koffi.load('kernel32.dll');
  const MemoryBasicInformation = koffi.struct('MEMORY_BASIC_INFORMATION', {
    BaseAddress: 'uint64',
    AllocationBase: 'uint64',
    AllocationProtect: 'uint32',
    PartitionId: 'uint16',
    RegionSize: 'uint64',
    State: 'uint32',
    Protect: 'uint32',
    Type: 'uint32',
  });
  const mbiBytes = koffi.sizeof(MemoryBasicInformation);
  const virtualQuery = kernel32.func('size_t __stdcall VirtualQuery(uint64_t, _Out_ MEMORY_BASIC_INFORMATION *, size_t)');
  const queryWorkingSetEx = kernel32.func('int __stdcall K32QueryWorkingSetEx(void *, _Inout_ uint8_t *, uint32_t)');
  const currentProcess = kernel32.func('void * __stdcall GetCurrentProcess()')();
  const lastError = kernel32.func('uint32_t __stdcall GetLastError()');
  let giveBack: (start: bigint, bytes: number) => boolean;
  if (underWine(koffi)) {
    const virtualAlloc = kernel32.func('uint64_t __stdcall VirtualAlloc(uint64_t, size_t, uint32_t, uint32_t)');
    // koffi gives a 64-bit integer as a number when it fits, else as a BigInt
    giveBack = (start, bytes) => BigInt(virtualAlloc(start, bytes, MEM_RESET, PAGE_NOACCESS) as number | bigint) !== 0n;
  } else {
    const virtualUnlock = kernel32.func('int __stdcall VirtualUnlock(uint64_t, size_t)');
    // koffi keeps the last error between calls (measured under wine)
    giveBack = (start, bytes) => virtualUnlock(start, bytes) !== 0 || lastError() === ERROR_NOT_LOCKED;
  }
  return {
    *regions() {
      let at = 0n;
      for (let i = 0; i < MAX_REGIONS; i++) {
        const m = {} as { BaseAddress: bigint | number; RegionSize: bigint | number; State: number; Type: number; Protect: number };
        if (virtualQuery(at, m, mbiBytes) === 0) return; // past the last region
        const base = BigInt(m.BaseAddress);
        const next = base + BigInt(m.RegionSize);
        yield { base, bytes: Number(m.RegionSize), state: m.State, type: m.Type, protect: m.Protect };
        if (next <= at) return;
        at = next;
      }
    },
    pageAttributes(base, pages) {
      const buf = Buffer.alloc(pages * WS_ENTRY_BYTES);
      for (let p = 0; p < pages; p++) buf.writeBigUInt64LE(base + BigInt(p * PAGE_BYTES), p * WS_ENTRY_BYTES);
      if (!queryWorkingSetEx(currentProcess, buf, buf.length)) return null;
      return Array.from({ length: pages }, (_, p) => buf.readBigUInt64LE(p * WS_ENTRY_BYTES + 8));
    },
    giveBack,
  };
}

/** True under wine: its ntdll exports wine_get_version, Windows' does not. */
function underWine(koffi: Awaited<ReturnType<typeof loadKoffi>>): boolean {
  try {
    koffi.load('ntdll.dll').func('const char * __cdecl wine_get_version()');
    return true;
  } catch {
    return false;
  }
}
