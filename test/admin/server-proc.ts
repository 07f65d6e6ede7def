// coop-server as a real child process for the admin tests: console on its stdin, answers and
// start-up lines on its stdout, pino logs on stderr.
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { until } from './bot.js';

export interface ServerProcOptions {
  dataDir: string;
  extraArgs?: string[];
  env?: Record<string, string>;
}

export class ServerProc {
  readonly child: ChildProcess;
  readonly lines: string[] = [];
  stderr = '';
  port = 0;
  dashPort = 0;
  token = '';

  private constructor(opts: ServerProcOptions) {
    const args = ['--import', 'tsx', 'src/server/main.ts', '--port', '0', '--host', '127.0.0.1', '--dash-port', '0',
      '--data-dir', opts.dataDir, '--npcs', '0', '--vehicles', '0', '--log-level', 'warn', ...(opts.extraArgs ?? [])];
    const env: NodeJS.ProcessEnv = { ...process.env, ...opts.env };
    if (!opts.env?.COOP_ADMIN_TOKEN) delete env.COOP_ADMIN_TOKEN;
    this.child = spawn(process.execPath, args, { stdio: ['pipe', 'pipe', 'pipe'], env });
    createInterface({ input: this.child.stdout! }).on('line', (line) => {
      this.lines.push(line);
      let m: RegExpExecArray | null;
      if ((m = /^coop-server: listening on udp [^\s]+:(\d+)/.exec(line))) this.port = Number(m[1]);
      if ((m = /^dashboard: http:\/\/127\.0\.0\.1:(\d+)\/$/.exec(line))) this.dashPort = Number(m[1]);
      if ((m = /^dashboard admin token: (\S+)$/.exec(line))) this.token = m[1];
    });
    this.child.stderr!.on('data', (d: Buffer) => (this.stderr += d.toString()));
  }

  static async start(opts: ServerProcOptions): Promise<ServerProc> {
    const p = new ServerProc(opts);
    await until('coop-server to listen', () => p.port > 0 || p.child.exitCode !== null, 60_000);
    if (p.port === 0) throw new Error(`coop-server exited ${p.child.exitCode}: ${p.stderr}`);
    return p;
  }

  /** Types one console line; resolves the one-line answer. */
  async command(line: string): Promise<string> {
    const before = this.lines.length;
    this.child.stdin!.write(`${line}\n`);
    const isAnswer = (l: string): boolean => !l.startsWith('coop-server:') && !l.startsWith('dashboard');
    await until(`an answer to "${line}"`, () => this.lines.slice(before).some(isAnswer));
    return this.lines.slice(before).find(isAnswer)!;
  }

  async status(): Promise<{ peers: { id: number; name: string; muted: boolean; location: { x: number; y: number } }[] }> {
    const res = await fetch(`http://127.0.0.1:${this.dashPort}/status`);
    return (await res.json()) as { peers: { id: number; name: string; muted: boolean; location: { x: number; y: number } }[] };
  }

  /** Ctrl-C, then waits for the exit (SIGKILL after a grace period). */
  async stop(): Promise<number | null> {
    if (this.child.exitCode !== null) return this.child.exitCode;
    const exited = new Promise<number | null>((r) => this.child.once('exit', (code) => r(code)));
    this.child.kill('SIGINT');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
    const code = await exited;
    clearTimeout(timer);
    return code;
  }
}
