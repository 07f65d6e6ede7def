// The Redis store (`--store redis://HOST:PORT`): the lobby, the per-IP limits and the rate
// buckets live in Redis, shared by every coop-master instance on it; sessions are keys that
// expire with the heartbeat timeout; host tokens are kept only as SHA-256 hashes. Each instance
// answers lists from a mirror it keeps current from the events channel (and re-reads whole every
// MASTER_REDIS_RESYNC_MS and after each reconnect), so a list never waits on Redis.
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import {
  MASTER_INSTANCE_ID_BYTES,
  MASTER_MAX_SESSIONS,
  MASTER_MAX_SESSIONS_PER_IP,
  MASTER_RATE_MAX_PER_WINDOW,
  MASTER_RATE_WINDOW_MS,
  MASTER_REDIS_COMMAND_TIMEOUT_MS,
  MASTER_REDIS_PREFIX,
  MASTER_REDIS_RESYNC_MS,
  MASTER_REDIS_RETRY_MAX_MS,
  MASTER_REDIS_RETRY_STEP_MS,
  MASTER_REDIS_SWEEP_BATCH,
  MASTER_SESSION_EXPIRY_MS,
} from '../constants.js';
import type { AnnounceBody, LobbyEntry } from '../../protocol/master-wire.js';
import { LobbyIndex, publicEntry } from './lobby-index.js';
import { hashToken, newHostToken, newSessionId, sameHash } from './memory-store.js';
import { RedisBus } from './redis-bus.js';
import { ANNOUNCE_LUA, HEARTBEAT_LUA, RATE_LUA, REMOVE_LUA, SWEEP_LUA, keys as keysOf } from './redis-scripts.js';
import { StoreUnavailableError, type AnnounceResult, type ListPage, type ListQuery, type MasterStore, type TouchResult } from './types.js';

type Script = (...args: (string | number)[]) => Promise<unknown>;

export interface RedisStoreOptions {
  /** redis://HOST:PORT[/DB] */
  url: string;
  now: () => number;
  prefix?: string;
  log?: { info(o: object, m: string): void; warn(o: object, m: string): void };
}

export class RedisStore implements MasterStore {
  readonly kind = 'redis';
  readonly bus: RedisBus;
  readonly #cmd: Redis;
  readonly #sub: Redis;
  readonly #keys: ReturnType<typeof keysOf>;
  readonly #prefix: string;
  readonly #mirror = new LobbyIndex();
  readonly #o: RedisStoreOptions;
  #resync: NodeJS.Timeout | undefined;
  /** Events on the lobby channel that could not be read (counted, ignored). */
  badEvents = 0;

