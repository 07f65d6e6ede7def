// A mixed session, as on a server where one friend plays on Windows (or Proton) and one on
// Linux: a Linux coop-server; player B = the Linux headless game (coop-sim) + Linux sidecar;
// player A = the C test game under wine, which launches the Windows sidecar (node.exe + the
// bundle, koffi's win32 binary, opus.dll) through coop_launch_logged, as the plugin will. A
// holds push-to-talk and streams speech as its microphone frames; B records what it plays.
// A's sidecar is given --mic-device, which Windows cannot honour: it must say so and go on.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CODECS, FrameReader, MESSAGE_IDS, type MessageMap, type MessageName } from '../../bridge/index.js';
import { winSidecarLaunchArgs } from '../helpers/win-sidecar-launch.js';
import { VOICE_FRAME_SAMPLES, VOICE_SAMPLE_RATE_HZ } from '../../src/voice/constants.js';
import { align, windowedCorrelation } from '../voice/fixtures/quality.js';
import { WINDOWS_NO_PORTAUDIO } from '../../src/voice/portaudio.js';
import { makeSpeech } from '../voice/fixtures/speech.js';
import { readWav } from '../../src/voice/wav.js';
import { proc, type Proc } from '../helpers/proc.js';
import { planLine } from '../helpers/file-output-proc.js';
import { listeningPort, testServerArgs } from '../helpers/coop-server.js';
import { scratchDir, startWinGame, windowsBuilt, winPath, wineProcessesWith, type WineProc } from './wine.js';

/** B's recording must correlate with A's speech at least this much (as test/voice/e2e). */
const MIN_CORRELATION = 0.5;
/** A game reports its transform this often (the sidecar joins once it knows where A stands). */
const TRANSFORM_EVERY_MS = 100;
/** Time A keeps running after its speech, for the last frames to reach B. */
const TAIL_MS = 2_000;
const AVATAR_KIND = 0;
const B_POS = { x: 5, y: 0, z: 0 };
const dir = scratchDir('mixed');
const linux: Proc[] = [];
let winGame: WineProc | undefined;

beforeAll(() => {
  if (!windowsBuilt()) throw new Error('the Windows build is missing: run npm run setup && npm run build');
});
afterAll(async () => {
  await winGame?.kill();
  for (const p of linux.reverse()) {
    if (p.child.exitCode === null) p.child.kill('SIGKILL');
    await p.exited;
  }
  rmSync(dir, { recursive: true, force: true });
});

function start(args: string[]): Proc {
  const p = proc(args);
  linux.push(p);
  return p;
}

function decode<K extends MessageName>(name: K, hex: string): MessageMap[K] | undefined {
  const bytes = Buffer.from(hex, 'hex');
  const ab = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  const r = new FrameReader(ab);
  r.reset(0, ab.byteLength);
  const msg = CODECS[name].read(r) as MessageMap[K];
  return r.ok ? msg : undefined;
}

