// Counted drops and refusals of the master: every rejected input increments one named counter.
export type MasterDropReason =
  | 'http_too_big'
  | 'http_bad_json'
  | 'http_bad_body'
  | 'http_rate_limited'
  | 'http_not_found'
  | 'announce_ip_limit'
  | 'announce_lobby_full'
  | 'heartbeat_unknown'
  | 'heartbeat_bad_token'
  | 'cred_bad_key'
  | 'cred_bad_signature'
  | 'cred_unknown_nonce'
  | 'cred_no_secret'
  | 'cred_bad_query'
  | 'ws_too_big'
  | 'ws_bad_json'
  | 'ws_bad_message'
  | 'ws_unknown_session'
  | 'ws_unknown_peer'
  | 'ws_bad_token'
  | 'ws_not_ready'
  | 'ws_session_full'
  | 'ws_rate_limited'
  | 'ws_conn_limit'
  | 'ws_already_bound'
  | 'ws_hello_timeout'
  | 'store_unavailable'
  | 'http_bad_query';

export class MasterStats {
  readonly drops = new Map<MasterDropReason, number>();
  announces = 0;
  credsIssued = 0;
  signalsRelayed = 0;

  drop(reason: MasterDropReason): void {
    this.drops.set(reason, (this.drops.get(reason) ?? 0) + 1);
  }

  count(reason: MasterDropReason): number {
    return this.drops.get(reason) ?? 0;
  }

  toJSON(): Record<string, unknown> {
    return {
      announces: this.announces,
      credsIssued: this.credsIssued,
      signalsRelayed: this.signalsRelayed,
      drops: Object.fromEntries(this.drops),
    };
  }
}
