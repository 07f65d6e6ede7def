// The working-set trim run twice inside the Windows sidecar's node.exe under wine, as a sidecar
// does 30 s after its start and again after each join: prints one JSON line with both results
// and whether code on given-back pages still runs the same (a hash before and after).
// test/windows/working-set-wine.system.test.ts judges it.
import { createHash } from 'node:crypto';
import { writeSync } from 'node:fs';
import { trimWorkingSet } from '../../src/sidecar/working-set.js';

const digest = (): string => createHash('sha256').update('coop-bridge').digest('hex');

async function main(): Promise<void> {
  const before = digest();
  const first = await trimWorkingSet();
  const second = await trimWorkingSet();
  writeSync(1, `${JSON.stringify({ first, second, sameDigest: digest() === before })}\n`);
}

main().catch((err: unknown) => {
  writeSync(1, `${JSON.stringify({ error: (err as Error).message })}\n`);
  process.exitCode = 1;
});
