// The embedded store: one process, the lobby in memory, persisted to an optional state file
// (snapshot + journal, see state-file.ts). What `npm start` and a small community run; no
// other service. Limits: MASTER_MAX_SESSIONS in total, MASTER_MAX_SESSIONS_PER_IP per address,
// MASTER_RATE_MAX_PER_WINDOW announce/heartbeat requests per address and window.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import {
  MASTER_HOST_TOKEN_BYTES,
  MASTER_MAX_SESSIONS,
  MASTER_MAX_SESSIONS_PER_IP,
  MASTER_RATE_MAX_PER_WINDOW,
  MASTER_RATE_MAX_TRACKED_IPS,
  MASTER_RATE_WINDOW_MS,
  MASTER_SESSION_EXPIRY_MS,
  MASTER_SESSION_ID_BYTES,
} from '../constants.js';
import type { AnnounceBody } from '../../protocol/master-wire.js';
import { sweepTempFilesSync } from '../../util/atomic-file.js';
import { KeyedRateLimiter, perWindow } from '../../util/rate-limit.js';
import { LobbyIndex } from './lobby-index.js';
import { StateFile } from './state-file.js';
import type { AnnounceResult, ListPage, ListQuery, MasterStore, SessionRecord, TouchResult } from './types.js';

export const hashToken = (token: string): string => createHash('sha256').update(token).digest('hex');

/** Constant-time comparison of two hex SHA-256 digests. */
export function sameHash(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * A lobby id players type or paste after `--join`: base64url, but never starting with '-' or
 * '_' (an id like `-Ab3…` reads as an option on a command line).
 */
export function newSessionId(): string {
  for (;;) {
    const id = randomBytes(MASTER_SESSION_ID_BYTES).toString('base64url');
    if (/^[A-Za-z0-9]/.test(id)) return id;
  }
}

export const newHostToken = (): string => randomBytes(MASTER_HOST_TOKEN_BYTES).toString('base64url');

export interface MemoryStoreOptions {
  /** Wall clock in ms (injected in tests). */
  now: () => number;
  /** Where the lobby is persisted; undefined keeps it in memory only. */
  statePath?: string;
}

export class MemoryStore implements MasterStore {
  readonly kind = 'embedded';
  readonly bus = undefined;
  readonly healthy = true;
  readonly #index = new LobbyIndex<SessionRecord>();
  readonly #perIp = new Map<string, number>();
  readonly #rate = new KeyedRateLimiter<string>(perWindow(MASTER_RATE_MAX_PER_WINDOW, MASTER_RATE_WINDOW_MS), MASTER_RATE_MAX_TRACKED_IPS);
  readonly #now: () => number;
  readonly #file: StateFile | undefined;
  /** Journal lines skipped at load (a torn last write). */
  skippedLines = 0;
  /** Temp files of the state file found and removed at load (left by a killed master). */
  staleTempsRemoved = 0;
  readonly #statePath: string | undefined;

  constructor(opts: MemoryStoreOptions) {
    this.#now = opts.now;
    this.#statePath = opts.statePath;
    this.#file = opts.statePath ? new StateFile(opts.statePath) : undefined;
  }

  /**
   * Loads the persisted lobby, dropping sessions that expired while the master was down. First
   * sweeps the temp files a master killed mid-write left (snapshot and journal alike: each may
   * be a full copy of the lobby, with token hashes and addresses).
   */
  async load(): Promise<number> {
    if (!this.#file || !this.#statePath) return 0;
    this.staleTempsRemoved = sweepTempFilesSync(this.#statePath);
    const { sessions, skippedLines } = this.#file.load();
    this.skippedLines = skippedLines;
    const now = this.#now();
    for (const s of sessions.values()) if (now - s.lastSeenMs <= MASTER_SESSION_EXPIRY_MS) this.#add(s);
    this.#file.compact(this.#index.values());
    return this.#index.size;
  }

  async announce(body: AnnounceBody, ip: string): Promise<AnnounceResult> {
    if (this.#index.size >= MASTER_MAX_SESSIONS) return { ok: false, code: 'lobby_full' };
    if ((this.#perIp.get(ip) ?? 0) >= MASTER_MAX_SESSIONS_PER_IP) return { ok: false, code: 'ip_limit' };
    const sessionId = newSessionId();
    const hostToken = newHostToken();
    const s: SessionRecord = { ...body, sessionId, tokenHash: hashToken(hostToken), ip, lastSeenMs: this.#now() };
    this.#add(s);
    this.#file?.record({ a: s }, true);
    return { ok: true, sessionId, hostToken };
  }

  async heartbeat(sessionId: string, hostToken: string, players?: number): Promise<TouchResult> {
    const s = this.#check(sessionId, hostToken);
    if (typeof s === 'string') return s;
    s.lastSeenMs = this.#now();
    if (players !== undefined) s.players = Math.min(players, s.maxPlayers);
    this.#file?.record({ b: [sessionId, s.lastSeenMs, s.players] });
    return 'ok';
  }

  async remove(sessionId: string, hostToken: string): Promise<TouchResult> {
    const s = this.#check(sessionId, hostToken);
    if (typeof s === 'string') return s;
    this.#delete(s);
    this.#file?.record({ d: sessionId }, true);
    return 'ok';
  }

  async verifyHost(sessionId: string, hostToken: string): Promise<TouchResult> {
    const s = this.#check(sessionId, hostToken);
    return typeof s === 'string' ? s : 'ok';
  }

  async has(sessionId: string): Promise<boolean> {
    return this.#index.get(sessionId) !== undefined;
  }

  list(q: ListQuery): ListPage {
    return this.#index.page(q);
  }

  get size(): number {
    return this.#index.size;
  }

  async hit(ip: string): Promise<boolean> {
    return this.#rate.take(ip, this.#now());
  }

  /** Drops expired sessions and rate windows; appends the second's heartbeats to the journal. */
  async sweep(): Promise<number> {
    const now = this.#now();
    let n = 0;
    for (const s of [...this.#index.values()]) {
      if (now - s.lastSeenMs > MASTER_SESSION_EXPIRY_MS) {
        this.#delete(s);
        this.#file?.record({ d: s.sessionId });
        n++;
      }
    }
    this.#rate.sweep(now);
    this.flush();
    return n;
  }

  /** Writes queued changes; rewrites the snapshot when the journal has outgrown it. */
  flush(): void {
    if (this.#file?.flush()) this.#file.compact(this.#index.values());
  }

  async close(): Promise<void> {
    this.#file?.close();
  }

  #check(sessionId: string, hostToken: string): SessionRecord | 'unknown_session' | 'bad_token' {
    const s = this.#index.get(sessionId);
    if (!s) return 'unknown_session';
    return sameHash(s.tokenHash, hashToken(hostToken)) ? s : 'bad_token';
  }

  #add(s: SessionRecord): void {
    this.#index.set(s);
    this.#perIp.set(s.ip, (this.#perIp.get(s.ip) ?? 0) + 1);
  }

  #delete(s: SessionRecord): void {
    this.#index.delete(s.sessionId);
    const n = (this.#perIp.get(s.ip) ?? 1) - 1;
    if (n <= 0) this.#perIp.delete(s.ip);
    else this.#perIp.set(s.ip, n);
  }
}
