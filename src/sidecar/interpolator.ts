// IMT-4 SnapshotInterpolator. Entities are shown interpDelayMs in the past, interpolated
// between the two snapshots around the playout time. On TickRateChange the target delay
// becomes max(2 × tickMs, 80); the playout clock then slews towards it by running at most
// ±SLEW_MAX_RATE faster or slower than real time: it never jumps back and never stops.
// When snapshots stop, entities are extrapolated along their velocity for at most
// MAX_EXTRAPOLATION_MS, then held.
import { TICK_FAST_MS, interpDelayForTick } from '../protocol/constants.js';
import { FIELD_COUNT, F_X, F_Y, F_Z, F_YAW, F_VX, F_VY, F_VZ, dequantPos, dequantVel, dequantYaw, type SnapshotState } from '../protocol/snapshot-format.js';

export const SLEW_MAX_RATE = 0.1; // playout runs at 0.9x .. 1.1x real time while catching up
export const SLEW_TIME_CONSTANT_MS = 500; // error / tau = rate offset, clamped to ±SLEW_MAX_RATE
export const MAX_EXTRAPOLATION_MS = 200;
export const RESYNC_AHEAD_MS = 1000; // playout further behind than this (long stall) jumps forward
export const OFFSET_SMOOTHING = 0.05;
export const BUFFER_MAX_SNAPSHOTS = 64;

export interface InterpolatedEntity {
  id: number;
  x: number;
  y: number;
  z: number;
  yaw: number;
  vx: number;
  vy: number;
  vz: number;
  extrapolated: boolean;
}

interface Buffered {
  timeMs: number;
  count: number;
  ids: Uint32Array;
  vals: Int32Array;
}

const lerp = (a: number, b: number, t: number): number => a + (b - a) * t;
/** An angle wrapped into [-π, π] (inputs within one turn of it: yaws and their differences). */
function wrapAngle(a: number): number {
  return a > Math.PI ? a - 2 * Math.PI : a < -Math.PI ? a + 2 * Math.PI : a;
}
/** The shorter way from yaw a to yaw b (both in [-π, π]); arithmetic, not four trig calls a proxy a frame. */
function lerpAngle(a: number, b: number, t: number): number {
  return wrapAngle(a + wrapAngle(b - a) * t);
}

export class SnapshotInterpolator {
  #targetDelayMs: number;
  /** A delay set by the player (LAN play, measurements) that tick-rate changes keep; null = ENet's rule. */
  readonly #fixedDelayMs: number | null;
  #buf: Buffered[] = [];
  #offsetMs: number | null = null; // server time - local time
  #playoutMs: number | null = null; // in server time
  #lastLocalMs = 0;
  #out: InterpolatedEntity[] = [];
  /** The entity objects sample() hands out, rewritten each call (no garbage per frame). */
  readonly #pool: InterpolatedEntity[] = [];
  /**
   * Paced (tick-pacer.ts): each sample's velocities become those that carry every entity to
   * where the interpolated path puts it this many ms of playout later — where the next paced
   * sample will put it — instead of the reported ones. A game that coasts on a state's velocity
   * until the next state (CoopProxies.Tick) then draws one continuous path through the samples.
   * null: the reported velocities.
   */
  pathAheadMs: number | null = null;

  constructor(tickMs = TICK_FAST_MS, fixedDelayMs: number | null = null) {
    this.#fixedDelayMs = fixedDelayMs;
    this.#targetDelayMs = fixedDelayMs ?? interpDelayForTick(tickMs);
  }

  /** The delay the playout clock is converging to: max(2 × tickMs, 80), or the fixed one. */
  get interpDelayMs(): number {
    return this.#targetDelayMs;
  }
  /** The delay actually in effect at the last sample (estimated server now − playout). */
  get currentDelayMs(): number {
    return this.#playoutMs === null || this.#offsetMs === null ? this.#targetDelayMs : this.#lastLocalMs + this.#offsetMs - this.#playoutMs;
  }
  get playoutMs(): number | null {
    return this.#playoutMs;
  }

