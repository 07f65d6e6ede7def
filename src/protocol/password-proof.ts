// Session password proof, computed the same way by the sidecar (to send) and the server (to
// check): HMAC-SHA256, key = the password's UTF-8 bytes, message = PASSWORD_PROOF_CONTEXT ||
// nonce || session id. The password itself never crosses the wire, and a proof is only good for
// the one nonce the server chose for that connection.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { PASSWORD_PROOF_BYTES, PASSWORD_PROOF_CONTEXT } from './constants.js';

export function passwordProof(password: string, nonce: Uint8Array, sessionId: string): Uint8Array {
  const mac = createHmac('sha256', Buffer.from(password, 'utf8')).update(PASSWORD_PROOF_CONTEXT).update(nonce).update(Buffer.from(sessionId, 'utf8')).digest();
  return new Uint8Array(mac);
}

/** Constant-time check of a received proof; never throws (wrong length or empty = false). */
export function passwordProofOk(password: string, nonce: Uint8Array, sessionId: string, proof: Uint8Array): boolean {
  if (proof.length !== PASSWORD_PROOF_BYTES) return false;
  return timingSafeEqual(passwordProof(password, nonce, sessionId), proof);
}
