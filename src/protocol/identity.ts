// Player identity: an Ed25519 key pair made once per install (node:crypto). The server proves
// possession with a signature over CHALLENGE_CONTEXT || nonce || session id.
import { generateKeyPairSync, createPublicKey, createPrivateKey, sign, verify, createHash, type KeyObject } from 'node:crypto';
import { CHALLENGE_CONTEXT, ED25519_PUBLIC_KEY_BYTES, ED25519_SIGNATURE_BYTES } from './constants.js';

// DER prefix of an Ed25519 SubjectPublicKeyInfo; the raw 32-byte key follows it.
const SPKI_ED25519_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

export interface IdentityKeys {
  publicKeyRaw: Uint8Array;
  privateKey: KeyObject;
}

export function generateIdentity(): IdentityKeys {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  return { publicKeyRaw: rawPublicKey(publicKey), privateKey };
}

export function rawPublicKey(key: KeyObject): Uint8Array {
  const der = key.export({ format: 'der', type: 'spki' });
  return new Uint8Array(der.subarray(der.length - ED25519_PUBLIC_KEY_BYTES));
}

export function exportPrivatePem(keys: IdentityKeys): string {
  return keys.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
}

export function importPrivatePem(pem: string): IdentityKeys {
  const privateKey = createPrivateKey(pem);
  if (privateKey.asymmetricKeyType !== 'ed25519') throw new TypeError('identity key is not Ed25519');
  return { privateKey, publicKeyRaw: rawPublicKey(createPublicKey(privateKey)) };
}

/** Stable identity: hex SHA-256 of the raw public key, 64 chars (what bans and saves bind to). */
export function fingerprint(publicKeyRaw: Uint8Array): string {
  return createHash('sha256').update(publicKeyRaw).digest('hex');
}

function challengeBytes(nonce: Uint8Array, sessionId: string): Buffer {
  return Buffer.concat([Buffer.from(CHALLENGE_CONTEXT), nonce, Buffer.from(sessionId)]);
}

export function signChallenge(keys: IdentityKeys, nonce: Uint8Array, sessionId: string): Uint8Array {
  return new Uint8Array(sign(null, challengeBytes(nonce, sessionId), keys.privateKey));
}

/** Never throws: malformed keys or signatures verify as false. */
export function verifyChallenge(publicKeyRaw: Uint8Array, nonce: Uint8Array, sessionId: string, sig: Uint8Array): boolean {
  if (publicKeyRaw.length !== ED25519_PUBLIC_KEY_BYTES || sig.length !== ED25519_SIGNATURE_BYTES) return false;
  try {
    const key = createPublicKey({ key: Buffer.concat([SPKI_ED25519_PREFIX, publicKeyRaw]), format: 'der', type: 'spki' });
    return verify(null, challengeBytes(nonce, sessionId), key, sig);
  } catch {
    return false;
  }
}
