// The native launcher (coop_launch), as the game's plugin uses it: the headless game starts the
// real sidecar beside it, the sidecar joins a real coop-server for it, and when the game is
// killed with SIGKILL the sidecar goes too (parent-death signal), instead of lingering.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { LAUNCH_UNKNOWN, loadNative } from '../../bridge/index.js';
import { resolveProgram } from '../../src/sim/launch.js';
import { proc } from '../helpers/proc.js';
import { listeningPort, testServerArgs } from '../helpers/coop-server.js';
import { STAND_SCENARIO } from '../helpers/headless-player.js';
import { WAIT, removeSessions, sessionName } from './util.js';

const dir = mkdtempSync(join(tmpdir(), 'coop-launch-'));
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  removeSessions();
});

/** Gone, or exited and waiting to be reaped by whoever adopted it. */
function ended(pid: number): boolean {
  if (!existsSync(`/proc/${pid}`)) return true;
  try {
    return /^\S+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return true;
  }
}

describe('native launcher (coop_launch)', () => {
  it('reports exit codes, and -errno for a program that does not exist', async () => {
    const native = loadNative();
    const pid = native.launch(['/bin/sh', '-c', 'exit 7']);
    expect(pid).toBeGreaterThan(0);
    let status = -1;
    await vi.waitUntil(() => (status = native.launchStatus(pid)) !== -1, { ...WAIT, interval: 10 });
    expect(status).toBe(7);
    expect(native.launchStatus(pid)).toBe(LAUNCH_UNKNOWN); // reaped once
    const killed = native.launch(['/bin/sh', '-c', 'kill -9 $$']);
    await vi.waitUntil(() => (status = native.launchStatus(killed)) !== -1, { ...WAIT, interval: 10 });
    expect(status).toBe(128 + 9);
    expect(native.launch(['/nonexistent/coop-sidecar'])).toBe(-2); // -ENOENT
    expect(resolveProgram('sh')).toMatch(/\/sh$/);
    expect(resolveProgram('no-such-program-here')).toBeUndefined();
  });

  it('a launched child dies with its launcher, even one killed with SIGKILL', async () => {
    const launcher = proc(['test/bridge/launch-parent.ts', '/bin/sleep', '600']);
    const parent = launcher.child;
    const pid = Number((await launcher.line(/^\d+$/))[0]);
    expect(pid).toBeGreaterThan(0);
    expect(ended(pid)).toBe(false);
    parent.kill('SIGKILL');
    // The signal is immediate; 20 s only bounds a loaded machine (sleep itself would take 600 s).
    for (let i = 0; i < 1_000 && !ended(pid); i++) await new Promise((r) => setTimeout(r, 20));
    const gone = ended(pid);
    if (!gone) process.kill(pid, 'SIGKILL');
    expect(gone).toBe(true);
  }, 60_000);

  it('the game launches the sidecar, which joins the server; a SIGKILLed game takes it along', async () => {
    const server = proc(testServerArgs({ dataDir: join(dir, 'srv'), npcs: 3, areaM: 30, logLevel: 'silent' }));
    try {
      const port = await listeningPort(server, WAIT.timeout);
      const scenario = join(dir, 'stand.json');
      writeFileSync(scenario, JSON.stringify(STAND_SCENARIO));
      const s = sessionName('launch');
      const game = proc([
        'src/sim/main.ts',
        '--bridge',
        s,
        '--scenario',
        scenario,
        '--quiet-frames',
        '--launch-sidecar',
        '--',
        'node',
        '--import',
        'tsx',
        'src/sidecar/main.ts',
        '--server',
        `127.0.0.1:${port}`,
        '--name',
        'V',
        '--data-dir',
        join(dir, 'player'),
        '--log-level',
        'silent',
      ]);
      const launched = await game.jsonLine((l) => l.event === 'sidecarLaunched' || l.event === 'launchFailed');
      expect(launched.event, JSON.stringify(launched)).toBe('sidecarLaunched');
      const pid = launched.pid as number;
      // The sidecar's own lines share the game's stdout: it joined, and the game got the NPCs.
      await game.line(/joined as peer \d+/);
      await game.jsonLine((l) => l.dir === 'in' && l.type === 'SpawnProxy');
      expect(ended(pid)).toBe(false);
      game.child.kill('SIGKILL');
      await game.exited;
      await vi.waitUntil(() => ended(pid), { ...WAIT, interval: 20 });
      expect(ended(pid)).toBe(true);
    } finally {
      // wait for its shutdown save: removing the folder under a server still writing fails (ENOTEMPTY)
      await server.stop('SIGINT');
    }
  }, 60_000);
});
