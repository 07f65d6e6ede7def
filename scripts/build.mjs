#!/usr/bin/env node
// Builds what the package runs from: the native shim (make, from native-shims/ sources only:
// the Linux .so, and with mingw-w64 the Windows DLL and the C test game), the esbuild bundles in
// dist/ that the bins load (entries that do not exist yet are skipped), then the Windows
// sidecar folder and wine prefix in .cache/win/ (scripts/build-win.mjs).
import { build } from 'esbuild';
import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { buildWindows } from './build-win.mjs';
import { SIDECAR_BUNDLE_OPTIONS } from './sidecar-bundle.mjs';

if (existsSync('native-shims/Makefile')) {
  execFileSync('make', ['-s', '-C', 'native-shims'], { stdio: 'inherit' });
}
// bench:enet's C baseline needs libenet-dev's header; setup installs it, a bare build skips it.
if (existsSync('bench/native/Makefile') && existsSync('/usr/include/enet/enet.h')) {
  execFileSync('make', ['-s', '-C', 'bench/native'], { stdio: 'inherit' });
}

/** bin name → TypeScript entry point. */
export const ENTRIES = {
  'coop-server': 'src/server/main.ts',
  'coop-sidecar': 'src/sidecar/main.ts',
  'coop-master': 'src/master/main.ts',
  'coop-merge': 'src/merge/main.ts',
  'coop-netcheck': 'src/net/netcheck-main.ts',
  'coop-sim': 'src/sim/main.ts',
};

/** The sidecar runs beside the game: its own options (scripts/sidecar-bundle.mjs). Other programs
 * keep their packages in node_modules. */
const PACKAGES_BUNDLED = { 'coop-sidecar': SIDECAR_BUNDLE_OPTIONS };

mkdirSync('dist/chunks', { recursive: true });
const present = Object.entries(ENTRIES).filter(([, src]) => existsSync(src));
// Chunk names carry a content hash: drop the last build's, or they pile up.
for (const f of readdirSync('dist/chunks')) if (present.some(([name]) => f.startsWith(`${name}-`))) rmSync(`dist/chunks/${f}`);
await Promise.all(
  present.map(([name, src]) =>
    build({
      // Code splitting: what a program loads with import() only when used (the sidecar's NAT
      // path and --import) is a chunk of its own, not parsed or run at start.
      entryPoints: { [name]: src },
      outdir: 'dist',
      splitting: true,
      chunkNames: `chunks/${name}-[hash]`,
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      ...(PACKAGES_BUNDLED[name] ?? { packages: 'external' }),
      sourcemap: true,
      logLevel: 'warning',
    }),
  ),
);

// The Windows sidecar (node.exe + this sidecar bundled + koffi + opus.dll) and the wine prefix.
await buildWindows({ sidecarEntry: ENTRIES['coop-sidecar'] });
