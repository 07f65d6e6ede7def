// coop-server as a real child process for the admin tests (test/helpers/proc.ts): console on its
// stdin, answers and start-up lines on its stdout, pino logs on stderr.
import { expect, vi } from 'vitest';
import { listeningPort, testServerArgs } from '../helpers/coop-server.js';
import { proc, type Proc } from '../helpers/proc.js';

export interface ServerProcOptions {
  dataDir: string;
  extraArgs?: string[];
  env?: Record<string, string>;
}

const START_MS = 60_000;
const ANSWER_MS = 15_000;

export class ServerProc {
  readonly proc: Proc;
  port = 0;
  dashPort = 0;
  token = '';

  private constructor(opts: ServerProcOptions) {
    const args = testServerArgs({ dataDir: opts.dataDir, dash: true, console: true, extra: opts.extraArgs });
    const env: NodeJS.ProcessEnv = { ...process.env, ...opts.env };
    if (!opts.env?.COOP_ADMIN_TOKEN) delete env.COOP_ADMIN_TOKEN;
    this.proc = proc(args, { env, stdin: true, name: 'coop-server' });
  }

  get lines(): string[] {
    return this.proc.lines;
  }

  get stderr(): string {
    return this.proc.err();
  }

  static async start(opts: ServerProcOptions): Promise<ServerProc> {
    const p = new ServerProc(opts);
    p.port = await listeningPort(p.proc, START_MS);
    // The dashboard and a generated token are announced before the UDP port.
    for (const l of p.lines) {
      let m: RegExpExecArray | null;
      if ((m = /^dashboard: http:\/\/127\.0\.0\.1:(\d+)\/$/.exec(l))) p.dashPort = Number(m[1]);
      if ((m = /^dashboard admin token: (\S+)$/.exec(l))) p.token = m[1];
    }
    return p;
  }

  /** Types one console line; resolves the one-line answer. */
  async command(line: string): Promise<string> {
    const before = this.lines.length;
    this.proc.write(line);
    const isAnswer = (l: string): boolean => !l.startsWith('coop-server:') && !l.startsWith('dashboard');
    await vi.waitFor(() => expect(this.lines.slice(before).some(isAnswer), `an answer to "${line}"`).toBe(true), { timeout: ANSWER_MS, interval: 20 });
    return this.lines.slice(before).find(isAnswer)!;
  }

  async status(): Promise<{ peers: { id: number; name: string; muted: boolean; location: { x: number; y: number } }[] }> {
    const res = await fetch(`http://127.0.0.1:${this.dashPort}/status`);
    return (await res.json()) as { peers: { id: number; name: string; muted: boolean; location: { x: number; y: number } }[] };
  }

  /** Ctrl-C, then waits for the exit (SIGKILL after a grace period). */
  stop(): Promise<number | null> {
    return this.proc.stop('SIGINT');
  }
}
