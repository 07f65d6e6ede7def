// Under wine (so under Proton), the sidecar's node.exe is mapped from its file, not copied:
// its sections lie on 4 KiB file boundaries (scripts/win/pe-page-align.mjs). Node's own
// node.exe (512-byte file alignment) had wine copy its ≈ 70 MB of code and data into anonymous
// memory at start: an idle node.exe then held 87 MB anonymous and 80 kB of pages mapped from
// node.exe; laid out on pages, 17 MB and 37 MB (bench:sidecar:win has the sidecar's figures).
import { readFileSync, rmSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WIN_NODE_EXE } from '../../scripts/win/paths.mjs';
import { scratchDir, startWine, windowsBuilt, wineProcessesWith, WINE_WAIT_MS, type WineProc } from './wine.js';

/** Pages of node.exe's own file it must hold mapped (code it ran, data it read), kB. */
const MAPPED_FROM_IMAGE_MIN_KB = 10_000;
/** Its anonymous memory (heap, stacks, wine's own; not a copy of the image), kB. */
const ANONYMOUS_MAX_KB = 50_000;
const POLL_MS = 200;

const dir = scratchDir('image');
let node: WineProc | undefined;
beforeAll(() => {
  if (!windowsBuilt()) throw new Error('the Windows build is missing: run npm run setup && npm run build');
});
afterAll(async () => {
  await node?.kill();
  rmSync(dir, { recursive: true, force: true });
});

/** kB of a process's pages mapped from files ending in `name`, and its anonymous kB (smaps). */
function residentOf(pid: number, name: string): { imageKb: number; anonymousKb: number } {
  let imageKb = 0,
    anonymousKb = 0,
    ours = false;
  for (const line of readFileSync(`/proc/${pid}/smaps`, 'utf8').split('\n')) {
    if (/^[0-9a-f]+-[0-9a-f]+ /.test(line)) ours = line.endsWith(name);
    else if (ours && line.startsWith('Rss:')) imageKb += Number(line.split(/\s+/)[1]);
    else if (line.startsWith('Anonymous:')) anonymousKb += Number(line.split(/\s+/)[1]);
  }
  return { imageKb, anonymousKb };
}

describe("the sidecar's node.exe under wine", () => {
  it('is mapped from its file, not copied into anonymous memory', async () => {
    const marker = `coop-image-probe-${process.pid}`;
    node = startWine('node', WIN_NODE_EXE, ['-e', 'console.log("up"); setTimeout(() => {}, 120000)', marker], dir);
    const started = performance.now();
    // the Linux process that runs node.exe: the one with node.exe's file mapped
    let pid: number | undefined;
    while (pid === undefined) {
      if (performance.now() - started > WINE_WAIT_MS) throw new Error(`node.exe did not start; stderr: ${node.err().slice(-800)}`);
      if (node.lines().includes('up'))
        pid = wineProcessesWith(marker).find((p) => {
          try {
            return readFileSync(`/proc/${p}/maps`, 'utf8').includes('node.exe');
          } catch {
            return false; // gone already
          }
        });
      if (pid === undefined) await sleep(POLL_MS);
    }
    const r = residentOf(pid, 'node.exe');
    const seen = `node.exe's pages mapped from its file ${r.imageKb} kB, anonymous ${r.anonymousKb} kB`;
    expect(r.imageKb, seen).toBeGreaterThan(MAPPED_FROM_IMAGE_MIN_KB);
    expect(r.anonymousKb, seen).toBeLessThan(ANONYMOUS_MAX_KB);
  }, 120_000);
});
