// coop-master --coturn: the coturn it starts never outlives it, even when the master is killed
// with SIGKILL (no exit handler runs then; the parent-death signal does the work).
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it, vi } from 'vitest';
import { proc } from '../helpers/proc.js';

describe('coop-master --coturn', () => {
  it('coturn dies with a SIGKILLed master', async () => {
    const p = proc(['src/master/main.ts', '--host', '127.0.0.1', '--port', '0', '--coturn', '127.0.0.1', '--coturn-port', '0']);
    const master = p.child;
    try {
      await p.line(/coop-master listening/, 15_000);
      // The master's child processes: coturn (turnserver, exec'd by setpriv in the same process).
      const kids = execFileSync('pgrep', ['-P', String(master.pid)], { encoding: 'utf8' })
        .split('\n')
        .filter(Boolean)
        .map(Number);
      const coturn = kids.find((pid) => /turnserver/.test(readFileSync(`/proc/${pid}/cmdline`, 'utf8')));
      expect(coturn, `children: ${kids.join(', ')}`).toBeDefined();
      master.kill('SIGKILL');
      await vi.waitUntil(() => !existsSync(`/proc/${coturn}`) || /^Z/m.test(stateOf(coturn!)), { timeout: 5000, interval: 25 });
    } finally {
      if (master.exitCode === null) master.kill('SIGKILL');
    }
  }, 60_000);
});

/** The process state letter from /proc/PID/stat (Z = exited, not yet reaped). */
function stateOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1] ?? '';
  } catch {
    return 'Z';
  }
}
