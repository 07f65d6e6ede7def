// The game's proxies in C under AddressSanitizer and UndefinedBehaviorSanitizer: the fuzz driver
// (native-shims/sidecar/fuzz/proxies_fuzz.c) is built with proxies.c, proxy_frames.c and the
// shim's region and frame code, and drives random known/forget/frame sequences (names of any
// length and bytes in buffers of exactly their size, hostile ids and values, a game that stops
// reading) while checking every frame the game reads against the manifest's layouts. A second driver
// (proxies_alloc.c, the allocator wrapped) counts allocations after the first frame: none. The
// last test plants a copy one byte short of a name and sees the sanitizer catch it.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SHIMS, SHIM_REGION_C, buildCountingAllocs, buildSanitized, runBuilt } from './sanitized-driver.js';

const PROXIES_C = `${SHIMS}/sidecar/proxies.c`;
/** The proxies' frames: encoders, the ring write and the spawn/despawn queue. */
const FRAMES_C = `${SHIMS}/sidecar/proxy_frames.c`;
const DRIVER_C = `${SHIMS}/sidecar/fuzz/proxies_fuzz.c`;
const ITERATIONS = 200;
const ALLOC_C = `${SHIMS}/sidecar/fuzz/proxies_alloc.c`;
const ALLOC_ENTITIES = 3000;
const ALLOC_FRAMES = 100;
/** The allocator's entry points the allocation check counts (ld --wrap). */
const WRAPPED = ['malloc', 'calloc', 'realloc'];
const SANITIZERS = 'address,undefined,float-cast-overflow';
/** The copy of a known entity's name: what the planted bug makes one byte short. */
const NAME_ALLOC = 'copy = (uint8_t *)malloc(name_len);';

const build = (out: string, proxiesC: string): void => buildSanitized(out, SANITIZERS, [DRIVER_C, proxiesC, FRAMES_C, ...SHIM_REGION_C, '-lrt', '-lm']);
const run = (exe: string, iterations: number) => runBuilt(exe, [String(iterations), '1']);

describe('the C proxies under ASan and UBSan', () => {
  let dir = '';
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'proxies-asan-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it(`takes ${ITERATIONS} random runs without a sanitizer report, every frame the manifest's`, () => {
    const exe = join(dir, 'proxies-fuzz');
    build(exe, PROXIES_C);
    const r = run(exe, ITERATIONS);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const m = /^spawns (\d+) despawns (\d+) states (\d+) full (\d+) dropped (\d+)$/m.exec(r.stdout);
    expect(m).not.toBeNull();
    const [spawns, despawns, states, full, dropped] = m!.slice(1).map(Number);
    // the runs reached every path: spawns, despawns, states, a full ring, a frame too large for it
    expect(spawns).toBeGreaterThan(0);
    expect(despawns).toBeGreaterThan(0);
    expect(states).toBeGreaterThan(spawns);
    expect(full).toBeGreaterThan(0);
    expect(dropped).toBeGreaterThan(0);
  });

  it(`allocates nothing per frame once every entity has been seen (${ALLOC_ENTITIES} entities, ${ALLOC_FRAMES} frames)`, () => {
    const exe = join(dir, 'proxies-alloc');
    buildCountingAllocs(exe, WRAPPED, [ALLOC_C, PROXIES_C, FRAMES_C, ...SHIM_REGION_C, '-lrt', '-lm']);
    const r = runBuilt(exe, [String(ALLOC_ENTITIES), String(ALLOC_FRAMES)]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const m = /^first (\d+) allocations (\d+) states (\d+)$/m.exec(r.stdout);
    expect(m).not.toBeNull();
    expect(Number(m![1])).toBeGreaterThan(0); // the wrap counts: the first frame grew the buffers
    expect(Number(m![2])).toBe(0);
    expect(Number(m![3])).toBeGreaterThan(ALLOC_ENTITIES * ALLOC_FRAMES * 0.25); // the frames carried states (a third move each frame)
  });

  it('catches a planted copy past a name buffer (the sanitizer is really on)', () => {
    const src = readFileSync(PROXIES_C, 'utf8');
    expect(src).toContain(NAME_ALLOC);
    const planted = join(dir, 'proxies.c');
    writeFileSync(planted, src.replace(NAME_ALLOC, 'copy = (uint8_t *)malloc(name_len - 1);'));
    const exe = join(dir, 'proxies-fuzz-planted');
    build(exe, planted);
    const r = run(exe, 20);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/AddressSanitizer: heap-buffer-overflow/);
  });
});
