// The coop-master bin as a real process: --help, bad arguments, and no secret in its logs.
import { describe, expect, it } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { http, newIdentity, proofQuery } from './helpers.js';

const MAIN = 'src/master/main.ts';

describe('coop-master CLI', () => {
  it('prints help and exits 0; a bad argument is one clear line and exit 2', () => {
    const help = spawnSync('node', ['--import', 'tsx', MAIN, '--help'], { encoding: 'utf8' });
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('usage: coop-master');
    const bad = spawnSync('node', ['--import', 'tsx', MAIN, '--port', 'eighty'], { encoding: 'utf8' });
    expect(bad.status).toBe(2);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    expect(bad.stderr).toContain('--port');
    const unknown = spawnSync('node', ['--import', 'tsx', MAIN, '--frobnicate'], { encoding: 'utf8' });
    expect(unknown.status).toBe(2);
  }, 60_000);

  it('serves credentials from COOP_TURN_SECRET and never logs the secret or a password', async () => {
    const secret = 'cli-secret-' + 'z'.repeat(24);
    const child = spawn('node', ['--import', 'tsx', MAIN, '--host', '127.0.0.1', '--port', '0', '--turn-uri', 'turn:127.0.0.1:3478?transport=udp'], {
      env: { ...process.env, COOP_TURN_SECRET: secret },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { out += d.toString(); });
    const port = await new Promise<number>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`master did not start: ${out}`)), 30_000);
      const check = (): void => {
        const m = /"port":(\d+)/.exec(out);
        if (m) { clearTimeout(t); resolve(Number(m[1])); } else setTimeout(check, 50);
      };
      check();
    });
    const base = `http://127.0.0.1:${port}`;
    const { nonce } = (await http(base, 'GET', '/api/challenge')).body as { nonce: string };
    const r = await http(base, 'GET', proofQuery(newIdentity(), nonce));
    expect(r.status).toBe(200);
    const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code))); // after its output was read
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(out).toContain('turn credentials issued');
    expect(out).not.toContain(secret);
    expect(out).not.toContain(r.body.password as string);
  }, 60_000);
});
