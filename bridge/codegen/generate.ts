// `npm run gen`: writes every file generated from the hook manifest. `--check` writes nothing and
// exits 1 naming the files that differ (the test suite does the same in memory).
import { mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { pathToFileURL } from 'node:url';
import { loadManifest, type Manifest } from './manifest.js';
import { emitCodecs, emitTypes } from './emit-ts.js';
import { emitCHeader } from './emit-c.js';
import { emitReds } from './emit-reds.js';
import { writeFileAtomicSync } from '../../src/util/atomic-file.js';

/** Output path (relative to the package root) → its generated text. */
export function generateAll(m: Manifest): Map<string, string> {
  return new Map([
    ['bridge/generated/types.ts', emitTypes(m)],
    ['bridge/generated/codecs.ts', emitCodecs(m)],
    ['native-shims/generated/coop_hooks.h', emitCHeader(m)],
    ['redscript-stubs/generated/CoopBridgeNatives.reds', emitReds(m)],
  ]);
}

/** Paths whose file on disk differs from what the manifest generates. */
export function driftedFiles(files: Map<string, string>): string[] {
  return [...files]
    .filter(([path, text]) => {
      try {
        return readFileSync(path, 'utf8') !== text;
      } catch {
        return true;
      }
    })
    .map(([path]) => path);
}

function writeAtomic(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileAtomicSync(path, text);
}

function main(): void {
  const check = process.argv.includes('--check');
  let files: Map<string, string>;
  try {
    files = generateAll(loadManifest());
  } catch (err) {
    console.error(`gen: ${(err as Error).message}`);
    process.exit(1);
  }
  const drift = driftedFiles(files);
  if (check) {
    if (drift.length) console.error(`gen: out of date (run npm run gen): ${drift.join(', ')}`);
    process.exit(drift.length ? 1 : 0);
  }
  for (const path of drift) writeAtomic(path, files.get(path) ?? '');
  console.log(drift.length ? `gen: wrote ${drift.join(', ')}` : 'gen: up to date');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) main();
