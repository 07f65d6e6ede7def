// coop-master's command line and composition root: options, the lobby/signalling server, an
// optional coturn beside it, and one teardown list for a signal or a failed start.
import { readFileSync } from 'node:fs';
import { pino } from 'pino';
import { parseCommandLine, runCommand, EXIT_OK, EXIT_RUNTIME, exitCodesHelp, UsageError, oneLine } from '../cli/command.js';
import { untilSignal, type CliIo } from '../cli/io.js';
import { readExistingFile, readIp, readPath, readPort } from '../cli/options.js';
import { Teardown } from '../cli/teardown.js';
import { startCoturn } from './coturn.js';
import { startMaster } from './server.js';
import { checkStoreOption } from './store/open-store.js';

const NAME = 'coop-master';
export const MASTER_DEFAULT_PORT = 7450;
export const MASTER_DEFAULT_COTURN_PORT = 3478;
export const TURN_SECRET_ENV = 'COOP_TURN_SECRET';
/** TURN URIs must name the scheme coturn speaks; anything else is a typo. */
const TURN_URI_PATTERN = /^turns?:[^\s]+$/;

export const MASTER_CLI_OPTIONS = {
  host: { type: 'string' },
  port: { type: 'string' },
  state: { type: 'string' },
  store: { type: 'string' },
  'turn-uri': { type: 'string', multiple: true },
  'turn-secret-file': { type: 'string' },
  coturn: { type: 'string' },
  'coturn-port': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

export const MASTER_HELP = `coop-master — lobby, ICE signalling and TURN credentials for coop-bridge

usage: coop-master [options]

  --host <ip>             address to listen on (default 0.0.0.0)
  --port <n>              TCP port for HTTP + WebSocket /ws (default ${MASTER_DEFAULT_PORT}; 0 = any free port)
  --state <file>          embedded store: lobby state file (snapshot + journal; default: memory only)
  --store <where>         'embedded' (default: this process only) or redis://HOST:PORT[/DB]: the
                          lobby, limits and signalling routes shared by every instance on it
  --turn-uri <uri>        TURN URI handed out with credentials (repeatable), e.g.
                          turn:relay.example.org:3478?transport=udp
  --turn-secret-file <f>  file holding coturn's static-auth-secret
                          (or set ${TURN_SECRET_ENV}; never pass it on the command line)
  --coturn <ip>           also start coturn on <ip>:3478 with a fresh secret (needs turnserver)
  --coturn-port <n>       coturn listening port with --coturn (default ${MASTER_DEFAULT_COTURN_PORT})
  -h, --help              this help

Without a TURN secret /api/turnCred answers 503 and players can only connect directly.
${exitCodesHelp('stopped')}
`;

interface MasterCliOptions {
  host: string;
  port: number;
  statePath: string | undefined;
  store: string | undefined;
  turnUris: string[];
  secret: string | undefined;
  coturn: { ip: string; port: number } | undefined;
}

function optionsFrom(argv: readonly string[], env: CliIo['env']): MasterCliOptions | 'help' {
  const { values: v } = parseCommandLine(argv, MASTER_CLI_OPTIONS);
  if (v.help) return 'help';
  const turnUris = v['turn-uri'] ?? [];
  for (const uri of turnUris)
    if (!TURN_URI_PATTERN.test(uri)) throw new UsageError(`--turn-uri must be turn:HOST:PORT[?transport=udp|tcp], got ${JSON.stringify(uri)}`);
  let secret = env[TURN_SECRET_ENV] || undefined;
  const secretFile = readExistingFile(v['turn-secret-file'], '--turn-secret-file');
  if (secretFile !== undefined) {
    try {
      secret = readFileSync(secretFile, 'utf8').trim();
    } catch (err) {
      throw new UsageError(`cannot read --turn-secret-file: ${(err as NodeJS.ErrnoException).code ?? 'error'}`);
    }
    if (!secret) throw new UsageError('--turn-secret-file is empty');
  }
  const badStore = checkStoreOption(v.store, v.state);
  if (badStore) throw new UsageError(badStore);
  const coturnIp = readIp(v.coturn, '--coturn');
  const coturnPort = readPort(v['coturn-port'], '--coturn-port') ?? MASTER_DEFAULT_COTURN_PORT;
  if (secret && turnUris.length === 0 && coturnIp === undefined) {
    throw new UsageError('a TURN secret is set but no --turn-uri (or --coturn) says where the relay is');
  }
  return {
    host: readIp(v.host, '--host', { localhost: true }) ?? '0.0.0.0',
    port: readPort(v.port, '--port') ?? MASTER_DEFAULT_PORT,
    statePath: readPath(v.state, '--state'),
    store: v.store,
    turnUris: [...turnUris],
    secret,
    coturn: coturnIp === undefined ? undefined : { ip: coturnIp, port: coturnPort },
  };
}

export async function runMaster(argv: readonly string[], io: CliIo): Promise<number> {
  return runCommand(NAME, io, async () => {
    const o = optionsFrom(argv, io.env);
    if (o === 'help') {
      io.stdout(MASTER_HELP);
      return EXIT_OK;
    }
    const log = pino({ name: NAME, redact: ['secret', 'password', 'hostToken', '*.secret', '*.password'] });
    const teardown = new Teardown({ onError: (name, err) => io.stderr(`${NAME}: closing ${name}: ${oneLine(err)}\n`) });
    let secret = o.secret;
    const uris = [...o.turnUris];
    try {
      if (o.coturn) {
        const coturn = await startCoturn({ ...o.coturn, secret }).catch((err: unknown) => {
          throw new Error(`could not start coturn: ${oneLine(err)}`);
        });
        teardown.add('coturn', () => coturn.stop());
        secret = coturn.secret;
        if (uris.length === 0) uris.push(coturn.uri);
        log.info({ uri: coturn.uri }, 'coturn started');
      }
      const master = await startMaster({ host: o.host, port: o.port, statePath: o.statePath, store: o.store, turnSecret: secret, turnUris: uris, log }).catch(
        (err: unknown) => {
          throw new Error(`cannot start: ${oneLine(err)}`);
        },
      );
      teardown.add('master', () => master.close());
    } catch (err) {
      await teardown.run();
      io.stderr(`${NAME}: ${oneLine(err)}\n`);
      return EXIT_RUNTIME;
    }
    await untilSignal(io);
    await teardown.run();
    return EXIT_OK;
  });
}
