// The C interpolator under AddressSanitizer and UndefinedBehaviorSanitizer (float-to-int overflow
// included): its fuzz driver (native-shims/sidecar/fuzz/interp_fuzz.c) is built with the
// receiver and driven through random pushes (the city's snapshots from the C receiver by tick,
// arrays of exactly their length, hostile times) and samples into buffers of exactly their
// capacity, often too small. A write past a caller's buffer aborts the run: the second test
// plants one (the capacity check of the sample's copy loosened by 8 entities) and sees the sanitizer catch it.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { citySnapshots } from './city-snapshots.js';
import { INTERP_PUSH_ANSWERS } from '../../src/sidecar/interp-native.js';

const SHIMS = 'native-shims';
const INTERP_C = `${SHIMS}/sidecar/interpolator.c`;
const RECEIVER_C = `${SHIMS}/sidecar/snapshot_receiver.c`;
const DRIVER_C = `${SHIMS}/sidecar/fuzz/interp_fuzz.c`;
const CITY_TICKS = 60;
const ITERATIONS = 2_000;
/** The copy out of a sample: its capacity check is what the planted bug removes. */
const CAP_CHECK = 'ip->out_count > 0 && ip->out_count <= cap && out';
const SANITIZE = ['-std=c11', '-O1', '-g', '-fsanitize=address,undefined,float-cast-overflow', '-fno-sanitize-recover=all', '-fno-omit-frame-pointer'];
const SANITIZER_ENV = { ...process.env, ASAN_OPTIONS: 'detect_leaks=1', UBSAN_OPTIONS: 'print_stacktrace=1' };

/** The snapshot fuzz driver's corpus format: (u32 tick, u32 base tick, u32 len, bytes) records. */
function corpusBytes(): Uint8Array {
  const parts: Buffer[] = [];
  for (const s of citySnapshots(CITY_TICKS)) {
    const head = Buffer.alloc(12);
    head.writeUInt32LE(s.tick, 0);
    head.writeUInt32LE(s.baseTick, 4);
    head.writeUInt32LE(s.data.length, 8);
    parts.push(head, Buffer.from(s.data));
  }
  return Buffer.concat(parts);
}

function build(out: string, interpC: string): void {
  const cc = spawnSync('gcc', [...SANITIZE, '-Wall', '-Wextra', '-Werror', `-I${SHIMS}/include`, '-o', out, DRIVER_C, interpC, RECEIVER_C], {
    encoding: 'utf8',
  });
  expect(cc.stderr).toBe('');
  expect(cc.status).toBe(0);
}

const run = (exe: string, corpus: string, iterations: number) =>
  spawnSync(exe, [corpus, String(iterations), '1'], { encoding: 'utf8', env: SANITIZER_ENV, timeout: 120_000 });

describe('the C interpolator under ASan and UBSan', () => {
  let dir = '';
  let corpus = '';
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'interp-asan-'));
    corpus = join(dir, 'corpus.bin');
    writeFileSync(corpus, corpusBytes());
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it(`takes ${ITERATIONS} random runs of pushes and samples without a sanitizer report, every answer known`, () => {
    const exe = join(dir, 'interp-fuzz');
    build(exe, INTERP_C);
    const r = run(exe, corpus, ITERATIONS);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const m = /^samples (\d+) entities (\d+)$/m.exec(r.stdout);
    expect(m).not.toBeNull();
    // samples showed entities (not an interpolator that never got going)
    expect(Number(m![2])).toBeGreaterThan(Number(m![1]));
    const answers = new Map([...r.stdout.matchAll(/^answer (\d+) (\d+)$/gm)].map((a) => [INTERP_PUSH_ANSWERS[Number(a[1])], Number(a[2])]));
    // every answer but running out of memory was given
    for (const a of INTERP_PUSH_ANSWERS) if (a !== 'no-memory') expect(answers.get(a), a).toBeGreaterThan(0);
  });

  it('catches a planted write past a sample buffer (the sanitizer is really on)', () => {
    const src = readFileSync(INTERP_C, 'utf8');
    expect(src).toContain(CAP_CHECK);
    const planted = join(dir, 'interpolator.c');
    writeFileSync(planted, src.replace(CAP_CHECK, 'ip->out_count > 0 && ip->out_count <= cap + 8 && out')); // 8 entities too many
    const exe = join(dir, 'interp-fuzz-planted');
    build(exe, planted);
    const r = run(exe, corpus, 200);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/AddressSanitizer: heap-buffer-overflow/);
  });
});
