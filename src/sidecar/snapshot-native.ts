// koffi binding of the sidecar's native snapshot receiver (native-shims/include/coop_snapshot.h,
// native-shims/sidecar/snapshot_receiver.c), in the same shim as the bridge: libcoopbridge.so on
// Linux, coopbridge.dll on Windows. The receiver and its history of decoded states live in C
// memory; a state is copied out into caller-owned arrays (a view of C memory would dangle when
// the state's slot grows). snapshot-receiver.ts wraps it. It lives with the sidecar, not in bridge/ (which knows no network):
// only the library file is shared with the bridge.
import koffi from 'koffi';
import { defaultLibraryPath, openShimLibrary } from '../../bridge/index.js';

/** Why a snapshot was dropped, by code − 1 (coop_snapshot.h COOP_SNAP_*: the quoted names there
 * are these, checked by test/sidecar/snapshot-native.test.ts). */
export const SNAPSHOT_REJECTS = [
  'truncated',
  'bad-varint',
  'too-many',
  'id-overflow',
  'missing-base-entity',
  'duplicate-id',
  'bad-elapsed',
  'trailing-bytes',
  'missing-base',
  'old-tick',
  'no-memory',
  'too-long',
] as const;
export type SnapshotReject = (typeof SNAPSHOT_REJECTS)[number];
export const SNAP_OK = 0;
/** The code of a reject name (a reject is `SNAPSHOT_REJECTS[code − 1]`). */
export const snapshotRejectCode = (name: SnapshotReject): number => SNAPSHOT_REJECTS.indexOf(name) + 1;

/** coop_snapshot.h's limits (checked against the header by the same test). */
export const SNAP_HISTORY = 64;
export const SNAP_MAX_ENTITIES = 8192;

/** Opaque `coop_snap_rx*`. */
export type SnapRxHandle = object;

export interface SnapshotNative {
  readonly path: string;
  create(): SnapRxHandle | null;
  destroy(h: SnapRxHandle): void;
  /** 0 or a reject code (a tick must be an integer ≥ 0; −1 stands for any other). */
  receive(h: SnapRxHandle, tick: number, baseTick: number, data: Uint8Array, len: number): number;
  newest(h: SnapRxHandle): number;
  drops(h: SnapRxHandle): number;
  /** The held tick's entity count (its ids and vals copied when ≤ cap), or −1. */
  copy(h: SnapRxHandle, tick: number, ids: Uint32Array, vals: Int32Array, cap: number): number;
}

const loaded = new Map<string, SnapshotNative>();

/** Binds the receiver's functions once per path per process. */
export function loadSnapshotNative(path = defaultLibraryPath()): SnapshotNative {
  const cached = loaded.get(path);
  if (cached) return cached;
  const lib = openShimLibrary(path);
  // koffi type names are process-wide: one per loaded path.
  const typeName = `coop_snap_rx_${loaded.size}`;
  koffi.opaque(typeName);
  const P = `${typeName} *`;
  const f = (proto: string) => lib.func(proto);
  const native: SnapshotNative = {
    path,
    create: f(`${P} coop_snap_rx_create(void)`),
    destroy: f(`void coop_snap_rx_destroy(${P} rx)`),
    receive: f(`int coop_snap_rx_receive(${P} rx, int64_t tick, int64_t base_tick, const uint8_t *data, uint32_t len)`),
    newest: f(`int64_t coop_snap_rx_newest(${P} rx)`),
    drops: f(`uint32_t coop_snap_rx_drops(${P} rx)`),
    copy: f(`int32_t coop_snap_rx_copy(${P} rx, int64_t tick, _Out_ uint32_t *ids, _Out_ int32_t *vals, uint32_t cap)`),
  };
  loaded.set(path, native);
  return native;
}
