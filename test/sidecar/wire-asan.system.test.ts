// The native path's wire functions under AddressSanitizer and UndefinedBehaviorSanitizer: the fuzz
// driver (native-shims/sidecar/fuzz/wire_fuzz.c) is built with gcc -fsanitize=address,undefined
// and fed real datagrams of a TypeScript server (test/sidecar/wire-traffic.ts: snapshots and voice
// among the rest), mutated, each in a
// buffer of exactly its length, with payloads and spans buffers of exactly their capacity. A read
// one byte past a datagram aborts the run: the second test plants one (a varint's end check
// taken out) and sees the sanitizer catch it. wire.c is compiled beside a copy of the generated
// header it includes (a quoted include is looked for beside its file first).
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SHIMS, buildSanitized, corpusBytes, runDriver } from './sanitized-driver.js';
import { mixedTraffic } from './wire-traffic.js';
import { CHANNEL_SNAPSHOT, CHANNEL_VOICE } from '../../src/protocol/constants.js';

const WIRE_C = `${SHIMS}/sidecar/wire.c`;
const FIELDS_H = `${SHIMS}/generated/coop_wire_fields.h`;
const DRIVER_C = `${SHIMS}/sidecar/fuzz/wire_fuzz.c`;
const ROUNDS = 200;
const ITERATIONS = 200_000;
/** get_varint's end check: what the planted bug removes (a varint cut by the end of a datagram
 * is then read on past it). */
const VARINT_END_CHECK = '    if (p >= end) return 0;\n';
const SANITIZERS = 'address,undefined,float-cast-overflow';

describe('the C wire functions under ASan and UBSan', () => {
  let dir = '';
  let corpus = '';
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'wire-asan-'));
    corpus = join(dir, 'corpus.bin');
    const t = mixedTraffic(41, ROUNDS, (d, _from, deliver) => deliver(d));
    // records (snapshot channel, voice channel, datagram)
    writeFileSync(corpus, corpusBytes(t.datagrams.map((data) => ({ tick: CHANNEL_SNAPSHOT, baseTick: CHANNEL_VOICE, count: 0, data }))));
    copyFileSync(FIELDS_H, join(dir, 'coop_wire_fields.h'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it(`takes from ${ITERATIONS} mutated datagrams without a sanitizer report, every answer kept its promise`, () => {
    const source = join(dir, 'wire.c');
    copyFileSync(WIRE_C, source);
    const exe = join(dir, 'wire-fuzz');
    buildSanitized(exe, SANITIZERS, [DRIVER_C, source]);
    const r = runDriver(exe, corpus, ITERATIONS);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const m = /^taken (\d+) untouched (\d+)$/m.exec(r.stdout);
    expect(m).not.toBeNull();
    const [taken, untouched] = [Number(m![1]), Number(m![2])];
    const codes = new Map([...r.stdout.matchAll(/^code (-?\d+) (\d+)$/gm)].map((c) => [Number(c[1]), Number(c[2])]));
    // snapshots were taken, datagrams refused, and every refusal but a bad argument occurred
    expect(taken).toBeGreaterThan(ITERATIONS / 20);
    expect(untouched).toBeGreaterThan(ITERATIONS / 20);
    expect(codes.get(0)).toBeGreaterThan(ITERATIONS / 20);
    for (const code of [-1, -2, -3, -4, -5, -6]) expect(codes.get(code), `code ${code}`).toBeGreaterThan(0);
    // voice was taken and decoded too
    const v = /^voices taken (\d+) decoded (\d+)$/m.exec(r.stdout);
    expect(v).not.toBeNull();
    expect(Number(v![1])).toBeGreaterThan(ITERATIONS / 50);
    expect(Number(v![2])).toBeGreaterThan(0);
  });

  it('catches a planted read past the datagram (the sanitizer is really on)', () => {
    const src = readFileSync(WIRE_C, 'utf8');
    expect(src).toContain(VARINT_END_CHECK);
    const planted = join(dir, 'wire-planted.c');
    writeFileSync(planted, src.replace(VARINT_END_CHECK, '    (void)end;\n'));
    const exe = join(dir, 'wire-fuzz-planted');
    buildSanitized(exe, SANITIZERS, [DRIVER_C, planted]);
    const r = runDriver(exe, corpus, 2000);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/AddressSanitizer: heap-buffer-overflow/);
  });
});
