// A real process for the end-to-end tests: `node --import tsx <entry> …` with its stdout lines
// kept and waitable. Waiting gives up when the process ends ('close': after its last output was
// read, so a line printed just before exiting is never missed).
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';

export interface Proc {
  child: ChildProcess;
  lines: string[];
  err: () => string;
  /** The first stdout line (past or future) matching re; rejects if the process ends first. */
  line(re: RegExp): Promise<RegExpExecArray>;
  /** Its exit code once it has ended and its output was read. */
  exited: Promise<number | null>;
}

/** stdin 'pipe': the test writes to child.stdin (e.g. coop-server's admin console). */
export function proc(args: string[], env: NodeJS.ProcessEnv = process.env, stdin: 'ignore' | 'pipe' = 'ignore'): Proc {
  const child = spawn(process.execPath, ['--import', 'tsx', ...args], { stdio: [stdin, 'pipe', 'pipe'], env });
  const lines: string[] = [];
  const waiters: { re: RegExp; resolve: (m: RegExpExecArray) => void }[] = [];
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  createInterface({ input: child.stdout! }).on('line', (l) => {
    lines.push(l);
    for (const w of waiters.splice(0)) {
      const m = w.re.exec(l);
      if (m) w.resolve(m);
      else waiters.push(w);
    }
  });
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return {
    child,
    lines,
    err: () => err,
    exited,
    line: (re) => {
      for (const l of lines) {
        const m = re.exec(l);
        if (m) return Promise.resolve(m);
      }
      return Promise.race([
        new Promise<RegExpExecArray>((resolve) => waiters.push({ re, resolve })),
        exited.then((code) => Promise.reject(new Error(`exited (${code}) before printing ${re}: ${err.slice(-2000)}`))),
      ]);
    },
  };
}

/** Polls cond every 50 ms; throws naming `what` if it is still false after `ms`. */
export async function until(cond: () => boolean, what: string, ms = 45_000): Promise<void> {
  for (let t = 0; t < ms && !cond(); t += 50) await new Promise((r) => setTimeout(r, 50));
  if (!cond()) throw new Error(`timed out waiting for ${what}`);
}
