import { describe, it, expect } from 'vitest';
import { spawnSync } from 'node:child_process';

const run = (file: string, args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', file, ...args], { encoding: 'utf8', timeout: 60_000 });

describe('coop-server and coop-sidecar command lines', () => {
  it('--help prints usage and exits 0', () => {
    const s = run('src/server/main.ts', ['--help']);
    expect(s.status).toBe(0);
    expect(s.stdout).toMatch(/usage: coop-server/);
    expect(s.stdout).toMatch(/--tick-ms/);
    expect(s.stdout).toMatch(/--dash-port/);
    const c = run('src/client/main.ts', ['--help']);
    expect(c.status).toBe(0);
    expect(c.stdout).toMatch(/usage: coop-sidecar --server HOST:PORT --session NAME/);
  }, 120_000);

  it('bad arguments: one clear line and exit code 2', () => {
    for (const [file, args, want] of [
      ['src/server/main.ts', ['--port', 'abc'], /^coop-server: --port must be a whole number 0\.\.65535, got "abc"\n$/],
      ['src/server/main.ts', ['--tick-ms', '99'], /^coop-server: --tick-ms must be a whole number 20\.\.50, got "99"\n$/],
      ['src/server/main.ts', ['--bogus'], /^coop-server: Unknown option '--bogus'.*\(see --help\)\n$/],
      ['src/server/main.ts', ['--session-id', 'a b'], /^coop-server: --session-id must be/],
      ['src/client/main.ts', ['--server', 'nohost', '--session', 'x'], /^coop-sidecar: --server must be HOST:PORT, got "nohost"\n$/],
      ['src/client/main.ts', ['--server', '127.0.0.1:7777'], /^coop-sidecar: --session must be a bridge session name/],
    ] as const) {
      const r = run(file, [...args]);
      expect(r.stderr, r.stderr).toMatch(want);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.status).toBe(2);
    }
  }, 180_000);
});
