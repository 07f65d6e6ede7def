// The C fuzz drivers of the sidecar's native path (native-shims/sidecar/fuzz/) built with gcc's
// AddressSanitizer and UndefinedBehaviorSanitizer (or, to count allocations, with the allocator
// wrapped) and run, some on a corpus of snapshots: shared by the native path's sanitizer tests.
import { expect } from 'vitest';
import { spawnSync } from 'node:child_process';
import type { CitySnapshot } from './city-snapshots.js';

export const SHIMS = 'native-shims';
/** Any report aborts the run (no recovery), with frames a reader can follow. */
const SANITIZE = ['-std=c11', '-O1', '-g', '-fno-sanitize-recover=all', '-fno-omit-frame-pointer'];
const SANITIZER_ENV = { ...process.env, ASAN_OPTIONS: 'detect_leaks=1', UBSAN_OPTIONS: 'print_stacktrace=1' };
/** Longest a driver may run before the test calls it stuck, ms. */
const DRIVER_TIMEOUT_MS = 120_000;
/** The shim's headers: public, internal, generated, and the native path's own. */
const INCLUDES = ['include', 'src', 'generated', 'sidecar'].map((d) => `-I${SHIMS}/${d}`);
/** The shim's region and frames, for a driver that opens a region in both roles (with -lrt). */
export const SHIM_REGION_C = ['region.c', 'frames.c', 'platform_unix.c', 'hooks_check.c'].map((f) => `${SHIMS}/src/${f}`);

/** The drivers' corpus format: (u32 tick, u32 base tick, u32 len, bytes) records. */
export function corpusBytes(snaps: readonly CitySnapshot[]): Uint8Array {
  const parts: Buffer[] = [];
  for (const s of snaps) {
    const head = Buffer.alloc(12);
    head.writeUInt32LE(s.tick, 0);
    head.writeUInt32LE(s.baseTick, 4);
    head.writeUInt32LE(s.data.length, 8);
    parts.push(head, Buffer.from(s.data));
  }
  return Buffer.concat(parts);
}

/** gcc with these flags, sources and libraries; fails the test on any warning. */
function build(flags: readonly string[], out: string, sources: readonly string[]): void {
  const cc = spawnSync('gcc', [...flags, '-Wall', '-Wextra', '-Werror', ...INCLUDES, '-o', out, ...sources], { encoding: 'utf8' });
  expect(cc.stderr).toBe('');
  expect(cc.status).toBe(0);
}

/** Builds sources (and flags, libraries) into out with the sanitizers named (e.g. 'address,undefined'). */
export function buildSanitized(out: string, sanitizers: string, sources: readonly string[]): void {
  build([...SANITIZE, `-fsanitize=${sanitizers}`], out, sources);
}

/** Builds sources (and flags, libraries) into out without sanitizers, the allocator's entry
 * points named in `wrapped` wrapped (ld --wrap), for a driver that counts allocations. */
export function buildCountingAllocs(out: string, wrapped: readonly string[], sources: readonly string[]): void {
  build(['-std=c11', '-O1'], out, [...sources, `-Wl,${wrapped.map((f) => `--wrap=${f}`).join(',')}`]);
}

/** Runs a driver with these arguments, sanitizer reports on, bounded in time. */
export const runBuilt = (exe: string, args: readonly string[]) => spawnSync(exe, args, { encoding: 'utf8', env: SANITIZER_ENV, timeout: DRIVER_TIMEOUT_MS });

/** Runs a driver over the corpus for so many iterations (seed 1). */
export const runDriver = (exe: string, corpus: string, iterations: number) => runBuilt(exe, [corpus, String(iterations), '1']);
