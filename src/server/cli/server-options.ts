// coop-server's command line: the option table, --help, and the check that turns raw values
// into ServerOptions (a bad value is a UsageError: one line, exit code 2).
import { randomBytes } from 'node:crypto';
import { parseCommandLine, exitCodesHelp, EXIT_TOOL_FIRST, UsageError, oneLine } from '../../cli/command.js';
import {
  NAT_CLI_OPTIONS,
  natSettingsFrom,
  type NatSettings,
  PASSWORD_CLI_OPTIONS,
  SESSION_PASSWORD_ENV,
  sessionPasswordFrom,
} from '../../cli/option-groups.js';
import { readChoice, readId, readInt, readIp, readLogLevel, readPort, readText, type LogLevel } from '../../cli/options.js';
import { NAT_DEFAULT_STUN } from '../../net/nat/constants.js';
import { PROTOCOL_VERSION, TICK_FAST_MS, TICK_MIN_MS, TICK_MAX_MS } from '../../protocol/constants.js';
import { ADMIN_CLI_OPTIONS, ADMIN_HELP_TEXT, adminOptionsFrom, type AdminOptions } from '../admin/admin-options.js';
import { SERVER_DEFAULT_PORT, SERVER_DEFAULT_PEERS, SERVER_DEFAULT_NPCS, SERVER_DEFAULT_VEHICLES, SERVER_DEFAULT_AREA_M } from '../constants.js';
import { AUTOSAVE_DEFAULT_S, AUTOSAVE_MAX_S } from '../persistence/session-saver.js';
import { SPECTATE_DEFAULT_POLICY, SPECTATE_POLICIES, type SpectatePolicy } from '../story/spectate.js';
import { SceneCatalog } from '../story/scene-catalog.js';

/** The session file exists but cannot be resumed (another session's, a newer format, unreadable); it is left untouched. */
export const EXIT_SESSION_FILE = EXIT_TOOL_FIRST;

/** Command-line bounds (the server's own limits are in ../constants.ts). */
export const SERVER_CLI_MAX_PLAYERS = 4_000;
export const SERVER_CLI_MAX_ENTITIES = 100_000;
export const SERVER_CLI_MAX_AREA_M = 20_000;
export const SERVER_CLI_MAX_SEED = 2 ** 31;
export const SERVER_CLI_LOBBY_NAME_MAX_CHARS = 64;
const SESSION_ID_RANDOM_BYTES = 6;
const VOICE_MODES = ['proximity', 'party'] as const;

export const SERVER_CLI_OPTIONS = {
  ...ADMIN_CLI_OPTIONS,
  port: { type: 'string' },
  host: { type: 'string' },
  'session-id': { type: 'string' },
  'tick-ms': { type: 'string' },
  'fixed-tick': { type: 'boolean' },
  'max-players': { type: 'string' },
  npcs: { type: 'string' },
  vehicles: { type: 'string' },
  'area-m': { type: 'string' },
  seed: { type: 'string' },
  voice: { type: 'string' },
  'log-level': { type: 'string' },
  'autosave-s': { type: 'string' },
  help: { type: 'boolean' },
  scenes: { type: 'string' },
  spectate: { type: 'string' },
  ...NAT_CLI_OPTIONS,
  'lobby-name': { type: 'string' },
  ...PASSWORD_CLI_OPTIONS,
} as const;

export const SERVER_HELP = `coop-server: the coop-bridge dedicated server (protocol ${PROTOCOL_VERSION}).
usage: coop-server [options]
  --port <port>            UDP port for ENet (0 = any free port)          [default: ${SERVER_DEFAULT_PORT}]
  --host <addr>            interface to bind                              [default: 0.0.0.0]
  --session-id <id>        session id (letters, digits, - _)              [default: random]
  --tick-ms <ms>           starting tick, ${TICK_MIN_MS}..${TICK_MAX_MS}                      [default: ${TICK_FAST_MS}]
  --fixed-tick             keep the tick fixed (no adaptive tick rate)
  --max-players <n>        players admitted at once                       [default: ${SERVER_DEFAULT_PEERS}]
  --npcs <n>               wandering NPCs                                 [default: ${SERVER_DEFAULT_NPCS}]
  --vehicles <n>           vehicles on looping paths                      [default: ${SERVER_DEFAULT_VEHICLES}]
  --area-m <m>             NPCs and vehicles spread over ±area/2 metres   [default: ${SERVER_DEFAULT_AREA_M}]
  --seed <n>               simulation seed                                [default: 1]
  --voice <mode>           proximity (interest set, 60 m, attenuated) or party [default: proximity]
  --password-file <file>   players must know the password in this file (trailing line break ignored;
                           or set ${SESSION_PASSWORD_ENV}; the file wins); the lobby shows it as protected
  --log-level <level>      pino level on stderr (silent, warn, info, debug) [default: info]
  --master <url>[,<url>…]  also announce on this coop-master (http://host:port) and take joiners
                           through NAT (ICE: direct, hole punched, or TURN relay); the UDP port stays open;
                           more URLs = failover: the session re-binds on the next when one goes away
  --lobby-name <text>      name shown in the master's lobby                [default: the session id]
  --stun <host:port>       STUN server for ICE                            [default: ${NAT_DEFAULT_STUN}]
  --no-relay               never relay through TURN (direct ICE paths only)
  --nat-bind <addr>        bind ICE sockets to this IPv4 address only      [default: all]
  --scenes <file>          scene catalog for cutscene sync: {"scenes": {"<name>": <length ms>}} [default: built in]
  --spectate <policy>      who may /spectate: anyone, admins or nobody    [default: ${SPECTATE_DEFAULT_POLICY}]
  --autosave-s <s>         session file autosave period, 0 = only at shutdown [default: ${AUTOSAVE_DEFAULT_S}]
                           (<data-dir>/SavedGames/Coop/<session-id>.json, for coop-merge; an existing
                           file of the same session is resumed, the previous one kept as .json.bak)
${ADMIN_HELP_TEXT}
  --help                   this text
${exitCodesHelp('stopped', [{ code: EXIT_SESSION_FILE, meaning: 'the session file cannot be resumed (left untouched)' }])}`;

