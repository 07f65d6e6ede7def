// coop-server's admin and dashboard options, ready to merge into the server's parseArgs table,
// validated into one object (bad values: one clear line, the caller exits with a usage code).
import { isIP } from 'node:net';
import { DASH_DEFAULT_HOST, DASH_DEFAULT_PORT, ADMIN_IDENTITY_PATTERN } from './constants.js';

export const ADMIN_CLI_OPTIONS = {
  'data-dir': { type: 'string' },
  'dash-port': { type: 'string' },
  'dash-host': { type: 'string' },
  'no-dash': { type: 'boolean' },
  admins: { type: 'string' },
  admin: { type: 'string', multiple: true },
  'host-identity': { type: 'string' },
  'no-console': { type: 'boolean' },
} as const;

export const ADMIN_HELP_TEXT = [
  '  --data-dir <dir>         server data folder (bans.json lives here)   [default: ./data]',
  `  --dash-port <port>       dashboard HTTP port (0 = any free port)       [default: ${DASH_DEFAULT_PORT}]`,
  `  --dash-host <addr>       dashboard interface; only loopback unless set [default: ${DASH_DEFAULT_HOST}]`,
  '  --no-dash                do not start the dashboard',
  '  --admins <file>          identities allowed to send AdminCmd, one a line (# comments)',
  '  --admin <identity>       one more admin identity (repeatable)',
  '  --host-identity <id>     identity of the session host (always an admin)',
  '  --no-console             do not read admin commands from stdin',
  '  env COOP_ADMIN_TOKEN     dashboard admin token (>= 16 chars); generated and printed when unset',
].join('\n');

export interface AdminOptions {
  readonly dataDir: string;
  readonly dashEnabled: boolean;
  readonly dashHost: string;
  readonly dashPort: number;
  readonly adminsFile: string | undefined;
  readonly adminIds: readonly string[];
  readonly hostIdentity: string | undefined;
  readonly console: boolean;
}

export const ADMIN_DEFAULT_DATA_DIR = './data';

export class AdminOptionError extends Error {
  override readonly name = 'AdminOptionError';
}

export interface RawAdminValues {
  'data-dir'?: string;
  'dash-port'?: string;
  'dash-host'?: string;
  'no-dash'?: boolean;
  admins?: string;
  admin?: string[];
  'host-identity'?: string;
  'no-console'?: boolean;
}

/** Validates the raw parseArgs values; throws AdminOptionError with one clear line. */
export function adminOptionsFrom(v: RawAdminValues): AdminOptions {
  let dashPort = DASH_DEFAULT_PORT;
  if (v['dash-port'] !== undefined) {
    if (!/^\d{1,5}$/.test(v['dash-port']) || Number(v['dash-port']) > 65535) {
      throw new AdminOptionError(`--dash-port must be 0..65535, got ${JSON.stringify(v['dash-port'])}`);
    }
    dashPort = Number(v['dash-port']);
  }
  const dashHost = v['dash-host'] ?? DASH_DEFAULT_HOST;
  if (dashHost !== 'localhost' && isIP(dashHost) === 0) {
    throw new AdminOptionError(`--dash-host must be an IP address or localhost, got ${JSON.stringify(dashHost)}`);
  }
  const ids = [...(v.admin ?? []), ...(v['host-identity'] !== undefined ? [v['host-identity']] : [])];
  for (const id of ids) {
    if (!ADMIN_IDENTITY_PATTERN.test(id)) throw new AdminOptionError(`not an identity: ${JSON.stringify(id.slice(0, 40))}`);
  }
  const dataDir = v['data-dir'] ?? ADMIN_DEFAULT_DATA_DIR;
  if (dataDir === '') throw new AdminOptionError('--data-dir must not be empty');
  return {
    dataDir,
    dashEnabled: v['no-dash'] !== true,
    dashHost,
    dashPort,
    adminsFile: v.admins,
    adminIds: v.admin ?? [],
    hostIdentity: v['host-identity'],
    console: v['no-console'] !== true,
  };
}
