// The one way tests start a real process: `node --import tsx <entry> …` (or any command with
// `command`), its stdout lines kept (and parsed when they are JSON) and waitable, stderr kept,
// stdin writable. Waiting gives up when the process ends ('close': after its last output was
// read, so a line printed just before exiting is never missed) or after a timeout.
// Polling for anything else: vitest's vi.waitFor / vi.waitUntil.
// No vitest import here: bench/ uses this too.
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';

export interface ProcOptions {
  /** The whole environment of the child (default: this process's). */
  env?: NodeJS.ProcessEnv;
  /** Run this executable with `args` instead of `node --import tsx`. */
  command?: string;
  cwd?: string;
  /** A name for error messages (default: the entry file). */
  name?: string;
  /** Keep stdin open for write() (default: no stdin, as from /dev/null). */
  stdin?: boolean;
}

export type JsonLine = Record<string, unknown>;

export interface Proc {
  name: string;
  child: ChildProcess;
  /** stdout, one entry a line. */
  lines: string[];
  /** stdout lines that are JSON objects, parsed (the headless game's log). */
  json: JsonLine[];
  /** stdout so far, as printed. */
  out: () => string;
  /** stderr so far. */
  err: () => string;
  /** The first stdout line (past or future) matching re; rejects if the process ends first, or after
   * timeoutMs when given (else the test's own timeout bounds the wait). */
  line(re: RegExp, timeoutMs?: number): Promise<RegExpExecArray>;
  /** The first JSON line (past or future) for which pred holds; rejects as line() does. */
  jsonLine(pred: (l: JsonLine) => boolean, timeoutMs?: number): Promise<JsonLine>;
  /** Writes one line to its stdin (needs `stdin: true`). */
  write(line: string): void;
  /** Sends signal (default SIGTERM), SIGKILL after graceMs; resolves the exit code. */
  stop(signal?: NodeJS.Signals, graceMs?: number): Promise<number | null>;
  /** Its exit code once it has ended and its output was read. */
  exited: Promise<number | null>;
}

/** tsx by absolute URL, so a child started in another directory (`cwd`) finds it. */
const TSX = import.meta.resolve('tsx');
/** A generous bound for waits on real processes on a shared machine (vi.waitFor, line()). */
export const PROC_WAIT_MS = 45_000;
const STOP_GRACE_MS = 10_000;
const TAIL_LINES = 15;

export function proc(args: string[], opts: ProcOptions = {}): Proc {
  const [file, argv] = opts.command ? [opts.command, args] : [process.execPath, ['--import', TSX, ...args]];
  const name = opts.name ?? args.find((a) => !a.startsWith('-')) ?? file;
  const child = spawn(file, argv, { stdio: [opts.stdin ? 'pipe' : 'ignore', 'pipe', 'pipe'], env: opts.env ?? process.env, cwd: opts.cwd });
  const lines: string[] = [];
  const json: JsonLine[] = [];
  let waiters: (() => void)[] = [];
  let out = '';
  let err = '';
  child.stdin?.on('error', () => {}); // a child that exits before reading its stdin
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  createInterface({ input: child.stdout! }).on('line', (l) => {
    lines.push(l);
    if (l.startsWith('{')) {
      try {
        json.push(JSON.parse(l) as JsonLine);
      } catch {
        // not JSON after all
      }
    }
    for (const w of waiters.splice(0)) w();
  });
  let ended = false;
  const exited = new Promise<number | null>((resolve) =>
    child.on('close', (code) => {
      ended = true;
      resolve(code);
      for (const w of waiters.splice(0)) w();
    }),
  );
  const tail = (): string => `${lines.slice(-TAIL_LINES).join('\n')}\n${err.slice(-2000)}`;
  const waitFor = <T>(find: () => T | undefined, what: string, timeoutMs: number | undefined): Promise<T> =>
    new Promise((resolve, reject) => {
      const timer =
        timeoutMs === undefined
          ? undefined
          : setTimeout(() => {
              waiters = waiters.filter((w) => w !== check);
              reject(new Error(`${name}: no ${what} within ${timeoutMs} ms; last output:\n${tail()}`));
            }, timeoutMs);
      const check = (): void => {
        const hit = find();
        if (hit !== undefined) {
          clearTimeout(timer);
          resolve(hit);
        } else if (ended) {
          clearTimeout(timer);
          reject(new Error(`${name} exited (${child.exitCode ?? child.signalCode}) before printing ${what}:\n${tail()}`));
        } else waiters.push(check);
      };
      check();
    });
  return {
    name,
    child,
    lines,
    json,
    out: () => out,
    err: () => err,
    exited,
    line: (re, timeoutMs) =>
      waitFor(
        () => {
          for (const l of lines) {
            const m = re.exec(l);
            if (m) return m;
          }
          return undefined;
        },
        String(re),
        timeoutMs,
      ),
    jsonLine: (pred, timeoutMs) => waitFor(() => json.find(pred), 'matching JSON line', timeoutMs),
    write: (line) => {
      if (!child.stdin) throw new Error(`${name}: started without stdin`);
      child.stdin.write(`${line}\n`);
    },
    stop: async (signal = 'SIGTERM', graceMs = STOP_GRACE_MS) => {
      if (!ended && child.exitCode === null && child.signalCode === null) child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}

/** The processes one test file starts, stopped together when it ends (its afterAll or afterEach). */
export class ProcGroup {
  readonly procs: Proc[] = [];

  start(args: string[], opts?: ProcOptions): Proc {
    const p = proc(args, opts);
    this.procs.push(p);
    return p;
  }

  /** Stops every process started so far: `signal`, then SIGKILL after graceMs (Proc.stop). */
  async stopAll(signal?: NodeJS.Signals, graceMs?: number): Promise<void> {
    await Promise.all(this.procs.splice(0).map((p) => p.stop(signal, graceMs)));
  }
}

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a process to its end: its exit code and everything it printed. */
export async function run(args: string[], opts: Omit<ProcOptions, 'stdin'> = {}): Promise<RunResult> {
  const p = proc(args, opts);
  const code = await p.exited;
  return { code, stdout: p.out(), stderr: p.err() };
}
