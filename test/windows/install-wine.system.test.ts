// The install test: `npm run release`'s zip unpacked into an empty fake game folder; every path
// checked against the Vortex / MO2 / RED4ext / Nexus rules; then under wine the stand-in loader
// (test code) loads the plugin from there, the plugin launches the bundled sidecar, the sidecar
// joins a Linux coop-server, and a Linux player's headless game sees the Windows player's avatar
// (and the Windows stand-in game reads the Linux player's through the poll natives). The
// stand-in game then exits and no sidecar process is left.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeRelease } from '../../scripts/release.mjs';
import { WIN_SIDECAR_METAFILE } from '../../scripts/win/paths.mjs';
import { proc, type Proc } from '../helpers/proc.js';
import { listeningPort, testServerArgs } from '../helpers/coop-server.js';
import { addStandins, askQuit, startStandinGame, writeIni } from './fake-game.js';
import { modRuleProblems } from './mod-rules.js';
import { scratchDir, windowsBuilt, winPath, wineProcessesWith, WINE_WAIT_MS } from './wine.js';

const AVATAR_KIND = 0;
/** Where each player stands (x, metres): within interest range of each other. */
const A_X = 0;
const B_X = 5;
const dir = scratchDir('install');
const game = join(dir, 'game');
const linux: Proc[] = [];
let zip = '';
let files: string[] = [];

beforeAll(() => {
  if (!windowsBuilt()) throw new Error('the Windows build is missing: run npm run setup && npm run build');
  zip = makeRelease(join(dir, 'release'));
  mkdirSync(game);
  const r = spawnSync('unzip', ['-q', zip, '-d', game]);
  expect(r.status, String(r.stderr)).toBe(0);
  files = spawnSync('unzip', ['-Z1', zip], { encoding: 'utf8' })
    .stdout.split('\n')
    .filter((l) => l && !l.endsWith('/'));
}, 120_000);
afterAll(async () => {
  for (const p of linux.reverse()) {
    if (p.child.exitCode === null) p.child.kill('SIGKILL');
    await p.exited;
  }
  rmSync(dir, { recursive: true, force: true });
});

