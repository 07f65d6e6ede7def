// coop-server's composition root: options in, the server and its plugins wired, one teardown
// list that every exit path runs (a signal, a start-up failure after something was opened).
import pino from 'pino';
import { runCommand, EXIT_OK, EXIT_RUNTIME, oneLine } from '../../cli/command.js';
import type { CliIo } from '../../cli/io.js';
import { Teardown } from '../../cli/teardown.js';
import { PROTOCOL_VERSION } from '../../protocol/constants.js';
import { loadOrCreateIdentity } from '../../protocol/identity-store.js';
import { startAdmin } from '../admin/admin-runtime.js';
import { adminPlugin } from '../admin-plugin.js';
import { listenEnet } from '../enet-adapter.js';
import { listenNat } from '../nat-listener.js';
import { sessionSavePlugin } from '../persistence/session-plugin.js';
import { MS_PER_S } from '../persistence/session-saver.js';
import { installShutdownSave } from '../persistence/shutdown-save.js';
import { SessionFileRefused } from '../persistence/session-resume.js';
import { enetPeerLimit } from '../constants.js';
import { populate } from '../populate.js';
import { CoopServer } from '../server.js';
import { sessionViewOf } from '../session-view.js';
import { voicePlugin } from '../voice-plugin.js';
import { storyPlugin } from '../story-plugin.js';
import { EXIT_SESSION_FILE, SERVER_HELP, serverOptionsFrom, type ServerOptions } from './server-options.js';

const NAME = 'coop-server';
/** Time for the goodbye (Disconnect) datagrams to leave before the socket closes. */
export const SERVER_GOODBYE_DRAIN_MS = 250;
/** A start-up step that failed: its line is printed, the teardown runs, the exit code is 1 (or `code`). */
class StartError extends Error {
  constructor(
    message: string,
    readonly code = EXIT_RUNTIME,
  ) {
    super(message);
  }
}

async function step<T>(what: string | undefined, make: () => Promise<T> | T): Promise<T> {
  try {
    return await make();
  } catch (err) {
    // a session file the server will not overwrite has its own exit code and needs no prefix
    if (err instanceof SessionFileRefused) throw new StartError(`session file refused: ${oneLine(err)}`, EXIT_SESSION_FILE);
    throw new StartError(what === undefined ? oneLine(err) : `${what}: ${oneLine(err)}`);
  }
}

export async function runServer(argv: readonly string[], io: CliIo): Promise<number> {
  return runCommand(NAME, io, async () => {
    const options = serverOptionsFrom(argv, io.env);
    if (options === 'help') {
      io.stdout(`${SERVER_HELP}\n`);
      return EXIT_OK;
    }
    const teardown = new Teardown({ onError: (name, err) => io.stderr(`${NAME}: closing ${name}: ${oneLine(err)}\n`) });
    try {
      return await serve(options, io, teardown);
    } catch (err) {
      await teardown.run();
      if (!(err instanceof StartError)) throw err;
      io.stderr(`${NAME}: ${err.message}\n`);
      return err.code;
    }
  });
}

/** Starts everything, registering each closer as it is made; resolves with the exit code once stopped. */
async function serve(o: ServerOptions, io: CliIo, teardown: Teardown): Promise<number> {
  const log = pino({ level: o.logLevel, base: { svc: NAME } }, pino.destination(2));
  const server = new CoopServer({
    sessionId: o.sessionId,
    initialTickMs: o.tickMs,
    adaptiveTick: o.adaptiveTick,
    maxPlayers: o.maxPlayers,
    seed: o.seed,
    log,
    password: o.password,
  });
  populate(server, { npcs: o.npcs, vehicles: o.vehicles, areaM: o.areaM });

  const listener = await step(undefined, () => listenEnet(server, { host: o.host, port: o.port, peerLimit: enetPeerLimit(o.maxPlayers) }));
  teardown.add('ENet listener', () => listener.close());
  const nat =
    o.nat &&
    (await step(`could not announce on coop-master ${o.nat.master.join(', ')}`, () =>
      listenNat(server, {
        ...o.nat!,
        identity: loadOrCreateIdentity(o.admin.dataDir).keys,
        name: o.lobbyName,
        version: String(PROTOCOL_VERSION),
        maxPlayers: o.maxPlayers,
        log,
      }),
    ));
  if (nat) teardown.add('NAT listener', () => nat.close());
  let isAdmin = (_identity: string): boolean => false; // the admin list, once loaded (before anyone joins)
  const story = storyPlugin(server, { scenes: o.scenes, spectate: o.spectate, isAdmin: (conn) => isAdmin(conn.identity) });
  const session = sessionViewOf(server, {
    hostIdentity: o.admin.hostIdentity,
    clockBoundOf: (peerId) => story.clockOf(peerId)?.errorBoundMs ?? null,
    modeOf: (peerId) => story.modeOf(peerId),
  });
  const admin = await step(undefined, () =>
    startAdmin({
      options: o.admin,
      session,
      clock: { now: () => Date.now() },
      log,
      env: io.env as NodeJS.ProcessEnv,
      stdin: io.stdin,
      announce: (line) => io.stdout(`${line}\n`),
    }),
  );
  teardown.add('admin tools', () => admin.close());
  server.use(adminPlugin(server, admin));
  isAdmin = (identity) => admin.admins.isAuthorised(identity, identity === o.admin.hostIdentity);
  const sessionSave = await step(`cannot write the session file under ${o.admin.dataDir}`, () =>
    sessionSavePlugin(server, { dataDir: o.admin.dataDir, autosaveMs: o.autosaveS * MS_PER_S }),
  );
  server.use(sessionSave);
  server.use(voicePlugin(server, { mode: o.voiceMode, isMuted: (identity) => admin.mutes.isMuted(identity) }));
  server.use(story);
  server.start();
  // Registered last, so it runs first: players get a goodbye before the sockets close.
  teardown.add('server', async () => {
    await server.stop('server shutting down');
    await new Promise((r) => setTimeout(r, SERVER_GOODBYE_DRAIN_MS));
  });
  io.stdout(`${NAME}: listening on udp ${o.host}:${listener.port} session ${o.sessionId}\n`);
  io.stdout(`${NAME}: udp sends: ${listener.udpSends}\n`);
  io.stdout(`${NAME}: session file ${sessionSave.saver.path}\n`);
  if (sessionSave.resumedPlayers !== undefined) io.stdout(`${NAME}: resumed the session (${sessionSave.resumedPlayers} players recorded)\n`);
  if (o.passwordFrom) io.stdout(`${NAME}: players need the session password (${o.passwordFrom})\n`);
  if (nat) io.stdout(`${NAME}: announced on coop-master ${nat.master} as lobby session ${nat.lobbyId}\n`);

  // SaveSessionState at shutdown: saved first on SIGINT/SIGTERM (then the clean stop), on an
  // uncaught error (then exit 1), and on any other exit.
  const stopped = new Promise<string>((resolve) => {
    const uninstall = installShutdownSave({
      saver: sessionSave.saver,
      onSignal: resolve,
      onUncaught: (err) => log.fatal({ event: 'server.uncaught', error: (err as Error)?.stack ?? String(err) }, 'uncaught error'),
    });
    teardown.add('shutdown save handlers', uninstall);
  });
  const signal = await stopped;
  log.info({ event: 'server.stop', signal }, 'stopping');
  await teardown.run();
  io.stdout(`${NAME}: stopped\n`);
  return EXIT_OK;
}
