// coop-sidecar's command line: the option table, --help, and the check that turns raw values
// into SidecarOptions (a bad value is a UsageError: one line, exit code 2).
import { homedir } from 'node:os';
import { join } from 'node:path';
import { parseCommandLine, exitCodesHelp, EXIT_TOOL_FIRST, UsageError } from '../../cli/command.js';
import {
  NAT_CLI_OPTIONS,
  natSettingsFrom,
  type NatSettings,
  PASSWORD_CLI_OPTIONS,
  SESSION_PASSWORD_ENV,
  sessionPasswordFrom,
} from '../../cli/option-groups.js';
import { quote, readExistingFile, readHostPort, readId, readInt, readLogLevel, readPath, readText, type LogLevel } from '../../cli/options.js';
import { NAT_DEFAULT_STUN } from '../../net/nat/constants.js';
import { LOBBY_ID_PATTERN, SAVED_SERVER_SLOTS } from '../saved-servers.js';
import { PLAYER_NAME_MAX_CHARS, PROTOCOL_VERSION } from '../../protocol/constants.js';

/** The server refused this player, or the link to it ended for good (see --help). */
export const EXIT_REFUSED = EXIT_TOOL_FIRST;
const DEFAULT_NAME = 'player';
/** Longest interpolation delay a player may set, ms. */
const MAX_INTERP_DELAY_MS = 1000;

export const SIDECAR_CLI_OPTIONS = {
  server: { type: 'string' },
  bridge: { type: 'string' },
  name: { type: 'string' },
  'data-dir': { type: 'string' },
  'session-id': { type: 'string' },
  'log-level': { type: 'string' },
  help: { type: 'boolean' },
  'mic-device': { type: 'string' },
  'speaker-device': { type: 'string' },
  'voice-trace': { type: 'string' },
  'interp-delay-ms': { type: 'string' },
  import: { type: 'string' },
  out: { type: 'string' },
  'clock-offset-ms': { type: 'string' },
  pace: { type: 'string' },
  ...NAT_CLI_OPTIONS,
  join: { type: 'string' },
  'saved-servers': { type: 'string' },
  ...PASSWORD_CLI_OPTIONS,
} as const;

/** Where the player identity lives unless --data-dir says otherwise: XDG, like other tools; on
 * Windows %APPDATA% (a Windows sidecar has no ~/.config). */
export function defaultDataDir(env: Readonly<Record<string, string | undefined>>, platform: NodeJS.Platform = process.platform): string {
  if (platform === 'win32') return join(env.APPDATA || join(homedir(), 'AppData', 'Roaming'), 'coop-bridge');
  return join(env.XDG_CONFIG_HOME || join(env.HOME || homedir(), '.config'), 'coop-bridge');
}

export function sidecarHelp(dataDir: string): string {
  return `coop-sidecar: joins a coop-server on behalf of the game beside it (protocol ${PROTOCOL_VERSION}).
usage: coop-sidecar --server HOST:PORT --bridge NAME [options]
       coop-sidecar --master URL --join LOBBY_ID --bridge NAME [options]
  --server HOST:PORT     the coop-server to join (direct UDP: LAN or a forwarded port)
  --master URL[,URL…]    coop-master (http://host:port) to join through instead: no port forwarding,
                         ICE picks a direct or hole-punched path, TURN relays when nothing else works;
                         with more URLs a failed attempt is retried through the next
  --join LOBBY_ID        the lobby id the server announced on the master (its lobby list)
  --saved-servers FILE   coop-bridge.ini: its server1..server${SAVED_SERVER_SLOTS} (HOST:PORT or lobby:ID on its master)
                         are the servers the game's settings menu picks from (SettingsChanged.serverSlot);
                         with it, --server and --master may both be given and neither is required
  --stun HOST:PORT       STUN server for ICE                                [default: ${NAT_DEFAULT_STUN}]
  --no-relay             never relay through TURN
  --nat-bind ADDR        bind ICE sockets to this IPv4 address only
  --bridge NAME          the bridge's name, shared with the game (A-Z a-z 0-9 _ -)
  --name NAME            player name shown to others (1..${PLAYER_NAME_MAX_CHARS} chars)   [default: ${DEFAULT_NAME}]
  --data-dir DIR         where the player identity (identity.pem) lives     [default: ${dataDir}]
  --session-id ID        join only this server session                      [default: any]
  --password-file FILE   the session's password, when it has one (trailing line break ignored;
                         or set ${SESSION_PASSWORD_ENV}; the file wins)
  --log-level LEVEL      pino level on stderr                               [default: info]
  --mic-device NAME      capture voice from this PortAudio device ('' = first) [default: the game's mic frames]
  --speaker-device NAME  play voice on this PortAudio device ('' = first)   [default: through the game]
  --voice-trace FILE     append a JSON line per voice frame sent/played (latency measurements)
  --interp-delay-ms MS   show remote entities MS in the past (0..${MAX_INTERP_DELAY_MS})      [default: max(2 ticks, 80)]
  --pace native|frames|tick
                         native: a native thread takes the game's frames, the server's snapshots
                         and others' voices (Linux; elsewhere frames): ≈ 0.45× the CPU of frames;
                         frames: wake on every game frame and send the player's moves at once;
                         tick: once a server tick, just before it, where the interpolation delay
                         allows: ≈ 10 % less CPU than frames, ≈ 3 ms more input latency
                                                                              [default: native]
  --import SESSION.json  no server: merge this player's co-op progress from a session file into
                         the game (MergePrompt on conflicts), write --out, apply it, exit
  --out FILE             the merged .dat of --import                        [default: <data-dir>/merged.dat]
  --clock-offset-ms MS   tests and benches: run on a clock MS ahead of this machine's (a machine whose
                         clock is off by a known amount; story sync must not care)   [default: 0]
  --help                 this text
${exitCodesHelp('quit', [{ code: EXIT_REFUSED, meaning: 'refused or disconnected by the server' }])}`;
}

