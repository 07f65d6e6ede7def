// The live dashboard: GET /status (JSON), the page (/, /dash.js, /dash.css), live pushes over
// the WebSocket /ws, and POST /admin/kick|ban|mute with the admin token. Loopback by default.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, WebSocket } from 'ws';
import type { AdminController, AdminOutcome } from '../admin/admin-controller.js';
import type { AdminLog, SessionView } from '../admin/session-view.js';
import { ADMIN_MUTE_MAX_S, DASH_DEFAULT_HOST, DASH_DEFAULT_PORT, DASH_PUSH_MS, DASH_WS_MAX_CLIENTS } from '../admin/constants.js';
import { buildStatus, type StatusJson } from './status-json.js';
import { checkBearer } from './token.js';
import { HostPolicy, readJsonBody, securityHeaders, sendJson } from './http-guards.js';
import { loadStaticFiles, type StaticFile } from './static-files.js';

export interface WebDashOptions {
  readonly session: SessionView;
  readonly controller: AdminController;
  readonly token: string;
  readonly host?: string;
  /** 0 picks a free port (tests). */
  readonly port?: number;
  readonly log: AdminLog;
  readonly pushMs?: number;
}

const OUTCOME_STATUS: Record<AdminOutcome['code'], number> = {
  OK: 200,
  NOOP: 200,
  BAD_INPUT: 400,
  NO_SUCH_PEER: 404,
  REFUSED: 403,
  FAILED: 500,
};

export class WebDash {
  readonly #o: WebDashOptions;
  readonly #files: Map<string, StaticFile>;
  readonly #policy: HostPolicy;
  readonly #http: Server;
  readonly #wss: WebSocketServer;
  #timer: NodeJS.Timeout | undefined;
  #port = 0;

