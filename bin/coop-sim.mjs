#!/usr/bin/env node
// Built by `npm run build` (esbuild) into dist/; see scripts/build.mjs.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
const bundle = fileURLToPath(new URL('../dist/coop-sim.js', import.meta.url));
if (!existsSync(bundle)) {
  console.error('coop-sim: dist/coop-sim.js is missing; run `npm run build` first');
  process.exit(1);
}
await import(bundle);
