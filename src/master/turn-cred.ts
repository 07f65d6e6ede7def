// TURN REST credentials (coturn `use-auth-secret`) handed only to a player who proves their
// identity key: the master gives a single-use nonce, the player signs it with Ed25519.
// username = `${expiry}:${playerId}`, password = base64(HMAC-SHA1(secret, username)).
import { createHash, createHmac, createPublicKey, randomBytes, verify } from 'node:crypto';
import { MASTER_MAX_NONCES, MASTER_NONCE_BYTES, MASTER_NONCE_TTL_MS, MASTER_TURN_TTL_S } from './constants.js';
import { MASTER_CHALLENGE_PREFIX, type TurnCredentials } from '../protocol/master-wire.js';

const ED25519_PUBLIC_KEY_BYTES = 32;
const ED25519_SIGNATURE_BYTES = 64;

/**
 * The stable player id of an Ed25519 public key (raw 32 bytes): hex SHA-256, the same
 * fingerprint the server binds bans and saves to (src/protocol/identity.ts `fingerprint`).
 */
export function playerIdOf(publicKeyRaw: Uint8Array): string {
  return createHash('sha256').update(publicKeyRaw).digest('hex');
}

/** The exact bytes a player signs to answer a challenge nonce. */
export function challengeMessage(nonce: string): Buffer {
  return Buffer.from(MASTER_CHALLENGE_PREFIX + nonce, 'utf8');
}

/** coturn's REST scheme: the same computation coturn does with its static-auth-secret. */
export function turnRestCredentials(secret: string, playerId: string, nowMs: number, ttlS: number, uris: string[]): TurnCredentials {
  const expiry = Math.floor(nowMs / 1000) + ttlS;
  const username = `${expiry}:${playerId}`;
  const password = createHmac('sha1', secret).update(username).digest('base64');
  return { username, password, ttl: ttlS, uris };
}

export type CredRefusal = 'bad_key' | 'bad_signature' | 'unknown_nonce' | 'no_secret';
export type CredResult = { ok: true; cred: TurnCredentials; playerId: string } | { ok: false; code: CredRefusal };

export interface TurnCredIssuerOptions {
  /** The coturn static-auth-secret; undefined disables the endpoint (503). */
  secret: string | undefined;
  uris: string[];
  ttlS?: number;
  now: () => number;
}

export class TurnCredIssuer {
  /** nonce → expiry (ms). Insertion order = age, so the oldest is evicted first when full. */
  readonly #nonces = new Map<string, number>();
  readonly #opts: TurnCredIssuerOptions;

  constructor(opts: TurnCredIssuerOptions) {
    this.#opts = opts;
  }

  get enabled(): boolean {
    return this.#opts.secret !== undefined && this.#opts.secret.length > 0;
  }

  challenge(): { nonce: string; expiresInMs: number } {
    this.sweep();
    while (this.#nonces.size >= MASTER_MAX_NONCES) {
      const oldest = this.#nonces.keys().next().value as string;
      this.#nonces.delete(oldest);
    }
    const nonce = randomBytes(MASTER_NONCE_BYTES).toString('base64url');
    this.#nonces.set(nonce, this.#opts.now() + MASTER_NONCE_TTL_MS);
    return { nonce, expiresInMs: MASTER_NONCE_TTL_MS };
  }

  /** Checks the proof (single-use nonce, Ed25519 signature) and issues credentials. */
  issue(keyB64: string, nonce: string, sigB64: string): CredResult {
    const secret = this.#opts.secret;
    if (!secret) return { ok: false, code: 'no_secret' };
    const key = Buffer.from(keyB64, 'base64url');
    const sig = Buffer.from(sigB64, 'base64url');
    if (key.length !== ED25519_PUBLIC_KEY_BYTES) return { ok: false, code: 'bad_key' };
    if (sig.length !== ED25519_SIGNATURE_BYTES) return { ok: false, code: 'bad_signature' };
    const expiry = this.#nonces.get(nonce);
    if (expiry === undefined || expiry < this.#opts.now()) return { ok: false, code: 'unknown_nonce' };
    let good = false;
    try {
      const pub = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: key.toString('base64url') }, format: 'jwk' });
      good = verify(null, challengeMessage(nonce), pub, sig);
    } catch {
      return { ok: false, code: 'bad_key' };
    }
    if (!good) return { ok: false, code: 'bad_signature' };
    this.#nonces.delete(nonce); // single use, only once proven
    const playerId = playerIdOf(key);
    const cred = turnRestCredentials(secret, playerId, this.#opts.now(), this.#opts.ttlS ?? MASTER_TURN_TTL_S, this.#opts.uris);
    return { ok: true, cred, playerId };
  }

  sweep(): void {
    const now = this.#opts.now();
    for (const [n, exp] of this.#nonces) if (exp < now) this.#nonces.delete(n);
  }

  get outstandingNonces(): number {
    return this.#nonces.size;
  }
}
