// coop-sim's command line and composition root: the headless game host as a program. Prints
// JSON lines on stdout; ends when the bridge closes (the scenario finished with
// --exit-when-done, a signal, or the bridge failed).
import { BridgeError, RING_DEFAULT_BYTES, RING_MAX_BYTES, RING_MIN_BYTES } from '../../bridge/index.js';
import { parseCommandLine, runCommand, EXIT_OK, EXIT_RUNTIME, exitCodesHelp, UsageError, oneLine } from '../cli/command.js';
import type { CliIo } from '../cli/io.js';
import { quote, readExistingFile, readId, readInt } from '../cli/options.js';
import { Teardown } from '../cli/teardown.js';
import { SimHost } from './host.js';
import { launchSidecar } from './launch.js';
import { stdoutSink } from './log.js';
import { loadScenario, parseScenario, type Scenario } from './scenario.js';
import { offsetClock } from '../util/clock.js';

const NAME = 'coop-sim';
/** ABI versions are a u32 in the region header. */
const ABI_VERSION_MAX = 0xffff_ffff;

export const SIM_CLI_OPTIONS = {
  bridge: { type: 'string' },
  scenario: { type: 'string' },
  echo: { type: 'boolean' },
  'quiet-frames': { type: 'boolean' },
  quiet: { type: 'boolean' },
  'exit-when-done': { type: 'boolean' },
  'ring-bytes': { type: 'string' },
  'abi-version': { type: 'string' },
  help: { type: 'boolean' },
  'launch-sidecar': { type: 'boolean' },
  'clock-offset-ms': { type: 'string' },
} as const;
/** Largest --clock-offset-ms (about 11 days), ms. */
const CLOCK_OFFSET_MAX_MS = 1e9;

export const SIM_HELP = `coop-sim: a headless game that speaks the game side of the bridge.
usage: coop-sim --bridge NAME [options]
  --bridge NAME        the bridge's name (A-Z a-z 0-9 _ -)
  --scenario FILE      scenario JSON (steps the scripted player runs once the sidecar attaches)
  --echo               send every received message straight back (tests, bench)
  --quiet-frames       do not log PlayerTransform / RemoteEntityState(s) / voice audio lines
  --quiet              log lifecycle events only, no traffic
  --exit-when-done     play the scenario once (even if it repeats), then stop
  --ring-bytes N       ring capacity if this process creates the region (power of two, ${RING_MIN_BYTES}..${RING_MAX_BYTES})
  --abi-version N      pretend to be a build with another bridge ABI (tests)
  --clock-offset-ms MS run on a clock MS ahead of this machine's (tests, benches: known offsets)
  --launch-sidecar -- CMD ARGS...
                       start the sidecar as the game's plugin does (native coop_launch: it dies
                       with this process), with --bridge NAME appended
  --help               this text
${exitCodesHelp('done')} (a bad scenario file is a usage error; a bridge error is a runtime error)`;

function readRingBytes(value: string | undefined): number | undefined {
  const n = readInt(value, '--ring-bytes', { min: RING_MIN_BYTES, max: RING_MAX_BYTES });
  if (n !== undefined && (n & (n - 1)) !== 0) throw new UsageError(`--ring-bytes must be a power of two, got ${quote(value as string)}`);
  return n;
}

export async function runSim(argv: readonly string[], io: CliIo): Promise<number> {
  return runCommand(NAME, io, async () => {
    const { values: v, positionals } = parseCommandLine(argv, SIM_CLI_OPTIONS, true);
    if (v.help) {
      io.stdout(`${SIM_HELP}\n`);
      return EXIT_OK;
    }
    if (!v.bridge) throw new UsageError('--bridge is required (see --help)');
    const bridge = readId(v.bridge, '--bridge', 'a bridge name') as string;
    if (v['launch-sidecar'] && positionals.length === 0) throw new UsageError('--launch-sidecar needs the sidecar command after -- (see --help)');
    if (!v['launch-sidecar'] && positionals.length > 0) throw new UsageError(`unexpected argument ${quote(positionals[0])} (see --help)`);
    const ringBytes = readRingBytes(v['ring-bytes']) ?? RING_DEFAULT_BYTES;
    const abiVersion = readInt(v['abi-version'], '--abi-version', { min: 0, max: ABI_VERSION_MAX });
    const clockOffsetMs = v['clock-offset-ms'] === undefined ? 0 : Number(v['clock-offset-ms']);
    if (v['clock-offset-ms']?.trim() === '' || !Number.isFinite(clockOffsetMs) || Math.abs(clockOffsetMs) > CLOCK_OFFSET_MAX_MS) {
      throw new UsageError(`--clock-offset-ms must be a number of ms within ±${CLOCK_OFFSET_MAX_MS}, got ${quote(v['clock-offset-ms'] ?? '')}`);
    }
    const scenarioFile = readExistingFile(v.scenario, '--scenario');
    let scenario: Scenario;
    try {
      scenario = scenarioFile ? loadScenario(scenarioFile) : parseScenario({ name: 'idle' });
    } catch (err) {
      throw new UsageError(oneLine(err));
    }

    const log = stdoutSink(performance.now(), undefined, io.stdout);
    const teardown = new Teardown();
    let host: SimHost;
    try {
      host = new SimHost({
        bridge: { name: bridge, role: 'game', ringBytes, abiVersion },
        scenario,
        log,
        echo: v.echo === true,
        quietFrames: v['quiet-frames'] === true,
        quiet: v.quiet === true,
        exitWhenDone: v['exit-when-done'] === true,
        clock: offsetClock(clockOffsetMs),
      });
    } catch (err) {
      // The bridge refusing (ABI, a second game) is a runtime error; anything else here is the
      // scenario's steps, which the host checks as it compiles them: a bad --scenario value.
      if (err instanceof BridgeError) {
        io.stderr(`${NAME}: ${oneLine(err)}\n`);
        return EXIT_RUNTIME;
      }
      throw new UsageError(oneLine(err));
    }
    // As the game's plugin does: the sidecar starts with the game and dies with it.
    if (v['launch-sidecar'] && !launchSidecar(positionals, bridge, log)) {
      await host.stop('sidecar launch failed');
      throw new Error('could not launch the sidecar (see the launchFailed line)');
    }
    teardown.add(
      'signal handlers',
      io.onSignal((signal) => void host.stop(`signal ${signal}`)),
    );
    // Diagnostics: `kill -USR2 <pid>` logs the bridge's state and counters.
    const diag = (): void => log({ event: 'diag', state: host.bridge.state, counters: host.bridge.counters() });
    process.on('SIGUSR2', diag);
    teardown.add('diagnostics signal', () => {
      process.off('SIGUSR2', diag);
    });
    await host.bridge.closed();
    await teardown.run();
    return EXIT_OK;
  });
}
