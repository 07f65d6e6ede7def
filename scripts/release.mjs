#!/usr/bin/env node
// `npm run release` (after the build): the archive a player downloads,
// dist/release/coop-bridge-<version>.zip, in the layout the mod-manager research proposes
// (/work/shared/research/ship-as-mod.md §4): everything under red4ext/plugins/CoopBridge/ (the
// plugin DLL at depth 1, its scripts, and the sidecar one folder deeper so RED4ext never loads
// its DLLs) and r6/input/coop-bridge.xml; nothing in bin/x64, no archive inside the archive.
//   node scripts/release.mjs [--out DIR]
import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { releaseLicenses, thirdPartyNotices } from './win/licenses.mjs';
import { ROOT_DIR, WIN_NODE_EXE, WIN_OPUS_DLL, WIN_PLUGIN_DLL, WIN_SIDECAR_BUNDLE, WIN_SIDECAR_DIR, WIN_SIDECAR_METAFILE } from './win/paths.mjs';

const PLUGIN_DIR = join('red4ext', 'plugins', 'CoopBridge');
const SCRIPTS_SRC = join(ROOT_DIR, 'redscript-stubs');
const RELEASE_SRC = join(ROOT_DIR, 'release');
/** Exit code when the build's outputs are missing (run npm run build). */
const EXIT_NOT_BUILT = 3;

/** Copies the player's files into stage/ (emptied first); returns the staged paths. */
export function stageRelease(stage) {
  rmSync(stage, { recursive: true, force: true });
  const plugin = join(stage, PLUGIN_DIR);
  mkdirSync(join(plugin, 'sidecar'), { recursive: true });
  copyFileSync(WIN_PLUGIN_DLL, join(plugin, 'CoopBridge.dll'));
  cpSync(SCRIPTS_SRC, join(plugin, 'scripts'), { recursive: true, filter: (p) => statSync(p).isDirectory() || p.endsWith('.reds') });
  copyFileSync(join(RELEASE_SRC, 'coop-bridge.ini'), join(plugin, 'coop-bridge.ini'));
  copyFileSync(join(RELEASE_SRC, 'INSTALL.md'), join(plugin, 'INSTALL.md'));
  // The sidecar as the build laid it out, without test bundles, source maps or logs.
  for (const f of [WIN_NODE_EXE, WIN_SIDECAR_BUNDLE, WIN_OPUS_DLL]) copyFileSync(f, join(plugin, 'sidecar', relative(WIN_SIDECAR_DIR, f)));
  // What the sidecar loads only when used (the NAT path, --import): esbuild chunks beside it.
  cpSync(join(WIN_SIDECAR_DIR, 'chunks'), join(plugin, 'sidecar', 'chunks'), { recursive: true, filter: (p) => !p.endsWith('.map') });
  cpSync(join(WIN_SIDECAR_DIR, 'node_modules'), join(plugin, 'sidecar', 'node_modules'), { recursive: true, filter: (p) => !p.endsWith('.map') });
  mkdirSync(join(stage, 'r6', 'input'), { recursive: true });
  copyFileSync(join(RELEASE_SRC, 'coop-bridge.xml'), join(stage, 'r6', 'input', 'coop-bridge.xml'));
  // Licences of everything shipped: one file per component, and all of them in one notice.
  const components = releaseLicenses(JSON.parse(readFileSync(WIN_SIDECAR_METAFILE, 'utf8')));
  mkdirSync(join(plugin, 'licenses'));
  for (const c of components) writeFileSync(join(plugin, 'licenses', c.file), c.text);
  writeFileSync(join(plugin, 'THIRD_PARTY_NOTICES.txt'), thirdPartyNotices(components));
  return walk(stage).map((p) => relative(stage, p));
}

function walk(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)]));
}

/** Builds the zip; returns its path. */
export function makeRelease(outDir) {
  const version = JSON.parse(readFileSync(join(ROOT_DIR, 'package.json'), 'utf8')).version;
  const missing = [WIN_PLUGIN_DLL, WIN_NODE_EXE, WIN_SIDECAR_BUNDLE, WIN_SIDECAR_METAFILE, WIN_OPUS_DLL].filter((f) => !existsSync(f));
  if (missing.length) {
    const err = new Error(`release: not built (run npm run build): ${missing.join(', ')}`);
    err.exitCode = EXIT_NOT_BUILT;
    throw err;
  }
  const stage = join(outDir, 'stage');
  stageRelease(stage);
  const zip = join(outDir, `coop-bridge-${version}.zip`);
  rmSync(zip, { force: true });
  // -X: no extra Unix attributes; paths relative to the game folder.
  const r = spawnSync('zip', ['-q', '-r', '-X', zip, 'red4ext', 'r6'], { cwd: stage, stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.status !== 0) throw new Error(`release: zip failed (${r.status ?? r.error?.message}); npm run setup installs zip`);
  rmSync(stage, { recursive: true, force: true });
  return zip;
}

function main() {
  const { values } = parseArgs({ options: { out: { type: 'string', default: join(ROOT_DIR, 'dist', 'release') }, help: { type: 'boolean', default: false } } });
  if (values.help) {
    console.log('usage: node scripts/release.mjs [--out DIR]   (npm run release builds first)');
    return 0;
  }
  mkdirSync(values.out, { recursive: true });
  try {
    const zip = makeRelease(values.out);
    console.log(`release: ${zip} (${(statSync(zip).size / 1e6).toFixed(1)} MB)`);
    return 0;
  } catch (err) {
    console.error(err.message);
    return err.exitCode ?? 1;
  }
}

if (import.meta.url === `file://${process.argv[1]}`) process.exit(main());
