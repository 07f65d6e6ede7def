// coop-master's wire: HTTP JSON bodies and WebSocket signalling messages, one schema each.
// Protocol, not master: the master (src/master) and its client (src/net/nat) both speak these
// shapes, so they live below both. Everything is validated here, at the edge.
// Words: on this wire `sessionId` is the *lobby id* the master hands out (what players pass to
// --join), not the server session's id (Hello.session_id); the names stay for compatibility,
// code outside the master calls it lobbyId.
import { z } from 'zod';

/** Field bounds of an announced session. */
export const MASTER_NAME_MAX_CHARS = 64;
export const MASTER_VERSION_MAX_CHARS = 32;
export const MASTER_MAX_PLAYERS = 64;
/** The message a player signs to get TURN credentials: prefix + nonce (base64url). */
export const MASTER_CHALLENGE_PREFIX = 'coop-master turnCred v1:';

const B64URL = /^[A-Za-z0-9_-]+$/;
const id = z.string().min(4).max(64).regex(B64URL);

/** POST /api/sessions */
export const AnnounceBody = z.object({
  name: z.string().min(1).max(MASTER_NAME_MAX_CHARS),
  version: z.string().min(1).max(MASTER_VERSION_MAX_CHARS),
  players: z.number().int().min(0).max(MASTER_MAX_PLAYERS),
  maxPlayers: z.number().int().min(1).max(MASTER_MAX_PLAYERS),
  password: z.boolean(),
});
export type AnnounceBody = z.infer<typeof AnnounceBody>;

/** POST /api/sessions/:id/heartbeat and DELETE /api/sessions/:id */
export const HeartbeatBody = z.object({
  hostToken: id,
  players: z.number().int().min(0).max(MASTER_MAX_PLAYERS).optional(),
});
export type HeartbeatBody = z.infer<typeof HeartbeatBody>;

/** One row of GET /api/sessions. */
export interface LobbyEntry {
  sessionId: string;
  name: string;
  version: string;
  players: number;
  maxPlayers: number;
  password: boolean;
}

/** GET /api/turnCred answer: coturn REST credentials (use-auth-secret). */
export interface TurnCredentials {
  username: string;
  password: string;
  ttl: number;
  uris: string[];
}

/** What two peers exchange through the master: ICE parameters, candidates, end of candidates. */
export const SignalData = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('params'), attempt: z.number().int().min(0).max(16), ufrag: z.string().min(4).max(256), pwd: z.string().min(22).max(256) }),
  z.object({ kind: z.literal('cand'), attempt: z.number().int().min(0).max(16), cand: z.string().min(1).max(512) }),
  z.object({ kind: z.literal('end'), attempt: z.number().int().min(0).max(16) }),
]);
export type SignalData = z.infer<typeof SignalData>;

/** Client → master over the WebSocket. */
export const ClientMessage = z.discriminatedUnion('t', [
  z.object({ t: z.literal('host'), sessionId: id, hostToken: id }),
  z.object({ t: z.literal('join'), sessionId: id }),
  z.object({ t: z.literal('signal'), peerId: id.optional(), data: SignalData }),
]);
export type ClientMessage = z.infer<typeof ClientMessage>;

export type MasterErrorCode =
  | 'bad_message'
  | 'too_big'
  | 'unknown_session'
  | 'unknown_peer'
  | 'not_ready'
  | 'bad_token'
  | 'session_full'
  | 'rate_limited'
  | 'already_bound'
  | 'unavailable';

/** Master → client over the WebSocket. */
export type ServerMessage =
  | { t: 'ready'; sessionId: string }
  | { t: 'joined'; peerId: string }
  | { t: 'peer'; peerId: string }
  | { t: 'left'; peerId: string }
  | { t: 'signal'; peerId: string; data: SignalData }
  | { t: 'error'; code: MasterErrorCode; message: string };