  constructor(o: RedisStoreOptions) {
    this.#o = o;
    this.#prefix = o.prefix ?? MASTER_REDIS_PREFIX;
    this.#keys = keysOf(this.#prefix);
    const opts = {
      lazyConnect: true,
      // A command while Redis is away fails at once (the request gets 503) instead of queueing.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      commandTimeout: MASTER_REDIS_COMMAND_TIMEOUT_MS,
      retryStrategy: (attempt: number) => Math.min(attempt * MASTER_REDIS_RETRY_STEP_MS, MASTER_REDIS_RETRY_MAX_MS),
    };
    this.#cmd = new Redis(o.url, opts);
    // The subscriber queues its SUBSCRIBE until connected and re-subscribes after a reconnect.
    this.#sub = new Redis(o.url, { ...opts, enableOfflineQueue: true, commandTimeout: undefined });
    for (const c of [this.#cmd, this.#sub]) c.on('error', () => undefined); // state is read from .status
    this.bus = new RedisBus(randomBytes(MASTER_INSTANCE_ID_BYTES).toString('base64url'), this.#cmd, this.#prefix);
    this.#cmd.defineCommand('coopAnnounce', { numberOfKeys: 4, lua: ANNOUNCE_LUA });
    this.#cmd.defineCommand('coopHeartbeat', { numberOfKeys: 3, lua: HEARTBEAT_LUA });
    this.#cmd.defineCommand('coopRemove', { numberOfKeys: 3, lua: REMOVE_LUA });
    this.#cmd.defineCommand('coopSweep', { numberOfKeys: 2, lua: SWEEP_LUA });
    this.#cmd.defineCommand('coopRate', { numberOfKeys: 1, lua: RATE_LUA });
  }

  get healthy(): boolean {
    return this.#cmd.status === 'ready' && this.#sub.status === 'ready';
  }

  /** Connects both clients (throws if Redis does not answer) and loads the mirror. */
  async load(): Promise<number> {
    try {
      await Promise.all([this.#cmd.connect(), this.#sub.connect()]);
      await this.#sub.subscribe(this.#keys.events, this.bus.channel);
    } catch (err) {
      this.#cmd.disconnect();
      this.#sub.disconnect();
      throw new StoreUnavailableError(`cannot reach Redis at ${this.#o.url}: ${(err as Error).message}`, { cause: err });
    }
    this.#sub.on('message', (channel: string, text: string) => {
      if (channel === this.bus.channel) this.bus.deliver(text);
      else this.#onEvent(text);
    });
    // Events sent while this instance was cut off are lost: read the whole lobby again once both
    // connections are back (whichever comes back last triggers the read that counts).
    for (const c of [this.#cmd, this.#sub]) {
      c.on('ready', () => {
        this.#o.log?.info({ store: 'redis' }, 'Redis reachable again');
        void this.resync();
      });
    }
    this.#cmd.on('close', () => this.#o.log?.warn({ store: 'redis' }, 'Redis connection lost; reconnecting'));
    await this.resync();
    this.#resync = setInterval(() => void this.resync(), MASTER_REDIS_RESYNC_MS);
    this.#resync.unref();
    return this.#mirror.size;
  }

  /** Replaces the mirror with Redis's list (failures leave the old mirror). */
  async resync(): Promise<void> {
    try {
      const all = await this.#cmd.hgetall(this.#keys.list);
      const entries: LobbyEntry[] = [];
      for (const text of Object.values(all)) {
        const e = parseEntry(text);
        if (e) entries.push(e);
        else this.badEvents++;
      }
      this.#mirror.reset(entries);
    } catch {
      // Redis away: the next 'ready' resyncs.
    }
  }

  async announce(body: AnnounceBody, ip: string): Promise<AnnounceResult> {
    for (;;) {
      const sessionId = newSessionId();
      const hostToken = newHostToken();
      const entry = JSON.stringify({ sessionId, ...body });
      const r = await this.#run(
        'coopAnnounce',
        this.#keys.session(sessionId),
        this.#keys.lobby,
        this.#keys.list,
        this.#keys.ip(ip),
        sessionId,
        hashToken(hostToken),
        ip,
        entry,
        this.#o.now(),
        MASTER_SESSION_EXPIRY_MS,
        MASTER_MAX_SESSIONS,
        MASTER_MAX_SESSIONS_PER_IP,
        this.#keys.events,
      );
      if (r === 'taken') continue; // a 96-bit id collided: draw another
      if (r === 'lobby_full' || r === 'ip_limit') return { ok: false, code: r };
      // Listed here at once (this instance's own events arrive a moment later).
      this.#mirror.set({ sessionId, ...body });
      return { ok: true, sessionId, hostToken };
    }
  }

  async heartbeat(sessionId: string, hostToken: string, players?: number): Promise<TouchResult> {
    return (await this.#run(
      'coopHeartbeat',
      this.#keys.session(sessionId),
      this.#keys.lobby,
      this.#keys.list,
      sessionId,
      hashToken(hostToken),
      this.#o.now(),
      MASTER_SESSION_EXPIRY_MS,
      players ?? '',
      this.#keys.events,
      this.#prefix,
    )) as TouchResult;
  }

  async remove(sessionId: string, hostToken: string): Promise<TouchResult> {
    const r = (await this.#run(
      'coopRemove',
      this.#keys.session(sessionId),
      this.#keys.lobby,
      this.#keys.list,
      sessionId,
      hashToken(hostToken),
      this.#keys.events,
      this.#prefix,
    )) as TouchResult;
    if (r === 'ok') this.#mirror.delete(sessionId);
    return r;
  }

  async verifyHost(sessionId: string, hostToken: string): Promise<TouchResult> {
    const t = await this.#guard(this.#cmd.hget(this.#keys.session(sessionId), 't'));
    if (t === null) return 'unknown_session';
    return sameHash(t, hashToken(hostToken)) ? 'ok' : 'bad_token';
  }

  async has(sessionId: string): Promise<boolean> {
    return (await this.#guard(this.#cmd.exists(this.#keys.session(sessionId)))) === 1;
  }

  list(q: ListQuery): ListPage {
    return this.#mirror.page(q);
  }

  get size(): number {
    return this.#mirror.size;
  }

  async hit(ip: string): Promise<boolean> {
    return Number(await this.#run('coopRate', this.#keys.rate(ip), MASTER_RATE_WINDOW_MS)) <= MASTER_RATE_MAX_PER_WINDOW;
  }

  async sweep(): Promise<number> {
    const cutoff = this.#o.now() - MASTER_SESSION_EXPIRY_MS;
    return Number(await this.#run('coopSweep', this.#keys.lobby, this.#keys.list, cutoff, MASTER_REDIS_SWEEP_BATCH, this.#keys.events, this.#prefix));
  }

  async close(): Promise<void> {
    clearInterval(this.#resync);
    this.#sub.disconnect();
    await this.#cmd.quit().catch(() => this.#cmd.disconnect());
  }

  #onEvent(text: string): void {
    if (text.startsWith('-')) {
      this.#mirror.delete(text.slice(1));
      return;
    }
    const e = text.startsWith('+') ? parseEntry(text.slice(1)) : undefined;
    if (e) this.#mirror.set(e);
    else this.badEvents++;
  }

  #run(name: string, ...args: (string | number)[]): Promise<unknown> {
    return this.#guard((this.#cmd as unknown as Record<string, Script>)[name](...args));
  }

  /** Any Redis failure becomes StoreUnavailableError (HTTP 503), never a crash or a hang. */
  async #guard<T>(p: Promise<T>): Promise<T> {
    try {
      return await p;
    } catch (err) {
      throw new StoreUnavailableError(`Redis: ${(err as Error).message}`, { cause: err });
    }
  }
}

/** An entry from Redis, checked field by field (cjson may reorder keys). */
function parseEntry(text: string): LobbyEntry | undefined {
  try {
    const e = JSON.parse(text) as Record<string, unknown>;
    if (typeof e.sessionId !== 'string' || typeof e.name !== 'string' || typeof e.version !== 'string') return undefined;
    if (typeof e.players !== 'number' || typeof e.maxPlayers !== 'number' || typeof e.password !== 'boolean') return undefined;
    return publicEntry(e as unknown as LobbyEntry);
  } catch {
    return undefined;
  }
}
