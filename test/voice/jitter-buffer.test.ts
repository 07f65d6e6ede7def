import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { VoiceJitterBuffer } from '../../src/voice/jitter-buffer.js';
import {
  JITTER_INITIAL_DELAY_MS,
  JITTER_LATE_DROP_MS,
  JITTER_MAX_DELAY_MS,
  JITTER_MIN_DELAY_MS,
  VOICE_FRAME_MS,
  VOICE_FRAME_SAMPLES,
} from '../../src/voice/constants.js';
import { seqDiff, tsDiff } from '../../src/voice/seq.js';
import { simulate, steady, type SimPacket } from './jitter-sim.js';
import { seededRandom } from '../../src/util/random.js';

const audioKs = (r: ReturnType<typeof simulate>) => r.played.filter((p) => p.k !== null).map((p) => p.k!);

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

describe('seq arithmetic', () => {
  it('is wrap-safe at the u16 and u32 boundaries', () => {
    expect(seqDiff(0, 65535)).toBe(1);
    expect(seqDiff(65535, 0)).toBe(-1);
    expect(seqDiff(10, 65530)).toBe(16);
    expect(tsDiff(5, 0xfffffffb)).toBe(10);
    expect(tsDiff(0xfffffffb, 5)).toBe(-10);
  });
});

