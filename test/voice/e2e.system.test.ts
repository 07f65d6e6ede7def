// End to end with real processes: coop-server, two sidecars, two headless games on loopback.
// A holds push-to-talk and streams espeak-ng speech as its microphone; B's game records what
// B's sidecar plays. Then an admin mutes A; then A talks with voice activation.
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { proc, type Proc } from '../helpers/proc.js';
import { listeningPort, testServerArgs } from '../helpers/coop-server.js';
import { makeSpeech, writeSpeechWav } from './fixtures/speech.js';
import { readWav } from '../../src/voice/wav.js';
import { align, windowedCorrelation } from './fixtures/quality.js';
import { VOICE_SAMPLE_RATE_HZ } from '../../src/voice/constants.js';
import type { VoiceTraceEvent } from '../../src/voice/voice-chat.js';

/** B's output must correlate with A's speech at least this much (median over 0.5 s windows). */
const MIN_CORRELATION = 0.5;
const PTT_AT_MS = 2_500; // after the sidecar attaches: time to join the server
const dir = mkdtempSync(join(tmpdir(), 'coop-voice-e2e-'));
const procs: Proc[] = [];
afterAll(async () => {
  for (const p of procs.reverse()) await p.stop();
});

function scenario(name: string, steps: unknown[]): string {
  const p = join(dir, `${name}.json`);
  writeFileSync(p, JSON.stringify({ name, steps }));
  return p;
}

async function player(tag: string, server: string, steps: unknown[]): Promise<{ sim: Proc; sidecar: Proc; peerId: number }> {
  const session = `v${process.pid}${tag}`;
  const sim = proc(['src/sim/main.ts', '--bridge', session, '--scenario', scenario(tag, steps), '--quiet-frames'], { name: `game-${tag}` });
  procs.push(sim);
  await sim.jsonLine((l) => l.event === 'open');
  const sidecar = proc(
    [
      'src/sidecar/main.ts',
      '--server',
      server,
      '--bridge',
      session,
      '--name',
      tag,
      '--data-dir',
      join(dir, `id-${tag}`),
      '--log-level',
      'warn',
      '--voice-trace',
      join(dir, `trace-${tag}.jsonl`),
    ],
    { name: `sidecar-${tag}` },
  );
  procs.push(sidecar);
  const m = await sidecar.line(/joined as peer (\d+)/).catch((err: Error) => {
    throw new Error(`${err.message}\n--- game ${tag}:\n${sim.lines.slice(-10).join('\n')}`);
  });
  return { sim, sidecar, peerId: Number(m[1]) };
}

const readTrace = (p: string) =>
  readFileSync(p, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as VoiceTraceEvent);
/** Mouth-to-ear per frame: A's sidecar sent seq at t, B's sidecar played A's seq at t'. */
function mouthToEar(sent: VoiceTraceEvent[], played: VoiceTraceEvent[]): number[] {
  const at = new Map(sent.map((e) => [e.seq, e.atMs]));
  return played
    .filter((e) => at.has(e.seq))
    .map((e) => e.atMs - at.get(e.seq)!)
    .sort((x, y) => x - y);
}
const pct = (xs: number[], q: number) => (xs.length ? xs[Math.min(xs.length - 1, Math.floor(q * xs.length))]! : NaN);

const simTime = (l: Record<string, unknown>) => Number(l.t);
const isIcon = (type: string, peerId: number) => (l: Record<string, unknown>) =>
  l.dir === 'in' && l.type === type && (l.msg as { peerId?: number }).peerId === peerId;

