// Windows programs under wine for the tests: the C test game (coop-game.exe) and node.exe with
// a bundle. Their stdout and stderr go to files (test/helpers/file-output-proc.ts); the tests
// read those files. Waiting uses vi.waitFor and gives up early, naming the output, when the
// process has ended.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { vi } from 'vitest';
import { WIN_GAME_EXE, WIN_NODE_EXE, WIN_SIDECAR_DIR, wineEnv } from '../../scripts/win/paths.mjs';
import { ensureWinePrefix } from '../../scripts/win/wine-prefix.mjs';
import { startWithFileOutput, type FileOutputProc } from '../helpers/file-output-proc.js';

export { winPath } from '../helpers/file-output-proc.js';

/** How long a wine process may take to print what a test waits for (wine starts in seconds). */
export const WINE_WAIT_MS = 60_000;
const WAIT_POLL_MS = 50;

export interface WineProc extends FileOutputProc {
  /** The first JSON stdout line matching pred (rejects when the process ended without it). */
  waitJson(pred: (l: Record<string, unknown>) => boolean, timeoutMs?: number): Promise<Record<string, unknown>>;
}

/** True when the Windows build exists (npm run build made it) and wine runs. */
export function windowsBuilt(): boolean {
  return existsSync(WIN_GAME_EXE) && existsSync(WIN_NODE_EXE) && spawnSync('sh', ['-c', 'command -v wine'], { stdio: 'ignore' }).status === 0;
}

/** A scratch folder for one test file's outputs. */
export function scratchDir(tag: string): string {
  return mkdtempSync(join(tmpdir(), `coop-win-${tag}-`));
}

/** Starts `wine program args` with stdout and stderr in files under dir. */
export function startWine(name: string, program: string, args: string[], dir: string, env: NodeJS.ProcessEnv = {}): WineProc {
  ensureWinePrefix();
  const p = startWithFileOutput(name, 'wine', [program, ...args], dir, wineEnv({ ...process.env, ...env }));
  const waitJson = (pred: (l: Record<string, unknown>) => boolean, timeoutMs = WINE_WAIT_MS) =>
    vi.waitFor(
      () => {
        const hit = p.json().find(pred);
        if (hit) return hit;
        const why = p.ended() ? `${name} exited (${p.child.exitCode}) without it` : `${name} has not printed it yet`;
        throw new Error(`${why}; stdout:\n${p.lines().slice(-10).join('\n')}\nstderr:\n${p.err().slice(-1500)}`);
      },
      { timeout: timeoutMs, interval: WAIT_POLL_MS },
    );
  return { ...p, waitJson };
}

/** The C test game (game role, C frame API) under wine. */
export function startWinGame(name: string, args: string[], dir: string): WineProc {
  return startWine(name, WIN_GAME_EXE, args, dir);
}

/** node.exe with a bundle from the Windows sidecar folder (frame-peer.mjs, coop-sidecar.mjs). */
export function startWinNode(name: string, bundle: string, args: string[], dir: string): WineProc {
  return startWine(name, WIN_NODE_EXE, [join(WIN_SIDECAR_DIR, bundle), ...args], dir);
}

/** Linux pids of running wine processes whose command line contains `marker`. */
export function wineProcessesWith(marker: string): number[] {
  const ps = spawnSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' });
  return ps.stdout
    .split('\n')
    .filter((l) => l.includes(marker) && !l.includes('ps -eo'))
    .map((l) => Number(l.trim().split(/\s+/)[0]));
}
