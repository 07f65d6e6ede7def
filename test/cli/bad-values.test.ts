// Every bin, every option, a bad value: one line on stderr naming the option, exit 2, nothing
// on stdout, never a stack trace. In-process through each program's run(argv, io). The table
// must cover each bin's whole option table, so an option added without a row fails here.
import { describe, expect, it } from 'vitest';
import { EXIT_USAGE } from '../../src/cli/command.js';
import type { CliRun } from '../../src/cli/io.js';
import type { OptionTable } from '../../src/cli/command.js';
import { MASTER_CLI_OPTIONS, runMaster } from '../../src/master/cli.js';
import { MERGE_CLI_OPTIONS, runMerge } from '../../src/merge/cli.js';
import { NAT_NETCHECK_OPTIONS } from '../../src/net/nat/netcheck-nat.js';
import { ENET_ECHO_OPTIONS, runNetcheck } from '../../src/net/netcheck.js';
import { runServer } from '../../src/server/cli/run-server.js';
import { SERVER_CLI_OPTIONS } from '../../src/server/cli/server-options.js';
import { runSidecar } from '../../src/sidecar/cli/run-sidecar.js';
import { SIDECAR_CLI_OPTIONS } from '../../src/sidecar/cli/sidecar-options.js';
import { runSim, SIM_CLI_OPTIONS } from '../../src/sim/cli.js';
import { captureIo } from '../helpers/cli-io.js';

const MISSING_FILE = '/nonexistent/coop-bad-values/file';
const flagOn = (name: string): string[] => [`--${name}=yes`]; // a boolean given a value
const noValue = (name: string): string[] => [`--${name}`]; // last on the line: value missing

interface BinCase {
  bin: string;
  run: CliRun;
  options: OptionTable;
  /** Valid arguments the bad one is added to (so only the option under test is wrong). */
  base: string[];
  /** option → bad arguments (added after base) or { args } replacing base. */
  bad: Record<string, string[] | { args: string[] }>;
}

