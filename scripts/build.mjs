#!/usr/bin/env node
// Builds what the package runs from: the native shim (make, from native-shims/ sources only)
// and the esbuild bundles in dist/ that the bins load. Entries that do not exist yet are skipped.
import { build } from 'esbuild';
import { existsSync, mkdirSync } from 'node:fs';
import { execFileSync } from 'node:child_process';

if (existsSync('native-shims/Makefile')) {
  execFileSync('make', ['-s', '-C', 'native-shims'], { stdio: 'inherit' });
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