describe('voice end to end (server + 2 sidecars + 2 headless games)', () => {
  it('B hears A while A holds push-to-talk; the mic icon follows the key; muted A is not heard; VOX sends speech only', async () => {
    const speech = makeSpeech({
      sentences: ['Meet me at the corner of the market.', 'Watch the left flank, two guards on the balcony.'],
      gapMs: 800,
      leadMs: 300,
    });
    const micWav = join(dir, 'a-mic.wav');
    writeSpeechWav(micWav, speech);
    const speechMs = Math.ceil((speech.samples.length / VOICE_SAMPLE_RATE_HZ) * 1000);
    const outB = join(dir, 'b-out.wav');

    const server = proc(testServerArgs({ dataDir: join(dir, 'server'), console: true }), { name: 'server', stdin: true });
    procs.push(server);
    const addr = `127.0.0.1:${await listeningPort(server)}`;

    // B stands 5 m from A and records what it hears.
    const b = await player('B', addr, [
      {
        at: 0,
        do: 'walk',
        path: [
          [5, 0, 0],
          [5, 0.1, 0],
        ],
        speedMps: 0.001,
        hz: 10,
      }, // stands still, reporting like a game
      { at: 0, do: 'recordVoice', wav: outB },
    ]);
    // A: push-to-talk over the speech; later (after the mute) again; later VOX on, unmuted.
    const second = PTT_AT_MS + speechMs + 3_000;
    const vox = second + speechMs + 3_000;
    const a = await player('A', addr, [
      {
        at: 0,
        do: 'walk',
        path: [
          [0, 0, 0],
          [0, 0.1, 0],
        ],
        speedMps: 0.001,
        hz: 10,
      },
      { at: PTT_AT_MS, do: 'mic', wav: micWav },
      { at: PTT_AT_MS, do: 'ptt', holdMs: speechMs },
      { at: second, do: 'mic', wav: micWav },
      { at: second, do: 'ptt', holdMs: speechMs },
      { at: vox, do: 'settings', pttKey: 'V', voiceActivation: true },
      { at: vox, do: 'mic', wav: micWav },
    ]);

    // 1. push-to-talk: the icon shows while held, B hears A.
    const up1 = await a.sim.jsonLine((l) => l.dir === 'out' && l.type === 'PushToTalkUp');
    await a.sim.jsonLine(isIcon('MicIconHide', a.peerId));
    server.write(`mute ${a.peerId} 600`);
    await server.line(/muted peer/);
    // Wall clock, as the voice traces stamp frames: on a loaded machine the mute can land after
    // A's second talkspurt began, so only frames sent inside the mute are required to be dropped.
    const wallNow = () => performance.timeOrigin + performance.now();
    const mutedAtMs = wallNow();
    // 2. muted: A talks again, nothing reaches B.
    const up2 = await a.sim.jsonLine((l) => l.dir === 'out' && l.type === 'PushToTalkUp' && simTime(l) > simTime(up1));
    // The icon goes off when A's sidecar has sent its last frame: unmuting before that (a loaded
    // machine can be late) would let the talkspurt's tail through.
    await a.sim.jsonLine((l) => isIcon('MicIconHide', a.peerId)(l) && simTime(l) >= simTime(up2));
    const unmutedAtMs = wallNow();
    server.write(`unmute ${a.peerId}`);
    await server.line(/no longer muted|unmuted/);
    // 3. VOX: wait for the speech to play through, then stop everything.
    const voxOn = await a.sim.jsonLine((l) => l.dir === 'out' && l.type === 'SettingsChanged');
    await a.sim.jsonLine((l) => l.event === 'micStarted' && simTime(l) >= simTime(voxOn));
    await new Promise((r) => setTimeout(r, speechMs + 1_500));
    await a.sidecar.stop();
    await b.sidecar.stop();
    await b.sim.stop();
    await a.sim.stop();
    await b.sim.jsonLine((l) => l.event === 'voiceRecorded');

    // --- the mic icon reached A's game exactly while push-to-talk was held (twice: muted or not)
    const pttAndIcons = a.sim.json.filter(
      (l) => (l.dir === 'out' && String(l.type).startsWith('PushToTalk')) || isIcon('MicIconShow', a.peerId)(l) || isIcon('MicIconHide', a.peerId)(l),
    );
    const beforeVox = pttAndIcons.filter((l) => simTime(l) < simTime(voxOn)).map((l) => l.type);
    expect(beforeVox).toEqual(['PushToTalkDown', 'MicIconShow', 'PushToTalkUp', 'MicIconHide', 'PushToTalkDown', 'MicIconShow', 'PushToTalkUp', 'MicIconHide']);

    // --- B's recording: A's speech where A's first talkspurt landed, silence where the muted one would
    const out = readWav(outB).samples;
    const al = align(speech.samples, out, 0, out.length - 1);
    const win = windowedCorrelation(speech.samples, out, al.lagSamples, VOICE_SAMPLE_RATE_HZ / 2, VOICE_SAMPLE_RATE_HZ / 10);
    const sent = readTrace(join(dir, 'trace-A.jsonl')).filter((e) => e.ev === 'sent');
    const played = readTrace(join(dir, 'trace-B.jsonl')).filter((e) => e.ev === 'played' && e.from === a.peerId);
    const delays = mouthToEar(sent, played);
    console.log(
      `B heard A: correlation ${al.correlation.toFixed(3)} (windowed median ${win.toFixed(3)}), at ${(al.lagSamples / 48).toFixed(0)} ms of B's recording; mouth-to-ear p50 ${pct(delays, 0.5).toFixed(1)} ms, p95 ${pct(delays, 0.95).toFixed(1)} ms over ${delays.length} frames`,
    );
    expect(win).toBeGreaterThan(MIN_CORRELATION);
    // A's three talkspurts, as A's sidecar sent them (runs of frames split by > 1.5 s gaps)
    const runs: number[][] = [];
    sent.forEach((e, i) => {
      if (i === 0 || e.atMs - sent[i - 1]!.atMs > 1_500) runs.push([]);
      runs[runs.length - 1]!.push(e.seq);
    });
    expect(runs.length).toBe(3);
    const heard = new Set(played.map((e) => e.seq));
    const share = (run: number[]) => run.filter((q) => heard.has(q)).length / run.length;
    console.log(
      `share of A's frames played by B: push-to-talk ${share(runs[0]!).toFixed(2)}, muted ${share(runs[1]!).toFixed(2)}, VOX ${share(runs[2]!).toFixed(2)}`,
    );
    expect(share(runs[0]!)).toBeGreaterThan(0.8);
    // muted: B receives nothing A sent while the mute held (and the mute covered most of the spurt)
    const sentAt = new Map(sent.map((e) => [e.seq, e.atMs]));
    // A frame sent just before the unmute can reach the server after it (a loaded machine delays
    // it by tens of ms): only frames sent UNMUTE_TRANSIT_MARGIN_MS before the unmute must be dropped.
    const UNMUTE_TRANSIT_MARGIN_MS = 250;
    const inMute = runs[1]!.filter((q) => sentAt.get(q)! > mutedAtMs && sentAt.get(q)! < unmutedAtMs - UNMUTE_TRANSIT_MARGIN_MS);
    expect(inMute.length / runs[1]!.length).toBeGreaterThan(0.8);
    expect(share(inMute)).toBe(0);
    expect(share(runs[2]!)).toBeGreaterThan(0.8);

    // --- VOX: A's icon (= A transmitting) came on during speech and never in the long silences
    const micVox = simTime(await a.sim.jsonLine((l) => l.event === 'micStarted' && simTime(l) >= simTime(voxOn)));
    const shows = a.sim.json.filter((l) => isIcon('MicIconShow', a.peerId)(l) && simTime(l) >= micVox).map((l) => simTime(l) - micVox);
    const hides = a.sim.json.filter((l) => isIcon('MicIconHide', a.peerId)(l) && simTime(l) >= micVox).map((l) => simTime(l) - micVox);
    const seg = speech.speech.map(([s, e]) => [(s / VOICE_SAMPLE_RATE_HZ) * 1000, (e / VOICE_SAMPLE_RATE_HZ) * 1000] as const);
    console.log(
      `VOX icon on at ${shows.map((x) => x.toFixed(0)).join(', ')} ms, off at ${hides.map((x) => x.toFixed(0)).join(', ')} ms; speech ${seg.map(([s, e]) => `${s.toFixed(0)}–${e.toFixed(0)}`).join(', ')} ms`,
    );
    expect(shows.length).toBeGreaterThanOrEqual(seg.length);
    const TOL_MS = 250;
    for (const t of shows) expect(seg.some(([s, e]) => t >= s - TOL_MS && t <= e + TOL_MS)).toBe(true);
    for (const t of hides) expect(seg.some(([, e]) => t >= e - TOL_MS && t <= e + 300 + 2 * TOL_MS) || t > seg[seg.length - 1]![1]).toBe(true);
  }, 120_000);
});
