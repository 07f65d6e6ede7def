// The C voice receiver under AddressSanitizer and UndefinedBehaviorSanitizer: its fuzz driver
// (native-shims/sidecar/fuzz/voice_rx_fuzz.c) takes real Opus packets (src/voice/encoder.ts over
// speech-like frames, DTX pauses included) intact, bit-flipped, truncated, extended or replaced by
// noise, in buffers of exactly their length, from more talkers than the receiver holds, with
// hostile seqs, timestamps, attenuations, times and volumes. Then the same driver, built with
// malloc/calloc wrapped, shows that once two talkers' streams exist no frame allocates.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SHIMS, buildCountingAllocs, buildSanitized, runBuilt } from './sanitized-driver.js';
import { VoiceEncoder } from '../../src/voice/encoder.js';
import { VOICE_FRAME_SAMPLES } from '../../src/voice/constants.js';

const VOICE_RX_C = `${SHIMS}/sidecar/voice_rx.c`;
/** The receiver's other sources: each talker's jitter buffer (where the planted bug goes) and libopus's loader. */
const JITTER_C = `${SHIMS}/sidecar/jitter_buffer.c`;
const OPUS_C = `${SHIMS}/sidecar/opus_loader.c`;
const DRIVER_C = `${SHIMS}/sidecar/fuzz/voice_rx_fuzz.c`;
const ITERATIONS = 300;
const CORPUS_FRAMES = 300;
const ALLOC_FRAMES = 3000;
/** The copy of a packet into its slot: the planted bug reads one byte past the caller's buffer. */
const COPY = 'memcpy(slot->payload, payload, len);';
const SANITIZERS = 'address,undefined,float-cast-overflow';

/** (u32 len, bytes) records of real Opus packets: 6 s of a syllable-like tone, pauses every second. */
function corpus(): Buffer {
  const enc = new VoiceEncoder();
  const parts: Buffer[] = [];
  let phase = 0;
  for (let f = 0; f < CORPUS_FRAMES; f++) {
    const pcm = new Int16Array(VOICE_FRAME_SAMPLES);
    const on = f % 50 < 35;
    for (let i = 0; i < pcm.length; i++) {
      phase += (2 * Math.PI * 170) / 48_000;
      pcm[i] = on ? Math.round(12_000 * Math.sin(phase) * (0.5 + 0.5 * Math.sin(phase / 37))) : 0;
    }
    const bytes = enc.encodeFrame(pcm);
    const head = Buffer.alloc(4);
    head.writeUInt32LE(bytes.length, 0);
    parts.push(head, Buffer.from(bytes));
  }
  enc.close();
  return Buffer.concat(parts);
}

describe('the C voice receiver under ASan and UBSan', () => {
  let dir = '';
  let corpusPath = '';
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'voice-rx-asan-'));
    corpusPath = join(dir, 'corpus.bin');
    writeFileSync(corpusPath, corpus());
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it(`takes ${ITERATIONS} random runs of hostile packets, times and calls without a sanitizer report`, () => {
    const exe = join(dir, 'voice-rx-fuzz');
    buildSanitized(exe, SANITIZERS, [DRIVER_C, VOICE_RX_C, JITTER_C, OPUS_C, '-lm']);
    const r = runBuilt(exe, [corpusPath, String(ITERATIONS), '1']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const m = /^packets (\d+) frames (\d+)$/m.exec(r.stdout);
    expect(m).not.toBeNull();
    expect(Number(m![1])).toBeGreaterThan(ITERATIONS * 100);
    expect(Number(m![2])).toBeGreaterThan(ITERATIONS * 10); // frames were played, not only refused
  });

  it("catches a planted read past a packet's bytes (the driver's buffers are exactly their length)", () => {
    const src = readFileSync(JITTER_C, 'utf8');
    expect(src.split(COPY).length).toBe(2);
    const planted = join(dir, 'jitter_buffer_planted.c');
    writeFileSync(planted, src.replace(COPY, 'memcpy(slot->payload, payload, len + (len < 1275));'));
    const exe = join(dir, 'voice-rx-planted');
    buildSanitized(exe, SANITIZERS, [DRIVER_C, VOICE_RX_C, planted, OPUS_C, '-lm']);
    const r = runBuilt(exe, [corpusPath, '20', '1']);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/AddressSanitizer: heap-buffer-overflow/);
  });

  it(`allocates nothing per frame once two talkers' streams exist (${ALLOC_FRAMES} frames)`, () => {
    const exe = join(dir, 'voice-rx-alloc');
    buildCountingAllocs(exe, ['malloc', 'calloc'], [DRIVER_C, VOICE_RX_C, JITTER_C, OPUS_C, '-DCOUNT_ALLOC', '-lm']);
    const r = runBuilt(exe, [corpusPath, 'alloc', String(ALLOC_FRAMES)]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const m = /^first (\d+) allocations (\d+) frames (\d+)$/m.exec(r.stdout);
    expect(m).not.toBeNull();
    expect(Number(m![1])).toBe(3); // the wrap counts: the receiver and the two streams
    expect(Number(m![2])).toBe(0);
    expect(Number(m![3])).toBeGreaterThan(ALLOC_FRAMES - 10);
  });
});
