// The dashboard's admin token: COOP_ADMIN_TOKEN when set (at least DASH_TOKEN_MIN_CHARS), else
// a random one generated at start and printed once. Compared in constant time.
import { randomBytes, createHash, timingSafeEqual } from 'node:crypto';
import { DASH_TOKEN_BYTES, DASH_TOKEN_MIN_CHARS } from '../admin/constants.js';

export interface AdminToken {
  readonly token: string;
  /** True when generated here (the caller prints it); false when taken from the environment. */
  readonly generated: boolean;
}

export class TokenError extends Error {
  override readonly name = 'TokenError';
}

export function resolveAdminToken(env: NodeJS.ProcessEnv = process.env): AdminToken {
  const fromEnv = env.COOP_ADMIN_TOKEN;
  if (fromEnv !== undefined && fromEnv !== '') {
    if (fromEnv.length < DASH_TOKEN_MIN_CHARS || /\s/.test(fromEnv)) {
      throw new TokenError(`COOP_ADMIN_TOKEN must be at least ${DASH_TOKEN_MIN_CHARS} characters without spaces`);
    }
    return { token: fromEnv, generated: false };
  }
  return { token: randomBytes(DASH_TOKEN_BYTES).toString('hex'), generated: true };
}

export type TokenCheck = 'ok' | 'missing' | 'wrong';

/** Checks an `Authorization: Bearer <token>` header. Hashing first makes the compare length-blind. */
export function checkBearer(header: string | undefined, token: string): TokenCheck {
  if (header === undefined) return 'missing';
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!m) return 'missing';
  const a = createHash('sha256').update(m[1]).digest();
  const b = createHash('sha256').update(token).digest();
  return timingSafeEqual(a, b) ? 'ok' : 'wrong';
}
