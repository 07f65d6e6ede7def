// Signalling over WebSocket: a host binds its announced session (proving the host token), a joiner
// joins it and gets a peer id, then both relay ICE parameters and candidates through the master.
// Bad, oversized, unroutable or flooding messages are counted drops; the socket gets an error.
import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { WebSocketServer, type WebSocket, type RawData } from 'ws';
import {
  MASTER_MAX_PEERS_PER_SESSION, MASTER_MAX_WS_CONNECTIONS, MASTER_MAX_WS_MESSAGE_BYTES, MASTER_MAX_WS_PER_IP,
  MASTER_WS_HELLO_TIMEOUT_MS, MASTER_WS_RATE_MAX_PER_WINDOW, MASTER_WS_RATE_WINDOW_MS,
} from './constants.js';
import type { Registry } from './registry.js';
import { TokenBucket, perWindow } from '../util/rate-limit.js';
import type { MasterDropReason, MasterStats } from './stats.js';
import { ClientMessage, type MasterErrorCode, type ServerMessage } from '../protocol/master-wire.js';

const PEER_ID_BYTES = 9;
const WS_CLOSE_TOO_BIG = 1009;
const WS_CLOSE_POLICY = 1008;

interface Conn {
  ws: WebSocket;
  ip: string;
  role: 'none' | 'host' | 'joiner';
  sessionId?: string;
  peerId?: string;
  rate: TokenBucket;
  helloTimer?: NodeJS.Timeout;
}

const WS_RATE = perWindow(MASTER_WS_RATE_MAX_PER_WINDOW, MASTER_WS_RATE_WINDOW_MS);

export class SignalHub {
  readonly wss: WebSocketServer;
  readonly #hosts = new Map<string, Conn>();
  readonly #peers = new Map<string, Conn>();
  readonly #perIp = new Map<string, number>();
  #conns = 0;

  constructor(private readonly registry: Registry, private readonly stats: MasterStats, private readonly now: () => number) {
    this.wss = new WebSocketServer({ noServer: true, maxPayload: MASTER_MAX_WS_MESSAGE_BYTES });
  }

