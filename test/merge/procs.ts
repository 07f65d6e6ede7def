// Real processes for the session tests: coop-server, coop-sidecar and the headless game, each
// `node --import tsx <entry>`, with their stdout lines kept and waitable.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { listeningPort, testServerArgs } from '../helpers/coop-server.js';
import { proc, type Proc } from '../helpers/proc.js';

export { proc, type Proc } from '../helpers/proc.js';

export interface ServerProc extends Proc {
  port: number;
  sessionFile: string;
}

export async function startServer(dataDir: string, sessionId: string, autosaveS: number): Promise<ServerProc> {
  const p = proc(testServerArgs({ dataDir, extra: ['--session-id', sessionId, '--autosave-s', String(autosaveS)] }));
  const port = await listeningPort(p);
  const sessionFile = (await p.line(/session file (.+)$/))[1];
  return { ...p, port, sessionFile };
}

/** A headless game with a scenario, and its sidecar joined to the server. */
export function startPlayer(o: { dir: string; tag: string; port: number; name: string; scenario: object }): { game: Proc; sidecar: Proc } {
  const session = `merge-${process.pid}-${o.tag}`;
  const scenario = join(o.dir, `scenario-${o.tag}.json`);
  writeFileSync(scenario, JSON.stringify(o.scenario));
  const game = proc(['src/sim/main.ts', '--bridge', session, '--scenario', scenario, '--quiet-frames']);
  const sidecar = proc([
    'src/sidecar/main.ts',
    '--server',
    `127.0.0.1:${o.port}`,
    '--bridge',
    session,
    '--name',
    o.name,
    '--data-dir',
    join(o.dir, `id-${o.tag}`),
    '--log-level',
    'warn',
  ]);
  return { game, sidecar };
}

/**
 * Steps that keep the player standing (almost) still, sending PlayerTransform a few times a
 * second for a minute: the sidecar joins on the first transform it reads.
 */
export function standAt(x: number): object {
  return {
    at: 0,
    do: 'walk',
    path: [
      [x, 0, 0],
      [x + 1, 0, 0],
    ],
    speedMps: 0.02,
    hz: 4,
  };
}

export async function stopAll(procs: Proc[]): Promise<void> {
  for (const p of procs) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGINT');
  const timeout = new Promise((r) => setTimeout(r, 3000));
  await Promise.race([Promise.all(procs.map((p) => p.exited)), timeout]);
  for (const p of procs) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
  await Promise.all(procs.map((p) => p.exited));
}
