// Mouth-to-ear for bench:voice: A's sidecar hands a captured frame to the network ('sent'
// trace) → coop-server → B's sidecar plays it ('played' trace); both stamp wall-clock ms
// (performance.timeOrigin + now, comparable across processes on one machine). Real processes
// on loopback, no added delay. Baseline in the same run: two VoiceChats in this process
// wired back to back (the same capture pacing, jitter buffer and playout clock, no network).
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listeningPort, testServerArgs } from '../test/helpers/coop-server.js';
import { proc, type Proc } from '../test/helpers/proc.js';
import { writeSpeechWav, type SpeechTrack } from '../test/voice/fixtures/speech.js';
import { VoiceChat, type VoiceTraceEvent } from '../src/voice/voice-chat.js';
import { WavFileSource } from '../src/voice/wav-io.js';
import type { AudioSink } from '../src/voice/audio-io.js';

export interface LatencyResult {
  p50: number;
  p95: number;
  frames: number;
}

/** How often the headless games report their transform (the sidecar plays voice on these frames
 * when they come at least every 20 ms): 10 by default, VOICE_BENCH_GAME_HZ=60 as a real game. */
export const GAME_HZ = Number(process.env.VOICE_BENCH_GAME_HZ ?? 10);
const pct = (xs: number[], q: number) => xs[Math.min(xs.length - 1, Math.floor(q * xs.length))]!;

function summarize(sent: VoiceTraceEvent[], played: VoiceTraceEvent[]): LatencyResult {
  const at = new Map(sent.filter((e) => e.ev === 'sent').map((e) => [e.seq, e.atMs]));
  const d = played
    .filter((e) => e.ev === 'played' && at.has(e.seq))
    .map((e) => e.atMs - at.get(e.seq)!)
    .sort((a, b) => a - b);
  return { p50: pct(d, 0.5), p95: pct(d, 0.95), frames: d.length };
}

const readTrace = (p: string) =>
  readFileSync(p, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as VoiceTraceEvent);

/** One run per talkspurt: reps talkspurts of the track through server + 2 sidecars + 2 games. */
export async function mouthToEarProcesses(track: SpeechTrack, reps: number): Promise<LatencyResult[]> {
  const dir = mkdtempSync(join(tmpdir(), 'coop-voice-bench-'));
  const wav = join(dir, 'mic.wav');
  writeSpeechWav(wav, track);
  const ms = Math.ceil((track.samples.length / 48_000) * 1000);
  const procs: Proc[] = [];
  try {
    const server = proc(testServerArgs({ dataDir: join(dir, 'srv') }), { name: 'server' });
    procs.push(server);
    const port = await listeningPort(server);
    const steps = (tag: string): unknown[] => {
      const s: unknown[] = [
        {
          at: 0,
          do: 'walk',
          path:
            tag === 'A'
              ? [
                  [0, 0, 0],
                  [0, 0.1, 0],
                ]
              : [
                  [3, 0, 0],
                  [3, 0.1, 0],
                ],
          speedMps: 0.001,
          hz: GAME_HZ,
        },
      ];
      if (tag === 'A')
        for (let r = 0; r < reps; r++) s.push({ at: 3_000 + r * (ms + 4_000), do: 'mic', wav }, { at: 3_000 + r * (ms + 4_000), do: 'ptt', holdMs: ms });
      return s;
    };
    const start = async (tag: string) => {
      const scen = join(dir, `${tag}.json`);
      writeFileSync(scen, JSON.stringify({ name: tag, steps: steps(tag) }));
      const session = `vb${process.pid}${tag}`;
      const sim = proc(['src/sim/main.ts', '--bridge', session, '--scenario', scen, '--quiet'], { name: `game-${tag}` });
      procs.push(sim);
      await sim.jsonLine((l) => l.event === 'open');
      const sc = proc(
        [
          'src/sidecar/main.ts',
          '--server',
          `127.0.0.1:${port}`,
          '--bridge',
          session,
          '--name',
          tag,
          '--data-dir',
          join(dir, `id${tag}`),
          '--log-level',
          'warn',
          '--voice-trace',
          join(dir, `${tag}.jsonl`),
        ],
        { name: `sidecar-${tag}` },
      );
      procs.push(sc);
      await sc.line(/joined as peer/);
      return { sim, sc };
    };
    const b = await start('B');
    const a = await start('A');
    await new Promise((r) => setTimeout(r, 3_000 + reps * (ms + 4_000) + 1_000));
    await a.sc.stop();
    await b.sc.stop();
    const sent = readTrace(join(dir, 'A.jsonl')).filter((e) => e.ev === 'sent');
    const played = readTrace(join(dir, 'B.jsonl'));
    // split A's frames into talkspurts (gaps > 2.5 s), one result per talkspurt
    const runs: VoiceTraceEvent[][] = [];
    sent.forEach((e, i) => {
      if (i === 0 || e.atMs - sent[i - 1]!.atMs > 2_500) runs.push([]);
      runs[runs.length - 1]!.push(e);
    });
    return runs.map((run) => summarize(run, played));
  } finally {
    for (const p of procs.reverse()) await p.stop();
  }
}

class NullSink implements AudioSink {
  readonly name = 'null';
  write(): void {}
  close(): void {}
}

/** Baseline: the same voice path back to back in one process (no bridge, no network). */
export async function mouthToEarInProcess(wavPath: string, seconds: number): Promise<LatencyResult> {
  const trace: VoiceTraceEvent[] = [];
  let b: VoiceChat | null = null;
  const a = new VoiceChat({
    sink: new NullSink(),
    localPeerId: () => 1,
    micIcon: () => {},
    trace: (e) => trace.push(e),
    sendVoice: (p) => setImmediate(() => b!.onVoice({ ...p, fromPeerId: 1 })),
  });
  b = new VoiceChat({ sink: new NullSink(), localPeerId: () => 2, micIcon: () => {}, trace: (e) => trace.push(e), sendVoice: () => {} });
  b.start();
  const mic = new WavFileSource(wavPath);
  a.onPushToTalk(true);
  mic.start((pcm) => a.onPcmFrame(pcm));
  await new Promise((r) => setTimeout(r, seconds * 1000));
  mic.stop();
  a.close();
  b.close();
  return summarize(
    trace.filter((e) => e.ev === 'sent'),
    trace.filter((e) => e.ev === 'played'),
  );
}
