// Protocol constants shared by server and sidecar (the only module both import).

/**
 * Bumped on every incompatible change of coop.proto or the snapshot format.
 * 2: PlayerState.ack_tick carries the snapshot ack (a version-1 server would ignore it and never
 * learn the acks, so every snapshot would be a full one).
 */
export const PROTOCOL_VERSION = 2;

/** ENet channels. */
export const CHANNEL_RELIABLE = 0; // handshake, interest, chat, admin, tick rate
export const CHANNEL_SNAPSHOT = 1; // snapshots and player state (unreliable)
export const CHANNEL_VOICE = 2; // voice frames (unreliable)
export const CHANNEL_COUNT = 3;

/** Largest EMsg a peer may send us; bigger ones are dropped before decoding. */
export const MAX_MESSAGE_BYTES = 64 * 1024;
export const HANDSHAKE_NONCE_BYTES = 32;
export const ED25519_PUBLIC_KEY_BYTES = 32;
export const ED25519_SIGNATURE_BYTES = 64;
/** Domain separation for the identity proof: signed bytes = context || nonce || session id. */
export const CHALLENGE_CONTEXT = 'coop-bridge/identity-proof/v1';
/** Domain separation for the session password proof: HMAC message = context || nonce || session id. */
export const PASSWORD_PROOF_CONTEXT = 'coop-bridge/session-password/v1';
/** HMAC-SHA256 output. */
export const PASSWORD_PROOF_BYTES = 32;
/** A password file longer than this is refused (it is most likely the wrong file). */
export const SESSION_PASSWORD_MAX_BYTES = 1024;
export const PLAYER_NAME_MAX_CHARS = 32;
export const CHAT_TEXT_MAX_CHARS = 256;

/** Interest management (IMT-1, IMT-2). Planar (x, y) distance. */
export const CELL_SIZE_M = 32;
export const INTEREST_RADIUS_M = 120;
/** Hysteresis: an entity enters at <= 120 m and leaves only beyond 128 m. */
export const INTEREST_HYSTERESIS_M = 8;
export const INTEREST_EXIT_M = INTEREST_RADIUS_M + INTEREST_HYSTERESIS_M;

/** Adaptive tick (IMT-3). */
export const TICK_FAST_MS = 25;
export const TICK_SLOW_MS = 40;
export const TICK_MIN_MS = 20;
export const TICK_MAX_MS = 50;

/** Interpolation (IMT-4). */
export const INTERP_MIN_DELAY_MS = 80;
export const interpDelayForTick = (tickMs: number): number => Math.max(2 * tickMs, INTERP_MIN_DELAY_MS);

/** Coordinates a client may report; anything beyond (or NaN) is a bad message. */
export const MAX_COORD_M = 100_000;
export const MAX_SPEED_MPS = 200;
