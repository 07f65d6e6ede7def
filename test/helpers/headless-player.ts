// A player as real processes: a headless game (coop-sim, standing on a short walk) and its
// coop-sidecar on a bridge of their own, joining a coop-server. The sidecar starts once the game
// has opened the bridge. One place, so a new sidecar or sim flag reaches every such test.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROC_WAIT_MS, type Proc, type ProcGroup } from './proc.js';

/** A player standing about (0, 0): a 1 m walk at 1 m/s, reported 10 times a second. */
export const STAND_SCENARIO = {
  steps: [
    {
      at: 0,
      do: 'walk',
      path: [
        [0, 0, 0],
        [1, 0, 0],
      ],
      speedMps: 1,
      hz: 10,
    },
  ],
};

/** A player walking along x at 1 m/s for `seconds`, reported `hz` times a second: a game that
 * sends frames all through a test (STAND_SCENARIO's walk stops after a second). */
export function walkScenario(hz: number, seconds: number): typeof STAND_SCENARIO {
  const step = STAND_SCENARIO.steps[0]!;
  return { steps: [{ ...step, path: [step.path[0]!, [seconds * step.speedMps, 0, 0]], hz }] };
}

export interface HeadlessPlayerOptions {
  procs: ProcGroup;
  /** Where the scenario file and the sidecar's data dir (`<dir>/<name>`) go. */
  dir: string;
  name: string;
  /** The server's HOST:PORT. */
  server: string;
  logLevel?: 'silent' | 'warn' | 'info';
  /** The sidecar's environment (default: this process's). */
  env?: NodeJS.ProcessEnv;
  /** The game's scenario (default STAND_SCENARIO). */
  scenario?: object;
  /** The game logs no frame lines (default true: a long test's output stays small). */
  quietFrames?: boolean;
  /** Extra coop-sidecar arguments (e.g. `--pace frames` for the JavaScript path). */
  args?: string[];
}

export async function startHeadlessPlayer(o: HeadlessPlayerOptions): Promise<{ game: Proc; sidecar: Proc }> {
  const scenario = join(o.dir, `${o.name}.json`);
  writeFileSync(scenario, JSON.stringify(o.scenario ?? STAND_SCENARIO));
  const bridge = `hp-${process.pid}-${o.name}`;
  const game = o.procs.start(['src/sim/main.ts', '--bridge', bridge, '--scenario', scenario, ...(o.quietFrames === false ? [] : ['--quiet-frames'])]);
  await game.line(/"event":"open"/, PROC_WAIT_MS);
  const sidecar = o.procs.start(
    [
      'src/sidecar/main.ts',
      '--server',
      o.server,
      '--bridge',
      bridge,
      '--name',
      o.name,
      '--data-dir',
      join(o.dir, o.name),
      '--log-level',
      o.logLevel ?? 'warn',
      ...(o.args ?? []),
    ],
    { env: o.env },
  );
  return { game, sidecar };
}
