// Where the Windows build lives (all gitignored, under .cache/win/) and how wine is run.
// Downloaded Windows binaries (node.exe, koffi.node) and built ones (opus.dll) stay here, never
// in git. WIN_LAYOUT_DIR mirrors the player's plugin folder (docs/windows.md).
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

export const ROOT_DIR = fileURLToPath(new URL('../../', import.meta.url));
export const WIN_CACHE_DIR = join(ROOT_DIR, '.cache', 'win');
/** npm pack tarballs and their extracted trees. */
export const WIN_PACKS_DIR = join(WIN_CACHE_DIR, 'packs');
/** The project's own wine prefix (never the user's ~/.wine). */
export const WINE_PREFIX_DIR = join(WIN_CACHE_DIR, 'wineprefix');
/** The plugin folder as a Windows player has it: red4ext/plugins/CoopBridge/. */
export const WIN_LAYOUT_DIR = join(WIN_CACHE_DIR, 'CoopBridge');
export const WIN_SIDECAR_DIR = join(WIN_LAYOUT_DIR, 'sidecar');
export const WIN_NODE_EXE = join(WIN_SIDECAR_DIR, 'node.exe');
export const WIN_SIDECAR_BUNDLE = join(WIN_SIDECAR_DIR, 'coop-sidecar.mjs');
/** esbuild's metafile of the bundle (not shipped): the packages whose licences the zip carries. */
export const WIN_SIDECAR_METAFILE = join(WIN_SIDECAR_DIR, 'coop-sidecar.meta.json');
/** Test and bench peer: the bridge TS code in node.exe, driven by test/windows/. */
export const WIN_FRAME_PEER_BUNDLE = join(WIN_SIDECAR_DIR, 'frame-peer.mjs');
export const WIN_OPUS_CHECK_BUNDLE = join(WIN_SIDECAR_DIR, 'opus-check.mjs');
/** Test bundle: the working-set trim run twice in node.exe (test/windows/trim-check.ts). */
export const WIN_TRIM_CHECK_BUNDLE = join(WIN_SIDECAR_DIR, 'trim-check.mjs');
export const WIN_SHIM_DLL = join(WIN_LAYOUT_DIR, 'coopbridge.dll');
/** The C test game, built beside the DLL it links. */
export const WIN_GAME_EXE = join(ROOT_DIR, 'native-shims', 'build', 'coop-game.exe');
export const WIN_OPUS_DLL = join(WIN_SIDECAR_DIR, 'opus.dll');

/** Environment for every wine command: our prefix, no debug chatter, and no Mono/Gecko
 * installer dialogs (they would wait forever for a click on a machine with no display). */
export function wineEnv(base = process.env) {
  return {
    ...base,
    WINEPREFIX: WINE_PREFIX_DIR,
    WINEARCH: 'win64',
    WINEDEBUG: '-all',
    WINEDLLOVERRIDES: 'mscoree,mshtml=',
    DISPLAY: '',
  };
}
/** The RED4ext plugin (shim + RED4ext exports + natives + supervision), mingw-w64. */
export const WIN_PLUGIN_DLL = join(ROOT_DIR, 'native-shims', 'build', 'CoopBridge.dll');
/** Test code, never shipped: the stand-in RED4ext.dll loader and Cyberpunk2077.exe game. */
export const WIN_STANDIN_LOADER = join(ROOT_DIR, 'native-shims', 'build', 'standin', 'RED4ext.dll');
export const WIN_STANDIN_GAME = join(ROOT_DIR, 'native-shims', 'build', 'standin', 'Cyberpunk2077.exe');
