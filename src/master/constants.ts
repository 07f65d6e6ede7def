// Named limits of coop-master. Every bound the master enforces lives here, except
// the wire's field bounds, which its clients share (src/protocol/master-wire.ts).
import { MASTER_NAME_MAX_CHARS } from '../protocol/master-wire.js';

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
export const MASTER_STATE_VERSION = 2;
export const MASTER_STATE_MAX_BYTES = 64 * 1024 * 1024;
export const MASTER_STATE_FILE_MODE = 0o600;

/** Session ids and host tokens: random bytes, base64url. */
export const MASTER_SESSION_ID_BYTES = 12;
export const MASTER_HOST_TOKEN_BYTES = 24;

/** GET /api/sessions: page size when the query names none; a name filter longer than this is refused. */
export const MASTER_LIST_DEFAULT = MASTER_LIST_MAX;
export const MASTER_LIST_NAME_QUERY_MAX_CHARS = MASTER_NAME_MAX_CHARS;

/** Embedded store: the snapshot is rewritten once the journal is this many times its size ... */
export const MASTER_STATE_COMPACT_RATIO = 2;
/** ... and at least this large (a small lobby is not rewritten every few heartbeats). */
export const MASTER_STATE_COMPACT_MIN_BYTES = 1024 * 1024;

/** Redis store: keys and channels start with this (one Redis may serve other things too). */
export const MASTER_REDIS_PREFIX = 'coop:';
/** A Redis command not answered by then fails the request with 503 (never hangs it). */
export const MASTER_REDIS_COMMAND_TIMEOUT_MS = 2_000;
/** Reconnect back-off to Redis grows by this per attempt, up to the cap. */
export const MASTER_REDIS_RETRY_STEP_MS = 100;
export const MASTER_REDIS_RETRY_MAX_MS = 2_000;
/** Each instance re-reads the whole lobby this often (events keep it current in between). */
export const MASTER_REDIS_RESYNC_MS = 30_000;
/** Expired sessions one sweep removes at most (a sweep never blocks Redis for long). */
export const MASTER_REDIS_SWEEP_BATCH = 1_000;
/** Another instance must answer a relayed join within this, or the host counts as gone. */
export const MASTER_RELAY_REPLY_TIMEOUT_MS = 3_000;
/** Signals held for a joiner admitted remotely until this instance has registered it. */
export const MASTER_RELAY_EARLY_MAX = 64;
/** Relayed joins waiting for the host's instance at once (per instance). */
export const MASTER_RELAY_MAX_PENDING = 4_096;
/** Instance ids: random bytes, base64url. */
export const MASTER_INSTANCE_ID_BYTES = 9;
