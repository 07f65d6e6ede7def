// The player's side of coop-master: lobby announce/heartbeat, TURN credentials (proving the
// identity key by signing the master's nonce), and the WebSocket signalling channel.
import { sign, type KeyObject } from 'node:crypto';
import WebSocket from 'ws';
import type { IdentityKeys } from '../../protocol/identity.js';
import {
  MASTER_CHALLENGE_PREFIX,
  type AnnounceBody,
  type ClientMessage,
  type ServerMessage,
  type SignalData,
  type TurnCredentials,
} from '../../protocol/master-wire.js';
import { NAT_MASTER_HTTP_TIMEOUT_MS } from './constants.js';

/** A player identity: an Ed25519 key pair (raw 32-byte public key). */
export interface PlayerIdentity {
  publicRaw: Uint8Array;
  privateKey: KeyObject;
}

/** The install's identity as src/protocol/identity.ts keeps it (loadOrCreateIdentity). */
export function playerIdentityFrom(keys: IdentityKeys): PlayerIdentity {
  return { publicRaw: keys.publicKeyRaw, privateKey: keys.privateKey };
}

export class MasterError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'MasterError';
  }
}

async function call(base: string, method: string, path: string, body?: unknown): Promise<Record<string, unknown>> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: body === undefined ? undefined : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(NAT_MASTER_HTTP_TIMEOUT_MS),
  });
  const json = (await res.json().catch(() => ({}))) as Record<string, unknown>;
  if (!res.ok) throw new MasterError(res.status, `master ${method} ${path.split('?')[0]}: ${res.status} ${String(json.error ?? '')}`);
  return json;
}

/** GET /api/challenge, sign it, GET /api/turnCred. */
export async function fetchTurnCredentials(base: string, id: PlayerIdentity): Promise<TurnCredentials> {
  const { nonce } = (await call(base, 'GET', '/api/challenge')) as { nonce: string };
  const sig = sign(null, Buffer.from(MASTER_CHALLENGE_PREFIX + nonce, 'utf8'), id.privateKey).toString('base64url');
  const key = Buffer.from(id.publicRaw).toString('base64url');
  return (await call(base, 'GET', `/api/turnCred?key=${key}&nonce=${nonce}&sig=${sig}`)) as unknown as TurnCredentials;
}

/**
 * A server's entry in the master's lobby. `lobbyId` is what players join with (`--join`); the
 * master's wire calls it `sessionId`, but it is not the server session's id.
 */
export interface Announced {
  lobbyId: string;
  hostToken: string;
  heartbeatMs: number;
}

export async function announceLobby(base: string, body: AnnounceBody): Promise<Announced> {
  const r = (await call(base, 'POST', '/api/sessions', body)) as { sessionId: string; hostToken: string; heartbeatMs: number };
  return { lobbyId: r.sessionId, hostToken: r.hostToken, heartbeatMs: r.heartbeatMs };
}

export async function heartbeatLobby(base: string, a: Announced, players?: number): Promise<void> {
  await call(base, 'POST', `/api/sessions/${a.lobbyId}/heartbeat`, { hostToken: a.hostToken, players });
}

/** One peer's side of the signalling: what a handshake needs. */
export interface SignalLink {
  send(data: SignalData): void;
  onData(cb: (data: SignalData) => void): void;
}

const SIGNAL_BUFFER_MAX = 256;

/** The WebSocket signalling channel, as host (many peers) or joiner (one host). */
export class MasterSignal {
  readonly #ws: WebSocket;
  readonly #buffered = new Map<string, SignalData[]>();
  readonly #listeners = new Map<string, (d: SignalData) => void>();
  #onPeer: ((peerId: string) => void) | undefined;
  #pending: ((m: ServerMessage) => void) | undefined;
  /** Signals dropped because nobody listened and the buffer was full. */
  dropped = 0;
  lastError: string | undefined;

