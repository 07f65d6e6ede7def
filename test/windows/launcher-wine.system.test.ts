// The Windows launcher (launcher_win32.c, coop_launch_logged) under wine, as the game's plugin
// uses it: the C test game launches node.exe suspended into a kill-on-close job, without a
// console window, its output in a log file. Killing the game's wine process with SIGKILL must
// take node.exe along (no orphan keeps Steam thinking the game runs). Also: the sidecar as laid
// out for a player starts in node.exe.
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { WIN_NODE_EXE } from '../../scripts/win/paths.mjs';
import { scratchDir, startWinGame, startWinNode, windowsBuilt, winPath, wineProcessesWith, type WineProc } from './wine.js';

/** How long the job may take to end node.exe after the game died (wineserver notices the dead
 * process, closes its handles, the job's last handle goes): seconds, bounded for a loaded box. */
const JOB_KILL_WAIT_MS = 30_000;
/** A program that would run forever: only the job can end it. */
const FOREVER_JS = "console.log('alive', process.argv[1], process.platform); setInterval(() => {}, 1000)";
const dir = scratchDir('launch');
const running: WineProc[] = [];
let n = 0;

beforeAll(() => {
  if (!windowsBuilt()) throw new Error('the Windows build is missing: run npm run setup && npm run build');
});
afterEach(async () => {
  for (const p of running.splice(0)) await p.kill();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function game(tag: string, launchArgv: string[], log: string): WineProc {
  const session = `w${process.pid}_${tag}_${n++}`;
  const p = startWinGame(`game-${tag}`, ['--bridge', session, '--mode', 'idle', '--launch-log', winPath(log), '--', ...launchArgv], dir);
  running.push(p);
  return p;
}

describe('Windows launcher under wine (coop_launch_logged)', () => {
  it('launches node.exe with its output in the log file; SIGKILL of the game takes node.exe down', async () => {
    const marker = `coopjob${process.pid}x${n}`;
    const log = join(dir, `${marker}.log`);
    const g = game('job', [winPath(WIN_NODE_EXE), '-e', FOREVER_JS, marker], log);
    const launched = await g.waitJson((l) => l.event === 'launched' || l.event === 'launchFailed');
    expect(launched.event, g.err()).toBe('launched');
    // It runs, no console, stdout a file: it printed (a piped stdout would have killed it).
    await vi.waitFor(() => expect(readFileSync(log, 'utf8')).toContain(`alive ${marker} win32`), { timeout: 60_000, interval: 100 });
    const nodes = wineProcessesWith(marker).filter((pid) => pid !== g.child.pid);
    expect(nodes.length).toBe(1); // node.exe, as a wine process of its own
    await g.kill('SIGKILL');
    await vi.waitFor(() => expect(wineProcessesWith(marker)).toEqual([]), { timeout: JOB_KILL_WAIT_MS, interval: 100 });
  });

  it('the laid-out sidecar runs in node.exe and keeps its identity under %APPDATA%', async () => {
    const help = startWinNode('sidecar-help', 'coop-sidecar.mjs', ['--help'], dir);
    running.push(help);
    expect(await help.exited).toBe(0);
    expect(help.lines().join('\n')).toMatch(/--data-dir DIR .*\[default: C:\\users\\[^\\]+\\AppData\\Roaming\\coop-bridge\]/);
  });

  it('a missing sidecar executable is a clear error at once, not a hang', async () => {
    const missing = join(dir, 'no-such-dir', 'node.exe');
    const g = game('missing', [winPath(missing), 'whatever.mjs'], join(dir, 'missing.log'));
    expect(await g.exited).toBe(1);
    expect(g.json().find((l) => l.event === 'launchFailed')).toMatchObject({ errno: 2 }); // ENOENT
    expect(g.err()).toContain(`cannot launch the sidecar ${winPath(missing)}: no such file`);
  });
});
