// Edge validation of what clients send: a value either passes whole or the message is a
// counted drop. Never throws.
import type { PlayerState, Hello } from '../protocol/schema.gen.js';
import { MAX_COORD_M, MAX_SPEED_MPS, PLAYER_NAME_MAX_CHARS, ED25519_PUBLIC_KEY_BYTES, CHAT_TEXT_MAX_CHARS } from '../protocol/constants.js';
import { MODE_NAMES } from './connection.js';
import type { EntityPose } from './world.js';

const finiteWithin = (v: unknown, lim: number): v is number => typeof v === 'number' && Number.isFinite(v) && Math.abs(v) <= lim;

/** A pose from PlayerState, or null when any field is NaN, infinite or out of range. */
export function poseFrom(ps: PlayerState | undefined): EntityPose | null {
  if (!ps) return null;
  const { x, y, z, yaw, vx, vy, vz } = ps;
  if (!finiteWithin(x, MAX_COORD_M) || !finiteWithin(y, MAX_COORD_M) || !finiteWithin(z, MAX_COORD_M)) return null;
  if (!finiteWithin(yaw, 1000)) return null;
  if (!finiteWithin(vx, MAX_SPEED_MPS) || !finiteWithin(vy, MAX_SPEED_MPS) || !finiteWithin(vz, MAX_SPEED_MPS)) return null;
  return { x, y, z, yaw, vx, vy, vz };
}

export function modeFrom(ps: PlayerState): number | null {
  const m = ps.mode ?? 0;
  return Number.isInteger(m) && m >= 0 && m < MODE_NAMES.length ? m : null;
}

// C0/C1 controls and bidi overrides have no place in a name.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

/** The reason a Hello is malformed (beside the version, checked first), or null. */
export function helloProblem(h: Hello): string | null {
  const name = h.name ?? '';
  if (name.trim() === '' || [...name].length > PLAYER_NAME_MAX_CHARS || CONTROL.test(name)) {
    return `name must be 1..${PLAYER_NAME_MAX_CHARS} printable characters`;
  }
  if (!h.publicKey || h.publicKey.length !== ED25519_PUBLIC_KEY_BYTES) return `public key must be ${ED25519_PUBLIC_KEY_BYTES} bytes (Ed25519)`;
  if (!poseFrom(h.initialState)) return 'initial state has NaN or out-of-range coordinates';
  return null;
}

/** Chat text the server accepts for relay (the admin gate may clean it further). */
export function chatTextOk(text: string | undefined): text is string {
  return typeof text === 'string' && text.length > 0 && text.length <= CHAT_TEXT_MAX_CHARS * 4;
}
