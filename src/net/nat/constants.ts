// Named limits and timings of the NAT client.

/** NT-3 (docs/requirements.md#nt-3): if no ICE pair succeeded within this, go through the relay. */
export const NAT_DIRECT_TIMEOUT_MS = 5_000;
/** A peer silent through the whole direct attempt gets this much longer before it is given up. */
export const NAT_PEER_SILENT_GRACE_MS = 1_000;
/** The relay-only attempt gets this long before the handshake fails. */
export const NAT_RELAY_TIMEOUT_MS = 10_000;
/** The master answers HTTP within this or the request fails. */
export const NAT_MASTER_HTTP_TIMEOUT_MS = 5_000;
/** Attempt numbers: 0 = all candidates (relay racing direct), 1 = relay only after the 5 s rule. */
export const NAT_ATTEMPT_ALL = 0;
export const NAT_ATTEMPT_RELAY = 1;
/** Largest datagram the ICE path carries (ENet's default MTU is 1392; keep headroom). */
export const NAT_MAX_DATAGRAM_BYTES = 4_096;
/** Datagrams kept per path while its pair is not selected yet (ENet's connect burst fits). */
export const NAT_PENDING_MAX_DATAGRAMS = 64;
/** Default STUN server for players; tests always pass their own (never leave the machine). */
export const NAT_DEFAULT_STUN = 'stun.l.google.com:19302';
/** How long gathering a STUN or TURN candidate may take (werift's own bound, seconds). */
export const NAT_GATHER_TIMEOUT_S = 5;
/**
 * Relay candidates are gathered from the start but checked and announced only after direct
 * pairs had this long alone (or all failed): direct wins whenever it works, relay is still up
 * well inside the 5 s rule.
 */
export const NAT_RELAY_GRACE_MS = 1_000;
/** How often the handshake looks whether every direct pair has failed already. */
export const NAT_DIRECT_FAILED_POLL_MS = 50;
/** `--master` takes at most this many URLs (failover order). */
export const NAT_MAX_MASTERS = 8;
/** A joiner tries this many handshakes (moving to the next master after each failure) ... */
export const NAT_JOIN_MAX_ATTEMPTS = 4;
/** ... waiting this long before the next one (a host that lost its master re-binds meanwhile). */
export const NAT_JOIN_RETRY_MS = 500;
/** A host that could reach no master tries again after this (besides at each heartbeat). */
export const NAT_REBIND_RETRY_MS = 1_000;