  onTickRateChange(tickMs: number): void {
    this.#targetDelayMs = this.#fixedDelayMs ?? interpDelayForTick(tickMs);
  }

  /** Adds a decoded snapshot stamped with the server's time, received at localNowMs.
   * `arrivalKnown` false: it waited for a paced tick before it was read (receive-gate.ts), so
   * localNowMs is not its arrival and teaches the clock offset nothing. */
  push(serverTimeMs: number, state: SnapshotState, localNowMs: number, arrivalKnown = true): void {
    if (!Number.isFinite(serverTimeMs)) return;
    const sample = serverTimeMs - localNowMs;
    // The fastest arrival is the truest clock offset (slower ones only waited longer): follow a
    // faster one at once, drift down slowly. A mean would put the playout behind half the
    // snapshots by their extra transit, which the interpolation delay then has to absorb.
    if (this.#offsetMs === null || (arrivalKnown && sample > this.#offsetMs)) this.#offsetMs = sample;
    else if (arrivalKnown) this.#offsetMs += (sample - this.#offsetMs) * OFFSET_SMOOTHING;
    const last = this.#buf[this.#buf.length - 1];
    if (last && serverTimeMs <= last.timeMs) return; // late or duplicate: already past it
    const n = state.count;
    this.#buf.push({
      timeMs: serverTimeMs,
      count: n,
      ids: state.ids.slice(0, n),
      vals: state.vals.slice(0, n * FIELD_COUNT),
    });
    if (this.#buf.length > BUFFER_MAX_SNAPSHOTS) this.#buf.shift();
  }

  /** Advances the playout clock to localNowMs and returns the entities to show (the array and
   * its objects are reused by the next call: copy what you keep). */
  sample(localNowMs: number): InterpolatedEntity[] {
    const out = this.#sampleNow(localNowMs);
    if (this.pathAheadMs !== null && this.#playoutMs !== null) this.#pathVelocities(this.#playoutMs + this.pathAheadMs, this.pathAheadMs);
    return out;
  }

  /** Sets each emitted entity's velocity to reach its interpolated position at playout time t2
   * (aheadMs on); left as reported where t2 lies past the newest snapshot or the entity is gone by then. */
  #pathVelocities(t2: number, aheadMs: number): void {
    const buf = this.#buf;
    let i = 0;
    while (i + 2 < buf.length && buf[i + 1].timeMs <= t2) i++;
    const a = buf[i],
      b = buf.length > i + 1 ? buf[i + 1] : null;
    if (!b || t2 > b.timeMs || t2 < a.timeMs) return;
    const f = (t2 - a.timeMs) / (b.timeMs - a.timeMs),
      perS = 1000 / aheadMs;
    let ai = 0,
      bi = 0;
    for (const e of this.#out) {
      while (bi < b.count && b.ids[bi] < e.id) bi++;
      if (bi >= b.count || b.ids[bi] !== e.id) continue;
      while (ai < a.count && a.ids[ai] < e.id) ai++;
      const o = bi * FIELD_COUNT,
        v = b.vals;
      let x = dequantPos(v[o + F_X]),
        y = dequantPos(v[o + F_Y]),
        z = dequantPos(v[o + F_Z]);
      if (ai < a.count && a.ids[ai] === e.id) {
        const p = ai * FIELD_COUNT,
          w = a.vals;
        x = lerp(dequantPos(w[p + F_X]), x, f);
        y = lerp(dequantPos(w[p + F_Y]), y, f);
        z = lerp(dequantPos(w[p + F_Z]), z, f);
      }
      e.vx = (x - e.x) * perS;
      e.vy = (y - e.y) * perS;
      e.vz = (z - e.z) * perS;
    }
  }

