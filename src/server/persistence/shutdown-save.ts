// The shutdown half of SaveSessionState: save on SIGINT, SIGTERM, an uncaught error, and a
// normal exit. Signals hand over to the server's own stop (onSignal) after the save, so the save
// happens even if the stop hangs; an uncaught error is saved, logged and exits 1.
import type { SessionSaver } from './session-saver.js';

export const EXIT_UNCAUGHT = 1;

export interface ShutdownSaveOptions {
  saver: Pick<SessionSaver, 'finish'>;
  /** The server's graceful stop; default: exit with 128 + signal number. */
  onSignal?: (signal: 'SIGINT' | 'SIGTERM') => void;
  /** Logs the uncaught error (default: stderr). */
  onUncaught?: (err: unknown) => void;
  proc?: NodeJS.Process;
}

const SIGNAL_EXIT = { SIGINT: 130, SIGTERM: 143 } as const;

/** Installs the handlers; returns a function that removes them. */
export function installShutdownSave(opts: ShutdownSaveOptions): () => void {
  const proc = opts.proc ?? process;
  const finalSave = (reason: 'shutdown' | 'SIGINT' | 'SIGTERM' | 'error') => void opts.saver.finish(reason);
  const onSignal = (signal: 'SIGINT' | 'SIGTERM') => () => {
    finalSave(signal);
    if (opts.onSignal) opts.onSignal(signal);
    else proc.exit(SIGNAL_EXIT[signal]);
  };
  const sigint = onSignal('SIGINT');
  const sigterm = onSignal('SIGTERM');
  const uncaught = (err: unknown) => {
    finalSave('error');
    (opts.onUncaught ?? ((e) => proc.stderr.write(`uncaught error: ${(e as Error)?.stack ?? String(e)}\n`)))(err);
    proc.exit(EXIT_UNCAUGHT);
  };
  const exit = () => finalSave('shutdown');
  proc.on('SIGINT', sigint);
  proc.on('SIGTERM', sigterm);
  proc.on('uncaughtException', uncaught);
  proc.on('unhandledRejection', uncaught);
  proc.on('exit', exit);
  return () => {
    proc.off('SIGINT', sigint);
    proc.off('SIGTERM', sigterm);
    proc.off('uncaughtException', uncaught);
    proc.off('unhandledRejection', uncaught);
    proc.off('exit', exit);
  };
}
