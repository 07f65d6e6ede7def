// coop_launch_logged on Linux (the same call the Windows launcher answers): the C test game
// (native-shims/build/coop-game, game role) launches a program whose stdout and stderr must land
// in the log file it names; a program that does not exist is -ENOENT at once.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { removeSessions, sessionName } from './util.js';

const GAME = 'native-shims/build/coop-game';
/** The game holds its role this long, then exits by itself (the launched program is quick). */
const GAME_RUN_MS = '1500';
const dir = mkdtempSync(join(tmpdir(), 'coop-launch-log-'));
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  removeSessions();
});

function runGame(log: string, argv: string[]) {
  return spawnSync(GAME, ['--bridge', sessionName('log'), '--mode', 'idle', '--run-ms', GAME_RUN_MS, '--launch-log', log, '--', ...argv], {
    encoding: 'utf8',
    timeout: 30_000,
  });
}

describe('coop_launch_logged (Linux)', () => {
  it("appends the launched program's stdout and stderr to the log file", () => {
    const log = join(dir, 'sidecar.log');
    const r = runGame(log, ['/bin/sh', '-c', 'echo to-stdout; echo to-stderr >&2']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/"event":"launched","pid":\d+/);
    expect(readFileSync(log, 'utf8').split('\n').sort()).toEqual(['', 'to-stderr', 'to-stdout']);
    expect(r.stdout).not.toContain('to-stdout'); // not on the game's own stdout
  });

  it('a missing program is -ENOENT, reported at once', () => {
    const r = runGame(join(dir, 'missing.log'), [join(dir, 'no-such-sidecar')]);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('"event":"launchFailed","errno":2');
    expect(r.stderr).toContain(`cannot launch the sidecar ${join(dir, 'no-such-sidecar')}: no such file`);
  });
});
