// CoopBridge.dll refused by RED4ext for its version: the stand-in loader plays RED4ext releases
// the plugin does not fit (one built with an older SDK than the plugin's 0.5.0, as RED4ext
// refused newer plugins before its PR #130; one that requires a newer SDK; one whose plugin API
// moved past 0). Each time the plugin is not loaded, the reason is in red4ext/logs/red4ext.log,
// nothing of the plugin ran (no scripts registered, so no "missing native" at script
// validation; no natives, no game states, no log of its own) and no sidecar was launched.
// A control run with RED4ext at exactly SDK 0.5.0 loads it and launches the sidecar.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { copyFileSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { WIN_PLUGIN_DLL, WIN_SIDECAR_DIR } from '../../scripts/win/paths.mjs';
import { addStandins, askQuit, PLUGIN_REL, startStandinGame, writeIni } from './fake-game.js';
import { scratchDir, windowsBuilt, wineProcessesWith, WINE_WAIT_MS } from './wine.js';

/** How long a refused run plays the Running state before the stand-in game exits by itself. */
const REFUSED_RUN_MS = 1500;
const dir = scratchDir('plugin-refused');
const game = join(dir, 'game');
const plugin = join(game, PLUGIN_REL);
const logs = join(game, 'red4ext', 'logs');

beforeAll(() => {
  if (!windowsBuilt()) throw new Error('the Windows build is missing: run npm run setup && npm run build');
  addStandins(game);
  mkdirSync(join(plugin, 'scripts'), { recursive: true });
  copyFileSync(WIN_PLUGIN_DLL, join(plugin, 'CoopBridge.dll'));
  copyFileSync('redscript-stubs/generated/CoopBridgeNatives.reds', join(plugin, 'scripts', 'CoopBridgeNatives.reds'));
  cpSync(WIN_SIDECAR_DIR, join(plugin, 'sidecar'), { recursive: true, filter: (p) => !p.endsWith('.log') });
  // A server nobody answers: a launched sidecar would sit waiting, and its log would exist.
  writeIni(game, { server: '127.0.0.1:9' });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const logFiles = (prefix: string): string[] => (existsSync(logs) ? readdirSync(logs).filter((f) => f.startsWith(prefix)) : []);

describe('CoopBridge.dll under a RED4ext it does not fit (wine)', () => {
  it.each([
    ['an older RED4ext (built with SDK 0.4.0)', { STANDIN_RED4EXT_SDK: '0.4.0' }, 'sdk 0.5.0 newer than this RED4ext (0.4.0)'],
    ['a newer RED4ext (plugins need SDK 0.6.0)', { STANDIN_RED4EXT_SDK_MIN: '0.6.0' }, 'sdk 0.5.0 too old (oldest supported 0.6.0)'],
    ['a RED4ext whose plugin API is 1', { STANDIN_RED4EXT_API: '1' }, 'api 0 (this RED4ext supports 1)'],
  ])(
    '%s: refused with the reason logged, nothing of it runs, no sidecar',
    async (_what, env, why) => {
      rmSync(logs, { recursive: true, force: true });
      const g = startStandinGame(`game-${Object.keys(env)[0]}`, game, dir, ['--run-ms', String(REFUSED_RUN_MS)], env);
      expect(await g.exited, g.err()).toBe(0);
      const ev = g.json();
      expect(ev.find((l) => l.event === 'rejected')).toMatchObject({ path: expect.stringMatching(/plugins\/CoopBridge\/CoopBridge\.dll$/), why });
      expect(ev.filter((l) => ['loaded', 'scriptsAdded', 'gameStateAdded', 'nativeRegistered', 'mainLoadFailed'].includes(String(l.event)))).toEqual([]);
      expect(ev.find((l) => l.event === 'pluginsLoaded')).toMatchObject({ count: 0, natives: 0 });
      expect(ev.filter((l) => l.event === 'stateEnter').map((l) => l.type)).toEqual([0, 1, 2, 3]); // the game itself ran on
      expect(readFileSync(join(logs, 'red4ext.log'), 'utf8')).toContain(why);
      expect(logFiles('coopbridge-')).toEqual([]);
      expect(logFiles('coop-sidecar')).toEqual([]);
      expect(wineProcessesWith(game)).toEqual([]);
    },
    120_000,
  );

  it('control: a RED4ext built with exactly SDK 0.5.0 loads it and its sidecar starts', async () => {
    rmSync(logs, { recursive: true, force: true });
    const g = startStandinGame('game-control', game, dir, [], { STANDIN_RED4EXT_SDK: '0.5.0' });
    await vi.waitFor(() => expect(logFiles('coop-sidecar.log')).toHaveLength(1), { timeout: WINE_WAIT_MS, interval: 200 });
    askQuit(game);
    expect(await g.exited, g.err()).toBe(0);
    rmSync(join(game, 'quit'), { force: true });
    expect(g.json().filter((l) => l.event === 'loaded')).toHaveLength(1);
    expect(g.json().filter((l) => l.event === 'rejected')).toEqual([]);
    expect(wineProcessesWith(game)).toEqual([]);
  }, 180_000);
});
