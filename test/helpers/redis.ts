// A real redis-server for a test: Debian's binary on a free loopback port, in a temp folder, no
// persistence; never the system service. kill() and start() stop it and start it again on the same port
// (what a Redis restart looks like to the masters).
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const REDIS_SERVER_BIN = '/usr/bin/redis-server';
const REDIS_READY_TIMEOUT_MS = 15_000;
const REDIS_READY_PROBE_MS = 50;
const SETPRIV_BIN = '/usr/bin/setpriv';

export interface TestRedis {
  readonly port: number;
  readonly url: string;
  /** The server's process id now (changes with start()). */
  readonly pid: number | undefined;
  stop(): Promise<void>;
  /** SIGKILLs the server (the folder and port stay for start()). */
  kill(): Promise<void>;
  /** Starts it again on the same port. */
  start(): Promise<void>;
}

export function freeTcpPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/** Resolves once redis answers PING on the port. */
function waitForPong(port: number, deadline: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const attempt = (): void => {
      const sock = connect(port, '127.0.0.1');
      let got = '';
      sock.on('connect', () => sock.write('PING\r\n'));
      sock.on('data', (d) => {
        got += d.toString();
        if (got.includes('+PONG')) {
          sock.destroy();
          resolve();
        }
      });
      sock.on('error', () => {
        sock.destroy();
        if (Date.now() > deadline) reject(new Error(`redis-server on ${port} did not answer`));
        else setTimeout(attempt, REDIS_READY_PROBE_MS);
      });
    };
    attempt();
  });
}

export async function startRedis(): Promise<TestRedis> {
  if (!existsSync(REDIS_SERVER_BIN)) throw new Error('redis-server is missing: run `npm run setup`');
  const dir = mkdtempSync(join(tmpdir(), 'coop-redis-'));
  const port = await freeTcpPort();
  let child: ChildProcess | undefined;
  const killOnExit = (): void => {
    child?.kill('SIGKILL');
  };
  process.once('exit', killOnExit);
  const start = async (): Promise<void> => {
    // setpriv: redis dies with the test process even if that one is SIGKILLed.
    const prefix = existsSync(SETPRIV_BIN) ? [SETPRIV_BIN, '--pdeathsig', 'KILL', '--'] : [];
    const argv = [
      ...prefix,
      REDIS_SERVER_BIN,
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
      '--dir',
      dir,
      '--daemonize',
      'no',
    ];
    child = spawn(argv[0], argv.slice(1), { stdio: 'ignore' });
    await waitForPong(port, Date.now() + REDIS_READY_TIMEOUT_MS);
  };
  const stopChild = async (): Promise<void> => {
    const c = child;
    if (!c || c.exitCode !== null || c.signalCode !== null) return;
    const gone = new Promise<void>((resolve) => c.once('exit', () => resolve()));
    c.kill('SIGKILL');
    await gone;
  };
  await start();
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    get pid() {
      return child?.pid;
    },
    async stop() {
      await stopChild();
      process.off('exit', killOnExit);
      rmSync(dir, { recursive: true, force: true });
    },
    kill: stopChild,
    start,
  };
}
