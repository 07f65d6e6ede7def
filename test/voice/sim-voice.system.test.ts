// The headless game (real child process) streams a speech WAV as its microphone and holds
// push-to-talk; the sidecar side (this process) runs the voice hook with the server replaced by
// a loopback (what it sends comes straight back as peer 99's voice). The game records what the
// sidecar plays. Proves the game ↔ sidecar voice path: mic frames, mic icon, playback.
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openBridge, type Bridge } from '../../bridge/index.js';
import { proc, type Proc } from '../helpers/proc.js';
import { removeSessions, sessionName } from '../bridge/util.js';
import { attachVoice } from '../../src/sidecar/voice-hook.js';
import type { VoiceChat } from '../../src/voice/voice-chat.js';
import { makeSpeech, writeSpeechWav } from './fixtures/speech.js';
import { readWav } from '../../src/voice/wav.js';
import { align, windowedCorrelation } from './fixtures/quality.js';

const LOCAL_PEER = 1;
const LOOPBACK_PEER = 99;
/** The played voice must correlate with the mic input at least this much (median over 0.5 s windows). */
const MIN_CORRELATION = 0.5;

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
  removeSessions();
});

describe('headless game ↔ sidecar voice over the bridge', () => {
  it('mic WAV in, mic icon exactly while push-to-talk is held, played voice recorded to a WAV', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'coop-simvoice-'));
    const micWav = join(dir, 'mic.wav'),
      outWav = join(dir, 'out.wav');
    const track = makeSpeech({ sentences: ['Cover me while I hack the terminal.'], gapMs: 300, leadMs: 200 });
    writeSpeechWav(micWav, track);
    const speechMs = Math.ceil((track.samples.length / 48_000) * 1000);
    const scenario = join(dir, 'scenario.json');
    writeFileSync(
      scenario,
      JSON.stringify({
        name: 'voice',
        steps: [
          { at: 0, do: 'recordVoice', wav: outWav },
          { at: 0, do: 'mic', wav: micWav },
          { at: 100, do: 'ptt', holdMs: speechMs },
        ],
      }),
    );
    const session = sessionName('voice');
    const sim: Proc = proc(['src/sim/main.ts', '--bridge', session, '--scenario', scenario, '--quiet-frames']);
    cleanups.push(() => {
      if (sim.child.exitCode === null) sim.child.kill('SIGKILL');
      return sim.exited;
    });
    await sim.jsonLine((l) => l.event === 'open');
    const bridge: Bridge = openBridge({ name: session, role: 'sidecar' });
    cleanups.push(() => bridge.close());
    let voice: VoiceChat | null = null;
    voice = attachVoice(bridge, {
      localPeerId: () => LOCAL_PEER,
      nameOf: (p) => `peer${p}`,
      say: (line) => console.log(line),
      sendToServer: (msg) => voice!.onVoice({ ...msg.voice, fromPeerId: LOOPBACK_PEER }),
    });
    cleanups.push(() => voice!.close());
    await sim.jsonLine((l) => l.dir === 'out' && l.type === 'PushToTalkUp');
    await new Promise((r) => setTimeout(r, 600)); // let the tail play out
    sim.child.kill('SIGTERM');
    await sim.jsonLine((l) => l.event === 'voiceRecorded');
    expect(await sim.exited).toBe(0);

    // the mic icon: shown after the key went down, hidden after it went up, once each
    const seq = sim.json
      .filter(
        (l) =>
          (l.dir === 'out' && String(l.type).startsWith('PushToTalk')) ||
          (l.dir === 'in' && String(l.type).startsWith('MicIcon') && (l.msg as { peerId: number }).peerId === LOCAL_PEER),
      )
      .map((l) => l.type);
    expect(seq).toEqual(['PushToTalkDown', 'MicIconShow', 'PushToTalkUp', 'MicIconHide']);
    // the loopback talker's icon showed too (a remote peer speaking)
    expect(sim.json.some((l) => l.dir === 'in' && l.type === 'MicIconShow' && (l.msg as { peerId: number }).peerId === LOOPBACK_PEER)).toBe(true);

    const out = readWav(outWav).samples;
    const a = align(track.samples, out, 0, out.length - 1);
    console.log(JSON.stringify(voice.rx.streamStats(LOOPBACK_PEER)));
    const w = windowedCorrelation(track.samples, out, a.lagSamples, 24_000, 4_800);
    console.log(
      `sim voice loopback: correlation ${a.correlation.toFixed(3)} (windowed median ${w.toFixed(3)}), delay ${(a.lagSamples / 48).toFixed(0)} ms (from game start)`,
    );
    expect(w).toBeGreaterThan(MIN_CORRELATION);
    expect(voice.drops.bad_mic_frame).toBe(0);
    expect(voice.tx.counters.sent).toBeGreaterThan(50);
  }, 60_000);
});
