// coop-sim: the headless game host as a process. Prints JSON lines on stdout.
//   node --import tsx src/sim/main.ts --session NAME [--scenario FILE] [--echo] [--quiet-frames]
//        [--quiet] [--exit-when-done] [--ring-bytes N]   (--help for all)
import { parseArgs } from 'node:util';
import { BridgeError, RING_DEFAULT_BYTES } from '../../bridge/index.js';
import { SimHost } from './host.js';
import { offsetClock } from '../util/mono-clock.js';
import { stdoutSink } from './log.js';
import { launchSidecar } from './launch.js';
import { loadScenario, parseScenario, type Scenario } from './scenario.js';

const HELP = `coop-sim: a headless game that speaks the game side of the bridge.
usage: coop-sim --session NAME [options]
  --session NAME       bridge session name (A-Z a-z 0-9 _ -)
  --scenario FILE      scenario JSON (steps the scripted player runs once the sidecar attaches)
  --echo               send every received message straight back (tests, bench)
  --quiet-frames       do not log PlayerTransform / RemoteEntityState / voice audio lines
  --quiet              log lifecycle events only, no traffic
  --exit-when-done     play the scenario once (even if it repeats), then stop
  --ring-bytes N       ring capacity if this process creates the region (power of two)
  --abi-version N      pretend to be a build with another bridge ABI (tests)
  --clock-offset-ms MS run on a clock MS ahead of this machine's (tests, benches: known offsets)
  --launch-sidecar -- CMD ARGS...
                       start the sidecar as the game's plugin does (native coop_launch: it dies
                       with this process), with --session NAME appended
  --help               this text
exit codes: 0 done, 1 bridge error, 2 bad arguments or scenario`;

function fail(code: number, line: string): never {
  process.stderr.write(`coop-sim: ${line}\n`);
  process.exit(code);
}

function intArg(v: string | undefined, name: string): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) fail(2, `${name} must be a non-negative integer, got '${v}'`);
  return n;
}

async function main(): Promise<void> {
  let values;
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      options: {
        session: { type: 'string' },
        scenario: { type: 'string' },
        echo: { type: 'boolean', default: false },
        'quiet-frames': { type: 'boolean', default: false },
        quiet: { type: 'boolean', default: false },
        'exit-when-done': { type: 'boolean', default: false },
        'ring-bytes': { type: 'string' },
        'abi-version': { type: 'string' },
        help: { type: 'boolean', default: false },
        'launch-sidecar': { type: 'boolean', default: false },
        'clock-offset-ms': { type: 'string' },
      },
      strict: true,
      allowPositionals: true,
    }));
  } catch (err) {
    fail(2, (err as Error).message);
  }
  if (values.help) {
    process.stdout.write(`${HELP}\n`);
    return;
  }
  if (!values.session) fail(2, '--session is required (see --help)');
  if (values['launch-sidecar'] && positionals.length === 0) fail(2, '--launch-sidecar needs the sidecar command after -- (see --help)');
  if (!values['launch-sidecar'] && positionals.length > 0) fail(2, `unexpected argument '${positionals[0]}' (see --help)`);
  let scenario: Scenario;
  try {
    scenario = values.scenario ? loadScenario(values.scenario) : parseScenario({ name: 'idle' });
  } catch (err) {
    fail(2, (err as Error).message);
  }
  const clockOffsetMs = Number(values['clock-offset-ms'] ?? 0);
  if (!Number.isFinite(clockOffsetMs)) fail(2, `--clock-offset-ms must be a number of ms, got '${values['clock-offset-ms']}'`);
  const log = stdoutSink(performance.now());
  let host: SimHost;
  try {
    host = new SimHost({
      bridge: {
        session: values.session,
        role: 'game',
        ringBytes: intArg(values['ring-bytes'], '--ring-bytes') ?? RING_DEFAULT_BYTES,
        abiVersion: intArg(values['abi-version'], '--abi-version'),
      },
      scenario,
      log,
      echo: values.echo,
      quietFrames: values['quiet-frames'],
      quiet: values.quiet,
      exitWhenDone: values['exit-when-done'],
      clock: offsetClock(clockOffsetMs),
    });
  } catch (err) {
    if (err instanceof BridgeError) fail(1, err.message);
    fail(2, (err as Error).message);
  }
  // As the game's plugin does: the sidecar starts with the game and dies with it.
  const sidecar = values['launch-sidecar'] ? launchSidecar(positionals, values.session, log) : undefined;
  if (values['launch-sidecar'] && !sidecar) fail(1, 'could not launch the sidecar (see the launchFailed line)');
  const stop = (signal: string) => void host.stop(`signal ${signal}`);
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
  // Diagnostics: `kill -USR2 <pid>` logs the bridge's state and counters.
  process.on('SIGUSR2', () => log({ event: 'diag', state: host.bridge.state, counters: host.bridge.counters() }));
  await host.bridge.closed();
}

await main();