  private constructor(ws: WebSocket) {
    this.#ws = ws;
    ws.on('message', (raw) => {
      let m: ServerMessage;
      try {
        m = JSON.parse(raw.toString()) as ServerMessage;
      } catch {
        return;
      }
      if (m.t === 'error') this.lastError = `${m.code}: ${m.message}`;
      if (this.#pending && (m.t === 'ready' || m.t === 'joined' || m.t === 'error')) {
        const p = this.#pending;
        this.#pending = undefined;
        p(m);
        return;
      }
      if (m.t === 'peer') this.#onPeer?.(m.peerId);
      if (m.t === 'signal') this.#deliver(m.peerId, m.data);
    });
  }

  static async open(base: string): Promise<MasterSignal> {
    const ws = new WebSocket(`${base.replace(/^http/, 'ws')}/ws`);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    return new MasterSignal(ws);
  }

  #hello(m: ClientMessage): Promise<ServerMessage> {
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error('master did not answer hello')), NAT_MASTER_HTTP_TIMEOUT_MS);
      this.#pending = (r) => {
        clearTimeout(t);
        resolve(r);
      };
      this.#ws.send(JSON.stringify(m));
    });
  }

  /** Binds this socket as the host of an announced session; `onPeer` fires per joiner. */
  async host(a: Announced, onPeer: (peerId: string) => void): Promise<void> {
    this.#onPeer = onPeer;
    const r = await this.#hello({ t: 'host', sessionId: a.lobbyId, hostToken: a.hostToken });
    if (r.t !== 'ready') throw new Error(`master refused host: ${this.lastError}`);
  }

  /** Joins a lobby entry; resolves with this joiner's peer id. */
  async join(lobbyId: string): Promise<string> {
    const r = await this.#hello({ t: 'join', sessionId: lobbyId });
    if (r.t !== 'joined') throw new Error(`master refused join: ${this.lastError}`);
    return r.peerId;
  }

  /** The link to one peer (host side: a joiner; joiner side: its own peer id = the host). */
  link(peerId: string, asHost: boolean): SignalLink {
    return {
      send: (data) => {
        if (this.#ws.readyState !== WebSocket.OPEN) return;
        this.#ws.send(JSON.stringify(asHost ? { t: 'signal', peerId, data } : { t: 'signal', data }));
      },
      onData: (cb) => {
        this.#listeners.set(peerId, cb);
        for (const d of this.#buffered.get(peerId) ?? []) cb(d);
        this.#buffered.delete(peerId);
      },
    };
  }

  /** Called once when the socket to the master closes (master restart, network loss). */
  onClose(cb: () => void): void {
    this.#ws.once('close', cb);
  }

  close(): void {
    this.#ws.close();
  }

  #deliver(peerId: string, data: SignalData): void {
    const l = this.#listeners.get(peerId);
    if (l) return l(data);
    const buf = this.#buffered.get(peerId) ?? [];
    if (buf.length >= SIGNAL_BUFFER_MAX || (!this.#buffered.has(peerId) && this.#buffered.size >= SIGNAL_BUFFER_MAX)) {
      this.dropped++;
      return;
    }
    buf.push(data);
    this.#buffered.set(peerId, buf);
  }
}

const TURN_CRED_REFRESH_MARGIN_S = 60;

/**
 * TURN credentials fetched once and reused until shortly before they expire; call it as soon as
 * the player is online so a handshake does not wait for the master's two round trips.
 */
export function cachedTurnCredentials(base: string | (() => string), id: PlayerIdentity, now: () => number = Date.now): () => Promise<TurnCredentials> {
  let cached: { p: Promise<TurnCredentials>; expiresMs: number } | undefined;
  return () => {
    if (!cached || now() >= cached.expiresMs) {
      // A failover moves `base`; credentials from any master work (they need only coturn's secret).
      const p = fetchTurnCredentials(typeof base === 'string' ? base : base(), id);
      const entry = { p, expiresMs: Number.POSITIVE_INFINITY };
      cached = entry;
      p.then(
        (c) => {
          entry.expiresMs = now() + (c.ttl - TURN_CRED_REFRESH_MARGIN_S) * 1000;
        },
        () => {
          if (cached === entry) cached = undefined;
        },
      );
    }
    return cached.p;
  };
}
