// The NAT command-line options coop-server and coop-sidecar share (--master, --stun, --no-relay,
// --nat-bind): one parseArgs table and one check, so both programs say the same thing about
// the same mistake.
import { isIP } from 'node:net';
import { NAT_DEFAULT_STUN } from './constants.js';
import { parseMasterList } from './master-pool.js';

export const NAT_CLI_OPTIONS = {
  master: { type: 'string' },
  stun: { type: 'string' },
  'no-relay': { type: 'boolean' },
  'nat-bind': { type: 'string' },
} as const;

export interface NatCliValues { master?: string; stun?: string; 'no-relay'?: boolean; 'nat-bind'?: string }

export interface NatSettings {
  /** coop-master base URLs without a trailing slash, in failover order. */
  master: string[];
  stunServer: string;
  relay: boolean;
  bindAddress: string | undefined;
}

/** The settings, undefined without --master, or a one-line complaint about a bad value. */
export function natSettingsFrom(v: NatCliValues): NatSettings | undefined | { error: string } {
  const masters = v.master === undefined ? undefined : parseMasterList(v.master);
  if (masters && 'error' in masters) return masters;
  if (v.stun !== undefined && !/^[^\s:]+:\d{1,5}$/.test(v.stun)) return { error: `--stun must be host:port, got ${JSON.stringify(v.stun)}` };
  if (v['nat-bind'] !== undefined && isIP(v['nat-bind']) !== 4) return { error: `--nat-bind must be an IPv4 address, got ${JSON.stringify(v['nat-bind'])}` };
  if (masters === undefined) return undefined;
  return { master: masters, stunServer: v.stun ?? NAT_DEFAULT_STUN, relay: !v['no-relay'], bindAddress: v['nat-bind'] };
}
