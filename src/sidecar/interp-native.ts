// koffi binding of the sidecar's native interpolator (native-shims/include/coop_interp.h,
// native-shims/sidecar/interpolator.c), in the same shim as the snapshot receiver
// (snapshot-native.ts): libcoopbridge.so on Linux, coopbridge.dll on Windows. The held states,
// the playout clock and each sample's entities live in C memory; a sample is one call that
// writes every entity into a caller-owned Float64Array. interpolator.ts wraps it.
import koffi from 'koffi';
import { defaultLibraryPath, openShimLibrary } from '../../bridge/index.js';
import type { SnapRxHandle } from './snapshot-native.js';

/** coop_interp.h's tuning and limits (test/sidecar/interp-native.test.ts checks them against the header). */
export const SLEW_MAX_RATE = 0.1; // playout runs at 0.9x .. 1.1x real time while catching up
export const SLEW_TIME_CONSTANT_MS = 500; // error / tau = rate offset, clamped to ±SLEW_MAX_RATE
export const MAX_EXTRAPOLATION_MS = 200;
export const RESYNC_AHEAD_MS = 1000; // playout further behind than this (long stall) jumps forward
export const OFFSET_SMOOTHING = 0.05;
export const BUFFER_MAX_SNAPSHOTS = 64;

/** A sample's layout: OUT_STRIDE doubles per entity (coop_interp.h COOP_INTERP_O_*). */
export const OUT_STRIDE = 9;
export const O_ID = 0,
  O_X = 1,
  O_Y = 2,
  O_Z = 3,
  O_YAW = 4,
  O_VX = 5,
  O_VY = 6,
  O_VZ = 7,
  O_EXTRAPOLATED = 8;

/** push() answers, by code (coop_interp.h COOP_INTERP_*). */
export const INTERP_PUSH_ANSWERS = ['stored', 'late', 'bad-time', 'not-held', 'too-many', 'no-memory'] as const;
export type InterpPushAnswer = (typeof INTERP_PUSH_ANSWERS)[number];
export const interpPushCode = (name: InterpPushAnswer): number => INTERP_PUSH_ANSWERS.indexOf(name);
export const INTERP_NOT_HELD = interpPushCode('not-held');

/** Opaque `coop_interp*`. */
export type InterpHandle = object;

export interface InterpNative {
  readonly path: string;
  create(targetDelayMs: number): InterpHandle | null;
  destroy(h: InterpHandle): void;
  setDelay(h: InterpHandle, ms: number): void;
  delay(h: InterpHandle): number;
  setPathAhead(h: InterpHandle, ms: number): void;
  currentDelay(h: InterpHandle): number;
  /** NaN before the first sample. */
  playout(h: InterpHandle): number;
  held(h: InterpHandle): number;
  push(h: InterpHandle, serverTimeMs: number, ids: Uint32Array, vals: Int32Array, count: number, localNowMs: number, arrivalKnown: number): number;
  pushRx(h: InterpHandle, serverTimeMs: number, rx: SnapRxHandle, tick: number, localNowMs: number, arrivalKnown: number): number;
  /** The entity count; the entities written to out only when count ≤ cap. */
  sample(h: InterpHandle, localNowMs: number, out: Float64Array, cap: number): number;
  last(h: InterpHandle, out: Float64Array, cap: number): number;
}

const loaded = new Map<string, InterpNative>();

/** Binds the interpolator's functions once per path per process. */
export function loadInterpNative(path = defaultLibraryPath()): InterpNative {
  const cached = loaded.get(path);
  if (cached) return cached;
  const lib = openShimLibrary(path);
  // koffi type names are process-wide: one per loaded path. The receiver is any pointer
  // (its own opaque type belongs to snapshot-native.ts's binding).
  const typeName = `coop_interp_${loaded.size}`;
  koffi.opaque(typeName);
  const P = `${typeName} *`;
  const f = (proto: string) => lib.func(proto);
  const native: InterpNative = {
    path,
    create: f(`${P} coop_interp_create(double target_delay_ms)`),
    destroy: f(`void coop_interp_destroy(${P} ip)`),
    setDelay: f(`void coop_interp_set_delay(${P} ip, double ms)`),
    delay: f(`double coop_interp_delay(${P} ip)`),
    setPathAhead: f(`void coop_interp_set_path_ahead(${P} ip, double ms)`),
    currentDelay: f(`double coop_interp_current_delay(${P} ip)`),
    playout: f(`double coop_interp_playout(${P} ip)`),
    held: f(`uint32_t coop_interp_held(${P} ip)`),
    push: f(`int coop_interp_push(${P} ip, double server_ms, const uint32_t *ids, const int32_t *vals, uint32_t count, double local_ms, int known)`),
    pushRx: f(`int coop_interp_push_rx(${P} ip, double server_ms, const void *rx, int64_t tick, double local_ms, int known)`),
    sample: f(`int32_t coop_interp_sample(${P} ip, double local_ms, _Out_ double *out, uint32_t cap)`),
    last: f(`int32_t coop_interp_last(${P} ip, _Out_ double *out, uint32_t cap)`),
  };
  loaded.set(path, native);
  return native;
}
