// Named limits of coop-master. Every bound the master enforces lives here, except
// the wire's field bounds, which its clients share (src/protocol/master-wire.ts).

/** A host must heartbeat at least this often; the lobby tells hosts this interval. */
export const MASTER_HEARTBEAT_MS = 10_000;
/** A session missing this many heartbeats in a row is dropped from the lobby. */
export const MASTER_SESSION_EXPIRY_MS = 3 * MASTER_HEARTBEAT_MS;
/** How often expired sessions, nonces and rate buckets are swept. */
export const MASTER_SWEEP_MS = 1_000;

/** Lobby size bounds: total and per source IP (announce flood). */
export const MASTER_MAX_SESSIONS = 10_000;
export const MASTER_MAX_SESSIONS_PER_IP = 8;
/** Announce + heartbeat requests one IP may make per window before it is refused (429). */
export const MASTER_RATE_WINDOW_MS = 10_000;
export const MASTER_RATE_MAX_PER_WINDOW = 40;
export const MASTER_RATE_MAX_TRACKED_IPS = 50_000;

/** How many sessions one list call returns at most. */
export const MASTER_LIST_MAX = 200;

/** HTTP bodies and WebSocket messages larger than this are refused (413 / close 1009). */
export const MASTER_MAX_BODY_BYTES = 4 * 1024;
export const MASTER_MAX_WS_MESSAGE_BYTES = 4 * 1024;
/** WebSocket connections in total, and per source IP. */
export const MASTER_MAX_WS_CONNECTIONS = 4_096;
export const MASTER_MAX_WS_PER_IP = 32;
/** Joiners waiting on one hosted session at once. */
export const MASTER_MAX_PEERS_PER_SESSION = 64;
/** Signalling messages one socket may send per window before the master closes it. */
export const MASTER_WS_RATE_WINDOW_MS = 1_000;
export const MASTER_WS_RATE_MAX_PER_WINDOW = 200;
/** A socket that has not said hello (host/join) by then is closed. */
export const MASTER_WS_HELLO_TIMEOUT_MS = 10_000;

/** Identity challenge: nonce size, lifetime and how many may be outstanding. */
export const MASTER_NONCE_BYTES = 32;
export const MASTER_NONCE_TTL_MS = 30_000;
export const MASTER_MAX_NONCES = 20_000;
/** TURN REST credentials lifetime (coturn use-auth-secret). */
export const MASTER_TURN_TTL_S = 600;

/** The lobby state file (--state): its format version, size bound and mode (it holds token hashes and IPs). */
export const MASTER_STATE_VERSION = 1;
export const MASTER_STATE_MAX_BYTES = 64 * 1024 * 1024;
export const MASTER_STATE_FILE_MODE = 0o600;

/** Session ids and host tokens: random bytes, base64url. */
export const MASTER_SESSION_ID_BYTES = 12;
export const MASTER_HOST_TOKEN_BYTES = 24;
