// coop-server: the dedicated server as a process.
//   coop-server [--port 7777] [--host 0.0.0.0] [--data-dir ./data] [--tick-ms 25] ...  (--help)
// Prints "coop-server: listening on udp HOST:PORT session ID" once ready; Ctrl-C stops cleanly.
import { parseArgs } from 'node:util';
import { randomBytes } from 'node:crypto';
import pino from 'pino';
import { CoopServer } from './server.js';
import { listenEnet } from './enet-adapter.js';
import { listenNat, type NatListener } from './nat-listener.js';
import { loadOrCreateIdentity } from '../protocol/identity-store.js';
import { NAT_DEFAULT_STUN } from '../net/nat/constants.js';
import { NAT_CLI_OPTIONS, natSettingsFrom } from '../net/nat/nat-options.js';
import { PASSWORD_CLI_OPTIONS, SESSION_PASSWORD_ENV, sessionPasswordFrom } from '../protocol/password-option.js';
import { sessionViewOf } from './session-view.js';
import { adminPlugin } from './admin-plugin.js';
import { voicePlugin } from './voice-plugin.js';
import { startAdmin } from './admin/admin-runtime.js';
import { ADMIN_CLI_OPTIONS, ADMIN_HELP_TEXT, adminOptionsFrom, AdminOptionError } from './admin/admin-options.js';
import { PROTOCOL_VERSION, TICK_FAST_MS, TICK_MIN_MS, TICK_MAX_MS } from '../protocol/constants.js';
import {
  SERVER_DEFAULT_PORT, SERVER_DEFAULT_PEERS, SERVER_DEFAULT_NPCS, SERVER_DEFAULT_VEHICLES, SERVER_DEFAULT_AREA_M,
} from './constants.js';
import { populate } from './populate.js';
import { sessionSavePlugin } from './persistence/session-plugin.js';
import { installShutdownSave } from './persistence/shutdown-save.js';
import { AUTOSAVE_DEFAULT_S, AUTOSAVE_MAX_S, MS_PER_S } from './persistence/session-saver.js';

const EXIT_USAGE = 2;
const EXIT_RUNTIME = 1;

const HELP = `coop-server: the coop-bridge dedicated server (protocol ${PROTOCOL_VERSION}).
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
  --autosave-s <s>         session file autosave period, 0 = only at shutdown [default: ${AUTOSAVE_DEFAULT_S}]
                           (<data-dir>/SavedGames/Coop/<session-id>.json, for coop-merge)
${ADMIN_HELP_TEXT}
  --help                   this text
exit codes: 0 stopped, 1 runtime error (port in use, bad data dir), 2 bad arguments`;

function usage(line: string): never {
  process.stderr.write(`coop-server: ${line}\n`);
  process.exit(EXIT_USAGE);
}

function intOpt(v: string | undefined, name: string, lo: number, hi: number, dflt: number): number {
  if (v === undefined) return dflt;
  if (!/^\d{1,9}$/.test(v) || Number(v) < lo || Number(v) > hi) usage(`${name} must be a whole number ${lo}..${hi}, got ${JSON.stringify(v)}`);
  return Number(v);
}

