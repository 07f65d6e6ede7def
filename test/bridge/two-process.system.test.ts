// The sidecar (this test process) and the headless game (a real child process) over the bridge.
import { afterEach, describe, expect, it, vi } from 'vitest';
import fc from 'fast-check';
import { existsSync, mkdtempSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  BridgeError,
  MESSAGE_IDS,
  openBridge,
  type Bridge,
  type BridgeOptions,
  type MessageMap,
  type PeerGoneReason,
  type ProgressData,
} from '../../bridge/index.js';
import { maxPayloadBytes } from '../../bridge/layout.js';
import { loadNative } from '../../bridge/native.js';
import { BRIDGE_STALE_MIN_AGE_S } from '../../bridge/constants.js';
import { MESSAGE_NAMES, encode, messageArb } from './arbitrary.js';
import { proc, run, type Proc } from '../helpers/proc.js';
import { WAIT, removeSessions, sessionName } from './util.js';
import { encodeDat } from '../../src/merge/index.js';
import type { Progress } from '../../src/merge/index.js';

const RING_BYTES = 4096;
/** The headless game's progress (its scenario writes it as a .dat; it exports plain fields). */
const SIM_PROGRESS: Progress = {
  schemaVersion: 1,
  playerId: 'sim',
  name: 'V',
  level: 7,
  xp: 1234,
  quests: { q001_intro: 3 },
  inventory: [{ id: 'Items.money', seed: 0, quantity: 5, quality: 'Common', mods: [], attrs: {} }],
};
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
  removeSessions();
});

function sidecar(session: string, extra: Partial<BridgeOptions> = {}): Bridge {
  const b = openBridge({ name: session, role: 'sidecar', ringBytes: RING_BYTES, ...extra });
  cleanups.push(() => b.close());
  return b;
}

function sim(args: string[]): Proc {
  const p = proc(['src/sim/main.ts', ...args]);
  cleanups.push(() => {
    if (p.child.exitCode === null) p.child.kill('SIGKILL');
    return p.exited;
  });
  return p;
}

function scenarioFile(json: unknown): string {
  const dir = mkdtempSync(join(tmpdir(), 'coop-sim-'));
  const path = join(dir, 'scenario.json');
  writeFileSync(path, JSON.stringify(json));
  return path;
}

const attached = (b: Bridge) => new Promise<void>((resolve) => (b.state === 'attached' ? resolve() : b.once('peerAttached', () => resolve())));