  /** Takes an upgraded socket; refuses it when the connection limits are reached. */
  accept(ws: WebSocket, req: IncomingMessage): void {
    const ip = req.socket.remoteAddress ?? '?';
    if (this.#conns >= MASTER_MAX_WS_CONNECTIONS || (this.#perIp.get(ip) ?? 0) >= MASTER_MAX_WS_PER_IP) {
      this.stats.drop('ws_conn_limit');
      ws.close(WS_CLOSE_POLICY, 'connection limit');
      return;
    }
    this.#conns++;
    this.#perIp.set(ip, (this.#perIp.get(ip) ?? 0) + 1);
    const c: Conn = { ws, ip, role: 'none', rate: new TokenBucket(WS_RATE, this.now()) };
    c.helloTimer = setTimeout(() => {
      if (c.role === 'none') {
        this.stats.drop('ws_hello_timeout');
        ws.close(WS_CLOSE_POLICY, 'no hello');
      }
    }, MASTER_WS_HELLO_TIMEOUT_MS);
    c.helloTimer.unref();
    ws.on('message', (data, isBinary) => this.#onMessage(c, data, isBinary));
    ws.on('close', () => this.#onClose(c));
    ws.on('error', (err) => {
      // ws reports an oversized frame as an error before closing with 1009.
      if ((err as { code?: string }).code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH') this.stats.drop('ws_too_big');
    });
  }

  /** Sessions whose host is online on the signalling channel. */
  get hostedSessions(): number {
    return this.#hosts.size;
  }

  close(): void {
    for (const client of this.wss.clients) client.terminate();
    this.wss.close();
  }

  #send(c: Conn, m: ServerMessage): void {
    if (c.ws.readyState === c.ws.OPEN) c.ws.send(JSON.stringify(m));
  }

  #refuse(c: Conn, reason: MasterDropReason, code: MasterErrorCode, message: string): void {
    this.stats.drop(reason);
    this.#send(c, { t: 'error', code, message });
  }

  #onMessage(c: Conn, data: RawData, isBinary: boolean): void {
    if (!c.rate.take(this.now())) {
      this.stats.drop('ws_rate_limited');
      c.ws.close(WS_CLOSE_POLICY, 'rate limited');
      return;
    }
    const bytes = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer);
    if (bytes.length > MASTER_MAX_WS_MESSAGE_BYTES) {
      this.stats.drop('ws_too_big');
      c.ws.close(WS_CLOSE_TOO_BIG, 'too big');
      return;
    }
    let json: unknown;
    try {
      if (isBinary) throw new Error('binary');
      json = JSON.parse(bytes.toString('utf8'));
    } catch {
      return this.#refuse(c, 'ws_bad_json', 'bad_message', 'not a JSON text message');
    }
    const parsed = ClientMessage.safeParse(json);
    if (!parsed.success) return this.#refuse(c, 'ws_bad_message', 'bad_message', 'unknown or malformed message');
    const m = parsed.data;
    switch (m.t) {
      case 'host': return this.#onHost(c, m.sessionId, m.hostToken);
      case 'join': return this.#onJoin(c, m.sessionId);
      case 'signal': return this.#onSignal(c, m);
    }
  }

  #onHost(c: Conn, sessionId: string, hostToken: string): void {
    if (c.role !== 'none') return this.#refuse(c, 'ws_already_bound', 'already_bound', 'socket already bound');
    const v = this.registry.verifyHost(sessionId, hostToken);
    if (v === 'unknown_session') return this.#refuse(c, 'ws_unknown_session', 'unknown_session', 'no such session');
    if (v === 'bad_token') return this.#refuse(c, 'ws_bad_token', 'bad_token', 'host token does not match');
    const old = this.#hosts.get(sessionId);
    if (old) old.ws.close(WS_CLOSE_POLICY, 'replaced');
    c.role = 'host';
    c.sessionId = sessionId;
    this.#hosts.set(sessionId, c);
    this.#send(c, { t: 'ready', sessionId });
  }

  #onJoin(c: Conn, sessionId: string): void {
    if (c.role !== 'none') return this.#refuse(c, 'ws_already_bound', 'already_bound', 'socket already bound');
    const host = this.#hosts.get(sessionId);
    if (!host || !this.registry.has(sessionId)) return this.#refuse(c, 'ws_unknown_session', 'unknown_session', 'no such session (or its host is not online)');
    let peersOfSession = 0;
    for (const p of this.#peers.values()) if (p.sessionId === sessionId) peersOfSession++;
    if (peersOfSession >= MASTER_MAX_PEERS_PER_SESSION) return this.#refuse(c, 'ws_session_full', 'session_full', 'too many joiners waiting');
    const peerId = randomBytes(PEER_ID_BYTES).toString('base64url');
    c.role = 'joiner';
    c.sessionId = sessionId;
    c.peerId = peerId;
    this.#peers.set(peerId, c);
    this.#send(c, { t: 'joined', peerId });
    this.#send(host, { t: 'peer', peerId });
  }

  #onSignal(c: Conn, m: Extract<ClientMessage, { t: 'signal' }>): void {
    if (c.role === 'none') return this.#refuse(c, 'ws_not_ready', 'not_ready', 'say host or join first');
    if (c.role === 'joiner') {
      const host = c.sessionId ? this.#hosts.get(c.sessionId) : undefined;
      if (!host) return this.#refuse(c, 'ws_unknown_session', 'unknown_session', 'the host is gone');
      this.stats.signalsRelayed++;
      return this.#send(host, { t: 'signal', peerId: c.peerId as string, data: m.data });
    }
    const peer = m.peerId ? this.#peers.get(m.peerId) : undefined;
    if (!peer || peer.sessionId !== c.sessionId) return this.#refuse(c, 'ws_unknown_peer', 'unknown_peer', 'no such peer in this session');
    this.stats.signalsRelayed++;
    this.#send(peer, { t: 'signal', peerId: m.peerId as string, data: m.data });
  }

  #onClose(c: Conn): void {
    if (c.helloTimer) clearTimeout(c.helloTimer);
    this.#conns--;
    const n = (this.#perIp.get(c.ip) ?? 1) - 1;
    if (n <= 0) this.#perIp.delete(c.ip);
    else this.#perIp.set(c.ip, n);
    if (c.role === 'host' && c.sessionId && this.#hosts.get(c.sessionId) === c) {
      this.#hosts.delete(c.sessionId);
      for (const p of this.#peers.values()) if (p.sessionId === c.sessionId) p.ws.close(1001, 'host left');
    }
    if (c.role === 'joiner' && c.peerId) {
      this.#peers.delete(c.peerId);
      const host = c.sessionId ? this.#hosts.get(c.sessionId) : undefined;
      if (host) this.#send(host, { t: 'left', peerId: c.peerId });
    }
  }
}
