// The lobby: hosts announce sessions, heartbeat them, and joiners list them. Bounded in total and
// per source IP; expired sessions are swept; the state is persisted so a restart loses nothing
// for longer than one heartbeat (a host whose heartbeat gets 404 announces again).
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import {
  MASTER_HOST_TOKEN_BYTES, MASTER_LIST_MAX, MASTER_MAX_SESSIONS, MASTER_MAX_SESSIONS_PER_IP,
  MASTER_SESSION_EXPIRY_MS, MASTER_SESSION_ID_BYTES, MASTER_STATE_FILE_MODE, MASTER_STATE_MAX_BYTES, MASTER_STATE_VERSION,
} from './constants.js';
import { sweepTempFilesSync, writeFileAtomicSync } from '../util/atomic-file.js';
import { describeReadFailure, readVersionedJsonFile } from '../util/json-file.js';
import { AnnounceBody, type LobbyEntry } from '../protocol/master-wire.js';

interface Session extends LobbyEntry {
  /** SHA-256 of the host token: the token itself is never stored or logged. */
  tokenHash: string;
  ip: string;
  /** Wall-clock ms of the last announce or heartbeat (survives restarts). */
  lastSeenMs: number;
}

const PersistedSession = AnnounceBody.extend({
  sessionId: z.string().min(4).max(64),
  tokenHash: z.string().length(64),
  ip: z.string().max(64),
  lastSeenMs: z.number(),
});
const PersistedFile = z.object({ v: z.literal(MASTER_STATE_VERSION), sessions: z.array(PersistedSession) });

export type AnnounceResult =
  | { ok: true; sessionId: string; hostToken: string }
  | { ok: false; code: 'lobby_full' | 'ip_limit' };
export type TouchResult = 'ok' | 'unknown_session' | 'bad_token';

export interface RegistryOptions {
  /** Wall clock in ms (injected in tests). */
  now: () => number;
  /** Where the lobby is persisted; undefined keeps it in memory only. */
  statePath?: string;
}

const hashToken = (token: string): string => createHash('sha256').update(token).digest('hex');

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

export class Registry {
  readonly #sessions = new Map<string, Session>();
  readonly #perIp = new Map<string, number>();
  readonly #opts: RegistryOptions;
  #dirty = false;
  /** Temp files of the state file found and removed at load (left by a killed master). */
  staleTempsRemoved = 0;

  constructor(opts: RegistryOptions) {
    this.#opts = opts;
  }

  /**
   * Loads the persisted lobby, dropping sessions that expired while the master was down. First
   * sweeps the temp files a master killed mid-write left (each a full copy of the lobby, with
   * token hashes and addresses).
   */
  load(): number {
    if (!this.#opts.statePath) return 0;
    const path = this.#opts.statePath;
    this.staleTempsRemoved = sweepTempFilesSync(path);
    const read = readVersionedJsonFile(path, PersistedFile, { maxBytes: MASTER_STATE_MAX_BYTES, version: { key: 'v', expected: MASTER_STATE_VERSION } });
    if (!read.ok && read.kind !== 'missing') throw new Error(`master state file ${path} ${describeReadFailure(read)}`);
    const now = this.#opts.now();
    for (const s of read.ok ? read.value.sessions : []) {
      if (now - s.lastSeenMs > MASTER_SESSION_EXPIRY_MS) continue;
      this.#add({ ...s });
    }
    return this.#sessions.size;
  }

  announce(body: AnnounceBody, ip: string): AnnounceResult {
    if (this.#sessions.size >= MASTER_MAX_SESSIONS) return { ok: false, code: 'lobby_full' };
    if ((this.#perIp.get(ip) ?? 0) >= MASTER_MAX_SESSIONS_PER_IP) return { ok: false, code: 'ip_limit' };
    const sessionId = newSessionId();
    const hostToken = randomBytes(MASTER_HOST_TOKEN_BYTES).toString('base64url');
    this.#add({ ...body, sessionId, tokenHash: hashToken(hostToken), ip, lastSeenMs: this.#opts.now() });
    this.flush();
    return { ok: true, sessionId, hostToken };
  }

  heartbeat(sessionId: string, hostToken: string, players?: number): TouchResult {
    const s = this.#check(sessionId, hostToken);
    if (typeof s === 'string') return s;
    s.lastSeenMs = this.#opts.now();
    if (players !== undefined) s.players = Math.min(players, s.maxPlayers);
    this.#dirty = true;
    return 'ok';
  }

  remove(sessionId: string, hostToken: string): TouchResult {
    const s = this.#check(sessionId, hostToken);
    if (typeof s === 'string') return s;
    this.#delete(s);
    this.flush();
    return 'ok';
  }

  /** True when the token proves ownership of the session (used by the signalling channel). */
  verifyHost(sessionId: string, hostToken: string): TouchResult {
    const s = this.#check(sessionId, hostToken);
    return typeof s === 'string' ? s : 'ok';
  }

  has(sessionId: string): boolean {
    return this.#sessions.has(sessionId);
  }

  list(): LobbyEntry[] {
    const out: LobbyEntry[] = [];
    for (const s of this.#sessions.values()) {
      if (out.length >= MASTER_LIST_MAX) break;
      const { sessionId, name, version, players, maxPlayers, password } = s;
      out.push({ sessionId, name, version, players, maxPlayers, password });
    }
    return out;
  }

  get size(): number {
    return this.#sessions.size;
  }

  /** Drops expired sessions; returns how many. Persists if anything changed. */
  sweep(): number {
    const now = this.#opts.now();
    let n = 0;
    for (const s of [...this.#sessions.values()]) {
      if (now - s.lastSeenMs > MASTER_SESSION_EXPIRY_MS) {
        this.#delete(s);
        n++;
      }
    }
    if (n > 0 || this.#dirty) this.flush();
    return n;
  }

  /** Writes the lobby atomically (no-op without a state path). */
  flush(): void {
    this.#dirty = false;
    if (!this.#opts.statePath) return;
    const sessions = [...this.#sessions.values()];
    writeFileAtomicSync(this.#opts.statePath, JSON.stringify({ v: MASTER_STATE_VERSION, sessions }), MASTER_STATE_FILE_MODE);
  }

  #check(sessionId: string, hostToken: string): Session | 'unknown_session' | 'bad_token' {
    const s = this.#sessions.get(sessionId);
    if (!s) return 'unknown_session';
    const a = Buffer.from(s.tokenHash, 'hex');
    const b = Buffer.from(hashToken(hostToken), 'hex');
    return timingSafeEqual(a, b) ? s : 'bad_token';
  }

  #add(s: Session): void {
    this.#sessions.set(s.sessionId, s);
    this.#perIp.set(s.ip, (this.#perIp.get(s.ip) ?? 0) + 1);
  }

  #delete(s: Session): void {
    this.#sessions.delete(s.sessionId);
    const n = (this.#perIp.get(s.ip) ?? 1) - 1;
    if (n <= 0) this.#perIp.delete(s.ip);
    else this.#perIp.set(s.ip, n);
  }
}
