// CoopBridge.dll (the RED4ext plugin) under the stand-in RED4ext loader and game, under wine:
// the loader scans red4ext/plugins to depth 1 (a DLL without Supports is a dependency and freed;
// deeper DLLs are never loaded), calls Supports → Query → version checks → Main(Load); the plugin
// registers its scripts folder, two game states and every native the manifest gives; Running
// opens the region and launches the sidecar from the plugin's folder; a sidecar that dies is
// restarted with backoff and its log rotated in red4ext/logs; the game exits and no node.exe is
// left. The release zip path is test/windows/install-wine.test.ts.
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { copyFileSync, cpSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { CODECS, FrameWriter, MESSAGE_IDS, type MessageMap, type MessageName } from '../../bridge/index.js';
import { join } from 'node:path';
import { loadManifest } from '../../bridge/codegen/manifest.js';
import { nativeSignatures } from '../../bridge/codegen/natives.js';
import { WIN_PLUGIN_DLL, WIN_SHIM_DLL, WIN_SIDECAR_DIR } from '../../scripts/win/paths.mjs';
import { addStandins, askQuit, PLUGIN_REL, startStandinGame, writeIni } from './fake-game.js';
import { scratchDir, startWinNode, windowsBuilt, winPath, wineProcessesWith, WINE_WAIT_MS } from './wine.js';

/** The five backoffs (1 + 2 + 4 + 8 + 16 s) and some slack for a loaded machine. */
const GIVE_UP_WAIT_MS = 90_000;
/** The raw-frame peer prints every frame until the test kills it. */
const PEER_FRAMES_UNTIL_KILLED = 1_000_000;
const dir = scratchDir('plugin');
const game = join(dir, 'game');
const plugin = join(game, PLUGIN_REL);

beforeAll(() => {
  if (!windowsBuilt()) throw new Error('the Windows build is missing: run npm run setup && npm run build');
  addStandins(game);
  mkdirSync(join(plugin, 'scripts'), { recursive: true });
  copyFileSync(WIN_PLUGIN_DLL, join(plugin, 'CoopBridge.dll'));
  copyFileSync('redscript-stubs/generated/CoopBridgeNatives.reds', join(plugin, 'scripts', 'CoopBridgeNatives.reds'));
  cpSync(WIN_SIDECAR_DIR, join(plugin, 'sidecar'), { recursive: true, filter: (p) => !p.endsWith('.log') });
  // A helper DLL at depth 1 (no Supports: a dependency) and one two folders down (never loaded).
  copyFileSync(WIN_SHIM_DLL, join(game, 'red4ext', 'plugins', 'helper.dll'));
  mkdirSync(join(game, 'red4ext', 'plugins', 'Other', 'deep'), { recursive: true });
  copyFileSync(WIN_PLUGIN_DLL, join(game, 'red4ext', 'plugins', 'Other', 'deep', 'Deep.dll'));
  // An address the sidecar refuses at once: it exits 2, so the plugin must restart it.
  writeIni(game, { server: 'not-an-address' });
});
afterEach(() => rmSync(join(game, 'quit'), { force: true }));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('CoopBridge.dll under the stand-in RED4ext loader (wine)', () => {
  it('loads as RED4ext would, registers scripts, states and natives, supervises the sidecar, and leaves nothing behind', async () => {
    const g = startStandinGame('game', game, dir);
    const logs = join(game, 'red4ext', 'logs');
    const pluginLog = () =>
      readdirSync(logs)
        .filter((f) => f.startsWith('coopbridge-'))
        .map((f) => readFileSync(join(logs, f), 'utf8'))
        .join('');
    await g.waitJson((l) => l.event === 'stateEnter' && l.type === 2);
    // The sidecar dies (bad address), is restarted after a backoff, and each launch rotates the log.
    await vi.waitFor(() => expect(pluginLog().match(/sidecar started/g)?.length ?? 0).toBeGreaterThanOrEqual(2), { timeout: WINE_WAIT_MS, interval: 200 });
    expect(pluginLog()).toMatch(/exited with code 2[\s\S]*restarting the sidecar in 1000 ms/);
    askQuit(game);
    expect(await g.exited, g.err()).toBe(0);

    const ev = g.json();
    const names = ev.map((l) => String(l.event));
    // RED4ext's order: query (version checks) before Main(Load); registration after loading.
    expect(names.indexOf('query')).toBeLessThan(names.indexOf('loaded'));
    expect(ev.find((l) => l.event === 'query')).toMatchObject({
      name: 'CoopBridge',
      sdk: '0.5.0',
      runtimeIndependent: 1,
      version: JSON.parse(readFileSync('package.json', 'utf8')).version,
    });
    expect(ev.filter((l) => l.event === 'dependency').map((l) => String(l.path))).toEqual([expect.stringMatching(/plugins\/helper\.dll$/)]);
    expect(JSON.stringify(ev)).not.toMatch(/Deep\.dll|opus\.dll/); // depth ≥ 2 is never loaded
    expect(ev.filter((l) => l.event === 'loaded')).toHaveLength(1);
    // Scripts: the plugin's own folder, written for scc like RED4ext does.
    expect(ev.find((l) => l.event === 'scriptsAdded')).toMatchObject({ path: expect.stringMatching(/plugins\/CoopBridge\/scripts$/), exists: 1 });
    expect(readFileSync(join(game, 'red4ext', 'redscript_paths.txt'), 'utf8')).toMatch(/plugins\\CoopBridge\\scripts/);
    // Every native the manifest gives, registered native + static under its bare name.
    const registered = ev.filter((l) => l.event === 'nativeRegistered');
    expect(registered.map((l) => l.name).sort()).toEqual(
      nativeSignatures(loadManifest())
        .map((s) => s.name)
        .sort(),
    );
    expect(registered.every((l) => l.isNative === 1 && l.isStatic === 1 && l.shortName === l.name)).toBe(true);
    // The engine native CoopEngineMachineTimeMs reads the game's own QueryPerformanceCounter (ms),
    // the clock node.exe's hrtime reads: between the stand-in game's readings just before and after.
    const clock = ev.find((l) => l.event === 'machineTime');
    expect(clock?.found).toBe(1);
    expect(Number(clock?.native)).toBeGreaterThanOrEqual(Number(clock?.before));
    expect(Number(clock?.native)).toBeLessThanOrEqual(Number(clock?.after));
    // No research names a game function to detour yet: the plugin attaches no hook.
    expect(names.filter((n) => n === 'hookAttach' || n === 'hookDetach')).toEqual([]);
    // Game states: Running and Shutdown added; the states ran in order; Main(Unload) at the end.
    expect(ev.filter((l) => l.event === 'gameStateAdded').map((l) => l.type)).toEqual([2, 3]);
    expect(ev.filter((l) => l.event === 'stateEnter').map((l) => l.type)).toEqual([0, 1, 2, 3]);
    expect(names.at(-2)).toBe('unloaded');
    // Logs in red4ext/logs: the plugin's (through RED4ext's logger) and the sidecar's, rotated.
    expect(pluginLog()).toMatch(/CoopBridge \d+\.\d+\.\d+ loaded[\s\S]*registered \d+ natives[\s\S]*bridge region 'cb\d+' open/);
    expect(readFileSync(join(logs, 'coop-sidecar.log'), 'utf8')).toContain('--server must be HOST:PORT');
    expect(readFileSync(join(logs, 'coop-sidecar.1.log'), 'utf8')).toContain('--server must be HOST:PORT');
    expect(wineProcessesWith(game)).toEqual([]);
  }, 120_000);

  it('gives up after repeated deaths and tells the player through the poll native', async () => {
    // No node.exe: every launch fails at once; the backoff (1, 2, 4, 8, 16 s) still paces them.
    renameSync(join(plugin, 'sidecar', 'node.exe'), join(plugin, 'sidecar', 'node.exe.off'));
    const g = startStandinGame('game-giveup', game, dir);
    const note = await g.waitJson((l) => l.event === 'notification', GIVE_UP_WAIT_MS);
    expect(note).toMatchObject({ kind: 2, title: 'Co-op stopped', text: expect.stringContaining('red4ext/logs/coop-sidecar.log') });
    askQuit(game);
    expect(await g.exited, g.err()).toBe(0);
    const logs = join(game, 'red4ext', 'logs');
    const text = readdirSync(logs)
      .filter((f) => f.startsWith('coopbridge-'))
      .map((f) => readFileSync(join(logs, f), 'utf8'))
      .join('');
    expect(text).toMatch(/cannot start the sidecar .*no such file/);
    expect(text).toMatch(/restarting the sidecar in 1000 ms[\s\S]*in 2000 ms[\s\S]*in 4000 ms[\s\S]*in 8000 ms[\s\S]*in 16000 ms[\s\S]*giving up/);
  }, 120_000);

  it('sends strings, struct arrays and bytes byte-exact; never shows scripts a malformed or unknown sidecar frame, and reads the valid one field by field', async () => {
    // node.exe is still away (previous test): the sidecar role is free for a raw-frame peer.
    const g = startStandinGame('game-hostile', game, dir, ['--send-samples']);
    const logs = join(game, 'red4ext', 'logs');
    const session = await vi.waitFor(
      () => {
        // This run's log is the newest (named by start time); earlier runs' regions are closed.
        const newest = readdirSync(logs)
          .filter((f) => f.startsWith('coopbridge-'))
          .sort()
          .at(-1);
        const m = newest ? /bridge region '(cb\d+)' open/.exec(readFileSync(join(logs, newest), 'utf8')) : null;
        if (!m?.[1] || !g.json().some((l) => l.event === 'stateEnter' && l.type === 2)) throw new Error('region not open yet');
        return m[1];
      },
      { timeout: WINE_WAIT_MS, interval: 100 },
    );
    const valid = encode('SpawnProxy', { entityId: 42, kind: 0, template: 'player', pos: { x: 7, y: 0, z: 0 }, rot: { x: 0, y: 0, z: 0, w: 1 } });
    const lyingString = Buffer.from(valid);
    lyingString.writeUInt32LE(0xfffffff0, 5); // template's length far past the frame
    const plan = [
      `${MESSAGE_IDS.SpawnProxy} ${valid.subarray(0, valid.length - 3).toString('hex')}`, // truncated
      `${MESSAGE_IDS.SpawnProxy} ${lyingString.toString('hex')}`,
      `${MESSAGE_IDS.SpawnProxy} ${Buffer.concat([valid, Buffer.from([1])]).toString('hex')}`, // a byte too many
      `${MESSAGE_IDS.PlayerTransform} ${Buffer.alloc(44).toString('hex')}`, // game -> sidecar only: not readable
      `65520 00`, // unknown type
      `${MESSAGE_IDS.SpawnProxy} ${valid.toString('hex')}`,
    ];
    writeFileSync(join(dir, 'hostile.plan'), `${plan.join('\n')}\n`);
    const peer = startWinNode(
      'peer-hostile',
      'frame-peer.mjs',
      ['--mode', 'echo-check', '--bridge', session, '--plan', winPath(join(dir, 'hostile.plan')), '--expect', String(PEER_FRAMES_UNTIL_KILLED)],
      dir,
    );
    const spawn = await g.waitJson((l) => l.event === 'spawnProxy');
    // The other way: send natives with strings (inline and heap), a struct array passed as one
    // array per field, and bytes arrive byte-exact as the manifest encodes them.
    await peer.waitJson((l) => l.type === MESSAGE_IDS.MicAudioFrame);
    await peer.kill();
    expect(g.json().find((l) => l.event === 'samplesSent')?.ok).toEqual([1, 1, 1]);
    const got = peer
      .json()
      .filter((l) => l.type !== undefined && l.type !== MESSAGE_IDS.PlayerTransform)
      .map((l) => `${l.type} ${l.hex}`);
    expect(got).toEqual([
      `${MESSAGE_IDS.ConsoleCommand} ${encode('ConsoleCommand', { text: 'a console line longer than twenty bytes' }).toString('hex')}`,
      `${MESSAGE_IDS.DialogueWheelShown} ${encode('DialogueWheelShown', {
        conversationId: 7,
        hubId: 9,
        choices: [
          { index: 0, text: 'Yes', flags: 0 },
          { index: 1, text: 'A much longer answer than twenty chars', flags: 1 },
        ],
      }).toString('hex')}`,
      `${MESSAGE_IDS.MicAudioFrame} ${encode('MicAudioFrame', { seq: 3, sampleRate: 48000, channels: 1, pcm: Uint8Array.from([1, 2, 3, 4, 5]) }).toString('hex')}`,
    ]);
    askQuit(game);
    expect(await g.exited, g.err()).toBe(0);
    expect(spawn).toMatchObject({ entityId: 42, kind: 0, template: 'player', x: 7, y: 0, z: 0 });
    expect(g.json().filter((l) => l.event === 'spawnProxy' || l.event === 'frame')).toHaveLength(1);
  }, 120_000);
});

function encode<K extends MessageName>(name: K, msg: MessageMap[K]): Buffer {
  const codec = CODECS[name];
  const ab = new ArrayBuffer(codec.size(msg));
  codec.write(new FrameWriter(ab), msg);
  return Buffer.from(ab);
}
