// The seam between coop-master's front doors (HTTP lobby API, WebSocket signalling) and where the
// lobby lives: the embedded store (memory + state file, one process) or Redis (any number of
// instances). Both answer the same questions; only Redis shares them between processes.
import type { AnnounceBody, LobbyEntry, SignalData } from '../../protocol/master-wire.js';

/** A lobby session as a store keeps it: the public entry plus what only the master sees. */
export interface SessionRecord extends LobbyEntry {
  /** SHA-256 (hex) of the host token: the token itself is never stored or logged. */
  tokenHash: string;
  ip: string;
  /** Wall-clock ms of the last announce or heartbeat (survives restarts). */
  lastSeenMs: number;
}

export type AnnounceResult = { ok: true; sessionId: string; hostToken: string } | { ok: false; code: 'lobby_full' | 'ip_limit' };
export type TouchResult = 'ok' | 'unknown_session' | 'bad_token';

/** GET /api/sessions query: one page, optionally filtered. */
export interface ListQuery {
  /** Case-insensitive substring of the session name. */
  name?: string;
  /** Only sessions with a free player slot. */
  hasSlots?: boolean;
  /** Only sessions without a password. */
  noPassword?: boolean;
  /** The `next` of the previous page: the last session id it held. */
  after?: string;
  limit: number;
}

export interface ListPage {
  sessions: LobbyEntry[];
  /** Pass as `cursor` for the next page; absent on the last page. */
  next?: string;
}

/** Between instances: what one coop-master tells another about a joiner and its host. */
export type RelayMessage =
  | { k: 'join'; sid: string; peer: string; from: string }
  | { k: 'joined'; peer: string }
  | { k: 'refused'; peer: string; code: 'unknown_session' | 'session_full' }
  | { k: 'sig'; sid: string; peer: string; toHost: boolean; data: SignalData }
  | { k: 'left'; sid: string; peer: string }
  | { k: 'gone'; peer: string };

/**
 * Where a host's signalling socket is, and a way to reach another instance. The embedded store
 * has none (one process holds every socket); Redis routes through pub/sub.
 */
export interface SignalBus {
  readonly instanceId: string;
  /** Proves the host token and records this instance as the host's (atomically). */
  bindHost(sessionId: string, hostToken: string): Promise<TouchResult>;
  /** Forgets the route if it still points here (a host that re-bound elsewhere keeps its new one). */
  releaseHost(sessionId: string): Promise<void>;
  /** The instance holding the session's host socket, if any. */
  hostOf(sessionId: string): Promise<string | undefined>;
  send(instanceId: string, m: RelayMessage): void;
  onMessage(handler: (m: RelayMessage) => void): void;
}

export interface MasterStore {
  readonly kind: 'embedded' | 'redis';
  /** Restores what a previous run left; returns how many sessions are live. */
  load(): Promise<number>;
  announce(body: AnnounceBody, ip: string): Promise<AnnounceResult>;
  heartbeat(sessionId: string, hostToken: string, players?: number): Promise<TouchResult>;
  remove(sessionId: string, hostToken: string): Promise<TouchResult>;
  verifyHost(sessionId: string, hostToken: string): Promise<TouchResult>;
  has(sessionId: string): Promise<boolean>;
  /** One page of the lobby, answered from this instance's memory (Redis: a mirror kept by events). */
  list(q: ListQuery): ListPage;
  /** Live sessions as this instance sees them. */
  readonly size: number;
  /** Counts one announce/heartbeat request of `ip`; false once its window's budget is spent. */
  hit(ip: string): Promise<boolean>;
  /** Drops expired sessions (and old rate buckets); returns how many sessions went. */
  sweep(): Promise<number>;
  /** Cross-instance signalling; undefined when this process is the only instance. */
  readonly bus: SignalBus | undefined;
  /** True while the backing service answers (always true for the embedded store). */
  readonly healthy: boolean;
  close(): Promise<void>;
}

/** Thrown by a store whose backing service is unreachable: the request gets 503, not 500. */
export class StoreUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StoreUnavailableError';
  }
}
