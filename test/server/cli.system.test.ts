import { describe, it, expect } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testServerArgs } from '../helpers/coop-server.js';
import { run } from '../helpers/proc.js';

describe('coop-server and coop-sidecar command lines', () => {
  it('--help prints usage and exits 0', async () => {
    const s = await run(['src/server/main.ts', '--help']);
    expect(s.code).toBe(0);
    expect(s.stdout).toMatch(/usage: coop-server/);
    expect(s.stdout).toMatch(/--tick-ms/);
    expect(s.stdout).toMatch(/--dash-port/);
    const c = await run(['src/sidecar/main.ts', '--help']);
    expect(c.code).toBe(0);
    expect(c.stdout).toMatch(/usage: coop-sidecar --server HOST:PORT --bridge NAME/);
    expect(c.stdout).toMatch(/coop-sidecar --master URL --join LOBBY_ID --bridge NAME/);
    expect(s.stdout).toMatch(/--master <url>/);
    expect(s.stdout).toMatch(/--password-file <file> .*\n.*COOP_SESSION_PASSWORD/);
    expect(c.stdout).toMatch(/--password-file FILE .*\n.*COOP_SESSION_PASSWORD/);
  }, 120_000);

  it('bad arguments: one clear line and exit code 2', async () => {
    for (const [file, args, want] of [
      ['src/server/main.ts', ['--port', 'abc'], /^coop-server: --port must be a port number 0\.\.65535, got "abc"\n$/],
      ['src/server/main.ts', ['--tick-ms', '99'], /^coop-server: --tick-ms must be a whole number 20\.\.50, got "99"\n$/],
      ['src/server/main.ts', ['--bogus'], /^coop-server: Unknown option '--bogus'.*\(see --help\)\n$/],
      ['src/server/main.ts', ['--session-id', 'a b'], /^coop-server: --session-id must be/],
      ['src/sidecar/main.ts', ['--server', 'nohost', '--bridge', 'x'], /^coop-sidecar: --server must be HOST:PORT, got "nohost"\n$/],
      ['src/sidecar/main.ts', ['--server', '127.0.0.1:7777'], /^coop-sidecar: --bridge must be a bridge name/],
      ['src/server/main.ts', ['--master', 'ftp://x'], /^coop-server: --master must be http\(s\):\/\/host:port, got "ftp:\/\/x"\n$/],
      ['src/server/main.ts', ['--master', 'http://127.0.0.1:1', '--stun', 'nohost'], /^coop-server: --stun must be HOST:PORT/],
      ['src/server/main.ts', ['--nat-bind', '::1'], /^coop-server: --nat-bind must be an IPv4 address, got "::1"\n$/],
      ['src/sidecar/main.ts', ['--master', 'http://127.0.0.1:1', '--bridge', 'x'], /^coop-sidecar: --join must be the lobby id from coop-master, got ""\n$/],
      [
        'src/sidecar/main.ts',
        ['--master', 'http://127.0.0.1:1', '--server', '127.0.0.1:7777', '--join', 'abcd', '--bridge', 'x'],
        /^coop-sidecar: give either --server or --master, not both\n$/,
      ],
      ['src/sidecar/main.ts', ['--join', 'abcd', '--bridge', 'x'], /^coop-sidecar: --join needs --master\n$/],
    ] as const) {
      const r = await run([file, ...args]);
      expect(r.stderr, r.stderr).toMatch(want);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.code).toBe(2);
    }
  }, 180_000);

  it('a missing or empty --password-file: one clear line and exit code 2 on both bins', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'coop-pw-'));
    const missing = join(dir, 'nope.txt'),
      empty = join(dir, 'empty.txt'),
      newline = join(dir, 'newline.txt');
    writeFileSync(empty, '');
    writeFileSync(newline, '\n');
    const sidecar = ['--server', '127.0.0.1:7777', '--bridge', 'x'];
    // The env password must not paper over a bad file (the file wins).
    const env = { ...process.env, COOP_SESSION_PASSWORD: 'from-env' };
    try {
      for (const [file, bin, args] of [
        ['src/server/main.ts', 'coop-server', []],
        ['src/sidecar/main.ts', 'coop-sidecar', sidecar],
      ] as const) {
        for (const [path, want] of [
          [missing, 'no such file'],
          [empty, 'is empty'],
          [newline, 'is empty'],
        ] as const) {
          const r = await run([file, ...args, '--password-file', path], { env });
          expect(r.stderr).toBe(`${bin}: --password-file ${JSON.stringify(path)}${want === 'no such file' ? ': no such file' : ' is empty'}\n`);
          expect(r.code).toBe(2);
        }
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 180_000);

  it('an unreachable coop-master: coop-server says so and exits 1', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'coop-cli-'));
    const r = await run(
      testServerArgs({ dataDir: dir, host: null, npcs: null, vehicles: null, logLevel: 'silent', extra: ['--master', 'http://127.0.0.1:1'] }),
    );
    rmSync(dir, { recursive: true, force: true });
    expect(r.stderr).toMatch(/^coop-server: could not announce on coop-master http:\/\/127\.0\.0\.1:1: /m);
    expect(r.code).toBe(1);
  }, 120_000);
});