describe('bridge between two processes', () => {
  it('every manifest message crosses both ways byte-exact while the rings wrap many times', async () => {
    const s = sessionName('echo');
    const b = sidecar(s);
    const game = sim(['--bridge', s, '--echo', '--quiet']);
    let gone = 'peer still there';
    b.on('peerGone', (e) => (gone = `peer gone: ${e.reason}`));
    await attached(b);
    const limit = maxPayloadBytes(RING_BYTES);
    const sent: string[] = [];
    const got: string[] = [];
    const plan: (() => void)[] = [];
    const add = <K extends (typeof MESSAGE_NAMES)[number]>(name: K, msg: MessageMap[K]) => {
      plan.push(() => b.send(name, msg));
      sent.push(`${MESSAGE_IDS[name]}:${Buffer.from(encode(name, msg)).toString('hex')}`);
    };
    let seed = 1;
    for (let round = 0; round < 12; round++) {
      for (const name of MESSAGE_NAMES) {
        const arb = messageArb(name, { maxString: 12, maxBytes: 300, maxArray: 3 }).filter((m) => encode(name, m).byteLength <= limit);
        for (const msg of fc.sample(arb, { seed: seed++, numRuns: 3 })) add(name, msg);
      }
      // Bulk between the rounds so the 4 KB rings wrap many times with every type in flight.
      for (let i = 0; i < 8; i++) add('VoicePlayback', { seq: i, pcm: new Uint8Array(900).map((_, j) => (j * 7 + i + round) & 0xff) });
    }
    b.onFrame((type, payload) => got.push(`${type}:${Buffer.from(payload).toString('hex')}`));
    for (const send of plan) send();
    await vi.waitUntil(() => {
      if (b.state === 'closed') throw new Error(`bridge closed (${gone}) after ${got.length}/${sent.length} frames; game stderr: ${game.err()}`);
      return got.length >= sent.length;
    }, WAIT);
    expect(got).toEqual(sent);
    const c = b.counters();
    expect(c.bytesOut).toBeGreaterThan(20 * RING_BYTES); // the rings wrapped at least 20 times each way
    expect(c.bytesIn).toBe(c.bytesOut);
    expect(c).toMatchObject({ malformed: 0, unknownType: 0, dropped: 0 });
  });

  it('plays a scenario: walk, cutscene, dialogue pick, push-to-talk, and answers the sidecar', async () => {
    const s = sessionName('scn');
    const b = sidecar(s);
    const path = scenarioFile({
      name: 'test',
      progressBase64: encodeDat(SIM_PROGRESS).toString('base64'),
      mergePolicy: 'alternate',
      steps: [
        {
          at: 0,
          do: 'walk',
          path: [
            [0, 0, 0],
            [1, 0, 0],
          ],
          speedMps: 10,
          hz: 50,
        },
        { at: 50, do: 'cinematic', sceneId: 'q001', timeS: 1.5 },
        { at: 60, do: 'dialogue', conversationId: 9, choices: ['yes', 'no'], pick: 1, pickAfterMs: 20 },
        { at: 100, do: 'ptt', holdMs: 50 },
        { at: 200, do: 'console', text: 'coop.status' },
        { at: 210, do: 'settings', pttKey: 'B', voiceActivation: true },
        { at: 220, do: 'send', message: 'ProgressData', fields: { requestId: 77, level: 9, xp: 99, facts: [], items: [], mods: [], attrs: [] } },
        { at: 400, do: 'flush' },
      ],
    });
    const seen: string[] = [];
    b.onAny((name) => name !== 'PlayerTransform' && seen.push(name));
    const transforms: number[] = [];
    b.on('PlayerTransform', (m) => transforms.push(m.pos.x));
    b.on('StartCinematic', (m) => b.send('SeekCinematic', { sceneId: m.sceneId, timeS: m.timeS + 10, localTimeMs: 7 }));
    const progress: ProgressData[] = [];
    b.on('ProgressData', (m) => progress.push(m));
    const answers: boolean[][] = [];
    b.on('MergeAnswer', (m) => answers.push(m.decisions.map((d) => d.accept)));
    const gone = new Promise<PeerGoneReason>((r) => b.once('peerGone', (e) => r(e.reason)));
    const game = sim(['--bridge', s, '--scenario', path]);
    await attached(b);
    b.send('ExportProgressRequest', { requestId: 5, factNames: ['q_asked'] });
    b.send('MergeConflicts', { requestId: 6, conflicts: [1, 2, 3].map((id) => ({ id, path: `quest/${id}`, base: '', ours: 'a', theirs: 'b' })) });
    await game.jsonLine((l) => l.event === 'flushed');
    await vi.waitUntil(() => answers.length === 1 && progress.length === 2, WAIT);
    expect(seen).toEqual(
      expect.arrayContaining([
        'StartCinematic',
        'DialogueWheelShown',
        'DialogueChoiceSelected',
        'PushToTalkDown',
        'PushToTalkUp',
        'ConsoleCommand',
        'SettingsChanged',
      ]),
    );
    expect(seen.indexOf('PushToTalkDown')).toBeLessThan(seen.indexOf('PushToTalkUp'));
    expect(seen.indexOf('DialogueWheelShown')).toBeLessThan(seen.indexOf('DialogueChoiceSelected'));
    expect(transforms.at(-1)).toBe(1); // walked to the end of the path
    expect(transforms.every((x, i) => i === 0 || x >= transforms[i - 1])).toBe(true);
    // The game's export as plain fields: its own fact, the asked one at 0 (it has none), its item.
    expect(progress.find((p) => p.requestId === 5)).toEqual({
      requestId: 5,
      level: 7,
      xp: 1234,
      facts: [
        { name: 'q001_intro', value: 3 },
        { name: 'q_asked', value: 0 },
      ],
      items: [{ recordId: 'Items.money', seed: 0, quantity: 5, quality: 'Common' }],
      mods: [],
      attrs: [],
    });
    expect(progress.find((p) => p.requestId === 77)).toMatchObject({ level: 9, xp: 99 });
    expect(answers[0]).toEqual([true, false, true]);
    // The game logged what the sidecar sent it.
    const seek = await game.jsonLine((l) => l.dir === 'in' && l.type === 'SeekCinematic');
    expect(seek.msg).toEqual({ sceneId: 'q001', timeS: 11.5, localTimeMs: 7 });
    const choice = await game.jsonLine((l) => l.dir === 'out' && l.type === 'DialogueChoiceSelected');
    expect(choice.msg).toEqual({ conversationId: 9, hubId: 1, choiceIndex: 1 });
    // The game leaves cleanly: the sidecar hears "closed" and stops.
    game.child.kill('SIGTERM');
    expect(await game.exited).toBe(0);
    expect(await gone).toBe('closed');
    await b.closed();
    expect(b.state).toBe('closed');
  });

  it('a killed game is detected (peerGone "died") and the sidecar stops cleanly', async () => {
    const s = sessionName('kill');
    const b = sidecar(s);
    const game = sim(['--bridge', s]);
    await attached(b);
    const gone = new Promise<{ reason: PeerGoneReason; at: number }>((r) => b.once('peerGone', (e) => r({ reason: e.reason, at: performance.now() })));
    const killedAt = performance.now();
    game.child.kill('SIGKILL');
    const { reason, at } = await gone;
    expect(reason).toBe('died');
    await b.closed();
    expect(b.state).toBe('closed');
    console.log(`killed game noticed after ${Math.round(at - killedAt)} ms`);
  });

  it('a clean sidecar exit is seen by the game, which stops by itself', async () => {
    const s = sessionName('bye');
    const b = sidecar(s);
    const game = sim(['--bridge', s]);
    await attached(b);
    await game.jsonLine((l) => l.event === 'peerAttached');
    await b.close();
    expect((await game.jsonLine((l) => l.event === 'peerGone')).reason).toBe('closed');
    expect(await game.exited).toBe(0);
  });

  it('an ABI mismatch errors clearly, naming both versions, whichever side came first', async () => {
    const s1 = sessionName('abi1');
    const game = sim(['--bridge', s1, '--abi-version', '99']);
    await game.jsonLine((l) => l.event === 'open');
    let err: unknown;
    try {
      openBridge({ name: s1, role: 'sidecar' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(BridgeError);
    expect((err as BridgeError).code).toBe('ABI_MISMATCH');
    expect((err as BridgeError).message).toMatch(/region has ABI version 99, this sidecar speaks ABI version 1/);

    const s2 = sessionName('abi2');
    sidecar(s2);
    const late = sim(['--bridge', s2, '--abi-version', '7']);
    expect(await late.exited).toBe(1);
    expect(late.err()).toMatch(/ABI version 1, this game speaks ABI version 7/);
  });

  it('malformed frames from the game are counted and skipped; later frames still arrive', async () => {
    const s = sessionName('bad');
    const b = sidecar(s);
    const texts: string[] = [];
    b.on('ConsoleCommand', (m) => texts.push(m.text));
    const path = scenarioFile({
      steps: [
        { at: 0, do: 'console', text: 'before' },
        { at: 0, do: 'raw', type: 999, hex: '0102' },
        { at: 0, do: 'raw', type: 13, hex: '0500000061' },
        { at: 0, do: 'flush' },
        { at: 0, do: 'badLength', claimedBytes: 1000000 },
        { at: 0, do: 'flush' },
        { at: 0, do: 'console', text: 'after' },
      ],
    });
    sim(['--bridge', s, '--scenario', path]);
    await vi.waitUntil(() => texts.includes('after'), WAIT);
    expect(texts).toEqual(['before', 'after']);
    expect(b.counters()).toMatchObject({ unknownType: 1, malformed: 2 });
  });

  it('a second sidecar (or game) on one session is refused clearly', async () => {
    const s = sessionName('two');
    const b = sidecar(s);
    const game = sim(['--bridge', s]);
    await attached(b);
    const second = await run(['src/sidecar/main.ts', '--server', '127.0.0.1:9', '--bridge', s]);
    expect(second.code).toBe(1);
    expect(second.stderr).toMatch(/already has a sidecar attached \(pid \d+\): refusing a second sidecar/);
    const secondGame = sim(['--bridge', s]);
    expect(await secondGame.exited).toBe(1);
    expect(secondGame.err()).toMatch(/refusing a second game/);
    expect(b.state).toBe('attached'); // the first pair is untouched
    expect(game.child.exitCode).toBe(null);
  });

  it('bad arguments and bad scenarios: one clear line and exit code 2', async () => {
    const noSession = sim([]);
    expect(await noSession.exited).toBe(2);
    expect(noSession.err().trim()).toBe('coop-sim: --bridge is required (see --help)');
    const path = scenarioFile({ steps: [{ at: 0, do: 'dance' }] });
    const badStep = sim(['--bridge', sessionName('bs'), '--scenario', path]);
    expect(await badStep.exited).toBe(2);
    expect(badStep.err()).toMatch(/step 0 \(at 0 ms\): unknown action 'dance'/);
  });
});

describe('regions left behind', () => {
  it('a region whose processes were both killed is swept by the next open once it is old', async () => {
    const s = sessionName('stale');
    const game = proc(['src/sim/main.ts', '--bridge', s]);
    await game.jsonLine((l) => l.event === 'open');
    game.child.kill('SIGKILL');
    await game.exited;
    const file = `/dev/shm/coop-bridge-${s}`;
    expect(existsSync(file)).toBe(true);
    loadNative().sweepStale(BRIDGE_STALE_MIN_AGE_S);
    expect(existsSync(file)).toBe(true); // too young: it could be mid-creation
    const old = new Date(Date.now() - 60_000);
    utimesSync(file, old, old);
    expect(loadNative().sweepStale(BRIDGE_STALE_MIN_AGE_S)).toBeGreaterThanOrEqual(1);
    expect(existsSync(file)).toBe(false);
  });

  it('a live session is never swept, however old', async () => {
    const s = sessionName('live');
    const b = sidecar(s);
    const file = `/dev/shm/coop-bridge-${s}`;
    const old = new Date(Date.now() - 60_000);
    utimesSync(file, old, old);
    loadNative().sweepStale(BRIDGE_STALE_MIN_AGE_S);
    expect(existsSync(file)).toBe(true);
    expect(b.state).toBe('waiting');
  });
});
