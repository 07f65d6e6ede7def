// coop-master --coturn: the coturn it starts never outlives it, even when the master is killed
// with SIGKILL (no exit handler runs then; the parent-death signal does the work).
import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';

const until = async (cond: () => boolean, tries = 200, ms = 25): Promise<boolean> => {
  for (let i = 0; i < tries && !cond(); i++) await new Promise((r) => setTimeout(r, ms));
  return cond();
};

describe('coop-master --coturn', () => {
  it('coturn dies with a SIGKILLed master', async () => {
    const master = spawn(process.execPath, ['--import', 'tsx', 'src/master/main.ts', '--host', '127.0.0.1', '--port', '0', '--coturn', '127.0.0.1', '--coturn-port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let listening = false;
    createInterface({ input: master.stdout! }).on('line', (l) => { if (l.includes('coop-master listening')) listening = true; });
    let err = '';
    master.stderr!.on('data', (d) => { err += d; });
    try {
      expect(await until(() => listening || master.exitCode !== null, 600), err).toBe(true);
      expect(master.exitCode, err).toBeNull();
      // The master's child processes: coturn (turnserver, exec'd by setpriv in the same process).
      const kids = execFileSync('pgrep', ['-P', String(master.pid)], { encoding: 'utf8' }).split('\n').filter(Boolean).map(Number);
      const coturn = kids.find((pid) => /turnserver/.test(execFileSync('cat', [`/proc/${pid}/cmdline`], { encoding: 'utf8' })));
      expect(coturn, `children: ${kids.join(', ')}`).toBeDefined();
      master.kill('SIGKILL');
      expect(await until(() => !existsSync(`/proc/${coturn}`) || /^Z/m.test(stateOf(coturn!)))).toBe(true);
    } finally {
      if (master.exitCode === null) master.kill('SIGKILL');
    }
  }, 60_000);
});

/** The process state letter from /proc/PID/stat (Z = exited, not yet reaped). */
function stateOf(pid: number): string {
  try { return execFileSync('cat', [`/proc/${pid}/stat`], { encoding: 'utf8' }).split(') ')[1] ?? ''; } catch { return 'Z'; }
}
