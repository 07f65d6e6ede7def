// Client side of the snapshot deltas: keeps the recent decoded snapshots (the possible bases),
// decodes each new one against its base, and says which tick to acknowledge. The decoder and
// the history are C (native-shims/sidecar/snapshot_receiver.c, through snapshot-native.ts):
// the one decoder of the format, its states in C memory for the native per-frame path to come
// (docs/sidecar.md "The native path"). Here: the steering; the interpolator takes a state from
// C memory (SnapshotInterpolator.pushFrom), receive() copies one out for other callers.
import { loadSnapshotNative, SNAPSHOT_REJECTS, SNAP_HISTORY, SNAP_OK, type SnapRxHandle, type SnapshotNative, type SnapshotReject } from './snapshot-native.js';
import { NativeOwned } from './native-owned.js';
import { emptyState, ensureCapacity, type SnapshotState } from '../protocol/snapshot-format.js';

/** Decoded snapshots kept as bases; the server never bases on older than its 32-tick history. */
export const RECEIVER_HISTORY = SNAP_HISTORY;
/** Entities the copied-out state first has room for (then grown as a snapshot needs). */
const OUT_INITIAL_ENTITIES = 256;
/** What the C side takes as "not an integer tick ≥ 0": an old tick, or a missing base. */
const NOT_A_TICK = -1;

export type { SnapshotReject };
export type ReceiveResult = { ok: true; tick: number; state: SnapshotState } | { ok: false; reason: SnapshotReject };

const asTick = (t: number): number => (Number.isSafeInteger(t) && t >= 0 ? t : NOT_A_TICK);

export class SnapshotReceiver {
  readonly #native: SnapshotNative;
  readonly #rx: NativeOwned<SnapRxHandle>;
  /** The state receive() and state() hand out, copied from C memory: reused by the next call. */
  readonly #out: SnapshotState = emptyState(OUT_INITIAL_ENTITIES);

  constructor(native: SnapshotNative = loadSnapshotNative()) {
    this.#native = native;
    this.#rx = new NativeOwned(this, native.create(), (h) => native.destroy(h), 'coop_snap_rx_create');
  }

  get newestTick(): number {
    const h = this.#rx.handle;
    return h === null ? -1 : Number(this.#native.newest(h));
  }

  /** The `coop_snap_rx*` for the other native pieces (the interpolator's pushFrom), null once closed. */
  get handle(): SnapRxHandle | null {
    return this.#rx.handle;
  }
  /** The shim the receiver lives in (a handle is only good for functions of the same one). */
  get libraryPath(): string {
    return this.#native.path;
  }

  /** Snapshots rejected (each receive() that returned ok: false). */
  get drops(): number {
    const h = this.#rx.handle;
    return h === null ? 0 : this.#native.drops(h);
  }

  /** Frees the C memory now (later calls: nothing held, every receive an 'old-tick'). */
  close(): void {
    this.#rx.close();
  }

  /** The decoded state of a tick still held, or null; valid until the next state() or receive(). */
  state(tick: number): SnapshotState | null {
    const h = this.#rx.handle;
    const t = asTick(tick);
    if (h === null || t === NOT_A_TICK) return null;
    const out = this.#out;
    let n = this.#native.copy(h, t, out.ids, out.vals, out.ids.length);
    if (n < 0) return null;
    if (n > out.ids.length) {
      ensureCapacity(out, n);
      n = this.#native.copy(h, t, out.ids, out.vals, out.ids.length);
    }
    out.count = n;
    return out;
  }

  /** Decodes snapshot `tick` against `baseTick` (0: a full one); the state is valid until the
   * next state() or receive(). Hostile bytes are a rejection with its reason, never a throw. */
  receive(tick: number, baseTick: number, data: Uint8Array): ReceiveResult {
    const reason = this.decode(tick, baseTick, data);
    return reason === null ? { ok: true, tick, state: this.state(tick)! } : { ok: false, reason };
  }

  /** receive() without the copy: the state stays in C memory (for the interpolator's pushFrom).
   * null when decoded, else why it was dropped. */
  decode(tick: number, baseTick: number, data: Uint8Array): SnapshotReject | null {
    const h = this.#rx.handle;
    if (h === null) return 'old-tick';
    const rc = this.#native.receive(h, asTick(tick), baseTick === 0 ? 0 : asTick(baseTick), data, data.length);
    // Every code the C side returns is named (a test holds the table to coop_snapshot.h).
    return rc === SNAP_OK ? null : SNAPSHOT_REJECTS[rc - 1];
  }
}
