// The NAT command-line options coop-server and coop-sidecar share (--master, --stun, --no-relay,
// --nat-bind): one parseArgs table and one check, so both programs say the same thing about
// the same mistake.
import { NAT_DEFAULT_STUN } from '../net/nat/constants.js';
import { readBaseUrl, readHostPort, readIp } from './options.js';

export const NAT_CLI_OPTIONS = {
  master: { type: 'string' },
  stun: { type: 'string' },
  'no-relay': { type: 'boolean' },
  'nat-bind': { type: 'string' },
} as const;

export interface NatCliValues { master?: string; stun?: string; 'no-relay'?: boolean; 'nat-bind'?: string }

export interface NatSettings {
  /** coop-master base URL without a trailing slash. */
  master: string;
  stunServer: string;
  relay: boolean;
  bindAddress: string | undefined;
}

/** The settings, or undefined without --master; a bad value throws a UsageError. */
export function natSettingsFrom(v: NatCliValues): NatSettings | undefined {
  const master = readBaseUrl(v.master, '--master');
  // Checked even without --master: a typo is a typo whether or not it is used.
  readHostPort(v.stun, '--stun');
  const bindAddress = readIp(v['nat-bind'], '--nat-bind', { version: 4 });
  if (master === undefined) return undefined;
  return { master, stunServer: v.stun ?? NAT_DEFAULT_STUN, relay: !v['no-relay'], bindAddress };
}
