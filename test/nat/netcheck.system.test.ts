// coop-netcheck nat-host / nat-join as real processes against coop-master + coturn on loopback.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { proc, run } from '../helpers/proc.js';
import { loopbackWorld, type LoopbackWorld } from './fixture.js';

const NETCHECK = 'src/net/netcheck-main.ts';
let w: LoopbackWorld;
beforeAll(async () => {
  w = await loopbackWorld();
});
afterAll(async () => {
  await w?.close();
});

describe('coop-netcheck nat-host / nat-join', () => {
  it('refuses bad arguments with one line and exit code 2', async () => {
    const r = await run([NETCHECK, 'nat-join', '--master', 'ftp://x']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    const r2 = await run([NETCHECK, 'nat-join', '--bogus']);
    expect(r2.code).toBe(2);
  }, 60_000);

  it('shows which path a connection takes, on both sides', async () => {
    const stun = `127.0.0.1:${w.coturn.port}`;
    const host = proc([NETCHECK, 'nat-host', '--master', w.master.url, '--stun', stun]);
    try {
      const session = (await host.line(/--join=(\S+)/, 30_000))[1];
      // Async: the master runs in this process and must keep answering meanwhile.
      const join = await run([NETCHECK, 'nat-join', '--master', w.master.url, `--join=${session}`, '--stun', stun]);
      expect(join.code).toBe(0);
      expect(join.stdout).toMatch(/^path (host|srflx) \(direct/m);
      expect(join.stdout).toMatch(/bytes sent \d+, received \d+/);
      expect(join.stdout).toContain('first ENet round trip');
      await new Promise((r) => setTimeout(r, 300));
      expect(host.out()).toMatch(/peer \S+: path (host|srflx)/);
    } finally {
      await host.stop('SIGTERM');
    }
  }, 90_000);
});
