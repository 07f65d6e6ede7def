// coop-server's console: one command a line on stdin, one answer a line on stdout. Lines run
// in order (a ban finishes writing before the next line runs).
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import type { AdminController } from './admin-controller.js';

export interface AdminConsole {
  /** Resolves when the input ends and every line has been answered. */
  readonly done: Promise<void>;
  close(): void;
}

export function attachConsole(controller: AdminController, input: Readable, output: Writable): AdminConsole {
  const rl = createInterface({ input, crlfDelay: Infinity, terminal: false });
  let chain: Promise<void> = Promise.resolve();
  rl.on('line', (line) => {
    if (line.trim() === '') return;
    chain = chain.then(async () => {
      let text: string;
      try {
        text = (await controller.runLine(line, { kind: 'console' })).text;
      } catch (err) {
        text = `error: internal: ${(err as Error).message.replace(/\s+/g, ' ')}`; // one line, and the console lives on
      }
      output.write(`${text}\n`);
    });
  });
  const done = new Promise<void>((resolve) => rl.once('close', () => resolve(chain)));
  return { done, close: () => rl.close() };
}
