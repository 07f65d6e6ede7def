#!/usr/bin/env node
// Builds what the package runs from: the native shim (make, from native-shims/ sources only)
// and the esbuild bundles in dist/ that the bins load. Entries that do not exist yet are skipped.
import { build } from 'esbuild';
import { existsSync, mkdirSync } from 'node:fs';
import { execFileSync } from 'node:child_process';

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
  'coop-merge': 'src/merge/cli.ts',
  'coop-netcheck': 'src/net/netcheck.ts',
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
