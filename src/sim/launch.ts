// What the RED4ext plugin does when the game starts: launch the sidecar beside it through the
// native shim's launcher (coop_launch), so it dies with the game, and notice when it exits.
// The sidecar is told the bridge's name; everything else comes from the launch command.
import { accessSync, constants } from 'node:fs';
import { delimiter, isAbsolute, join } from 'node:path';
import { LAUNCH_RUNNING, LAUNCH_UNKNOWN, loadNative } from '../../bridge/index.js';
import type { LogSink } from './log.js';

/** How often the game looks whether its sidecar is still running. */
export const SIDECAR_POLL_MS = 500;

/** `node` → `/usr/bin/node`, as execvp would find it (coop_launch takes a path). */
export function resolveProgram(name: string, path = process.env.PATH ?? ''): string | undefined {
  if (isAbsolute(name) || name.includes('/')) return name;
  for (const dir of path.split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      /* not here */
    }
  }
  return undefined;
}

export interface LaunchedSidecar {
  readonly pid: number;
  stop(): void;
}

/** Launches `argv + --bridge <bridge name>` (the sidecar's flag for it); logs sidecarLaunched / sidecarExited / launchFailed. */
export function launchSidecar(argv: readonly string[], bridgeName: string, log: LogSink): LaunchedSidecar | undefined {
  const program = resolveProgram(argv[0] ?? '');
  if (!program) {
    log({ event: 'launchFailed', error: `no such program on PATH: ${JSON.stringify(argv[0] ?? '')}` });
    return undefined;
  }
  const native = loadNative();
  const pid = native.launch([program, ...argv.slice(1), '--bridge', bridgeName]);
  if (pid <= 0) {
    log({ event: 'launchFailed', error: `coop_launch failed with errno ${-pid}`, program });
    return undefined;
  }
  log({ event: 'sidecarLaunched', pid, program });
  const poll = setInterval(() => {
    const status = native.launchStatus(pid);
    if (status === LAUNCH_RUNNING) return;
    clearInterval(poll);
    log({ event: 'sidecarExited', pid, code: status === LAUNCH_UNKNOWN ? null : status });
  }, SIDECAR_POLL_MS);
  poll.unref();
  return { pid, stop: () => clearInterval(poll) };
}