describe('VoiceJitterBuffer', () => {
  it('plays a steady stream completely, in order, at the initial delay', () => {
    const r = simulate(steady(100), 0, 2_500);
    expect(audioKs(r)).toEqual(range(100));
    expect(r.jb.targetDelayMs).toBe(JITTER_INITIAL_DELAY_MS);
    expect(
      r.played
        .filter((p) => p.frame.kind === 'audio')
        .every((p) => p.frame.kind === 'audio' && p.frame.delayMs >= JITTER_INITIAL_DELAY_MS && p.frame.delayMs < JITTER_INITIAL_DELAY_MS + VOICE_FRAME_MS),
    ).toBe(true);
  });

  it('reorders swapped packets', () => {
    const pk = steady(60);
    for (let k = 0; k + 1 < 60; k += 4) {
      pk[k]!.arrivalMs += 25;
    } // arrives after its successor
    const r = simulate(pk, 0, 2_000);
    expect(audioKs(r).length).toBeGreaterThan(55);
    expect(audioKs(r)).toEqual([...audioKs(r)].sort((a, b) => a - b));
  });

  it('handles seq and timestamp wrap-around', () => {
    const r = simulate(steady(100, { seq0: 65_500, ts0: 0xffffffff - 20 * VOICE_FRAME_SAMPLES }), 0, 2_500);
    expect(audioKs(r)).toEqual(range(100));
  });

  it('counts duplicates and plays each frame once', () => {
    const pk = steady(50);
    const dups = pk.filter((p) => p.k % 5 === 0).map((p) => ({ ...p, arrivalMs: p.arrivalMs + 3 }));
    const late = pk.filter((p) => p.k % 7 === 0).map((p) => ({ ...p, arrivalMs: p.arrivalMs + 100 }));
    const r = simulate([...pk, ...dups, ...late], 0, 1_500);
    expect(audioKs(r)).toEqual(range(50));
    expect(r.jb.drops.duplicate + r.jb.drops.late).toBe(dups.length + late.length);
  });

  it('drops a packet more than 200 ms late and conceals its slot', () => {
    const pk = steady(60);
    pk[30]!.arrivalMs += JITTER_LATE_DROP_MS + 50;
    const r = simulate(pk, 0, 2_000);
    expect(audioKs(r)).not.toContain(30);
    expect(r.jb.drops.late).toBe(1);
    expect(r.played.some((p) => p.frame.kind === 'lost')).toBe(true);
  });

  it('drops a seq far outside the window and malformed packets, and keeps playing', () => {
    const jb = new VoiceJitterBuffer();
    const pay = new Uint8Array([1, 2, 3]);
    expect(jb.push({ seq: 10, timestamp: 0, payload: pay }, 0)).toBe(true);
    expect(jb.push({ seq: 10 + 500, timestamp: 960, payload: pay }, 1)).toBe(false);
    expect(jb.push({ seq: -1, timestamp: 960, payload: pay }, 1)).toBe(false);
    expect(jb.push({ seq: 11, timestamp: 960, payload: new Uint8Array(0) }, 1)).toBe(false);
    expect(jb.push({ seq: 11, timestamp: 2 ** 32, payload: pay }, 1)).toBe(false);
    expect(jb.push({ seq: 11, timestamp: 960, payload: new Uint8Array(5000) }, 1)).toBe(false);
    expect(jb.drops).toMatchObject({ out_of_window: 1, malformed: 4 });
    expect(jb.push({ seq: 11, timestamp: 960, payload: pay }, 20)).toBe(true);
    expect(jb.pull(20)).toBeNull(); // still buffering (initial delay)
    expect(jb.pull(40)?.kind).toBe('audio');
    expect(jb.pull(60)?.kind).toBe('audio');
  });

  it('a lost packet is reported lost with the next packet as FEC source', () => {
    const pk = steady(20).filter((p) => p.k !== 10);
    const r = simulate(pk, 0, 800);
    const lost = r.played.find((p) => p.frame.kind === 'lost')!;
    expect(lost.frame.kind === 'lost' && lost.frame.fec).toBeTruthy();
    expect(audioKs(r)).toEqual(range(20).filter((k) => k !== 10));
  });

  it('DTX: frames the sender did not send play as silence, not loss', () => {
    // frame 20 is a DTX packet, 21..39 are not sent and consume no seq
    const pk = steady(60)
      .filter((p) => p.k <= 20 || p.k >= 40)
      .map((p) => (p.k >= 40 ? { ...p, seq: p.seq - 19 } : p.k === 20 ? { ...p, dtx: true } : p));
    const r = simulate(pk, 0, 1_500);
    expect(audioKs(r)).toEqual(range(60).filter((k) => k <= 20 || k >= 40));
    const lastAudio = r.played.map((p) => p.frame.kind).lastIndexOf('audio');
    expect(r.played.slice(0, lastAudio).filter((p) => p.frame.kind === 'lost')).toEqual([]); // only the final stop conceals
    expect(r.jb.played.dtx).toBeGreaterThan(0);
  });

  it('a talker who stops and starts again (same seq run, and a new stream after a long pause)', () => {
    const a = steady(40);
    const b = steady(40, { seq0: 40 }).map((p) => ({
      ...p,
      k: p.k + 100,
      timestamp: (p.timestamp + 150 * VOICE_FRAME_SAMPLES) >>> 0,
      sendMs: p.sendMs + 3_000,
      arrivalMs: p.arrivalMs + 3_000,
    }));
    const c = steady(40, { seq0: 30_000, ts0: 123_456 }).map((p) => ({ ...p, k: p.k + 200, sendMs: p.sendMs + 7_000, arrivalMs: p.arrivalMs + 7_000 }));
    const r = simulate([...a, ...b, ...c], 0, 9_000);
    expect(audioKs(r)).toEqual([...range(40), ...range(40).map((k) => k + 100), ...range(40).map((k) => k + 200)]);
    expect(r.jb.played.talkspurts).toBe(3);
    expect(r.jb.state).toBe('idle');
  });

  it('adapts its delay to jitter, within bounds', () => {
    const rnd = seededRandom(3);
    const pk = steady(500).map((p) => ({ ...p, arrivalMs: p.arrivalMs + rnd() * 80 }));
    const r = simulate(pk, 0, 11_000);
    expect(r.jb.jitterMs).toBeGreaterThan(10);
    expect(r.jb.targetDelayMs).toBeGreaterThan(JITTER_MIN_DELAY_MS);
    expect(r.jb.targetDelayMs).toBeLessThanOrEqual(JITTER_MAX_DELAY_MS);
    expect(r.jb.played.stretched).toBeGreaterThan(0);
  });
});

// ---- properties on a simulated clock ----

interface Scenario {
  n: number;
  seq0: number;
  ts0: number;
  baseTransit: number;
  jitter: number;
  lossPct: number;
  dupPct: number;
  dtxRuns: Array<[number, number]>;
  pauseAt: number;
  pauseMs: number;
  phase: number;
  seed: number;
}