  constructor(opts: WebDashOptions) {
    this.#o = opts;
    this.#files = loadStaticFiles();
    this.#policy = new HostPolicy(opts.host ?? DASH_DEFAULT_HOST);
    this.#http = createServer((req, res) => {
      this.#onRequest(req, res).catch((err: Error) => {
        // a bug behind a route must not take the game server down: log it, answer 500
        this.#o.log.warn({ event: 'dash.error', err: err.message, url: req.url }, 'dashboard request failed');
        if (!res.headersSent) sendJson(res, 500, { error: 'internal error' });
        else res.destroy();
      });
    });
    this.#http.on('clientError', (_err, socket) => socket.destroy());
    this.#http.requestTimeout = 10_000;
    this.#http.headersTimeout = 5_000;
    this.#wss = new WebSocketServer({ noServer: true, maxPayload: 1024 });
    this.#http.on('upgrade', (req, socket, head) => this.#onUpgrade(req, socket, head));
  }

  /** Starts listening; resolves the bound port. */
  listen(): Promise<number> {
    return new Promise((resolve, reject) => {
      this.#http.once('error', reject);
      this.#http.listen(this.#o.port ?? DASH_DEFAULT_PORT, this.#o.host ?? DASH_DEFAULT_HOST, () => {
        this.#http.off('error', reject);
        this.#port = (this.#http.address() as AddressInfo).port;
        resolve(this.#port);
      });
    });
  }

  get port(): number {
    return this.#port;
  }

  /** The bound interface address (127.0.0.1 unless --dash-host said otherwise). */
  get address(): string {
    const a = this.#http.address();
    return a && typeof a === 'object' ? a.address : '';
  }

  status(): StatusJson {
    return buildStatus(this.#o.session, (id) => this.#o.controller.isMuted(id));
  }

  /** Sends the current status to every /ws client now. */
  pushNow(): void {
    if (this.#wss.clients.size === 0) return;
    const frame = JSON.stringify({ type: 'status', status: this.status() });
    for (const c of this.#wss.clients) if (c.readyState === WebSocket.OPEN) c.send(frame);
  }

  close(): Promise<void> {
    clearInterval(this.#timer);
    this.#timer = undefined;
    for (const c of this.#wss.clients) c.terminate();
    this.#wss.close();
    this.#http.closeAllConnections();
    return new Promise((resolve) => this.#http.close(() => resolve()));
  }

  async #onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const host = req.headers.host;
    securityHeaders(res, host);
    if (!this.#policy.hostAllowed(host)) return sendJson(res, 421, { error: 'unknown Host' });
    const path = (req.url ?? '/').split('?')[0];
    if (req.method === 'GET' || req.method === 'HEAD') {
      if (path === '/status') return sendJson(res, 200, this.status());
      if (path === '/favicon.ico') {
        res.writeHead(204).end(); // no icon; saves the browser a logged 404
        return;
      }
      const file = this.#files.get(path);
      if (!file) return sendJson(res, 404, { error: 'not found' });
      res.writeHead(200, { 'Content-Type': file.type, 'Content-Length': file.body.length });
      res.end(req.method === 'HEAD' ? undefined : file.body);
      return;
    }
    if (req.method === 'POST' && path.startsWith('/admin/')) return this.#onAdmin(req, res, path.slice('/admin/'.length));
    res.setHeader('Allow', 'GET, HEAD, POST');
    return sendJson(res, 405, { error: 'method not allowed' });
  }

  async #onAdmin(req: IncomingMessage, res: ServerResponse, action: string): Promise<void> {
    if (!this.#policy.originAllowed(req.headers.origin, req.headers.host)) {
      this.#o.log.warn({ event: 'dash.origin_refused', origin: req.headers.origin }, 'admin POST from a foreign origin refused');
      req.resume();
      return sendJson(res, 403, { error: 'foreign Origin' });
    }
    const auth = checkBearer(req.headers.authorization, this.#o.token);
    if (auth !== 'ok') {
      this.#o.log.warn({ event: 'dash.auth_refused', action, why: auth, remote: req.socket.remoteAddress }, 'admin POST without a valid token');
      req.resume();
      if (auth === 'missing') res.setHeader('WWW-Authenticate', 'Bearer realm="coop-server"');
      return sendJson(res, auth === 'missing' ? 401 : 403, { error: auth === 'missing' ? 'admin token required' : 'wrong admin token' });
    }
    if (action !== 'kick' && action !== 'ban' && action !== 'mute') {
      req.resume();
      return sendJson(res, 404, { error: `no admin action ${JSON.stringify(action.slice(0, 20))}` });
    }
    const body = await readJsonBody(req);
    if (!body.ok) return sendJson(res, body.status, { error: body.error });
    const v = body.value as { peerId?: unknown; secs?: unknown } | null;
    const peerId = v && typeof v === 'object' ? v.peerId : undefined;
    if (typeof peerId !== 'number' || !Number.isSafeInteger(peerId) || peerId < 0) {
      return sendJson(res, 400, { error: 'peerId must be a non-negative integer' });
    }
    const actor = { kind: 'dashboard' } as const;
    let out: AdminOutcome;
    if (action === 'mute') {
      const secs = v?.secs;
      if (typeof secs !== 'number' || !Number.isInteger(secs) || secs < 1 || secs > ADMIN_MUTE_MAX_S) {
        return sendJson(res, 400, { error: `secs must be an integer 1..${ADMIN_MUTE_MAX_S}` });
      }
      out = await this.#o.controller.mute(peerId, secs, actor);
    } else {
      out = action === 'kick' ? await this.#o.controller.kick(peerId, actor) : await this.#o.controller.ban(peerId, actor);
    }
    sendJson(res, OUTCOME_STATUS[out.code], out);
    this.pushNow();
  }

  #onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const refuse = (status: string, why: string): void => {
      this.#o.log.warn({ event: 'dash.ws_refused', why, origin: req.headers.origin }, 'WebSocket upgrade refused');
      socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    };
    socket.on('error', () => socket.destroy());
    if ((req.url ?? '').split('?')[0] !== '/ws') return refuse('404 Not Found', 'path');
    if (!this.#policy.hostAllowed(req.headers.host)) return refuse('421 Misdirected Request', 'host');
    if (!this.#policy.originAllowed(req.headers.origin, req.headers.host)) return refuse('403 Forbidden', 'origin');
    if (this.#wss.clients.size >= DASH_WS_MAX_CLIENTS) return refuse('503 Service Unavailable', 'full');
    this.#wss.handleUpgrade(req, socket, head, (ws) => {
      ws.on('message', () => undefined); // push only; client frames are ignored
      ws.on('error', () => ws.terminate());
      ws.send(JSON.stringify({ type: 'status', status: this.status() }));
      this.#ensureTimer();
    });
  }

  #ensureTimer(): void {
    if (this.#timer) return;
    this.#timer = setInterval(() => {
      if (this.#wss.clients.size === 0) {
        clearInterval(this.#timer);
        this.#timer = undefined;
        return;
      }
      this.pushNow();
    }, this.#o.pushMs ?? DASH_PUSH_MS);
    this.#timer.unref();
  }
}
