// A password-protected session with real processes: coop-server --password-file, and two
// coop-sidecars (each beside a headless game, coop-sim) over ENet on loopback. The one without
// the password is refused with a clear line and exits 3; the one with it (COOP_SESSION_PASSWORD)
// joins. Every wait is bounded and says what the process printed, and the games report all through
// the test: one run in CI (session 11) timed out at a bare 120 s with nothing to show why.
import { describe, it, expect, afterAll } from 'vitest';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROC_WAIT_MS, ProcGroup, type Proc } from '../helpers/proc.js';
import { PROTOCOL_VERSION } from '../../src/protocol/constants.js';
import { listeningPort, testServerArgs } from '../helpers/coop-server.js';
import { startHeadlessPlayer, walkScenario } from '../helpers/headless-player.js';

/** Reports at 10 Hz for longer than the test may take: a sidecar that attaches late still hears one. */
const SCENARIO = { name: 'stand', repeat: false, ...walkScenario(10, 300) };

const dir = mkdtempSync(join(tmpdir(), 'coop-pw-e2e-'));
const PASSWORD = 'e2e long random password';

const procs = new ProcGroup();
const started = (args: string[]): Proc => procs.start(args);

afterAll(async () => {
  await procs.stopAll('SIGINT', 1500);
  rmSync(dir, { recursive: true, force: true });
});

describe('end to end: a password-protected coop-server and two sidecars', () => {
  it('without the password: refused, one clear line, exit 3; with it: joined', async () => {
    const pwFile = join(dir, 'password.txt');
    writeFileSync(pwFile, `${PASSWORD}\n`);
    const server = started(testServerArgs({ dataDir: join(dir, 'srv'), extra: ['--password-file', pwFile] }));
    const port = await listeningPort(server, PROC_WAIT_MS);
    expect(port, server.err()).toBeGreaterThan(0);
    // The line follows the listening line.
    await server.line(/^coop-server: players need the session password \(--password-file\)$/, PROC_WAIT_MS);
    expect(server.lines).toContain('coop-server: players need the session password (--password-file)');

    const sidecar = async (i: number, env: NodeJS.ProcessEnv): Promise<Proc> =>
      (
        await startHeadlessPlayer({
          procs,
          dir,
          name: `p${i}`,
          server: `127.0.0.1:${port}`,
          env,
          scenario: SCENARIO,
        })
      ).sidecar;
    const env = { ...process.env };
    delete env.COOP_SESSION_PASSWORD;
    const [without, withPw] = await Promise.all([sidecar(0, env), sidecar(1, { ...env, COOP_SESSION_PASSWORD: PASSWORD })]);

    const code = await Promise.race([without.exited, new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), PROC_WAIT_MS))]);
    expect(code, `${without.lines.join('\n')}\n${without.err()}`).toBe(3);
    expect(without.lines).toContain(
      `coop-sidecar[p0]: refused by server: this session needs the right password (server protocol ${PROTOCOL_VERSION}, ours ${PROTOCOL_VERSION})`,
    );
    expect(without.lines).toContain('coop-sidecar[p0]: this session has a password: give it with --password-file FILE or COOP_SESSION_PASSWORD');

    await withPw.line(/joined as peer/, PROC_WAIT_MS);
    expect(withPw.lines.join('\n'), withPw.err()).toMatch(/coop-sidecar\[p1\]: joined as peer \d+/);
    expect(withPw.child.exitCode).toBe(null);
    expect(server.err()).not.toContain(PASSWORD);
  }, 180_000);
});