const scenario = fc.record({
  n: fc.integer({ min: 20, max: 300 }),
  seq0: fc.integer({ min: 0, max: 0xffff }),
  ts0: fc.integer({ min: 0, max: 0xffffffff }),
  baseTransit: fc.integer({ min: 1, max: 100 }),
  jitter: fc.integer({ min: 0, max: 400 }),
  lossPct: fc.integer({ min: 0, max: 30 }),
  dupPct: fc.integer({ min: 0, max: 20 }),
  dtxRuns: fc.array(fc.tuple(fc.integer({ min: 0, max: 300 }), fc.integer({ min: 1, max: 40 })), { maxLength: 3 }),
  pauseAt: fc.integer({ min: 0, max: 300 }),
  pauseMs: fc.oneof(
    fc.constant(0),
    fc.integer({ min: 0, max: 150 }).map((f) => f * VOICE_FRAME_MS),
  ),
  phase: fc.integer({ min: 0, max: 19 }),
  seed: fc.integer({ min: 1, max: 0x7fffffff }),
});

function build(s: Scenario): SimPacket[] {
  const out: SimPacket[] = [];
  let seq = s.seq0;
  const rnd = seededRandom(s.seed);
  for (let k = 0; k < s.n; k++) {
    const dtx = s.dtxRuns.some(([a]) => k === a);
    if (!dtx && s.dtxRuns.some(([a, len]) => k > a && k < a + len)) continue; // DTX: not sent, no seq
    const pause = k >= s.pauseAt ? s.pauseMs : 0;
    const sendMs = k * VOICE_FRAME_MS + pause;
    const timestamp = (s.ts0 + (sendMs / VOICE_FRAME_MS) * VOICE_FRAME_SAMPLES) >>> 0;
    const p = { k, seq, timestamp, sendMs, arrivalMs: sendMs + s.baseTransit + rnd() * s.jitter, dtx };
    seq = (seq + 1) & 0xffff;
    if (rnd() * 100 < s.lossPct) continue;
    out.push(p);
    if (rnd() * 100 < s.dupPct) out.push({ ...p, arrivalMs: p.arrivalMs + rnd() * 300 });
  }
  return out;
}

describe('VoiceJitterBuffer properties (fast-check, simulated clock)', () => {
  it('no frame twice, seq order, nothing over 200 ms late, delay within bounds', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const pk = build(s);
        const end = s.n * VOICE_FRAME_MS + s.pauseMs + 2_000;
        const r = simulate(pk, s.phase, end);
        const ks = audioKs(r);
        // no frame played twice, and in sender order
        expect(new Set(ks).size).toBe(ks.length);
        for (let i = 1; i < ks.length; i++) expect(ks[i]!).toBeGreaterThan(ks[i - 1]!);
        r.played.forEach((p, i) => {
          if (p.frame.kind !== 'audio') return;
          const pkt = r.spurts[r.spurtOfPlayed[i]!]!.accepted.find((a) => a.k === p.k)!;
          // nothing played that arrived more than 200 ms after the fastest transit seen before it
          const before = r.spurts[r.spurtOfPlayed[i]!]!.accepted.filter((a) => a.arrivalMs <= pkt.arrivalMs);
          const minTransit = Math.min(...before.map((a) => a.arrivalMs - a.sendMs));
          expect(pkt.arrivalMs - pkt.sendMs - minTransit).toBeLessThanOrEqual(JITTER_LATE_DROP_MS + 1e-9);
          expect(p.atMs).toBeGreaterThanOrEqual(pkt.arrivalMs);
          // playout delay within its stated bounds
          expect(p.frame.delayMs).toBeGreaterThanOrEqual(JITTER_MIN_DELAY_MS - 1e-9);
          expect(p.frame.delayMs).toBeLessThan(JITTER_MAX_DELAY_MS + VOICE_FRAME_MS);
        });
        // with a clean network everything sent is played
        if (s.lossPct === 0 && s.jitter === 0) expect(ks.length).toBe(new Set(pk.map((p) => p.k)).size);
      }),
      { numRuns: 300, seed: 20_261_125 },
    );
  });
});
