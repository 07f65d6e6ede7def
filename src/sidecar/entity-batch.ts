// One RemoteEntityStates frame per game frame: the interpolated entities that moved since the
// last frame the game was given, in one bridge message instead of one message per entity (120
// proxies at 60 Hz were 7,200 bridge frames a second). The state objects are kept per entity and
// rewritten in place, so a frame allocates nothing once every proxy has been seen.
import type { InterpolatedEntity } from './interpolator.js';
import type { EntityState } from './game-link.js';

/** At most this many entities a frame: a larger set goes as several frames (≈ 45 KB each). */
export const ENTITY_STATES_MAX_PER_FRAME = 1024;

const quatFromYawInto = (yaw: number, q: EntityState['rot']): void => {
  q.x = 0;
  q.y = 0;
  q.z = Math.sin(yaw / 2);
  q.w = Math.cos(yaw / 2);
};

interface Sent {
  s: EntityState;
  yaw: number;
}

function blank(id: number): Sent {
  return { s: { entityId: id, pos: { x: NaN, y: NaN, z: NaN }, rot: { x: 0, y: 0, z: 0, w: 1 }, vel: { x: NaN, y: NaN, z: NaN } }, yaw: NaN };
}

/** The last state the game was given of each entity, and the changed ones of the frame being built. */
export class EntityStateBatch {
  readonly #last = new Map<number, Sent>();
  readonly #changed: EntityState[] = [];

  /** Starts a frame. */
  begin(): void {
    this.#changed.length = 0;
  }

  /** Adds e to the frame if it differs from what the game last got; returns its state object. */
  add(e: InterpolatedEntity): EntityState {
    let sent = this.#last.get(e.id);
    if (!sent) {
      sent = blank(e.id);
      this.#last.set(e.id, sent);
    }
    const s = sent.s,
      p = s.pos,
      v = s.vel;
    if (p.x === e.x && p.y === e.y && p.z === e.z && v.x === e.vx && v.y === e.vy && v.z === e.vz && sent.yaw === e.yaw) return s;
    p.x = e.x;
    p.y = e.y;
    p.z = e.z;
    v.x = e.vx;
    v.y = e.vy;
    v.z = e.vz;
    sent.yaw = e.yaw;
    quatFromYawInto(e.yaw, s.rot);
    this.#changed.push(s);
    return s;
  }

  /** The frame's changed states in chunks of at most ENTITY_STATES_MAX_PER_FRAME (reused arrays). */
  *chunks(): Generator<readonly EntityState[]> {
    const all = this.#changed;
    if (all.length <= ENTITY_STATES_MAX_PER_FRAME) {
      if (all.length > 0) yield all;
      return;
    }
    for (let i = 0; i < all.length; i += ENTITY_STATES_MAX_PER_FRAME) yield all.slice(i, i + ENTITY_STATES_MAX_PER_FRAME);
  }

  /** The entity left the game (despawned): its next sighting is sent whatever it holds. */
  forget(id: number): void {
    this.#last.delete(id);
  }

  forgetAll(): void {
    this.#last.clear();
  }
}
