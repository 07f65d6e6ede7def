// coop-server limits and defaults, one place.
import { ENET_PROTOCOL_MAXIMUM_PEER_ID, HOST_HALF_OPEN_TOTAL } from '../net/enet/index.js';

/** Bad messages (undecodable, out of range, out of state) a peer may send per window. */
export const BAD_MESSAGE_LIMIT = 32;
export const BAD_MESSAGE_WINDOW_MS = 10_000;
/**
 * A peer that has not finished the handshake by then is disconnected. Hello → Challenge → Proof
 * is two round trips and one signature check: 5 s is generous even over a TURN relay, and short
 * enough that a connection that never answers does not sit on a handshake slot for long.
 */
export const HANDSHAKE_TIMEOUT_MS = 5_000;
/** Unauthenticated connections from one source address (handshake-slots.ts). */
export const HANDSHAKE_MAX_PER_ADDRESS = 4;
/** Unauthenticated connections in all, apart from the player slots (handshake-slots.ts). */
export const HANDSHAKE_MAX_TOTAL = 32;
/**
 * ENet slots beyond players, handshakes and ENet's own half-open bound: kicked players whose
 * link is still draining.
 */
export const ENET_SLOTS_HEADROOM = 8;

/**
 * ENet slots for `maxPlayers`: players, unauthenticated connections and ENet's half-open ones
 * each have their own share, so a flood of one never takes the slots of another.
 */
export function enetPeerLimit(maxPlayers: number): number {
  return Math.min(ENET_PROTOCOL_MAXIMUM_PEER_ID, maxPlayers + HANDSHAKE_MAX_TOTAL + HOST_HALF_OPEN_TOTAL + ENET_SLOTS_HEADROOM);
}
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
/** Snapshot.input_lead_us is capped here (µs): a lead longer than a second says nothing more. */
export const INPUT_LEAD_MAX_US = 1_000_000;
/**
 * PlayerState.client_time_ms is mapped to server time with a per-peer offset: the smallest
 * (arrival − client time) seen, allowed to creep up this fast so it recovers from an outlier.
 */
export const CLIENT_CLOCK_CREEP_MS_PER_S = 2;
/** Give the reliable channel time to carry a Refused/Disconnect before the link closes. */
export const DISCONNECT_LINGER_MS = 200;

/** Chat per peer: this many messages back to back, then CHAT_RATE_MESSAGES_PER_S (chat-rate.ts). */
export const CHAT_BURST_MESSAGES = 5;
/** Sustained chat per peer, messages per second: faster than anyone types, far below a flood. */
export const CHAT_RATE_MESSAGES_PER_S = 1;

/** Why a message from a peer was dropped (counted per peer, shown on the dashboard). */
export type DropReason =
  | 'undecodable'
  | 'unknown_kind'
  | 'too_big'
  | 'empty'
  | 'wrong_direction'
  | 'out_of_state'
  | 'bad_coords'
  | 'bad_hello'
  | 'ack_never_sent'
  | 'not_in_interest'
  | 'bad_text'
  | 'bad_channel'
  | 'bad_progress'
  /** Over the chat rate limit: counted, but never held against BAD_MESSAGE_LIMIT (it is not malformed). */
  | 'chat_flood';