const BINS: BinCase[] = [
  {
    bin: 'coop-server',
    run: runServer,
    options: SERVER_CLI_OPTIONS,
    base: [],
    bad: {
      'data-dir': ['--data-dir', ''],
      'dash-port': ['--dash-port', '70000'],
      'dash-host': ['--dash-host', 'example.com'],
      'no-dash': flagOn('no-dash'),
      admins: ['--admins', MISSING_FILE],
      admin: ['--admin', 'not an id'],
      'host-identity': ['--host-identity', 'x y'],
      'no-console': flagOn('no-console'),
      port: ['--port', 'abc'],
      host: ['--host', 'not-an-ip'],
      'session-id': ['--session-id', 'a b'],
      'tick-ms': ['--tick-ms', '99'],
      'fixed-tick': flagOn('fixed-tick'),
      'max-players': ['--max-players', '0'],
      npcs: ['--npcs', 'many'],
      vehicles: ['--vehicles', '1e3'],
      'area-m': ['--area-m', '0'],
      seed: ['--seed', 'x'],
      voice: ['--voice', 'loud'],
      'log-level': ['--log-level', 'loud'],
      'autosave-s': ['--autosave-s', 'soon'],
      help: flagOn('help'),
      master: ['--master', 'ftp://x'],
      stun: ['--stun', 'nohost'],
      'no-relay': flagOn('no-relay'),
      'nat-bind': ['--nat-bind', '::1'],
      'lobby-name': ['--lobby-name', '   '],
      'password-file': ['--password-file', MISSING_FILE],
      scenes: ['--scenes', MISSING_FILE],
      spectate: ['--spectate', 'everyone'],
    },
  },
  {
    bin: 'coop-sidecar',
    run: runSidecar,
    options: SIDECAR_CLI_OPTIONS,
    base: ['--server', '127.0.0.1:7777', '--bridge', 'x'],
    bad: {
      server: ['--server', 'nohost'],
      bridge: ['--bridge', 'a/b'],
      name: ['--name', ' '],
      'data-dir': ['--data-dir', ''],
      'session-id': ['--session-id', 'a b'],
      'log-level': ['--log-level', 'loud'],
      help: flagOn('help'),
      'mic-device': noValue('mic-device'),
      'speaker-device': noValue('speaker-device'),
      'voice-trace': ['--voice-trace', ''],
      'interp-delay-ms': ['--interp-delay-ms', '-5'],
      import: ['--import', MISSING_FILE],
      out: ['--out', ''],
      master: { args: ['--master', 'ftp://x', '--join', 'abcd', '--bridge', 'x'] },
      stun: ['--stun', 'nohost'],
      'no-relay': flagOn('no-relay'),
      'nat-bind': ['--nat-bind', '::1'],
      join: { args: ['--master', 'http://127.0.0.1:1', '--join', 'a b', '--bridge', 'x'] },
      'password-file': ['--password-file', MISSING_FILE],
      'clock-offset-ms': ['--clock-offset-ms', 'soon'],
      pace: ['--pace', 'sometimes'],
      'saved-servers': ['--saved-servers', ''],
    },
  },
  {
    bin: 'coop-master',
    run: runMaster,
    options: MASTER_CLI_OPTIONS,
    base: [],
    bad: {
      host: ['--host', 'nope'],
      port: ['--port', 'eighty'],
      state: ['--state', ''],
      store: ['--store', 'mysql://db'],
      'turn-uri': ['--turn-uri', 'http://relay'],
      'turn-secret-file': ['--turn-secret-file', MISSING_FILE],
      coturn: ['--coturn', 'nope'],
      'coturn-port': ['--coturn-port', '99999'],
      help: flagOn('help'),
    },
  },
  {
    bin: 'coop-merge',
    run: runMerge,
    options: MERGE_CLI_OPTIONS,
    base: ['session.json', 'save.dat'],
    bad: {
      player: ['--player', ''],
      out: ['--out', ''],
      conflicts: ['--conflicts', ''],
      resolve: ['--resolve', MISSING_FILE],
      json: flagOn('json'),
      help: flagOn('help'),
    },
  },
  {
    bin: 'coop-netcheck',
    run: runNetcheck,
    options: ENET_ECHO_OPTIONS,
    base: ['enet-echo', '--port', '0'],
    bad: { port: ['--port', 'x'], host: ['--host', 'nope'] },
  },
  {
    bin: 'coop-netcheck',
    run: runNetcheck,
    options: NAT_NETCHECK_OPTIONS,
    base: ['nat-join', '--master', 'http://127.0.0.1:1', '--join', 'abcd'],
    bad: {
      master: ['--master', 'ftp://x'],
      join: ['--join', 'a b'],
      stun: ['--stun', 'nohost'],
      'no-relay': flagOn('no-relay'),
      name: ['--name', ' '],
    },
  },
  {
    bin: 'coop-sim',
    run: runSim,
    options: SIM_CLI_OPTIONS,
    base: ['--bridge', 'x'],
    bad: {
      bridge: ['--bridge', 'a/b'],
      scenario: ['--scenario', MISSING_FILE],
      echo: flagOn('echo'),
      'quiet-frames': flagOn('quiet-frames'),
      quiet: flagOn('quiet'),
      'exit-when-done': flagOn('exit-when-done'),
      'ring-bytes': ['--ring-bytes', '5000'],
      'abi-version': ['--abi-version', 'x'],
      help: flagOn('help'),
      'launch-sidecar': flagOn('launch-sidecar'),
      'clock-offset-ms': ['--clock-offset-ms', 'NaN'],
    },
  },
];

async function runBad(c: BinCase, args: string[]) {
  const cap = captureIo({});
  const running = c.run(args, cap.io);
  // Should a bad value ever be accepted, the program stops at once instead of serving.
  setImmediate(() => cap.signal('SIGTERM'));
  return { code: await running, out: cap.out(), err: cap.err() };
}

describe('a bad value for any option of any bin: one line, exit 2', () => {
  for (const c of BINS) {
    it(`${c.bin} ${c.base.join(' ')}: the table covers every option`, () => {
      expect(Object.keys(c.bad).sort()).toEqual(Object.keys(c.options).sort());
    });
    for (const [option, bad] of Object.entries(c.bad)) {
      const args = Array.isArray(bad) ? [...c.base, ...bad] : bad.args;
      it(`${c.bin} ${args.join(' ')}`, async () => {
        const r = await runBad(c, args);
        expect(r.code, r.err).toBe(EXIT_USAGE);
        expect(r.out).toBe('');
        expect(r.err).toMatch(new RegExp(`^${c.bin}: [^\\n]*--${option}\\b[^\\n]*\\n$`));
        expect(r.err).not.toMatch(/\bat .*:\d+:\d+/); // no stack frame
      });
    }
    it(`${c.bin}: an unknown option`, async () => {
      const r = await runBad(c, [...c.base, '--frobnicate']);
      expect(r.code).toBe(EXIT_USAGE);
      expect(r.err).toBe(`${c.bin}: Unknown option '--frobnicate' (see --help)\n`);
    });
  }
});
