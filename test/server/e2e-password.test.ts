// A password-protected session with real processes: coop-server --password-file, and two
// coop-sidecars (each beside a headless game, coop-sim) over ENet on loopback. The one without
// the password is refused with a clear line and exits 3; the one with it (COOP_SESSION_PASSWORD)
// joins.
import { describe, it, expect, afterAll } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

const dir = mkdtempSync(join(tmpdir(), 'coop-pw-e2e-'));
const children: ChildProcess[] = [];
const PASSWORD = 'e2e long random password';

function proc(args: string[], env: NodeJS.ProcessEnv = process.env): { child: ChildProcess; out: string[]; err: () => string; exit: Promise<number | null> } {
  const child = spawn(process.execPath, ['--import', 'tsx', ...args], { stdio: ['ignore', 'pipe', 'pipe'], env });
  const out: string[] = [];
  let err = '';
  createInterface({ input: child.stdout! }).on('line', (l) => out.push(l));
  child.stderr!.on('data', (d) => { err += d; });
  children.push(child);
  return { child, out, err: () => err, exit: new Promise((r) => child.on('close', (code) => r(code))) }; // 'close': after its output was read
}

const until = async (cond: () => boolean, ms = 60_000): Promise<void> => {
  for (let t = 0; t < ms && !cond(); t += 50) await new Promise((r) => setTimeout(r, 50));
};

afterAll(async () => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGINT');
  await new Promise((r) => setTimeout(r, 1500));
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

describe('end to end: a password-protected coop-server and two sidecars', () => {
  it('without the password: refused, one clear line, exit 3; with it: joined', async () => {
    const pwFile = join(dir, 'password.txt');
    writeFileSync(pwFile, `${PASSWORD}\n`);
    const server = proc(['src/server/main.ts', '--port', '0', '--host', '127.0.0.1', '--no-dash', '--no-console', '--data-dir', join(dir, 'srv'),
      '--npcs', '0', '--vehicles', '0', '--log-level', 'warn', '--password-file', pwFile]);
    await until(() => server.out.some((l) => /listening on udp/.test(l)));
    const port = Number(/listening on udp [^:]+:(\d+)/.exec(server.out.join('\n'))?.[1] ?? 0);
    expect(port, server.err()).toBeGreaterThan(0);
    // The line follows the listening line; it may not have been read yet.
    await until(() => server.out.includes('coop-server: players need the session password (--password-file)'), 10_000);
    expect(server.out).toContain('coop-server: players need the session password (--password-file)');

    const scenario = join(dir, 'stand.json');
    writeFileSync(scenario, JSON.stringify({ name: 'stand', repeat: false, steps: [{ at: 0, do: 'walk', path: [[0, 0, 0], [1, 0, 0]], speedMps: 1, hz: 10 }] }));
    const sidecar = (i: number, env: NodeJS.ProcessEnv) => {
      const session = `pw-${process.pid}-${i}`;
      proc(['src/sim/main.ts', '--session', session, '--scenario', scenario]);
      return proc(['src/client/main.ts', '--server', `127.0.0.1:${port}`, '--session', session, '--name', `p${i}`,
        '--data-dir', join(dir, `id-${i}`), '--log-level', 'warn'], env);
    };
    const env = { ...process.env };
    delete env.COOP_SESSION_PASSWORD;
    const without = sidecar(0, env);
    const withPw = sidecar(1, { ...env, COOP_SESSION_PASSWORD: PASSWORD });

    const code = await Promise.race([without.exit, new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 60_000))]);
    expect(code, `${without.out.join('\n')}\n${without.err()}`).toBe(3);
    expect(without.out).toContain('coop-sidecar[p0]: refused by server: this session needs the right password (server protocol 1, ours 1)');
    expect(without.out).toContain('coop-sidecar[p0]: this session has a password: give it with --password-file FILE or COOP_SESSION_PASSWORD');

    await until(() => withPw.out.some((l) => /joined as peer/.test(l)));
    expect(withPw.out.join('\n'), withPw.err()).toMatch(/coop-sidecar\[p1\]: joined as peer \d+/);
    expect(withPw.child.exitCode).toBe(null);
    expect(server.err()).not.toContain(PASSWORD);
  }, 120_000);
});
