// IMT-4 SnapshotInterpolator. Entities are shown interpDelayMs in the past, interpolated
// between the two snapshots around the playout time. On TickRateChange the target delay
// becomes max(2 × tickMs, 80); the playout clock then slews towards it by running at most
// ±SLEW_MAX_RATE faster or slower than real time: it never jumps back and never stops.
// When snapshots stop, entities are extrapolated along their velocity for at most
// MAX_EXTRAPOLATION_MS, then held.
// The interpolation is C (native-shims/sidecar/interpolator.c through interp-native.ts, the
// native path's second piece: docs/sidecar.md): the held states, the clock and the maths live
// in C memory; a snapshot goes in straight from the C receiver (pushFrom), and a sample is one
// call whose entities are read into reused objects. Here: the steering (the delay rule).
import { TICK_FAST_MS, interpDelayForTick } from '../protocol/constants.js';
import { FIELD_COUNT, type SnapshotState } from '../protocol/snapshot-format.js';
import {
  INTERP_NOT_HELD,
  loadInterpNative,
  OUT_STRIDE,
  O_ID,
  O_X,
  O_Y,
  O_Z,
  O_YAW,
  O_VX,
  O_VY,
  O_VZ,
  O_EXTRAPOLATED,
  type InterpHandle,
  type InterpNative,
} from './interp-native.js';
import { NativeOwned } from './native-owned.js';
import type { SnapshotReceiver } from './snapshot-receiver.js';

export { SLEW_MAX_RATE, SLEW_TIME_CONSTANT_MS, MAX_EXTRAPOLATION_MS, RESYNC_AHEAD_MS, OFFSET_SMOOTHING, BUFFER_MAX_SNAPSHOTS } from './interp-native.js';

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

/** Entities the sample buffer first has room for (then grown to what a sample needs). */
const OUT_INITIAL_ENTITIES = 256;

export class SnapshotInterpolator {
  readonly #native: InterpNative;
  readonly #ip: NativeOwned<InterpHandle>;
  /** The target delay, as set in C (kept here too: read on every snapshot, a call saved). */
  #targetDelayMs: number;
  /** A delay set by the player (LAN play, measurements) that tick-rate changes keep; null = ENet's rule. */
  readonly #fixedDelayMs: number | null;
  #pathAheadMs: number | null = null;
  /** What C writes a sample into: OUT_STRIDE doubles per entity. */
  #buf = new Float64Array(OUT_INITIAL_ENTITIES * OUT_STRIDE);
  #out: InterpolatedEntity[] = [];
  /** The entity objects sample() hands out, rewritten each call (no garbage per frame). */
  readonly #pool: InterpolatedEntity[] = [];

  constructor(tickMs = TICK_FAST_MS, fixedDelayMs: number | null = null, native: InterpNative = loadInterpNative()) {
    this.#native = native;
    this.#fixedDelayMs = fixedDelayMs;
    this.#targetDelayMs = fixedDelayMs ?? interpDelayForTick(tickMs);
    this.#ip = new NativeOwned(this, native.create(this.#targetDelayMs), (h) => native.destroy(h), 'coop_interp_create');
  }

  /** Frees the C memory now (later: nothing held, every sample empty). */
  close(): void {
    this.#ip.close();
  }

  /**
   * Paced (tick-pacer.ts): each sample's velocities become those that carry every entity to
   * where the interpolated path puts it this many ms of playout later — where the next paced
   * sample will put it — instead of the reported ones. A game that coasts on a state's velocity
   * until the next state (CoopProxies.Tick) then draws one continuous path through the samples.
   * null: the reported velocities.
   */
  get pathAheadMs(): number | null {
    return this.#pathAheadMs;
  }
  set pathAheadMs(ms: number | null) {
    this.#pathAheadMs = ms;
    const h = this.#ip.handle;
    if (h !== null) this.#native.setPathAhead(h, ms ?? 0);
  }

  /** The delay the playout clock is converging to: max(2 × tickMs, 80), or the fixed one. */
  get interpDelayMs(): number {
    return this.#targetDelayMs;
  }
  /** The delay actually in effect at the last sample (estimated server now − playout). */
  get currentDelayMs(): number {
    const h = this.#ip.handle;
    return h === null ? this.#targetDelayMs : this.#native.currentDelay(h);
  }
  get playoutMs(): number | null {
    const h = this.#ip.handle;
    const p = h === null ? NaN : this.#native.playout(h);
    return Number.isNaN(p) ? null : p;
  }
  /** Snapshots held. */
  get held(): number {
    const h = this.#ip.handle;
    return h === null ? 0 : this.#native.held(h);
  }

  onTickRateChange(tickMs: number): void {
    this.#targetDelayMs = this.#fixedDelayMs ?? interpDelayForTick(tickMs);
    const h = this.#ip.handle;
    if (h !== null) this.#native.setDelay(h, this.#targetDelayMs);
  }

  /** Adds a decoded snapshot stamped with the server's time, received at localNowMs (copied).
   * `arrivalKnown` false: it waited for a paced tick before it was read (receive-gate.ts), so
   * localNowMs is not its arrival and teaches the clock offset nothing. */
  push(serverTimeMs: number, state: SnapshotState, localNowMs: number, arrivalKnown = true): void {
    const h = this.#ip.handle;
    if (h === null) return;
    const n = Math.max(0, Math.min(state.count, state.ids.length, Math.floor(state.vals.length / FIELD_COUNT)));
    this.#native.push(h, serverTimeMs, state.ids, state.vals, n, localNowMs, arrivalKnown ? 1 : 0);
  }

  /** push() of the snapshot `tick` the receiver holds, from C memory to C memory (the normal
   * path: no copy through JavaScript). False when the receiver holds no such tick. */
  pushFrom(serverTimeMs: number, receiver: SnapshotReceiver, tick: number, localNowMs: number, arrivalKnown = true): boolean {
    const rx = receiver.handle;
    const h = this.#ip.handle;
    if (h === null || rx === null || receiver.libraryPath !== this.#native.path) return false;
    return this.#native.pushRx(h, serverTimeMs, rx, tick, localNowMs, arrivalKnown ? 1 : 0) !== INTERP_NOT_HELD;
  }

  /** Advances the playout clock to localNowMs and returns the entities to show (the array and
   * its objects are reused by the next call: copy what you keep). */
  sample(localNowMs: number): InterpolatedEntity[] {
    const out = this.#out;
    out.length = 0;
    const h = this.#ip.handle;
    if (h === null) return out;
    let buf = this.#buf;
    let n = this.#native.sample(h, localNowMs, buf, buf.length / OUT_STRIDE);
    if (n * OUT_STRIDE > buf.length) {
      this.#buf = buf = new Float64Array(n * 2 * OUT_STRIDE);
      n = this.#native.last(h, buf, n * 2);
    }
    const pool = this.#pool;
    for (let i = 0; i < n; i++) {
      let e = pool[i];
      if (!e) pool.push((e = { id: 0, x: 0, y: 0, z: 0, yaw: 0, vx: 0, vy: 0, vz: 0, extrapolated: false }));
      const o = i * OUT_STRIDE;
      e.id = buf[o + O_ID];
      e.x = buf[o + O_X];
      e.y = buf[o + O_Y];
      e.z = buf[o + O_Z];
      e.yaw = buf[o + O_YAW];
      e.vx = buf[o + O_VX];
      e.vy = buf[o + O_VY];
      e.vz = buf[o + O_VZ];
      e.extrapolated = buf[o + O_EXTRAPOLATED] !== 0;
      out.push(e);
    }
    return out;
  }
}
