// An in-memory CliIo for running a program's run(argv, io) inside the test process: output
// captured as text, a chosen environment, and signals the test sends itself.
import type { CliIo, CliSignal } from '../../src/cli/io.js';

export interface CapturedIo {
  io: CliIo;
  out(): string;
  err(): string;
  /** Delivers a signal to whatever the program subscribed with io.onSignal. */
  signal(s: CliSignal): void;
  /** How many signal subscriptions are still live (a finished program leaves none). */
  listeners(): number;
}

export function captureIo(env: Record<string, string | undefined> = {}): CapturedIo {
  let out = '';
  let err = '';
  const handlers = new Set<(s: CliSignal) => void>();
  return {
    io: {
      stdout: (t) => {
        out += t;
      },
      stderr: (t) => {
        err += t;
      },
      env,
      onSignal(h) {
        const wrapped = (s: CliSignal): void => h(s);
        handlers.add(wrapped);
        return () => {
          handlers.delete(wrapped);
        };
      },
      colour: false,
    },
    out: () => out,
    err: () => err,
    signal: (s) => {
      for (const h of [...handlers]) h(s);
    },
    listeners: () => handlers.size,
  };
}
