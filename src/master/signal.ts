// Signalling over WebSocket: a host binds its announced session (proving the host token), a joiner
// joins it and gets a peer id, then both relay ICE parameters and candidates through the master.
// Bad, oversized, unroutable or flooding messages are counted drops; the socket gets an error.
// With a shared store (Redis) the host may be bound on another instance: signal-relay.ts carries
// those messages. A socket's messages are handled one after another (some wait on the store).
import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { WebSocketServer, type WebSocket, type RawData } from 'ws';
import {
  MASTER_MAX_PEERS_PER_SESSION,
  MASTER_MAX_WS_CONNECTIONS,
  MASTER_MAX_WS_MESSAGE_BYTES,
  MASTER_MAX_WS_PER_IP,
  MASTER_WS_HELLO_TIMEOUT_MS,
  MASTER_WS_RATE_MAX_PER_WINDOW,
  MASTER_WS_RATE_WINDOW_MS,
} from './constants.js';
import { SignalRelay, type LocalSide } from './signal-relay.js';
import { TokenBucket, perWindow } from '../util/rate-limit.js';
import type { MasterStore } from './store/types.js';
import type { MasterDropReason, MasterStats } from './stats.js';
import { ClientMessage, type MasterErrorCode, type ServerMessage } from '../protocol/master-wire.js';

const PEER_ID_BYTES = 9;
const WS_CLOSE_TOO_BIG = 1009;
const WS_CLOSE_POLICY = 1008;

interface Conn {
  ws: WebSocket;
  ip: string;
  /** 'binding' while a hello waits on the store. */
  role: 'none' | 'binding' | 'host' | 'joiner';
  sessionId?: string;
  peerId?: string;
  /** A joiner's host instance when it is not this one. */
  hostInst?: string;
  closed: boolean;
  /** The tail of this socket's message handling (kept in order). */
  queue: Promise<void>;
  rate: TokenBucket;
  helloTimer?: NodeJS.Timeout;
}

const WS_RATE = perWindow(MASTER_WS_RATE_MAX_PER_WINDOW, MASTER_WS_RATE_WINDOW_MS);

export class SignalHub {
  readonly wss: WebSocketServer;
  readonly #hosts = new Map<string, Conn>();
  readonly #peers = new Map<string, Conn>();
  readonly #perIp = new Map<string, number>();
  /** Joiners (local and relayed) per session hosted here. */
  readonly #peersPer = new Map<string, number>();
  readonly #relay: SignalRelay | undefined;
  #conns = 0;

  constructor(
    private readonly store: MasterStore,
    private readonly stats: MasterStats,
    private readonly now: () => number,
  ) {
    this.wss = new WebSocketServer({ noServer: true, maxPayload: MASTER_MAX_WS_MESSAGE_BYTES });
    const local: LocalSide = {
      sendToHost: (sid, m) => {
        const h = this.#hosts.get(sid);
        if (h) this.#send(h, m);
        return h !== undefined;
      },
      sendToPeer: (peer, m) => {
        const p = this.#peers.get(peer);
        if (p) this.#send(p, m);
        return p !== undefined;
      },
      closePeer: (peer, reason) => this.#peers.get(peer)?.ws.close(1001, reason),
      peersOf: (sid) => this.#peersPer.get(sid) ?? 0,
      addPeers: (sid, d) => this.#addPeers(sid, d),
    };
    this.#relay = store.bus ? new SignalRelay(store.bus, local, stats) : undefined;
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
    const c: Conn = { ws, ip, role: 'none', rate: new TokenBucket(WS_RATE, this.now()), closed: false, queue: Promise.resolve() };
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
    c.queue = c.queue
      .then(() => this.#handle(c, m))
      .catch(() => {
        if (!c.closed) this.#refuse(c, 'store_unavailable', 'unavailable', 'lobby store unavailable; try again');
        if (c.role === 'binding') c.role = 'none';
      });
  }

  async #handle(c: Conn, m: ClientMessage): Promise<void> {
    if (c.closed) return;
    switch (m.t) {
      case 'host':
        return this.#onHost(c, m.sessionId, m.hostToken);
      case 'join':
        return this.#onJoin(c, m.sessionId);
      case 'signal':
        return this.#onSignal(c, m);
    }
  }

