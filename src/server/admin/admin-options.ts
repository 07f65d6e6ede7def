// coop-server's admin and dashboard options, ready to merge into the server's parseArgs table,
// validated into one object with the shared readers (bad values: a UsageError, exit code 2).
import { UsageError } from '../../cli/command.js';
import { quote, readExistingFile, readIp, readPath, readPort } from '../../cli/options.js';
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

/** Validates the raw parseArgs values; a bad value throws a UsageError (one clear line). */
export function adminOptionsFrom(v: RawAdminValues): AdminOptions {
  for (const [flag, id] of [...(v.admin ?? []).map((a) => ['--admin', a] as const), ['--host-identity', v['host-identity']] as const]) {
    if (id !== undefined && !ADMIN_IDENTITY_PATTERN.test(id)) throw new UsageError(`${flag} is not an identity: ${quote(id)}`);
  }
  return {
    dataDir: readPath(v['data-dir'], '--data-dir') ?? ADMIN_DEFAULT_DATA_DIR,
    dashEnabled: v['no-dash'] !== true,
    dashHost: readIp(v['dash-host'], '--dash-host', { localhost: true }) ?? DASH_DEFAULT_HOST,
    dashPort: readPort(v['dash-port'], '--dash-port') ?? DASH_DEFAULT_PORT,
    adminsFile: readExistingFile(v.admins, '--admins'),
    adminIds: v.admin ?? [],
    hostIdentity: v['host-identity'],
    console: v['no-console'] !== true,
  };
}
