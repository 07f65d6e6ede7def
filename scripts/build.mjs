#!/usr/bin/env node
// Builds what the package runs from: the native shim (make, from native-shims/ sources only:
// the Linux .so, and with mingw-w64 the Windows DLL and the C test game), the esbuild bundles in
// dist/ that the bins load (entries that do not exist yet are skipped), then the Windows
// sidecar folder and wine prefix in .cache/win/ (scripts/build-win.mjs).
import { build } from 'esbuild';
import { existsSync, mkdirSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { buildWindows } from './build-win.mjs';

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

mkdirSync('dist', { recursive: true });
const present = Object.entries(ENTRIES).filter(([, src]) => existsSync(src));
await Promise.all(
  present.map(([name, src]) =>
    build({
      entryPoints: [src],
      outfile: `dist/${name}.js`,
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      packages: 'external',
      sourcemap: true,
      logLevel: 'warning',
    }),
  ),
);

// The Windows sidecar (node.exe + this sidecar bundled + koffi + opus.dll) and the wine prefix.
await buildWindows({ sidecarEntry: ENTRIES['coop-sidecar'] });
