// The C interpolator under AddressSanitizer and UndefinedBehaviorSanitizer (float-to-int overflow
// included): its fuzz driver (native-shims/sidecar/fuzz/interp_fuzz.c) is built with the
// receiver and driven through random pushes (the city's snapshots from the C receiver by tick,
// arrays of exactly their length, hostile times) and samples into buffers of exactly their
// capacity, often too small. A write past a caller's buffer aborts the run: the second test
// plants one (the capacity check of the sample's copy loosened by 8 entities) and sees the sanitizer catch it.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SHIMS, buildSanitized, corpusBytes, runDriver } from './sanitized-driver.js';
import { citySnapshots } from './city-snapshots.js';
import { INTERP_PUSH_ANSWERS } from '../../src/sidecar/interp-native.js';

const INTERP_C = `${SHIMS}/sidecar/interpolator.c`;
const RECEIVER_C = `${SHIMS}/sidecar/snapshot_receiver.c`;
const DRIVER_C = `${SHIMS}/sidecar/fuzz/interp_fuzz.c`;
const CITY_TICKS = 60;
const ITERATIONS = 2_000;
/** The copy out of a sample: its capacity check is what the planted bug removes. */
const CAP_CHECK = 'ip->out_count > 0 && ip->out_count <= cap && out';
const SANITIZERS = 'address,undefined,float-cast-overflow';

describe('the C interpolator under ASan and UBSan', () => {
  let dir = '';
  let corpus = '';
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'interp-asan-'));
    corpus = join(dir, 'corpus.bin');
    writeFileSync(corpus, corpusBytes(citySnapshots(CITY_TICKS)));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it(`takes ${ITERATIONS} random runs of pushes and samples without a sanitizer report, every answer known`, () => {
    const exe = join(dir, 'interp-fuzz');
    buildSanitized(exe, SANITIZERS, [DRIVER_C, INTERP_C, RECEIVER_C]);
    const r = runDriver(exe, corpus, ITERATIONS);
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
    buildSanitized(exe, SANITIZERS, [DRIVER_C, planted, RECEIVER_C]);
    const r = runDriver(exe, corpus, 200);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/AddressSanitizer: heap-buffer-overflow/);
  });
});
