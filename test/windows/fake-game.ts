// A fake game folder for the stand-in loader: <game>/bin/x64/Cyberpunk2077.exe and
// <game>/red4ext/RED4ext.dll (the stand-ins, test code), plus whatever the test installs into
// red4ext/plugins (the release zip, or the build's files). The stand-in game prints JSON lines.
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { WIN_STANDIN_GAME, WIN_STANDIN_LOADER } from '../../scripts/win/paths.mjs';
import { startWine, type WineProc } from './wine.js';

export const PLUGIN_REL = join('red4ext', 'plugins', 'CoopBridge');

/** Puts the stand-in game and loader into gameDir (the game's own files, not the mod's). */
export function addStandins(gameDir: string): void {
  mkdirSync(join(gameDir, 'bin', 'x64'), { recursive: true });
  mkdirSync(join(gameDir, 'red4ext', 'plugins'), { recursive: true });
  copyFileSync(WIN_STANDIN_GAME, join(gameDir, 'bin', 'x64', 'Cyberpunk2077.exe'));
  copyFileSync(WIN_STANDIN_LOADER, join(gameDir, 'red4ext', 'RED4ext.dll'));
}

/** The plugin's coop-bridge.ini (the sidecar's arguments). */
export function writeIni(gameDir: string, values: Record<string, string>): void {
  writeFileSync(
    join(gameDir, PLUGIN_REL, 'coop-bridge.ini'),
    Object.entries(values)
      .map(([k, v]) => `${k} = ${v}\n`)
      .join(''),
  );
}

/** Runs the stand-in game; it stops when <game>/quit appears (askQuit) or after --run-ms. `env`
 * plays another RED4ext release (STANDIN_RED4EXT_API, _SDK_MIN, _SDK: standin-loader.c). */
export function startStandinGame(name: string, gameDir: string, outDir: string, args: string[] = [], env: NodeJS.ProcessEnv = {}): WineProc {
  return startWine(name, join(gameDir, 'bin', 'x64', 'Cyberpunk2077.exe'), args, outDir, env);
}

export function askQuit(gameDir: string): void {
  writeFileSync(join(gameDir, 'quit'), '');
}
