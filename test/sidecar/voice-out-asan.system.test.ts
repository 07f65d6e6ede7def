// The voice frames and lip-sync in C under AddressSanitizer and UndefinedBehaviorSanitizer: the
// fuzz driver (native-shims/sidecar/fuzz/voice_out_fuzz.c) drives coop_visemes against a model of
// VoiceVisemes with hostile peer ids and PCM of any length, and every writer with lengths beyond
// their limits into a small ring a game reads, each frame checked against its layout. The second
// test plants a missing length check and sees the sanitizer catch it.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SHIMS, SHIM_REGION_C, buildSanitized, runBuilt } from './sanitized-driver.js';

const VOICE_OUT_C = `${SHIMS}/sidecar/voice_out.c`;
const DRIVER_C = `${SHIMS}/sidecar/fuzz/voice_out_fuzz.c`;
const ITERATIONS = 300;
const SANITIZERS = 'address,undefined,float-cast-overflow';
/** The playback's length check: what the planted bug removes (a longer frame then overruns the stack buffer). */
const PCM_CHECK = ' || samples > COOP_VOICE_OUT_PCM_MAX_SAMPLES)';

const build = (out: string, source: string): void => buildSanitized(out, SANITIZERS, [DRIVER_C, source, ...SHIM_REGION_C, '-lrt', '-lm']);
const run = (exe: string, iterations: number) => runBuilt(exe, [String(iterations), '1']);

describe('the C voice frames and lip-sync under ASan and UBSan', () => {
  let dir = '';
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'voice-out-asan-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it(`runs ${ITERATIONS} random runs without a sanitizer report, every answer and frame as promised`, () => {
    const exe = join(dir, 'voice-out-fuzz');
    build(exe, VOICE_OUT_C);
    const r = run(exe, ITERATIONS);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const m = /^changes (\d+) written (\d+) full (\d+) refused (\d+)$/m.exec(r.stdout);
    expect(m).not.toBeNull();
    const [changes, written, full, refused] = m!.slice(1).map(Number);
    // every path was reached: changes shown, frames written, a full ring, frames refused
    expect(changes).toBeGreaterThan(ITERATIONS);
    expect(written).toBeGreaterThan(ITERATIONS * 10);
    expect(full).toBeGreaterThan(0);
    expect(refused).toBeGreaterThan(0);
  });

  it('catches a planted overrun of the playback buffer (the sanitizer is really on)', () => {
    const src = readFileSync(VOICE_OUT_C, 'utf8');
    expect(src).toContain(PCM_CHECK);
    const planted = join(dir, 'voice_out.c');
    writeFileSync(planted, src.replace(PCM_CHECK, ')'));
    const exe = join(dir, 'voice-out-fuzz-planted');
    build(exe, planted);
    const r = run(exe, ITERATIONS);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/AddressSanitizer: stack-buffer-overflow/);
  });
});