describe('mixed session: Windows player (wine) + Linux player on one Linux coop-server', () => {
  it('each game is told about the other avatar, and B (Linux) hears A (Windows) talk', async () => {
    const speech = makeSpeech({ sentences: ['Meet me at the corner of the market.'], gapMs: 500, leadMs: 300 });
    const speechMs = (speech.samples.length / VOICE_SAMPLE_RATE_HZ) * 1000;
    const frameMs = (VOICE_FRAME_SAMPLES / VOICE_SAMPLE_RATE_HZ) * 1000;

    const server = start(testServerArgs({ dataDir: join(dir, 'server') }));
    const port = await listeningPort(server);

    // B: the Linux game stands 5 m from A and records what its sidecar plays.
    const outB = join(dir, 'b-out.wav');
    const scenarioB = join(dir, 'b.json');
    writeFileSync(
      scenarioB,
      JSON.stringify({
        name: 'b',
        steps: [
          {
            at: 0,
            do: 'walk',
            path: [
              [B_POS.x, 0, 0],
              [B_POS.x, 0.1, 0],
            ],
            speedMps: 0.001,
            hz: 10,
          },
          { at: 0, do: 'recordVoice', wav: outB },
        ],
      }),
    );
    const sessionB = `m${process.pid}b`;
    const simB = start(['src/sim/main.ts', '--bridge', sessionB, '--scenario', scenarioB, '--quiet-frames']);
    await simB.line(/"event":"open"/);
    const sidecarB = start([
      'src/sidecar/main.ts',
      '--server',
      `127.0.0.1:${port}`,
      '--bridge',
      sessionB,
      '--name',
      'B',
      '--data-dir',
      join(dir, 'id-b'),
      '--log-level',
      'warn',
    ]);
    await sidecarB.line(/joined as peer \d+/);

    // A: the Windows game reports its transform; once it is told of B's avatar (SpawnProxy), it
    // holds push-to-talk over the speech, one MicAudioFrame per 20 ms.
    const transform = planLine(TRANSFORM_EVERY_MS, 'PlayerTransform', {
      entityId: 1,
      pos: { x: 0, y: 0, z: 0 },
      rot: { x: 0, y: 0, z: 0, w: 1 },
      vel: { x: 0, y: 0, z: 0 },
    });
    const plan = [planLine(0, 'PushToTalkDown', {})];
    for (let i = 0, seq = 0; i + VOICE_FRAME_SAMPLES <= speech.samples.length; i += VOICE_FRAME_SAMPLES, seq++) {
      const pcm = speech.samples.slice(i, i + VOICE_FRAME_SAMPLES);
      plan.push(planLine(seq * frameMs, 'MicAudioFrame', { seq, sampleRate: VOICE_SAMPLE_RATE_HZ, channels: 1, pcm: new Uint8Array(pcm.buffer) }));
    }
    plan.push(planLine(speechMs, 'PushToTalkUp', {}));
    writeFileSync(join(dir, 'a.repeat'), `${transform}\n`);
    writeFileSync(join(dir, 'a.plan'), `${plan.join('\n')}\n`);
    const sessionA = `m${process.pid}a`;
    const sidecarLog = join(dir, 'sidecar-a.log');
    winGame = startWinGame(
      'game-a',
      [
        '--bridge',
        sessionA,
        '--mode',
        'play',
        '--repeat',
        winPath(join(dir, 'a.repeat')),
        '--plan',
        winPath(join(dir, 'a.plan')),
        '--plan-after-type',
        String(MESSAGE_IDS.SpawnProxy),
        ...winSidecarLaunchArgs({
          log: sidecarLog,
          server: `127.0.0.1:${port}`,
          session: sessionA,
          name: 'A',
          dataDir: join(dir, 'id-a'),
          args: ['--mic-device', ''],
        }),
      ],
      dir,
    );
    const a = winGame;
    await a.waitJson((l) => l.event === 'launched');
    await vi.waitFor(() => expect(readFileSync(sidecarLog, 'utf8')).toMatch(/joined as peer \d+/), { timeout: 60_000, interval: 100 });
    // --mic-device on Windows: one clear line, then the game's microphone frames (no crash).
    expect(readFileSync(sidecarLog, 'utf8')).toContain(`voice: ${WINDOWS_NO_PORTAUDIO}; using the game's microphone frames instead`);
    await a.waitJson((l) => l.event === 'planStarted');
    await new Promise((r) => setTimeout(r, speechMs + TAIL_MS));
    expect(a.child.exitCode, a.err()).toBe(null); // A and its sidecar still in the session

    // A (Windows) was told about B's avatar, standing where B stands.
    const spawnsA = a
      .json()
      .filter((l) => l.dir === 'in' && l.type === MESSAGE_IDS.SpawnProxy)
      .map((l) => decode('SpawnProxy', String(l.hex)));
    expect(spawnsA.some((m) => m?.kind === AVATAR_KIND && Math.abs(m.pos.x - B_POS.x) < 1)).toBe(true);
    // B (Linux) was told about A's avatar, at A's spot.
    const spawnsB = simB.lines
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as { dir?: string; type?: string; msg?: MessageMap['SpawnProxy'] })
      .filter((l) => l.dir === 'in' && l.type === 'SpawnProxy');
    expect(spawnsB.some((l) => l.msg?.kind === AVATAR_KIND && Math.abs(l.msg.pos.x) < 1)).toBe(true);

    // A's game is killed: no node.exe is left (the job ends it; its own peerGone would too; the
    // launcher test shows the job alone does it).
    expect(wineProcessesWith(sessionA).length).toBe(2); // the game and node.exe
    await winGame.kill('SIGKILL');
    await vi.waitFor(() => expect(wineProcessesWith(sessionA)).toEqual([]), { timeout: 30_000, interval: 100 });

    // B heard A: stop B's game so it writes its recording, then compare with A's speech.
    sidecarB.child.kill('SIGTERM');
    await sidecarB.exited;
    simB.child.kill('SIGTERM');
    await simB.exited;
    const out = readWav(outB).samples;
    const al = align(speech.samples, out, 0, out.length - 1);
    const win = windowedCorrelation(speech.samples, out, al.lagSamples, VOICE_SAMPLE_RATE_HZ / 2, VOICE_SAMPLE_RATE_HZ / 10);
    console.log(`B (Linux) heard A (Windows sidecar under wine): correlation ${al.correlation.toFixed(3)}, windowed median ${win.toFixed(3)}`);
    expect(win).toBeGreaterThan(MIN_CORRELATION);
  }, 180_000);
});
