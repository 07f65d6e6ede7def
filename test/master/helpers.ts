// Small HTTP/WebSocket helpers for the master tests (source address selectable for per-IP limits).
import { request } from 'node:http';
import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import WebSocket from 'ws';
import { challengeMessage } from '../../src/master/turn-cred.js';

export interface HttpReply {
  status: number;
  body: Record<string, unknown>;
}

export function http(base: string, method: string, path: string, body?: unknown, localAddress?: string, rawBody?: string): Promise<HttpReply> {
  return new Promise((resolve, reject) => {
    const text = rawBody ?? (body === undefined ? undefined : JSON.stringify(body));
    const req = request(
      `${base}${path}`,
      { method, localAddress, agent: false, headers: text ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) } : {} },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          let parsed: Record<string, unknown> = {};
          try {
            parsed = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
          } catch {
            /* empty */
          }
          resolve({ status: res.statusCode ?? 0, body: parsed });
        });
      },
    );
    req.on('error', reject);
    if (text) req.write(text);
    req.end();
  });
}

export interface Identity {
  publicRaw: Buffer;
  privateKey: KeyObject;
}

export function newIdentity(): Identity {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const jwk = publicKey.export({ format: 'jwk' });
  return { publicRaw: Buffer.from(jwk.x as string, 'base64url'), privateKey };
}

export function proofQuery(id: Identity, nonce: string): string {
  const sig = sign(null, challengeMessage(nonce), id.privateKey).toString('base64url');
  return `/api/turnCred?key=${id.publicRaw.toString('base64url')}&nonce=${nonce}&sig=${sig}`;
}

/** A WebSocket that queues incoming JSON messages for `next()`. */
export class WsClient {
  readonly ws: WebSocket;
  readonly #queue: unknown[] = [];
  readonly #waiters: ((m: unknown) => void)[] = [];
  closed: Promise<number>;
  constructor(url: string) {
    this.ws = new WebSocket(url);
    this.ws.on('message', (d) => {
      const m = JSON.parse(d.toString()) as unknown;
      const w = this.#waiters.shift();
      if (w) w(m);
      else this.#queue.push(m);
    });
    this.closed = new Promise((resolve) => this.ws.on('close', (code) => resolve(code)));
  }
  open(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.ws.once('open', () => resolve());
      this.ws.once('error', reject);
    });
  }
  send(m: unknown): void {
    this.ws.send(typeof m === 'string' ? m : JSON.stringify(m));
  }
  next(): Promise<Record<string, unknown>> {
    const m = this.#queue.shift();
    if (m !== undefined) return Promise.resolve(m as Record<string, unknown>);
    return new Promise((resolve) => this.#waiters.push((x) => resolve(x as Record<string, unknown>)));
  }
  close(): void {
    this.ws.close();
  }
}
