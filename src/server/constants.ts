// coop-server limits and defaults, one place.

/** Bad messages (undecodable, out of range, out of state) a peer may send per window. */
export const BAD_MESSAGE_LIMIT = 32;
export const BAD_MESSAGE_WINDOW_MS = 10_000;
/** A peer that has not finished the handshake by then is disconnected. */
export const HANDSHAKE_TIMEOUT_MS = 10_000;
export const SERVER_DEFAULT_PORT = 7777;
export const SERVER_DEFAULT_PEERS = 64;
export const SERVER_DEFAULT_NPCS = 300;
export const SERVER_DEFAULT_VEHICLES = 60;
/** NPCs and vehicles are spread over a square this big around the origin. */
export const SERVER_DEFAULT_AREA_M = 600;
/**
 * Avatars are moved to the tick's time along their reported velocity (inputs arrive between
 * ticks, at the client's own rate), for at most this long after the last report.
 */
export const AVATAR_EXTRAPOLATE_MAX_MS = 100;
/**
 * PlayerState.client_time_ms is mapped to server time with a per-peer offset: the smallest
 * (arrival − client time) seen, allowed to creep up this fast so it recovers from an outlier.
 */
export const CLIENT_CLOCK_CREEP_MS_PER_S = 2;
/** Give the reliable channel time to carry a Refused/Disconnect before the link closes. */
export const DISCONNECT_LINGER_MS = 200;

/** Why a message from a peer was dropped (counted per peer, shown on the dashboard). */
export type DropReason =
  | 'undecodable' | 'unknown-kind' | 'too-big' | 'empty'
  | 'wrong-direction' | 'out-of-state'
  | 'bad-coords' | 'bad-hello' | 'ack-never-sent' | 'not-in-interest' | 'bad-text' | 'bad-channel'
  | 'bad-progress';
