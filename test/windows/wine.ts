// Windows programs under wine for the tests: the C test game (coop-game.exe) and node.exe with
// a bundle. Their stdout and stderr go to files, never pipes (under wine a node.exe whose
// stdout is a pipe dies at its first write); the tests read those files. Waiting uses
// vi.waitFor and gives up early, naming the output, when the process has ended.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { vi } from 'vitest';
import { WIN_GAME_EXE, WIN_NODE_EXE, WIN_SIDECAR_DIR, wineEnv } from '../../scripts/win/paths.mjs';
import { ensureWinePrefix } from '../../scripts/win/wine-prefix.mjs';

/** How long a wine process may take to print what a test waits for (wine starts in seconds). */
export const WINE_WAIT_MS = 60_000;
const WAIT_POLL_MS = 50;

export interface WineProc {
  name: string;
  child: ChildProcess;
  /** Every stdout line so far. */
  lines(): string[];
  json(): Record<string, unknown>[];
  stderr(): string;
  /** The first JSON stdout line matching pred (rejects when the process ended without it). */
  waitJson(pred: (l: Record<string, unknown>) => boolean, timeoutMs?: number): Promise<Record<string, unknown>>;
  exited: Promise<number | null>;
  kill(signal?: NodeJS.Signals): Promise<number | null>;
}

/** True when the Windows build exists (npm run build made it) and wine runs. */
export function windowsBuilt(): boolean {
  return existsSync(WIN_GAME_EXE) && existsSync(WIN_NODE_EXE) && spawnSync('sh', ['-c', 'command -v wine'], { stdio: 'ignore' }).status === 0;
}

/** A scratch folder for one test file's outputs. */
export function scratchDir(tag: string): string {
  return mkdtempSync(join(tmpdir(), `coop-win-${tag}-`));
}

/** The Windows path of a Linux path (wine maps / to drive Z:). */
export function winPath(linuxPath: string): string {
  return `Z:${linuxPath.replaceAll('/', '\\')}`;
}

/** Starts `wine program args` with stdout and stderr in files under dir. */
export function startWine(name: string, program: string, args: string[], dir: string, env: NodeJS.ProcessEnv = {}): WineProc {
  ensureWinePrefix();
  const outPath = join(dir, `${name}.out`);
  const errPath = join(dir, `${name}.err`);
  writeFileSync(outPath, '');
  writeFileSync(errPath, '');
  const out = openSync(outPath, 'a');
  const err = openSync(errPath, 'a');
  const child = spawn('wine', [program, ...args], { stdio: ['ignore', out, err], env: wineEnv({ ...process.env, ...env }) });
  closeSync(out);
  closeSync(err);
  let ended = false;
  const exited = new Promise<number | null>((resolve) =>
    child.on('exit', (code, signal) => {
      ended = true;
      resolve(code ?? (signal ? -1 : null));
    }),
  );
  const lines = () => readFileSync(outPath, 'utf8').split('\n').filter(Boolean);
  const json = () =>
    lines().flatMap((l) => {
      try {
        return l.startsWith('{') ? [JSON.parse(l) as Record<string, unknown>] : [];
      } catch {
        return []; // a line being written right now
      }
    });
  const stderr = () => readFileSync(errPath, 'utf8');
  const waitJson = (pred: (l: Record<string, unknown>) => boolean, timeoutMs = WINE_WAIT_MS) =>
    vi.waitFor(
      () => {
        const hit = json().find(pred);
        if (hit) return hit;
        const why = ended ? `${name} exited (${child.exitCode}) without it` : `${name} has not printed it yet`;
        throw new Error(`${why}; stdout:\n${lines().slice(-10).join('\n')}\nstderr:\n${stderr().slice(-1500)}`);
      },
      { timeout: timeoutMs, interval: WAIT_POLL_MS },
    );
  const kill = async (signal: NodeJS.Signals = 'SIGKILL') => {
    if (!ended) child.kill(signal);
    return exited;
  };
  return { name, child, lines, json, stderr, waitJson, exited, kill };
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
