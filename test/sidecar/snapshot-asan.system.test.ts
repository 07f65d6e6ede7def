// The C snapshot receiver under AddressSanitizer and UndefinedBehaviorSanitizer: its fuzz driver
// (native-shims/sidecar/fuzz/snapshot_fuzz.c) is built with gcc -fsanitize=address,undefined and
// fed the city's snapshots with one record mutated per iteration, each payload in a buffer of
// exactly its length. A read one byte past a payload aborts the run: the second test plants such
// a read (the bit reader's length check taken out) and sees the sanitizer catch it.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SHIMS, buildSanitized, corpusBytes, runDriver } from './sanitized-driver.js';
import { citySnapshots, type CitySnapshot } from './city-snapshots.js';
import { SnapshotEncoder, emptyState, FIELD_COUNT, F_YAW, YAW_STEPS } from '../../src/protocol/snapshot-format.js';
import { seededRandom } from '../../src/util/random.js';

const RECEIVER_C = `${SHIMS}/sidecar/snapshot_receiver.c`;
const BIT_READER_H = `${SHIMS}/sidecar/bit_reader.h`;
const DRIVER_C = `${SHIMS}/sidecar/fuzz/snapshot_fuzz.c`;
const CITY_TICKS = 60;
/** Entities of the large snapshots appended to the corpus (states grown past their first size). */
const LARGE_ENTITIES = 3000;
const ITERATIONS = 20_000;
/** The bit reader's refill: its length check is what the planted bug removes. */
const REFILL_CHECK = 'while (r->n <= 56 && r->pos < r->len) {';
const SANITIZERS = 'address,undefined';

/** Two large snapshots after the city's: a full one, then a delta with some moved and some gone. */
function largeSnapshots(firstTick: number): CitySnapshot[] {
  const rnd = seededRandom(7);
  const s = emptyState(LARGE_ENTITIES);
  for (let i = 0; i < LARGE_ENTITIES; i++) {
    s.ids[i] = 10 + i * 3;
    for (let f = 0; f < FIELD_COUNT; f++) s.vals[i * FIELD_COUNT + f] = f === F_YAW ? Math.floor(rnd() * YAW_STEPS) : Math.floor((rnd() - 0.5) * 1e6);
  }
  s.count = LARGE_ENTITIES;
  const enc = new SnapshotEncoder();
  const full = enc.encode(s, null, 0).slice();
  const next = emptyState(LARGE_ENTITIES);
  for (let i = 0; i < LARGE_ENTITIES; i++) {
    if (i % 5 === 0) continue;
    next.ids[next.count] = s.ids[i];
    for (let f = 0; f < FIELD_COUNT; f++) next.vals[next.count * FIELD_COUNT + f] = s.vals[i * FIELD_COUNT + f] + (f === F_YAW ? 0 : i % 3);
    next.count++;
  }
  const delta = enc.encode(next, s, 25).slice();
  return [
    { tick: firstTick, baseTick: 0, count: s.count, data: full },
    { tick: firstTick + 1, baseTick: firstTick, count: next.count, data: delta },
  ];
}

describe('the C snapshot receiver under ASan and UBSan', () => {
  let dir = '';
  let corpus = '';
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'snap-asan-'));
    corpus = join(dir, 'corpus.bin');
    writeFileSync(corpus, corpusBytes([...citySnapshots(CITY_TICKS), ...largeSnapshots(CITY_TICKS + 1)]));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it(`takes ${ITERATIONS} mutated snapshot sequences without a sanitizer report, each answer a known code`, () => {
    const exe = join(dir, 'snapshot-fuzz');
    buildSanitized(exe, SANITIZERS, [DRIVER_C, RECEIVER_C]);
    const r = runDriver(exe, corpus, ITERATIONS);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const m = /^ok (\d+) rejected (\d+)$/m.exec(r.stdout);
    expect(m).not.toBeNull();
    const [ok, rejected] = [Number(m![1]), Number(m![2])];
    expect(ok + rejected).toBe(ITERATIONS);
    // both ways were taken, and the rejects were of many kinds
    expect(Math.min(ok, rejected)).toBeGreaterThan(ITERATIONS / 50);
    const kinds = [...r.stdout.matchAll(/^code \d+ (\d+)$/gm)].filter((c) => Number(c[1]) > 0).length;
    expect(kinds).toBeGreaterThanOrEqual(6);
  });

  it('catches a planted read past the payload (the sanitizer is really on)', () => {
    const src = readFileSync(BIT_READER_H, 'utf8');
    expect(src).toContain(REFILL_CHECK);
    // The receiver's copy beside the planted header: a quoted include is looked for beside its file first.
    writeFileSync(join(dir, 'bit_reader.h'), src.replace(REFILL_CHECK, 'while (r->n <= 56) {'));
    const planted = join(dir, 'snapshot_receiver.c');
    writeFileSync(planted, readFileSync(RECEIVER_C, 'utf8'));
    const exe = join(dir, 'snapshot-fuzz-planted');
    buildSanitized(exe, SANITIZERS, [DRIVER_C, planted]);
    const r = runDriver(exe, corpus, 200);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/AddressSanitizer: heap-buffer-overflow/);
  });
});
