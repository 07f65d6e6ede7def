// The coop-master bin as a real process: --help, bad arguments, and no secret in its logs.
import { describe, expect, it, vi } from 'vitest';
import { proc, run } from '../helpers/proc.js';
import { http, newIdentity, proofQuery } from './helpers.js';

const MAIN = 'src/master/main.ts';

describe('coop-master CLI', () => {
  it('prints help and exits 0; a bad argument is one clear line and exit 2', async () => {
    const help = await run([MAIN, '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('usage: coop-master');
    const bad = await run([MAIN, '--port', 'eighty']);
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    expect(bad.stderr).toContain('--port');
    const unknown = await run([MAIN, '--frobnicate']);
    expect(unknown.code).toBe(2);
  }, 60_000);

  it('serves credentials from COOP_TURN_SECRET and never logs the secret or a password', async () => {
    const secret = 'cli-secret-' + 'z'.repeat(24);
    const master = proc([MAIN, '--host', '127.0.0.1', '--port', '0', '--turn-uri', 'turn:127.0.0.1:3478?transport=udp'], {
      env: { ...process.env, COOP_TURN_SECRET: secret },
    });
    const out = (): string => master.out() + master.err();
    const port = Number(
      (
        await vi
          .waitUntil(() => /"port":(\d+)/.exec(out()), { timeout: 30_000, interval: 50 })
          .catch(() => {
            throw new Error(`master did not start: ${out()}`);
          })
      )[1],
    );
    const base = `http://127.0.0.1:${port}`;
    const { nonce } = (await http(base, 'GET', '/api/challenge')).body as { nonce: string };
    const r = await http(base, 'GET', proofQuery(newIdentity(), nonce));
    expect(r.status).toBe(200);
    expect(await master.stop('SIGTERM')).toBe(0); // resolves after its output was read
    expect(out()).toContain('turn credentials issued');
    expect(out()).not.toContain(secret);
    expect(out()).not.toContain(r.body.password as string);
  }, 60_000);
});