async function main(): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        ...ADMIN_CLI_OPTIONS,
        port: { type: 'string' }, host: { type: 'string' }, 'session-id': { type: 'string' },
        'tick-ms': { type: 'string' }, 'fixed-tick': { type: 'boolean' }, 'max-players': { type: 'string' },
        npcs: { type: 'string' }, vehicles: { type: 'string' }, 'area-m': { type: 'string' }, seed: { type: 'string' }, voice: { type: 'string' },
        'log-level': { type: 'string' }, 'autosave-s': { type: 'string' }, help: { type: 'boolean' },
        ...NAT_CLI_OPTIONS, 'lobby-name': { type: 'string' }, ...PASSWORD_CLI_OPTIONS,
      },
      strict: true, allowPositionals: false,
    }));
  } catch (err) {
    usage(`${(err as Error).message} (see --help)`);
  }
  if (values.help) { process.stdout.write(`${HELP}\n`); return; }
  const port = intOpt(values.port, '--port', 0, 65535, SERVER_DEFAULT_PORT);
  const tickMs = intOpt(values['tick-ms'], '--tick-ms', TICK_MIN_MS, TICK_MAX_MS, TICK_FAST_MS);
  const maxPlayers = intOpt(values['max-players'], '--max-players', 1, 4000, SERVER_DEFAULT_PEERS);
  const npcs = intOpt(values.npcs, '--npcs', 0, 100_000, SERVER_DEFAULT_NPCS);
  const vehicles = intOpt(values.vehicles, '--vehicles', 0, 100_000, SERVER_DEFAULT_VEHICLES);
  const areaM = intOpt(values['area-m'], '--area-m', 1, 20_000, SERVER_DEFAULT_AREA_M);
  const seed = intOpt(values.seed, '--seed', 0, 2 ** 31, 1);
  const autosaveS = intOpt(values['autosave-s'], '--autosave-s', 0, AUTOSAVE_MAX_S, AUTOSAVE_DEFAULT_S);
  const voiceMode = values.voice ?? 'proximity';
  if (voiceMode !== 'proximity' && voiceMode !== 'party') usage(`--voice must be proximity or party, got ${JSON.stringify(voiceMode)}`);
  const sessionId = values['session-id'] ?? randomBytes(6).toString('hex');
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(sessionId)) usage(`--session-id must be 1..64 of A-Z a-z 0-9 _ -, got ${JSON.stringify(sessionId.slice(0, 70))}`);
  const level = values['log-level'] ?? 'info';
  if (!['silent', 'fatal', 'error', 'warn', 'info', 'debug', 'trace'].includes(level)) usage(`--log-level must be silent|error|warn|info|debug, got ${JSON.stringify(level)}`);
  const natSettings = natSettingsFrom(values);
  if (natSettings && 'error' in natSettings) usage(natSettings.error);
  const password = sessionPasswordFrom(values, process.env);
  if (typeof password === 'object') usage(password.error);
  const lobbyName = values['lobby-name'] ?? sessionId;
  if ([...lobbyName].length > 64 || lobbyName.trim() === '') usage('--lobby-name must be 1..64 characters');
  let adminOpts;
  try {
    adminOpts = adminOptionsFrom(values);
  } catch (err) {
    if (err instanceof AdminOptionError) usage(err.message);
    throw err;
  }

  const log = pino({ level, base: { svc: 'coop-server' } }, pino.destination(2));
  const server = new CoopServer({ sessionId, initialTickMs: tickMs, adaptiveTick: !values['fixed-tick'], maxPlayers, seed, log, password });
  populate(server, { npcs, vehicles, areaM });

  let listener;
  try {
    listener = await listenEnet(server, { host: values.host ?? '0.0.0.0', port, peerLimit: Math.min(4095, maxPlayers + 8) });
  } catch (err) {
    process.stderr.write(`coop-server: ${(err as Error).message}\n`);
    process.exit(EXIT_RUNTIME);
  }
  let nat: NatListener | undefined;
  if (natSettings) {
    try {
      nat = await listenNat(server, {
        ...natSettings, identity: loadOrCreateIdentity(adminOpts.dataDir).keys,
        name: lobbyName, version: String(PROTOCOL_VERSION), maxPlayers, log,
      });
    } catch (err) {
      process.stderr.write(`coop-server: could not announce on coop-master ${natSettings.master}: ${(err as Error).message}\n`);
      listener.close();
      process.exit(EXIT_RUNTIME);
    }
  }
  const session = sessionViewOf(server, { hostIdentity: adminOpts.hostIdentity });
  let admin;
  try {
    admin = await startAdmin({ options: adminOpts, session, clock: { now: () => Date.now() }, log, stdin: process.stdin });
  } catch (err) {
    process.stderr.write(`coop-server: ${(err as Error).message}\n`);
    listener.close();
    process.exit(EXIT_RUNTIME);
  }
  server.use(adminPlugin(server, admin));
  let sessionSave;
  try {
    sessionSave = sessionSavePlugin(server, { dataDir: adminOpts.dataDir, autosaveMs: autosaveS * MS_PER_S });
  } catch (err) {
    process.stderr.write(`coop-server: cannot write the session file under ${adminOpts.dataDir}: ${(err as Error).message}\n`);
    listener.close();
    await admin.close();
    process.exit(EXIT_RUNTIME);
  }
  server.use(sessionSave);
  const mutes = admin.mutes;
  server.use(voicePlugin(server, { mode: voiceMode, isMuted: (identity) => mutes.isMuted(identity) }));
  server.start();
  process.stdout.write(`coop-server: listening on udp ${values.host ?? '0.0.0.0'}:${listener.port} session ${sessionId}\n`);
  process.stdout.write(`coop-server: session file ${sessionSave.saver.path}\n`);
  if (password !== undefined) process.stdout.write(`coop-server: players need the session password (${values['password-file'] ? '--password-file' : SESSION_PASSWORD_ENV})\n`);
  if (nat) process.stdout.write(`coop-server: announced on coop-master ${nat.master} as lobby session ${nat.sessionId}\n`);

  let stopping = false;
  const stop = async (signal: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    log.info({ event: 'server.stop', signal }, 'stopping');
    await server.stop('server shutting down');
    await new Promise((r) => setTimeout(r, 250)); // let the Disconnect messages leave
    listener.close();
    await nat?.close();
    await admin.close();
    process.stdout.write('coop-server: stopped\n');
    process.exit(0);
  };
  // SaveSessionState at shutdown: saved first on SIGINT/SIGTERM (then the clean stop), on an
  // uncaught error (then exit 1), and on any other exit.
  installShutdownSave({
    saver: sessionSave.saver,
    onSignal: (signal) => void stop(signal),
    onUncaught: (err) => log.fatal({ event: 'server.uncaught', error: (err as Error)?.stack ?? String(err) }, 'uncaught error'),
  });
}

main().catch((err: Error) => {
  process.stderr.write(`coop-server: ${err.stack ?? err.message}\n`);
  process.exit(EXIT_RUNTIME);
});
