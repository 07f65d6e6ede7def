// Real processes for the voice end-to-end test and bench: coop-server, coop-sidecar and the
// headless game (src/sim), spawned from TypeScript, with their output lines collected.
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';

export interface Proc {
  name: string;
  child: ChildProcess;
  lines: string[];
  /** JSON lines (the sim's log); other lines are left out. */
  json: Record<string, unknown>[];
  waitLine(re: RegExp, timeoutMs?: number): Promise<RegExpExecArray>;
  waitJson(pred: (l: Record<string, unknown>) => boolean, timeoutMs?: number): Promise<Record<string, unknown>>;
  write(line: string): void;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
  exited: Promise<number | null>;
}

const WAIT_DEFAULT_MS = 45_000;

export function startProc(name: string, entry: string, args: string[], env: NodeJS.ProcessEnv = {}): Proc {
  const child = spawn(process.execPath, ['--import', 'tsx', entry, ...args], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  const lines: string[] = [];
  const json: Record<string, unknown>[] = [];
  let waiters: Array<() => void> = [];
  const onLine = (text: string) => {
    lines.push(text);
    if (text.startsWith('{')) {
      try { json.push(JSON.parse(text) as Record<string, unknown>); } catch { /* not JSON */ }
    }
    const w = waiters;
    waiters = [];
    for (const f of w) f();
  };
  createInterface({ input: child.stdout! }).on('line', onLine);
  createInterface({ input: child.stderr! }).on('line', (l) => lines.push(`[stderr] ${l}`));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => { resolve(code); for (const f of waiters.splice(0)) f(); }));
  const waitFor = <T>(find: () => T | null, what: string, timeoutMs: number): Promise<T> =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${name}: no ${what} within ${timeoutMs} ms; last lines:\n${lines.slice(-15).join('\n')}`)), timeoutMs);
      const check = () => {
        const hit = find();
        if (hit) { clearTimeout(timer); resolve(hit); return; }
        if (child.exitCode !== null) { clearTimeout(timer); reject(new Error(`${name} exited (${child.exitCode}) before ${what}:\n${lines.slice(-15).join('\n')}`)); return; }
        waiters.push(check);
      };
      check();
    });
  return {
    name, child, lines, json, exited,
    waitLine: (re, t = WAIT_DEFAULT_MS) => waitFor(() => { for (const l of lines) { const m = re.exec(l); if (m) return m; } return null; }, String(re), t),
    waitJson: (pred, t = WAIT_DEFAULT_MS) => waitFor(() => json.find(pred) ?? null, 'matching JSON line', t),
    write: (line) => { child.stdin!.write(`${line}\n`); },
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode === null) child.kill(signal);
      const t = setTimeout(() => child.kill('SIGKILL'), 10_000);
      const code = await exited;
      clearTimeout(t);
      return code;
    },
  };
}
