// coop-master: lobby registry, ICE signalling and TURN REST credentials for coop-bridge.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { startCoturn, type Coturn } from './coturn.js';
import { startMaster } from './server.js';
import { checkStoreOption } from './store/open-store.js';

const HELP = `coop-master — lobby, ICE signalling and TURN credentials for coop-bridge

usage: coop-master [options]

  --host <ip>             address to listen on (default 0.0.0.0)
  --port <n>              TCP port for HTTP + WebSocket /ws (default 7450; 0 = any free port)
  --state <file>          embedded store: lobby state file (snapshot + journal; default: memory only)
  --store <where>         'embedded' (default: this process only) or redis://HOST:PORT[/DB]: the
                          lobby, limits and signalling routes shared by every instance on it
  --turn-uri <uri>        TURN URI handed out with credentials (repeatable), e.g.
                          turn:relay.example.org:3478?transport=udp
  --turn-secret-file <f>  file holding coturn's static-auth-secret
                          (or set COOP_TURN_SECRET; never pass it on the command line)
  --coturn <ip>           also start coturn on <ip>:3478 with a fresh secret (needs turnserver)
  --coturn-port <n>       coturn listening port with --coturn (default 3478)
  -h, --help              this help

Without a TURN secret /api/turnCred answers 503 and players can only connect directly.
`;

function fail(msg: string): never {
  process.stderr.write(`coop-master: ${msg}\n`);
  process.exit(2);
}

function parsePort(s: string, what: string): number {
  const n = Number(s);
  if (!/^\d+$/.test(s) || n > 65535) fail(`${what} must be a port number 0–65535, got '${s}'`);
  return n;
}

async function main(): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        host: { type: 'string', default: '0.0.0.0' },
        port: { type: 'string', default: '7450' },
        state: { type: 'string' },
        store: { type: 'string' },
        'turn-uri': { type: 'string', multiple: true, default: [] },
        'turn-secret-file': { type: 'string' },
        coturn: { type: 'string' },
        'coturn-port': { type: 'string', default: '3478' },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    fail(`${(err as Error).message} (see --help)`);
  }
  if (values.help) {
    process.stdout.write(HELP);
    return;
  }
  const port = parsePort(values.port, '--port');
  const badStore = checkStoreOption(values.store, values.state);
  if (badStore) fail(badStore);
  let secret = process.env.COOP_TURN_SECRET || undefined;
  if (values['turn-secret-file']) {
    try {
      secret = readFileSync(values['turn-secret-file'], 'utf8').trim();
    } catch (err) {
      fail(`cannot read --turn-secret-file: ${(err as NodeJS.ErrnoException).code ?? 'error'}`);
    }
    if (!secret) fail('--turn-secret-file is empty');
  }
  const log = pino({ name: 'coop-master', redact: ['secret', 'password', 'hostToken', '*.secret', '*.password'] });
  let coturn: Coturn | undefined;
  const uris = [...values['turn-uri']];
  if (values.coturn) {
    try {
      coturn = await startCoturn({ ip: values.coturn, port: parsePort(values['coturn-port'], '--coturn-port'), secret });
    } catch (err) {
      fail(`could not start coturn: ${(err as Error).message}`);
    }
    secret = coturn.secret;
    if (uris.length === 0) uris.push(coturn.uri);
    log.info({ uri: coturn.uri }, 'coturn started');
  }
  if (secret && uris.length === 0) fail('a TURN secret is set but no --turn-uri (or --coturn) says where the relay is');
  let master;
  try {
    master = await startMaster({ host: values.host, port, statePath: values.state, store: values.store, turnSecret: secret, turnUris: uris, log });
  } catch (err) {
    await coturn?.stop();
    fail(`cannot start: ${(err as Error).message}`);
  }
  const stop = async (): Promise<void> => {
    await master.close();
    await coturn?.stop();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
}

await main();
