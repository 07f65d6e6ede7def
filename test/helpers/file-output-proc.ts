// A process whose stdout and stderr go to files, never pipes: under wine a node.exe whose stdout
// is a pipe dies at its first write, so every wine program the tests and benches start (the C
// test game, node.exe) runs this way, read back from its files. No test framework here: the
// Windows tests (test/windows/wine.ts) add their waiting on top, and the benches use it as is.
// Also the C test game's plan lines and wine's view of a Linux path, which both need.
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CODECS, FrameWriter, MESSAGE_IDS, type MessageMap, type MessageName } from '../../bridge/index.js';

export interface FileOutputProc {
  name: string;
  child: ChildProcess;
  /** stdout so far. */
  out(): string;
  /** Every stdout line so far. */
  lines(): string[];
  /** The stdout lines that are JSON objects (a line being written is skipped). */
  json(): Record<string, unknown>[];
  /** stderr so far. */
  err(): string;
  /** Its exit code (or -1 after a signal) once it has ended. */
  exited: Promise<number | null>;
  ended(): boolean;
  /** Sends signal (default SIGKILL) unless it has ended; resolves once it has. */
  kill(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Starts `cmd args` with stdout and stderr in `<dir>/<name>.out` and `.err`. */
export function startWithFileOutput(name: string, cmd: string, args: string[], dir: string, env: NodeJS.ProcessEnv): FileOutputProc {
  const outPath = join(dir, `${name}.out`);
  const errPath = join(dir, `${name}.err`);
  writeFileSync(outPath, '');
  writeFileSync(errPath, '');
  const out = openSync(outPath, 'a');
  const err = openSync(errPath, 'a');
  const child = spawn(cmd, args, { stdio: ['ignore', out, err], env });
  closeSync(out);
  closeSync(err);
  let ended = false;
  const exited = new Promise<number | null>((resolve) =>
    child.on('exit', (code, signal) => {
      ended = true;
      resolve(code ?? (signal ? -1 : null));
    }),
  );
  const text = (p: string): string => readFileSync(p, 'utf8');
  const lines = (): string[] => text(outPath).split('\n').filter(Boolean);
  const json = (): Record<string, unknown>[] =>
    lines().flatMap((l) => {
      try {
        return l.startsWith('{') ? [JSON.parse(l) as Record<string, unknown>] : [];
      } catch {
        return []; // a line being written right now
      }
    });
  const kill = async (signal: NodeJS.Signals = 'SIGKILL'): Promise<number | null> => {
    if (!ended) child.kill(signal);
    return exited;
  };
  return { name, child, out: () => text(outPath), lines, json, err: () => text(errPath), exited, ended: () => ended, kill };
}

/** The Windows path of a Linux path (wine maps / to drive Z:). */
export function winPath(linuxPath: string): string {
  return `Z:${linuxPath.replaceAll('/', '\\')}`;
}

/** One line of the C test game's plan (--plan, --repeat): "at_ms type hex", the frame's payload
 * encoded with the bridge's codec (for --repeat, at_ms is its period). */
export function planLine<K extends MessageName>(atMs: number, name: K, msg: MessageMap[K]): string {
  const codec = CODECS[name];
  const ab = new ArrayBuffer(codec.size(msg));
  codec.write(new FrameWriter(ab), msg);
  return `${Math.round(atMs)} ${MESSAGE_IDS[name]} ${Buffer.from(ab).toString('hex')}`;
}
