// The C fuzz drivers of the sidecar's native path (native-shims/sidecar/fuzz/) built with gcc's
// AddressSanitizer and UndefinedBehaviorSanitizer and run on a corpus of snapshots: shared by the
// receiver's and the interpolator's sanitizer tests.
import { expect } from 'vitest';
import { spawnSync } from 'node:child_process';
import type { CitySnapshot } from './city-snapshots.js';

export const SHIMS = 'native-shims';
/** Any report aborts the run (no recovery), with frames a reader can follow. */
const SANITIZE = ['-std=c11', '-O1', '-g', '-fno-sanitize-recover=all', '-fno-omit-frame-pointer'];
const SANITIZER_ENV = { ...process.env, ASAN_OPTIONS: 'detect_leaks=1', UBSAN_OPTIONS: 'print_stacktrace=1' };
/** Longest a driver may run before the test calls it stuck, ms. */
const DRIVER_TIMEOUT_MS = 120_000;

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

/** Builds sources into out with the sanitizers named (e.g. 'address,undefined'); fails the test on any warning. */
export function buildSanitized(out: string, sanitizers: string, sources: readonly string[]): void {
  const cc = spawnSync(
    'gcc',
    [...SANITIZE, `-fsanitize=${sanitizers}`, '-Wall', '-Wextra', '-Werror', `-I${SHIMS}/include`, `-I${SHIMS}/sidecar`, '-o', out, ...sources],
    {
      encoding: 'utf8',
    },
  );
  expect(cc.stderr).toBe('');
  expect(cc.status).toBe(0);
}

/** Runs a driver over the corpus for so many iterations (seed 1). */
export const runDriver = (exe: string, corpus: string, iterations: number) =>
  spawnSync(exe, [corpus, String(iterations), '1'], { encoding: 'utf8', env: SANITIZER_ENV, timeout: DRIVER_TIMEOUT_MS });
