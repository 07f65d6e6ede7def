// coop-netcheck nat-host / nat-join as real processes against coop-master + coturn on loopback.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { loopbackWorld, type LoopbackWorld } from './fixture.js';

const NETCHECK = ['--import', 'tsx', 'src/net/netcheck-main.ts'];
let w: LoopbackWorld;
beforeAll(async () => { w = await loopbackWorld(); });
afterAll(async () => { await w?.close(); });

describe('coop-netcheck nat-host / nat-join', () => {
  it('refuses bad arguments with one line and exit code 2', () => {
    const r = spawnSync('node', [...NETCHECK, 'nat-join', '--master', 'ftp://x'], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    const r2 = spawnSync('node', [...NETCHECK, 'nat-join', '--bogus'], { encoding: 'utf8' });
    expect(r2.status).toBe(2);
  }, 60_000);

  it('shows which path a connection takes, on both sides', async () => {
    const stun = `127.0.0.1:${w.coturn.port}`;
    const host = spawn('node', [...NETCHECK, 'nat-host', '--master', w.master.url, '--stun', stun], { stdio: ['ignore', 'pipe', 'pipe'] });
    let hostOut = '';
    host.stdout.on('data', (d: Buffer) => { hostOut += d.toString(); });
    try {
      const session = await new Promise<string>((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`nat-host did not announce: ${hostOut}`)), 30_000);
        const check = (): void => {
          const m = /--session=(\S+)/.exec(hostOut);
          if (m) { clearTimeout(t); resolve(m[1]); } else setTimeout(check, 50);
        };
        check();
      });
      // Async: the master runs in this process and must keep answering meanwhile.
      const child = spawn('node', [...NETCHECK, 'nat-join', '--master', w.master.url, `--session=${session}`, '--stun', stun], { stdio: ['ignore', 'pipe', 'pipe'] });
      const join = { stdout: '', status: null as number | null };
      child.stdout.on('data', (d: Buffer) => { join.stdout += d.toString(); });
      join.status = await new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code))); // after stdout was read
      expect(join.status).toBe(0);
      expect(join.stdout).toMatch(/^path (host|srflx) \(direct/m);
      expect(join.stdout).toMatch(/bytes sent \d+, received \d+/);
      expect(join.stdout).toContain('first ENet round trip');
      await new Promise((r) => setTimeout(r, 300));
      expect(hostOut).toMatch(/peer \S+: path (host|srflx)/);
    } finally {
      host.kill('SIGTERM');
    }
  }, 90_000);
});