describe('the release zip', () => {
  it('passes every mod-manager rule, and the rules catch a bad layout', () => {
    expect(zip).toMatch(new RegExp(`coop-bridge-${JSON.parse(readFileSync('package.json', 'utf8')).version}\\.zip$`));
    expect(modRuleProblems(files)).toEqual([]);
    expect(files).toEqual(
      expect.arrayContaining([
        'red4ext/plugins/CoopBridge/CoopBridge.dll',
        'red4ext/plugins/CoopBridge/sidecar/node.exe',
        'red4ext/plugins/CoopBridge/sidecar/coop-sidecar.mjs',
        'red4ext/plugins/CoopBridge/sidecar/opus.dll',
        'r6/input/coop-bridge.xml',
        'red4ext/plugins/CoopBridge/INSTALL.md',
        'red4ext/plugins/CoopBridge/scripts/generated/CoopBridgeNatives.reds',
      ]),
    );
    expect(files.some((f) => /node_modules\/@koromix\/koffi-win32-x64\/.*koffi\.node$/.test(f))).toBe(true);
    expect(files.some((f) => /CoopBridge\/sidecar\/chunks\/coop-sidecar-\w+\.mjs$/.test(f))).toBe(true); // the NAT path, loaded when used
    expect(files.some((f) => /frame-peer|opus-check|trim-check|\.map$|\.log$/.test(f))).toBe(false); // test files stay out
    expect(modRuleProblems([...files, 'bin/x64/CoopBridge.dll', 'red4ext/plugins/CoopBridge/opus.dll', 'extras/readme.zip', 'r6/config/x.xml'])).toHaveLength(
      6,
    );
    const note = readFileSync(join(game, 'red4ext/plugins/CoopBridge/INSTALL.md'), 'utf8');
    for (const need of ['RED4ext', 'redscript', 'ArchiveXL', 'Mod Settings', 'Input Loader', 'Codeware', 'Vortex', 'Mod Organizer 2', 'WINEDLLOVERRIDES'])
      expect(note).toContain(need);
  });

  it("carries the licence of all it ships: node.exe, koffi, libopus, and every package esbuild's metafile puts in the bundle", () => {
    const plugin = join(game, 'red4ext/plugins/CoopBridge');
    const licence = (name: string): string => readFileSync(join(plugin, 'licenses', `${name.replace('/', '+')}.txt`), 'utf8');
    const notices = readFileSync(join(plugin, 'THIRD_PARTY_NOTICES.txt'), 'utf8');
    // The packages in the bundle, by the last node_modules/<name> of each input path.
    const inputs = Object.keys((JSON.parse(readFileSync(WIN_SIDECAR_METAFILE, 'utf8')) as { inputs: object }).inputs);
    const dirs = new Set(inputs.map((p) => /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(p)?.[1]).filter((d): d is string => d !== undefined));
    expect(dirs.size).toBeGreaterThan(10); // pino, zod, protobufjs, ws, werift-ice and their dependencies
    for (const d of dirs) {
      const pkg = JSON.parse(readFileSync(join(d, 'package.json'), 'utf8')) as { name: string; version: string };
      const file = readdirSync(d).find((f) => /^(licen[cs]e|copying)(\.(md|txt))?$/i.test(f));
      if (file) expect(licence(pkg.name), pkg.name).toBe(readFileSync(join(d, file), 'utf8'));
      else expect(licence(pkg.name), pkg.name).toMatch(/^MIT License\n\nCopyright \(c\) \S/);
      expect(notices).toContain(`${pkg.name} ${pkg.version} (`);
    }
    expect(licence('node')).toContain('Node.js is licensed for use as follows');
    expect(licence('node')).toMatch(/OpenSSL|ICU/); // the third-party part of Node's LICENSE
    expect(licence('koffi')).toBe(readFileSync('node_modules/koffi/LICENSE.txt', 'utf8'));
    expect(licence('@koromix/koffi-win32-x64')).toBe(licence('koffi'));
    expect(licence('libopus')).toMatch(/Xiph\.Org[\s\S]*Redistribution and use in source and binary forms/);
    expect(files.filter((f) => f.startsWith('red4ext/plugins/CoopBridge/licenses/')).length).toBe(dirs.size + 4);
    expect(existsSync(join(plugin, 'sidecar', 'coop-sidecar.meta.json'))).toBe(false); // build data, not shipped
  });

  it('installed in a fake game: the stand-in loader runs the plugin, its sidecar joins a Linux server, both players see each other', async () => {
    addStandins(game); // the game's own files, after the rules check (they are not the mod's)
    const server = proc(testServerArgs({ dataDir: join(dir, 'server') }));
    linux.push(server);
    const port = await listeningPort(server);

    // B: Linux headless game + Linux sidecar, standing B_X metres away.
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
              [B_X, 0, 0],
              [B_X, 0.1, 0],
            ],
            speedMps: 0.001,
            hz: 10,
          },
        ],
      }),
    );
    const sessionB = `i${process.pid}b`;
    const simB = proc(['src/sim/main.ts', '--bridge', sessionB, '--scenario', scenarioB]);
    linux.push(simB);
    await simB.line(/"event":"open"/);
    const sidecarB = proc([
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
    linux.push(sidecarB);
    await sidecarB.line(/joined as peer \d+/);

    // A: the installed mod, configured as a player would in coop-bridge.ini.
    // server3: a saved server for the settings menu; the plugin hands the ini to the sidecar.
    writeIni(game, { server: `127.0.0.1:${port}`, server3: '127.0.0.1:1', name: 'A', data_dir: winPath(join(dir, 'id-a')) });
    const a = startStandinGame('game-a', game, dir, ['--x', String(A_X)]);
    const sidecarLog = join(game, 'red4ext', 'logs', 'coop-sidecar.log');
    await vi.waitFor(() => expect(readFileSync(sidecarLog, 'utf8')).toMatch(/joined as peer \d+/), { timeout: WINE_WAIT_MS, interval: 200 });
    expect(readFileSync(sidecarLog, 'utf8')).toMatch(/saved servers: slot 3 \(.*coop-bridge\.ini\)/);
    // A's stand-in game read B's avatar through CoopNativePoll + the cursor natives.
    const spawnA = await a.waitJson((l) => l.event === 'spawnProxy' && l.kind === AVATAR_KIND);
    expect(Math.abs(Number(spawnA.x) - B_X)).toBeLessThan(1);
    // B's headless game was told about A's avatar, at A's spot (sent through the send native).
    const spawnB = await vi.waitFor(
      () => {
        const hit = simB.lines
          .filter((l) => l.startsWith('{'))
          .map((l) => JSON.parse(l) as { dir?: string; type?: string; msg?: { kind: number; pos: { x: number } } })
          .find((l) => l.dir === 'in' && l.type === 'SpawnProxy' && l.msg?.kind === AVATAR_KIND);
        if (!hit) throw new Error('B has not seen A yet');
        return hit;
      },
      { timeout: WINE_WAIT_MS, interval: 200 },
    );
    expect(Math.abs((spawnB.msg?.pos.x ?? 99) - A_X)).toBeLessThan(1);

    // The stand-in game exits (Shutdown state, Main(Unload)): no sidecar is left behind.
    askQuit(game);
    expect(await a.exited, a.err()).toBe(0);
    expect(a.json().map((l) => l.event)).toContain('unloaded');
    expect(wineProcessesWith(game)).toEqual([]);
    const logs = join(game, 'red4ext', 'logs');
    const pluginLog = readdirSync(logs)
      .filter((f) => f.startsWith('coopbridge-'))
      .map((f) => readFileSync(join(logs, f), 'utf8'))
      .join('');
    expect(pluginLog).toMatch(/sidecar \(pid \d+\) (exited|ended)/);
  }, 180_000);
});
