// Edge checks of the dashboard's HTTP surface: Host (against DNS rebinding), Origin (against
// cross-site requests and WebSocket hijacking), bounded JSON bodies, security headers.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { DASH_BODY_MAX_BYTES, DASH_BODY_TIMEOUT_MS } from '../admin/constants.js';

const LOOPBACK_NAMES = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

/** Host names a request may name: loopback ones when bound to loopback, plus the bound host. */
export class HostPolicy {
  readonly #bindHost: string;
  readonly #anyHost: boolean;

  constructor(bindHost: string) {
    this.#bindHost = bindHost.toLowerCase();
    // Bound to every interface on purpose (--dash-host 0.0.0.0 / ::): any Host name may reach us.
    this.#anyHost = bindHost === '0.0.0.0' || bindHost === '::';
  }

  /** True when the Host header names this dashboard. */
  hostAllowed(hostHeader: string | undefined): boolean {
    if (!hostHeader) return false;
    if (this.#anyHost) return true;
    const name = hostName(hostHeader);
    return LOOPBACK_NAMES.has(name) || name === this.#bindHost || `[${this.#bindHost}]` === name;
  }

  /** An absent Origin (non-browser client) is allowed; a present one must be this very page. */
  originAllowed(origin: string | undefined, hostHeader: string | undefined): boolean {
    if (origin === undefined) return true;
    if (!hostHeader || !this.hostAllowed(hostHeader)) return false;
    return origin.toLowerCase() === `http://${hostHeader.toLowerCase()}`;
  }
}

function hostName(hostHeader: string): string {
  const h = hostHeader.trim().toLowerCase();
  if (h.startsWith('[')) return h.slice(0, h.indexOf(']') + 1);
  const colon = h.lastIndexOf(':');
  return colon >= 0 ? h.slice(0, colon) : h;
}

export type BodyResult = { ok: true; value: unknown } | { ok: false; status: number; error: string };

/** Reads a JSON body of at most DASH_BODY_MAX_BYTES; never throws. */
export function readJsonBody(req: IncomingMessage): Promise<BodyResult> {
  return new Promise((resolve) => {
    const type = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
    if (type !== 'application/json') {
      resolve({ ok: false, status: 415, error: 'Content-Type must be application/json' });
      req.resume();
      return;
    }
    const declared = Number(req.headers['content-length'] ?? '0');
    if (declared > DASH_BODY_MAX_BYTES) {
      resolve({ ok: false, status: 413, error: `body over ${DASH_BODY_MAX_BYTES} bytes` });
      req.resume();
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const finish = (r: BodyResult): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(r);
    };
    const timer = setTimeout(() => {
      finish({ ok: false, status: 408, error: 'body too slow' });
      req.destroy();
    }, DASH_BODY_TIMEOUT_MS);
    timer.unref();
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > DASH_BODY_MAX_BYTES) {
        finish({ ok: false, status: 413, error: `body over ${DASH_BODY_MAX_BYTES} bytes` });
        req.resume();
        return;
      }
      if (!settled) chunks.push(c);
    });
    req.on('error', () => finish({ ok: false, status: 400, error: 'request aborted' }));
    req.on('end', () => {
      try {
        finish({ ok: true, value: JSON.parse(Buffer.concat(chunks).toString('utf8')) });
      } catch {
        finish({ ok: false, status: 400, error: 'body is not JSON' });
      }
    });
  });
}

/** Headers on every response; the CSP forbids inline script and every foreign source. */
export function securityHeaders(res: ServerResponse, hostHeader: string | undefined): void {
  const ws = hostHeader && /^[A-Za-z0-9.:[\]-]{1,300}$/.test(hostHeader) ? ` ws://${hostHeader}` : '';
  res.setHeader(
    'Content-Security-Policy',
    `default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'${ws}; ` +
      "base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  );
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('Cache-Control', 'no-store');
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}
