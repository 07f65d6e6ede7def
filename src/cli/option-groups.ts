// The option groups coop-server and coop-sidecar share, so both programs say the same thing
// about the same mistake:
// - NAT (--master URL[,URL…], --stun, --no-relay, --nat-bind): joining or hosting through
//   coop-master, the later URLs being failover masters;
// - the session password: --password-file FILE or the environment variable
//   COOP_SESSION_PASSWORD (never a plain --password: it would show in `ps`). The file wins when
//   both are given; trailing line breaks are stripped (echo adds one); an empty, unreadable or
//   oversized file is a one-line UsageError, never a silent "no password".
import { readFileSync, statSync } from 'node:fs';
import { NAT_DEFAULT_STUN, NAT_MAX_MASTERS } from '../net/nat/constants.js';
import { SESSION_PASSWORD_MAX_BYTES } from '../protocol/constants.js';
import { UsageError } from './command.js';
import { readBaseUrl, readHostPort, readIp } from './options.js';

export const NAT_CLI_OPTIONS = {
  master: { type: 'string' },
  stun: { type: 'string' },
  'no-relay': { type: 'boolean' },
  'nat-bind': { type: 'string' },
} as const;

export interface NatCliValues {
  master?: string;
  stun?: string;
  'no-relay'?: boolean;
  'nat-bind'?: string;
}

export interface NatSettings {
  /** coop-master base URLs without a trailing slash, in failover order (`--master A,B`). */
  master: string[];
  stunServer: string;
  relay: boolean;
  bindAddress: string | undefined;
}

/** The settings, or undefined without --master; a bad value throws a UsageError. */
export function natSettingsFrom(v: NatCliValues): NatSettings | undefined {
  const master = v.master === undefined ? undefined : [...new Set(v.master.split(',').map((u) => readBaseUrl(u.trim(), '--master') as string))];
  if (master && master.length > NAT_MAX_MASTERS) throw new UsageError(`--master takes at most ${NAT_MAX_MASTERS} URLs, got ${master.length}`);
  // Checked even without --master: a typo is a typo whether or not it is used.
  readHostPort(v.stun, '--stun');
  const bindAddress = readIp(v['nat-bind'], '--nat-bind', { version: 4 });
  if (master === undefined) return undefined;
  return { master, stunServer: v.stun ?? NAT_DEFAULT_STUN, relay: !v['no-relay'], bindAddress };
}

export const PASSWORD_CLI_OPTIONS = { 'password-file': { type: 'string' } } as const;
export const SESSION_PASSWORD_ENV = 'COOP_SESSION_PASSWORD';

/** The password, or undefined when none is set; a bad file throws a UsageError. */
export function sessionPasswordFrom(v: { 'password-file'?: string }, env: Readonly<Record<string, string | undefined>>): string | undefined {
  const file = v['password-file'];
  if (file === undefined) return env[SESSION_PASSWORD_ENV] || undefined;
  const where = `--password-file ${JSON.stringify(file)}`;
  const tooBig = new UsageError(`${where} is over ${SESSION_PASSWORD_MAX_BYTES} bytes; is it the right file?`);
  let text: string;
  try {
    // Regular files are sized before reading; pipes (--password-file <(pass show coop)) after.
    const st = statSync(file);
    if (st.isFile() && st.size > SESSION_PASSWORD_MAX_BYTES) throw tooBig;
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if (err === tooBig) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    throw new UsageError(code === 'ENOENT' ? `${where}: no such file` : `cannot read ${where} (${code ?? 'error'})`);
  }
  if (Buffer.byteLength(text) > SESSION_PASSWORD_MAX_BYTES) throw tooBig;
  const password = text.replace(/[\r\n]+$/, '');
  if (password === '') throw new UsageError(`${where} is empty`);
  return password;
}
