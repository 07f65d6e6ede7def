// kill -9 at random moments during repeated ban-list writes: the file always parses, and holds
// exactly the bans written before or after the interrupted write (a contiguous prefix).
import { describe, it, expect, beforeAll } from 'vitest';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { BanStore } from '../../src/server/admin/ban-store.js';
import { seededRandom } from '../../src/util/random.js';
import { proc } from '../helpers/proc.js';

const RUNS = 40;
const MAX_DELAY_MS = 60;
const SEED = 0x5eed;

let bundle: string;
beforeAll(async () => {
  // Bundle the child once so each run starts in plain node (tens of ms, not a tsx start-up).
  bundle = join(mkdtempSync(join(tmpdir(), 'banwriter-')), 'banWriter.mjs');
  await build({ entryPoints: ['test/admin/fixtures/ban-writer.ts'], outfile: bundle, bundle: true, platform: 'node', format: 'esm', logLevel: 'error' });
});

async function runUntilKilled(dataDir: string, delayMs: number): Promise<void> {
  const writer = proc([bundle, dataDir], { command: process.execPath, name: 'ban writer' });
  await writer.line(/wrote/);
  await new Promise((r) => setTimeout(r, delayMs));
  writer.child.kill('SIGKILL');
  await writer.exited;
  if (writer.child.signalCode !== 'SIGKILL') throw new Error(`writer exited with code ${writer.child.exitCode} before the kill: ${writer.err()}`);
}

describe('ban file under kill -9', () => {
  it(`parses after ${RUNS} random kills mid-write, and only grows`, async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'bankill-'));
    const rand = seededRandom(SEED);
    let previous = 0;
    for (let run = 0; run < RUNS; run++) {
      await runUntilKilled(dataDir, Math.floor(rand() * MAX_DELAY_MS));
      const store = await BanStore.open({ dataDir }); // throws on a torn file
      const ids = store
        .list()
        .map((b) => b.identity)
        .sort();
      expect(ids).toEqual(Array.from({ length: ids.length }, (_, i) => `id${String(i).padStart(6, '0')}`));
      // the kill came after the run's first write reached the disk: the list grew by >= 1
      expect(ids.length).toBeGreaterThan(previous);
      previous = ids.length;
      expect(readdirSync(dataDir)).toEqual(['bans.json']); // leftover temp files cleaned at open
    }
  }, 180_000);
});
