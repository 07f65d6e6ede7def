// Test helper: a koffi binding of the game's proxies in C (native-shims/include/coop_proxies.h,
// native-shims/sidecar/proxies.c), in the same shim as the interpolator. Tests only: the
// production binding belongs to the native path's wiring.
import koffi from 'koffi';
import { defaultLibraryPath, openShimLibrary } from '../../bridge/index.js';

/** coop_proxies.h's answers (COOP_PROXIES_*). */
export const PROXIES_OK = 0;
export const PROXIES_ERR_ARGS = -1;
export const PROXIES_ERR_TOO_LONG = -2;
export const PROXIES_ERR_BAD_NAME = -3;
export const PROXIES_ERR_NO_MEMORY = -4;
export const PROXIES_ERR_DROPPED = -5;

/** Opaque `coop_proxies*`. */
export type ProxiesHandle = object;

export interface ProxiesNative {
  create(): ProxiesHandle | null;
  destroy(p: ProxiesHandle): void;
  known(p: ProxiesHandle, id: number, kind: number, name: Uint8Array | null, nameLen: number): number;
  /** region: a `coop_region*` from bridge/native.ts loadNative().open. */
  forget(p: ProxiesHandle, region: object, id: number): number;
  forgetAll(p: ProxiesHandle, region: object): void;
  frame(p: ProxiesHandle, region: object, tickUs: number, sampled: Float64Array, count: number): number;
  spawnedCount(p: ProxiesHandle): number;
  /** Frames still waiting for ring space after writing what fits, or a negative code. */
  flush(p: ProxiesHandle, region: object): number;
}

const loaded = new Map<string, ProxiesNative>();

export function loadProxiesNative(path = defaultLibraryPath()): ProxiesNative {
  const cached = loaded.get(path);
  if (cached) return cached;
  const lib = openShimLibrary(path);
  const typeName = `coop_proxies_test_${loaded.size}`;
  koffi.opaque(typeName);
  const P = `${typeName} *`;
  const f = (proto: string) => lib.func(proto);
  const native: ProxiesNative = {
    create: f(`${P} coop_proxies_create(void)`),
    destroy: f(`void coop_proxies_destroy(${P} p)`),
    known: f(`int coop_proxies_known(${P} p, uint32_t id, uint8_t kind, const uint8_t *name, uint32_t name_len)`),
    forget: f(`int coop_proxies_forget(${P} p, void *game, uint32_t id)`),
    forgetAll: f(`void coop_proxies_forget_all(${P} p, void *game)`),
    frame: f(`int32_t coop_proxies_frame(${P} p, void *game, uint32_t tick_us, const double *sampled, int32_t count)`),
    spawnedCount: f(`uint32_t coop_proxies_spawned_count(${P} p)`),
    flush: f(`int32_t coop_proxies_flush(${P} p, void *game)`),
  };
  loaded.set(path, native);
  return native;
}