export interface ServerOptions {
  readonly port: number;
  readonly host: string;
  readonly sessionId: string;
  readonly tickMs: number;
  readonly adaptiveTick: boolean;
  readonly maxPlayers: number;
  readonly npcs: number;
  readonly vehicles: number;
  readonly areaM: number;
  readonly seed: number;
  readonly voiceMode: (typeof VOICE_MODES)[number];
  readonly logLevel: LogLevel;
  readonly autosaveS: number;
  readonly nat: NatSettings | undefined;
  readonly lobbyName: string;
  readonly password: string | undefined;
  /** Where the password came from, for the start-up line. */
  readonly passwordFrom: string | undefined;
  readonly admin: AdminOptions;
  /** Scene catalog (story sync) from --scenes; undefined = the built-in list. */
  readonly scenes: SceneCatalog | undefined;
  readonly spectate: SpectatePolicy;
}

function readScenes(path: string | undefined): SceneCatalog | undefined {
  if (path === undefined) return undefined;
  try {
    return SceneCatalog.load(path);
  } catch (err) {
    throw new UsageError(`--scenes: ${oneLine(err)}`);
  }
}

/** 'help' for --help; otherwise every option checked, defaults filled in. */
export function serverOptionsFrom(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): ServerOptions | 'help' {
  const { values: v } = parseCommandLine(argv, SERVER_CLI_OPTIONS);
  if (v.help) return 'help';
  const sessionId = readId(v['session-id'], '--session-id') ?? randomBytes(SESSION_ID_RANDOM_BYTES).toString('hex');
  const password = sessionPasswordFrom(v, env);
  return {
    port: readPort(v.port, '--port') ?? SERVER_DEFAULT_PORT,
    host: readIp(v.host, '--host', { localhost: true }) ?? '0.0.0.0',
    sessionId,
    tickMs: readInt(v['tick-ms'], '--tick-ms', { min: TICK_MIN_MS, max: TICK_MAX_MS }) ?? TICK_FAST_MS,
    adaptiveTick: !v['fixed-tick'],
    maxPlayers: readInt(v['max-players'], '--max-players', { min: 1, max: SERVER_CLI_MAX_PLAYERS }) ?? SERVER_DEFAULT_PEERS,
    npcs: readInt(v.npcs, '--npcs', { min: 0, max: SERVER_CLI_MAX_ENTITIES }) ?? SERVER_DEFAULT_NPCS,
    vehicles: readInt(v.vehicles, '--vehicles', { min: 0, max: SERVER_CLI_MAX_ENTITIES }) ?? SERVER_DEFAULT_VEHICLES,
    areaM: readInt(v['area-m'], '--area-m', { min: 1, max: SERVER_CLI_MAX_AREA_M }) ?? SERVER_DEFAULT_AREA_M,
    seed: readInt(v.seed, '--seed', { min: 0, max: SERVER_CLI_MAX_SEED }) ?? 1,
    voiceMode: readChoice(v.voice, '--voice', VOICE_MODES) ?? 'proximity',
    logLevel: readLogLevel(v['log-level']) ?? 'info',
    autosaveS: readInt(v['autosave-s'], '--autosave-s', { min: 0, max: AUTOSAVE_MAX_S }) ?? AUTOSAVE_DEFAULT_S,
    nat: natSettingsFrom(v),
    lobbyName: readText(v['lobby-name'], '--lobby-name', SERVER_CLI_LOBBY_NAME_MAX_CHARS) ?? sessionId,
    password,
    passwordFrom: password === undefined ? undefined : v['password-file'] !== undefined ? '--password-file' : SESSION_PASSWORD_ENV,
    admin: adminOptionsFrom(v),
    scenes: readScenes(v.scenes),
    spectate: readChoice(v.spectate, '--spectate', SPECTATE_POLICIES) ?? SPECTATE_DEFAULT_POLICY,
  };
}