export interface SidecarOptions {
  /** Direct UDP server address; undefined with --master or --import. */
  readonly server: { address: string; port: number } | undefined;
  readonly nat: NatSettings | undefined;
  readonly join: string | undefined;
  /** coop-bridge.ini holding the menu's saved servers, when given. */
  readonly savedServers: string | undefined;
  readonly bridge: string;
  readonly name: string;
  readonly dataDir: string;
  readonly sessionId: string | undefined;
  readonly password: string | undefined;
  readonly logLevel: LogLevel;
  readonly micDevice: string | undefined;
  readonly speakerDevice: string | undefined;
  readonly voiceTrace: string | undefined;
  /** Fixed interpolation delay, ms; undefined = the tick rule. */
  readonly interpDelayMs: number | undefined;
  readonly import: string | undefined;
  readonly out: string;
  /** Story sync's clock runs this far ahead of the machine's (tests, benches), ms. */
  readonly clockOffsetMs: number;
  /** 'native' (default): the frames, snapshots and voice in a native thread where it runs
   * (native-path.ts; Linux), else 'frames'; 'frames': each frame wakes Node; 'tick': paced by the
   * server's tick where it can be (tick-pacer.ts). */
  readonly pace: SidecarPace;
}

export type SidecarPace = 'tick' | 'frames' | 'native';

function readPace(value: string | undefined): SidecarPace {
  if (value === undefined || value === 'tick' || value === 'frames' || value === 'native') return value ?? 'native';
  throw new UsageError(`--pace must be frames, tick or native, got ${quote(value)}`);
}

/** Largest --clock-offset-ms (about 11 days), ms. */
export const CLOCK_OFFSET_MAX_MS = 1e9;

function readClockOffset(value: string | undefined): number {
  if (value === undefined) return 0;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || Math.abs(n) > CLOCK_OFFSET_MAX_MS)
    throw new UsageError(`--clock-offset-ms must be a number of ms within ±${CLOCK_OFFSET_MAX_MS}, got ${quote(value)}`);
  return n;
}

/** 'help' for --help; otherwise every option checked, defaults filled in. */
export function sidecarOptionsFrom(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): SidecarOptions | 'help' {
  const { values: v } = parseCommandLine(argv, SIDECAR_CLI_OPTIONS);
  if (v.help) return 'help';
  const nat = natSettingsFrom(v);
  const importPath = readExistingFile(v.import, '--import');
  const savedServers = readPath(v['saved-servers'], '--saved-servers');
  // With saved servers the master may be there only for the lobby slots, and the startup
  // server may be none (the menu picks one).
  if (nat) {
    if (v.server !== undefined && (!savedServers || v.join !== undefined)) throw new UsageError('give either --server or --master, not both');
    if ((v.join !== undefined || !savedServers) && (!v.join || !LOBBY_ID_PATTERN.test(v.join)))
      throw new UsageError(`--join must be the lobby id from coop-master, got ${quote(v.join ?? '')}`);
  } else if (v.join !== undefined) {
    throw new UsageError('--join needs --master');
  }
  const mayHaveNoServer = importPath !== undefined || savedServers !== undefined || v.join !== undefined;
  const hp = readHostPort(v.server ?? (mayHaveNoServer ? undefined : ''), '--server');
  const server = hp && { address: hp.host === 'localhost' ? '127.0.0.1' : hp.host, port: hp.port };
  const bridge = readId(v.bridge ?? '', '--bridge', 'a bridge name') as string;
  const dataDir = readPath(v['data-dir'], '--data-dir') ?? defaultDataDir(env);
  return {
    server,
    nat,
    join: v.join,
    savedServers,
    bridge,
    name: readText(v.name, '--name', PLAYER_NAME_MAX_CHARS) ?? DEFAULT_NAME,
    dataDir,
    sessionId: readId(v['session-id'], '--session-id'),
    password: sessionPasswordFrom(v, env),
    logLevel: readLogLevel(v['log-level']) ?? 'info',
    micDevice: v['mic-device'],
    speakerDevice: v['speaker-device'],
    voiceTrace: readPath(v['voice-trace'], '--voice-trace'),
    interpDelayMs: readInt(v['interp-delay-ms'], '--interp-delay-ms', { min: 0, max: MAX_INTERP_DELAY_MS }),
    import: importPath,
    out: readPath(v.out, '--out') ?? join(dataDir, 'merged.dat'),
    clockOffsetMs: readClockOffset(v['clock-offset-ms']),
    pace: readPace(v.pace),
  };
}
