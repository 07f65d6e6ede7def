// bench:voice — codec cost and loss quality on 60 s of espeak-ng speech (docs/benchmarks.md#benchvoice), and
// mouth-to-ear latency through coop-server and two sidecars on loopback (voice-latency.ts).
// Prints a table, writes bench/results/voice.json. ≥ 3 repetitions, medians, machine info.
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { VoiceEncoder } from '../src/voice/encoder.js';
import { VoiceDecoder } from '../src/voice/decoder.js';
import { makeSpeech } from '../test/voice/fixtures/speech.js';
import { framesOf } from '../src/voice/wav-io.js';
import { align, logSpectralDistance } from '../test/voice/fixtures/quality.js';
import { VOICE_FRAME_MS, VOICE_FRAME_SAMPLES } from '../src/voice/constants.js';
import { loadOpus } from '../src/voice/opus-native.js';
import { writeWav } from '../src/voice/wav.js';
import { seededRandom } from '../src/util/random.js';
import { GAME_HZ, mouthToEarInProcess, mouthToEarProcesses } from './voice-latency.js';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const REPS = 5;
const REPS_LATENCY = 3;
const LOSS = 0.1;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

console.log('making 60 s of speech with espeak-ng …');
const BENCH_SPEECH_S = 60;
const made = makeSpeech({ minSeconds: BENCH_SPEECH_S, gapMs: 400 });
const track = { samples: made.samples.slice(0, BENCH_SPEECH_S * 48_000) };
const frames = [...framesOf(track.samples)];

function encodeRun(opts: ConstructorParameters<typeof VoiceEncoder>[0]): { ms: number; packets: Uint8Array[] } {
  const enc = new VoiceEncoder(opts);
  const t0 = performance.now();
  const packets = frames.map((f) => enc.encodeFrame(f));
  const ms = performance.now() - t0;
  enc.close();
  return { ms, packets };
}

function decodeRun(packets: Uint8Array[], lost: boolean[], mode: 'fec' | 'silence'): { ms: number; pcm: Int16Array } {
  const dec = new VoiceDecoder();
  const out = new Int16Array(packets.length * VOICE_FRAME_SAMPLES);
  const t0 = performance.now();
  packets.forEach((p, i) => {
    const pcm = !lost[i]
      ? dec.decodeFrame(p).pcm
      : mode === 'silence'
        ? new Int16Array(VOICE_FRAME_SAMPLES)
        : dec.decodeFrame(null, lost[i + 1] ? null : (packets[i + 1] ?? null)).pcm;
    out.set(pcm, i * VOICE_FRAME_SAMPLES);
  });
  const ms = performance.now() - t0;
  dec.close();
  return { ms, pcm: out };
}

// baseline in the same run: the bare koffi call cost per frame (a trivial libopus call)
const opus = loadOpus();
function baselineRun(packets: Uint8Array[]): number {
  const t0 = performance.now();
  for (const p of packets) opus.packetGetNbSamples(p, p.length, 48_000);
  return performance.now() - t0;
}

const enc: number[] = [],
  encPlain: number[] = [],
  dec: number[] = [],
  base: number[] = [];
let packets: Uint8Array[] = [];
for (let r = 0; r < REPS; r++) {
  const a = encodeRun({});
  packets = a.packets;
  enc.push(a.ms / frames.length);
  encPlain.push(encodeRun({ fec: false, dtx: false }).ms / frames.length);
  dec.push(
    decodeRun(
      packets,
      packets.map(() => false),
      'fec',
    ).ms / frames.length,
  );
  base.push(baselineRun(packets) / frames.length);
}

const rnd = seededRandom(42);
const lost = packets.map(() => rnd() < LOSS);
const score = (pcm: Int16Array) => logSpectralDistance(track.samples, pcm, align(track.samples, pcm, 0, 2_000).lagSamples);
const lsdClean = score(
  decodeRun(
    packets,
    packets.map(() => false),
    'fec',
  ).pcm,
);
const lsdFec = score(decodeRun(packets, lost, 'fec').pcm);
const lsdSilence = score(decodeRun(packets, lost, 'silence').pcm);

const encodeMs = median(enc);
const results: Record<string, unknown> = {
  encode_ms_per_frame: +encodeMs.toFixed(4),
  decode_ms_per_frame: +median(dec).toFixed(4),
  encode_realtime_fraction: +(encodeMs / VOICE_FRAME_MS).toFixed(5),
  quality_fec_vs_silence_10pct: +(lsdSilence / lsdFec).toFixed(3),
  lsd_db_0pct: +lsdClean.toFixed(3),
  lsd_db_10pct_fec_plc: +lsdFec.toFixed(3),
  lsd_db_10pct_silence: +lsdSilence.toFixed(3),
  encode_vs_plain_opus_ratio: +(encodeMs / median(encPlain)).toFixed(3),
  encode_vs_koffi_call_ratio: +(encodeMs / median(base)).toFixed(1),
  baseline_koffi_call_ms_per_frame: +median(base).toFixed(5),
  mean_packet_bytes: +(packets.reduce((n, p) => n + p.length, 0) / packets.length).toFixed(1),
  speech_seconds: +(track.samples.length / 48_000).toFixed(1),
  repetitions: REPS,
  notes:
    'quality = log-spectral distance (dB, lower is better; quality.ts); quality_fec_vs_silence_10pct = LSD(silence) / LSD(FEC+PLC) on the same seeded 10 % loss pattern, > 1 means FEC+PLC is better',
};

// Mouth-to-ear: 3 talkspurts of 8 s through coop-server + 2 sidecars + 2 headless games.
console.log('mouth-to-ear: coop-server + 2 sidecars + 2 headless games on loopback …');
const spurt = { samples: track.samples.slice(0, 8 * 48_000), speech: [] as Array<[number, number]> };
const runs = await mouthToEarProcesses(spurt, REPS_LATENCY);
const baseDir = mkdtempSync(join(tmpdir(), 'coop-voice-base-'));
writeWav(join(baseDir, 'mic.wav'), 48_000, spurt.samples);
const baseLat = await mouthToEarInProcess(join(baseDir, 'mic.wav'), 8);
const m2e50 = median(runs.map((r) => r.p50)),
  m2e95 = median(runs.map((r) => r.p95));
Object.assign(results, {
  mouth_to_ear_ms_p50: +m2e50.toFixed(1),
  mouth_to_ear_ms_p95: +m2e95.toFixed(1),
  mouth_to_ear_game_transform_hz: GAME_HZ,
  mouth_to_ear_runs: runs.map((r) => ({ p50: +r.p50.toFixed(1), p95: +r.p95.toFixed(1), frames: r.frames })),
  baseline_in_process_ms_p50: +baseLat.p50.toFixed(1),
  baseline_in_process_ms_p95: +baseLat.p95.toFixed(1),
  mouth_to_ear_vs_in_process_p50_ratio: +(m2e50 / baseLat.p50).toFixed(2),
});

const machine = {
  cpu: cpus()[0]?.model ?? 'unknown',
  cores: cpus().length,
  node: process.version,
  libopus: opus.version,
  loadavg_1m_at_end: +loadavg()[0]!.toFixed(2),
};
console.table(
  Object.fromEntries(
    Object.entries(results)
      .filter(([k]) => k !== 'notes')
      .map(([k, v]) => [k, { value: v }]),
  ),
);
console.log(machine);
mkdirSync('bench/results', { recursive: true });
writeFileSync('bench/results/voice.json', JSON.stringify({ area: 'voice', date: new Date().toISOString(), machine, results }, null, 2) + '\n');
console.log('wrote bench/results/voice.json');