  #sampleNow(localNowMs: number): InterpolatedEntity[] {
    const out = this.#out;
    out.length = 0;
    if (this.#offsetMs === null || this.#buf.length === 0) return out;
    const target = localNowMs + this.#offsetMs - this.#targetDelayMs;
    if (this.#playoutMs === null || target - this.#playoutMs > RESYNC_AHEAD_MS) {
      this.#playoutMs = target;
    } else {
      const dt = Math.max(0, localNowMs - this.#lastLocalMs);
      const err = target - (this.#playoutMs + dt); // error after a real-time step
      const rate = 1 + Math.max(-SLEW_MAX_RATE, Math.min(SLEW_MAX_RATE, err / SLEW_TIME_CONSTANT_MS));
      this.#playoutMs += dt * rate;
    }
    this.#lastLocalMs = localNowMs;
    const t = this.#playoutMs;
    const buf = this.#buf;
    while (buf.length > 2 && buf[1].timeMs <= t) buf.shift(); // keep one snapshot at or before t
    const a = buf[0];
    const b = buf.length > 1 ? buf[1] : null;
    if (!b || t >= b.timeMs) {
      const s = b ?? a;
      const ahead = Math.min(Math.max(0, t - s.timeMs), MAX_EXTRAPOLATION_MS) / 1000;
      for (let i = 0; i < s.count; i++) this.#emit(s, i, null, 0, 0, ahead);
      return out;
    }
    if (t <= a.timeMs) {
      for (let i = 0; i < a.count; i++) this.#emit(a, i, null, 0, 0, 0);
      return out;
    }
    const f = (t - a.timeMs) / (b.timeMs - a.timeMs);
    let ai = 0;
    for (let i = 0; i < b.count; i++) {
      const id = b.ids[i];
      while (ai < a.count && a.ids[ai] < id) ai++;
      if (ai < a.count && a.ids[ai] === id) this.#emit(b, i, a, ai, f, 0);
      else this.#emit(b, i, null, 0, 0, 0);
    }
    return out;
  }

  /** Emits entity i of s; with `from`, interpolated from from[fi] towards s[i] by f. */
  #emit(s: Buffered, i: number, from: Buffered | null, fi: number, f: number, aheadS: number): void {
    const o = i * FIELD_COUNT,
      v = s.vals;
    let x = dequantPos(v[o + F_X]),
      y = dequantPos(v[o + F_Y]),
      z = dequantPos(v[o + F_Z]);
    let yaw = dequantYaw(v[o + F_YAW]);
    let vx = dequantVel(v[o + F_VX]),
      vy = dequantVel(v[o + F_VY]),
      vz = dequantVel(v[o + F_VZ]);
    if (from) {
      const p = fi * FIELD_COUNT,
        w = from.vals;
      x = lerp(dequantPos(w[p + F_X]), x, f);
      y = lerp(dequantPos(w[p + F_Y]), y, f);
      z = lerp(dequantPos(w[p + F_Z]), z, f);
      yaw = lerpAngle(dequantYaw(w[p + F_YAW]), yaw, f);
      vx = lerp(dequantVel(w[p + F_VX]), vx, f);
      vy = lerp(dequantVel(w[p + F_VY]), vy, f);
      vz = lerp(dequantVel(w[p + F_VZ]), vz, f);
    } else if (aheadS > 0) {
      x += vx * aheadS;
      y += vy * aheadS;
      z += vz * aheadS;
    }
    const n = this.#out.length;
    let e = this.#pool[n];
    if (!e) this.#pool.push((e = { id: 0, x: 0, y: 0, z: 0, yaw: 0, vx: 0, vy: 0, vz: 0, extrapolated: false }));
    e.id = s.ids[i];
    e.x = x;
    e.y = y;
    e.z = z;
    e.yaw = yaw;
    e.vx = vx;
    e.vy = vy;
    e.vz = vz;
    e.extrapolated = aheadS > 0;
    this.#out.push(e);
  }
}
