// The master's HTTP routes: lobby (announce, heartbeat, remove, list), identity challenge and
// TURN credentials. Bodies are size-capped, parsed with zod; every refusal is a counted drop.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { MASTER_HEARTBEAT_MS, MASTER_MAX_BODY_BYTES } from './constants.js';
import { listQueryOf } from './list-query.js';
import { StoreUnavailableError, type MasterStore } from './store/types.js';
import type { MasterDropReason, MasterStats } from './stats.js';
import type { TurnCredIssuer } from './turn-cred.js';
import { AnnounceBody, HeartbeatBody } from '../protocol/master-wire.js';

export interface HttpDeps {
  store: MasterStore;
  issuer: TurnCredIssuer;
  stats: MasterStats;
  now: () => number;
  /** Called with each issued credential's player id (never the password) for the log. */
  onCredIssued?: (playerId: string) => void;
}

class HttpRefusal extends Error {
  constructor(
    readonly status: number,
    readonly reason: MasterDropReason,
    message: string,
  ) {
    super(message);
  }
}

function reply(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function readBody(req: IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > MASTER_MAX_BODY_BYTES) return reject(new HttpRefusal(413, 'http_too_big', 'body too large'));
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MASTER_MAX_BODY_BYTES) {
        req.pause();
        reject(new HttpRefusal(413, 'http_too_big', 'body too large'));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      try {
        resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown);
      } catch {
        reject(new HttpRefusal(400, 'http_bad_json', 'body is not JSON'));
      }
    });
    req.on('error', reject);
  });
}

export class HttpApi {
  constructor(private readonly d: HttpDeps) {}

  handle(req: IncomingMessage, res: ServerResponse): void {
    this.#route(req, res).catch((err: unknown) => {
      if (err instanceof HttpRefusal) {
        this.d.stats.drop(err.reason);
        reply(res, err.status, { error: err.message });
        if (err.status === 413) req.socket.destroySoon();
      } else if (err instanceof StoreUnavailableError) {
        this.d.stats.drop('store_unavailable');
        reply(res, 503, { error: 'lobby store unavailable; try again' });
      } else {
        reply(res, 500, { error: 'internal error' });
      }
    });
  }

  /** Spends one of the address's announce/heartbeat requests (shared by all instances on Redis). */
  async #limit(ip: string): Promise<void> {
    if (!(await this.d.store.hit(ip))) throw new HttpRefusal(429, 'http_rate_limited', 'too many requests');
  }

  async #route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://master');
    const ip = req.socket.remoteAddress ?? '?';
    const path = url.pathname;
    const { store, issuer, stats } = this.d;
    if (req.method === 'GET' && path === '/api/sessions') {
      const q = listQueryOf(url.searchParams);
      if (typeof q === 'string') throw new HttpRefusal(400, 'http_bad_query', q);
      return reply(res, 200, store.list(q));
    }
    if (req.method === 'GET' && path === '/healthz') {
      const instance = store.bus?.instanceId;
      return reply(res, store.healthy ? 200 : 503, { ok: store.healthy, store: store.kind, instance, sessions: store.size, stats });
    }
    if (req.method === 'POST' && path === '/api/sessions') {
      await this.#limit(ip);
      const body = AnnounceBody.safeParse(await readBody(req));
      if (!body.success) throw new HttpRefusal(400, 'http_bad_body', 'bad announce body');
      const r = await store.announce(body.data, ip);
      if (!r.ok) throw new HttpRefusal(429, r.code === 'ip_limit' ? 'announce_ip_limit' : 'announce_lobby_full', r.code);
      stats.announces++;
      return reply(res, 201, { sessionId: r.sessionId, hostToken: r.hostToken, heartbeatMs: MASTER_HEARTBEAT_MS });
    }
    const m = /^\/api\/sessions\/([A-Za-z0-9_-]{4,64})(\/heartbeat)?$/.exec(path);
    if (m && ((req.method === 'POST' && m[2]) || (req.method === 'DELETE' && !m[2]))) {
      await this.#limit(ip);
      const body = HeartbeatBody.safeParse(await readBody(req));
      if (!body.success) throw new HttpRefusal(400, 'http_bad_body', 'bad heartbeat body');
      const r = m[2] ? await store.heartbeat(m[1], body.data.hostToken, body.data.players) : await store.remove(m[1], body.data.hostToken);
      if (r === 'unknown_session') throw new HttpRefusal(404, 'heartbeat_unknown', 'unknown session: announce again');
      if (r === 'bad_token') throw new HttpRefusal(403, 'heartbeat_bad_token', 'host token does not match');
      return reply(res, 200, { ok: true });
    }
    if (req.method === 'GET' && path === '/api/challenge') {
      await this.#limit(ip);
      return reply(res, 200, issuer.challenge());
    }
    if (req.method === 'GET' && path === '/api/turnCred') {
      const key = url.searchParams.get('key');
      const nonce = url.searchParams.get('nonce');
      const sig = url.searchParams.get('sig');
      if (!key || !nonce || !sig || key.length > 64 || nonce.length > 64 || sig.length > 128) {
        throw new HttpRefusal(400, 'cred_bad_query', 'need key, nonce and sig');
      }
      const r = issuer.issue(key, nonce, sig);
      if (!r.ok) {
        const status = r.code === 'no_secret' ? 503 : 403;
        throw new HttpRefusal(status, `cred_${r.code}`, r.code === 'no_secret' ? 'no TURN relay configured' : `identity not proven (${r.code})`);
      }
      stats.credsIssued++;
      this.d.onCredIssued?.(r.playerId);
      return reply(res, 200, r.cred);
    }
    throw new HttpRefusal(404, 'http_not_found', 'not found');
  }
}
