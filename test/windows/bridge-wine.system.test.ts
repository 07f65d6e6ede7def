// The bridge between two Windows processes under wine: the C test game (coop-game.exe, game
// role, the C frame API over coopbridge.dll) and node.exe running the bridge's TypeScript code
// (frame-peer.mjs, sidecar role, koffi's Windows binary loading the same DLL). Named section,
// one auto-reset event per ring direction, pid liveness through OpenProcess.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MESSAGE_IDS, type MessageMap } from '../../bridge/index.js';
import { maxPayloadBytes } from '../../bridge/layout.js';
import { MESSAGE_NAMES, encode, messageArb } from '../bridge/arbitrary.js';
import { scratchDir, startWinGame, startWinNode, windowsBuilt, winPath, type WineProc } from './wine.js';

const RING_BYTES = 4096;
/** Rounds of every manifest message (3 samples each) with bulk frames between them. */
const ROUNDS = 12;
/** The lazy run's drain period: a server tick's (25 ms at 40 Hz). */
const LAZY_DRAIN_MS = 25;
const dir = scratchDir('bridge');
const running: WineProc[] = [];
let n = 0;
const session = (tag: string) => `w${process.pid}_${tag}_${n++}`;

function game(tag: string, args: string[]): WineProc {
  const p = startWinGame(`game-${tag}`, args, dir);
  running.push(p);
  return p;
}
function peer(tag: string, args: string[]): WineProc {
  const p = startWinNode(`peer-${tag}`, 'frame-peer.mjs', args, dir);
  running.push(p);
  return p;
}

beforeAll(() => {
  if (!windowsBuilt()) throw new Error('the Windows build is missing: run npm run setup && npm run build');
});
afterEach(async () => {
  for (const p of running.splice(0)) await p.kill();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('bridge under wine: C game (coop-game.exe) <-> node.exe sidecar', () => {
  // lazy: the sidecar sleeps through lazy frames (PlayerTransform) and drains every
  // LAZY_DRAIN_MS, its drains racing the event sleeper: nothing is lost or reordered either.
  for (const lazy of [false, true])
    it(`every manifest message crosses both ways byte-exact while the rings wrap many times${lazy ? ' (sleeping through lazy frames)' : ''}`, async () => {
      const s = session(lazy ? 'lazy' : 'echo');
      const limit = maxPayloadBytes(RING_BYTES);
      const sent: string[] = [];
      const add = <K extends (typeof MESSAGE_NAMES)[number]>(name: K, msg: MessageMap[K]) =>
        sent.push(`${MESSAGE_IDS[name]} ${Buffer.from(encode(name, msg)).toString('hex')}`);
      let seed = 1;
      for (let round = 0; round < ROUNDS; round++) {
        for (const name of MESSAGE_NAMES) {
          const arb = messageArb(name, { maxString: 12, maxBytes: 300, maxArray: 3 }).filter((m) => encode(name, m).byteLength <= limit);
          for (const msg of fc.sample(arb, { seed: seed++, numRuns: 3 })) add(name, msg);
        }
        // Bulk between rounds so the 4 KB rings wrap many times with every type in flight.
        for (let i = 0; i < 8; i++) add('VoicePlayback', { seq: i, pcm: new Uint8Array(900).map((_, j) => (j * 7 + i + round) & 0xff) });
      }
      const plan = join(dir, `${s}.plan`);
      writeFileSync(plan, `${sent.join('\n')}\n`);
      const g = game('echo', ['--bridge', s, '--mode', 'echo', '--ring-bytes', String(RING_BYTES)]);
      await g.waitJson((l) => l.event === 'open');
      const p = peer('echo', ['--mode', 'echo-check', '--bridge', s, '--plan', winPath(plan), ...(lazy ? ['--lazy-drain-ms', String(LAZY_DRAIN_MS)] : [])]);
      const done = await p.waitJson((l) => l.event === 'done');
      const got = p
        .json()
        .filter((l) => typeof l.type === 'number')
        .map((l) => `${l.type} ${l.hex}`);
      expect(got).toEqual(sent);
      const c = done.counters as { bytesOut: number; bytesIn: number; dropped: number };
      expect(c.bytesOut).toBeGreaterThan(20 * RING_BYTES); // each ring wrapped at least 20 times
      expect(c.bytesIn).toBe(c.bytesOut);
      expect(c.dropped).toBe(0);
      // The game echoed every frame through its C API, then saw the sidecar leave.
      expect((await g.waitJson((l) => l.event === 'exit')).echoed).toBe(sent.length);
      expect(g.json().find((l) => l.event === 'peerGone')?.reason).toBe('closed');
    });

  it('a killed game is detected by the node.exe sidecar as "died" (pid gone), not by the heartbeat timeout', async () => {
    const s = session('kill');
    const g = game('kill', ['--bridge', s, '--mode', 'idle']);
    await g.waitJson((l) => l.event === 'open');
    const p = peer('kill', ['--mode', 'idle', '--bridge', s]);
    await p.waitJson((l) => l.event === 'peerAttached');
    const killedAt = Date.now();
    await g.kill('SIGKILL');
    const gone = await p.waitJson((l) => l.event === 'peerGone');
    // 'died' comes from the pid check on the next heartbeat (200 ms); 'timeout' would mean the
    // dead game went unnoticed until its heartbeat went stale (10 s).
    expect(gone.reason).toBe('died');
    console.log(`killed game noticed by the node.exe sidecar after ${Number(gone.atMs) - killedAt} ms`);
    await p.waitJson((l) => l.event === 'exit');
  });

  it('a killed node.exe sidecar is detected by the C game (its pid check through OpenProcess)', async () => {
    const s = session('killside');
    const g = game('killside', ['--bridge', s, '--mode', 'idle']);
    await g.waitJson((l) => l.event === 'open');
    const p = peer('killside', ['--mode', 'idle', '--bridge', s]);
    await g.waitJson((l) => l.event === 'peerAttached');
    await p.kill('SIGKILL');
    expect((await g.waitJson((l) => l.event === 'peerGone')).reason).toBe('died');
    expect(await g.exited).toBe(0);
  });

  it('an ABI mismatch errors clearly, naming both versions, whichever side came first', async () => {
    const s1 = session('abi1');
    const g = game('abi1', ['--bridge', s1, '--mode', 'idle', '--abi', '99']);
    await g.waitJson((l) => l.event === 'open');
    const p = peer('abi1', ['--mode', 'idle', '--bridge', s1]);
    const failed = await p.waitJson((l) => l.event === 'openFailed');
    expect(failed.code).toBe('ABI_MISMATCH');
    expect(failed.message).toMatch(/region has ABI version 99, this sidecar speaks ABI version 1/);
    expect(await p.exited).toBe(1);

    const s2 = session('abi2');
    const first = peer('abi2', ['--mode', 'idle', '--bridge', s2]);
    await first.waitJson((l) => l.event === 'open');
    const late = game('abi2', ['--bridge', s2, '--mode', 'idle', '--abi', '7']);
    expect(await late.exited).toBe(1);
    expect(late.err()).toMatch(/region has ABI version 1, this game speaks ABI version 7/);
    expect(late.json().find((l) => l.event === 'openFailed')).toMatchObject({ foundAbi: 1 });
  });
});
