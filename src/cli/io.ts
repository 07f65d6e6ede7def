// What a program's run(argv, io) may touch of its process: output, environment, signals and
// stdin. Passing it in (rather than reaching for `process`) is what lets CLI tests run a whole
// program in-process and assert its exit code and output.
import type { Readable } from 'node:stream';
import { EXIT_RUNTIME } from './command.js';
import { oneLine } from './command.js';

export type CliSignal = 'SIGINT' | 'SIGTERM';

export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Calls `handler` on SIGINT and SIGTERM; returns a function that stops listening. */
  onSignal(handler: (signal: CliSignal) => void): () => void;
  /** Whether stdout is a terminal that takes colour. */
  readonly colour: boolean;
  /** Console input (coop-server's admin console); absent in tests that do not need it. */
  readonly stdin?: Readable;
}

export type CliRun = (argv: readonly string[], io: CliIo) => Promise<number>;

/** Resolves on the first SIGINT or SIGTERM, after unsubscribing (a long-running program's normal end). */
export function untilSignal(io: CliIo): Promise<CliSignal> {
  return new Promise((resolve) => {
    const off = io.onSignal((signal) => {
      off();
      resolve(signal);
    });
  });
}

/**
 * How long a program whose run() has resolved may take to exit on its own before it is made to:
 * a library handle left open (a stdin reader, a socket) must not keep a finished program alive.
 */
export const CLI_EXIT_GRACE_MS = 2_000;

const SIGNALS: readonly CliSignal[] = ['SIGINT', 'SIGTERM'];

export function processIo(): CliIo {
  return {
    stdout: (text) => void process.stdout.write(text),
    stderr: (text) => void process.stderr.write(text),
    env: process.env,
    onSignal(handler) {
      const bound = SIGNALS.map((s) => [s, () => handler(s)] as const);
      for (const [s, h] of bound) process.on(s, h);
      return () => {
        for (const [s, h] of bound) process.off(s, h);
      };
    },
    colour: process.stdout.isTTY === true && !process.env.NO_COLOR,
    stdin: process.stdin,
  };
}

/**
 * The whole of a bin's entry file: run the program with the real process, set the exit code.
 * An error that escapes run() is still one line and exit 1, never a stack trace.
 */
export async function runMain(name: string, run: CliRun): Promise<void> {
  const io = processIo();
  let code: number;
  try {
    code = await run(process.argv.slice(2), io);
  } catch (err) {
    io.stderr(`${name}: ${oneLine(err)}\n`);
    code = EXIT_RUNTIME;
  }
  process.exitCode = code;
  setTimeout(() => process.exit(code), CLI_EXIT_GRACE_MS).unref();
}