  async #onHost(c: Conn, sessionId: string, hostToken: string): Promise<void> {
    if (c.role !== 'none') return this.#refuse(c, 'ws_already_bound', 'already_bound', 'socket already bound');
    c.role = 'binding';
    // With a bus the proof and the route to this instance are one atomic step in the store.
    const v = this.store.bus ? await this.store.bus.bindHost(sessionId, hostToken) : await this.store.verifyHost(sessionId, hostToken);
    c.role = 'none';
    if (c.closed) {
      if (v === 'ok') void this.store.bus?.releaseHost(sessionId);
      return;
    }
    if (v === 'unknown_session') return this.#refuse(c, 'ws_unknown_session', 'unknown_session', 'no such session');
    if (v === 'bad_token') return this.#refuse(c, 'ws_bad_token', 'bad_token', 'host token does not match');
    const old = this.#hosts.get(sessionId);
    if (old) old.ws.close(WS_CLOSE_POLICY, 'replaced');
    c.role = 'host';
    c.sessionId = sessionId;
    this.#hosts.set(sessionId, c);
    this.#send(c, { t: 'ready', sessionId });
  }

  async #onJoin(c: Conn, sessionId: string): Promise<void> {
    if (c.role !== 'none') return this.#refuse(c, 'ws_already_bound', 'already_bound', 'socket already bound');
    c.role = 'binding';
    const peerId = randomBytes(PEER_ID_BYTES).toString('base64url');
    const host = this.#hosts.get(sessionId);
    let hostInst: string | undefined;
    let refusal: 'unknown_session' | 'session_full' | undefined;
    if (host) {
      if (!(await this.store.has(sessionId))) refusal = 'unknown_session';
      else if ((this.#peersPer.get(sessionId) ?? 0) >= MASTER_MAX_PEERS_PER_SESSION) refusal = 'session_full';
    } else {
      hostInst = this.#relay ? await this.store.bus?.hostOf(sessionId) : undefined;
      if (!this.#relay || !hostInst || hostInst === this.#relay.instanceId) refusal = 'unknown_session';
      else {
        const r = await this.#relay.join(sessionId, peerId, hostInst);
        if (!r.ok) refusal = r.code;
      }
    }
    c.role = 'none';
    if (c.closed) {
      if (hostInst && !refusal) {
        this.#relay?.claim(peerId); // nobody to deliver early signals to: drops them
        this.#relay?.left(hostInst, sessionId, peerId);
      }
      return;
    }
    if (refusal === 'session_full') return this.#refuse(c, 'ws_session_full', 'session_full', 'too many joiners waiting');
    if (refusal || (!hostInst && !this.#hosts.has(sessionId)))
      return this.#refuse(c, 'ws_unknown_session', 'unknown_session', 'no such session (or its host is not online)');
    c.role = 'joiner';
    c.sessionId = sessionId;
    c.peerId = peerId;
    c.hostInst = hostInst;
    this.#peers.set(peerId, c);
    this.#send(c, { t: 'joined', peerId });
    if (hostInst) this.#relay?.claim(peerId);
    if (!hostInst) {
      this.#addPeers(sessionId, 1);
      this.#send(this.#hosts.get(sessionId) as Conn, { t: 'peer', peerId });
    }
  }

  #onSignal(c: Conn, m: Extract<ClientMessage, { t: 'signal' }>): void {
    if (c.role === 'none' || c.role === 'binding') return this.#refuse(c, 'ws_not_ready', 'not_ready', 'say host or join first');
    const sid = c.sessionId as string;
    if (c.role === 'joiner') {
      if (c.hostInst && this.#relay) {
        this.stats.signalsRelayed++;
        return this.#relay.toHost(c.hostInst, sid, c.peerId as string, m.data);
      }
      const host = this.#hosts.get(sid);
      if (!host) return this.#refuse(c, 'ws_unknown_session', 'unknown_session', 'the host is gone');
      this.stats.signalsRelayed++;
      return this.#send(host, { t: 'signal', peerId: c.peerId as string, data: m.data });
    }
    const peer = m.peerId ? this.#peers.get(m.peerId) : undefined;
    if (peer && peer.sessionId === sid && !peer.hostInst) {
      this.stats.signalsRelayed++;
      return this.#send(peer, { t: 'signal', peerId: m.peerId as string, data: m.data });
    }
    if (m.peerId && this.#relay?.toPeer(sid, m.peerId, m.data)) {
      this.stats.signalsRelayed++;
      return;
    }
    this.#refuse(c, 'ws_unknown_peer', 'unknown_peer', 'no such peer in this session');
  }

  #addPeers(sessionId: string, delta: number): void {
    const n = (this.#peersPer.get(sessionId) ?? 0) + delta;
    if (n <= 0) this.#peersPer.delete(sessionId);
    else this.#peersPer.set(sessionId, n);
  }

  #onClose(c: Conn): void {
    c.closed = true;
    if (c.helloTimer) clearTimeout(c.helloTimer);
    this.#conns--;
    const n = (this.#perIp.get(c.ip) ?? 1) - 1;
    if (n <= 0) this.#perIp.delete(c.ip);
    else this.#perIp.set(c.ip, n);
    if (c.role === 'host' && c.sessionId && this.#hosts.get(c.sessionId) === c) {
      this.#hosts.delete(c.sessionId);
      this.#peersPer.delete(c.sessionId);
      for (const p of this.#peers.values()) if (p.sessionId === c.sessionId && !p.hostInst) p.ws.close(1001, 'host left');
      this.#relay?.hostGone(c.sessionId);
    }
    if (c.role === 'joiner' && c.peerId && c.sessionId) {
      this.#peers.delete(c.peerId);
      if (c.hostInst) {
        this.#relay?.left(c.hostInst, c.sessionId, c.peerId);
        return;
      }
      this.#addPeers(c.sessionId, -1);
      const host = this.#hosts.get(c.sessionId);
      if (host) this.#send(host, { t: 'left', peerId: c.peerId });
    }
  }
}
