// Heartbeat and peer watch. Each side bumps its heartbeat word every heartbeatMs; the other side
// sees it attach (its pid appears), leave (pid cleared on close), die (pid no longer alive) or
// stall (heartbeat frozen for peerTimeoutMs over several of our own checks, so a pause of our
// own event loop is never mistaken for a dead peer).
import { BEAT_OFF, PEER_NAME, PID_OFF, type Role } from './layout.js';

export type PeerGoneReason = 'closed' | 'died' | 'timeout';

/** Repeating timers for the heartbeat check (the bridge imports nothing from src/, so the
 * sidecar's src/util IntervalTimers fits this by shape). */
export interface BridgeIntervals {
  setInterval(fn: () => void, ms: number): unknown;
  clearInterval(handle: unknown): void;
}

const NODE_INTERVALS: BridgeIntervals = {
  setInterval: (fn, ms) => setInterval(fn, ms),
  clearInterval: (h) => clearInterval(h as NodeJS.Timeout),
};

export interface PeerMonitorOptions {
  view: ArrayBuffer;
  role: Role;
  heartbeatMs: number;
  peerTimeoutMs: number;
  peerAlive: () => boolean;
  onAttached: (pid: number) => void;
  /** Called on every check (the bridge's lost-wake fallback). */
  onTick?: () => void;
  onGone: (reason: PeerGoneReason) => void;
  now?: () => number;
  /** The heartbeat check's timer; default Node's. A sidecar passes timers that ride on the
   * game's frames (the check may then run up to their slack late: the freeze detection counts
   * its own checks, and the peer timeout is seconds). */
  intervals?: BridgeIntervals;
}

export class PeerMonitor {
  readonly #i32: Int32Array;
  readonly #o: PeerMonitorOptions;
  readonly #myBeat: number;
  readonly #peerBeat: number;
  readonly #peerPid: number;
  #timer: unknown;
  readonly #intervals: BridgeIntervals;
  #attachedPid = 0;
  #lastBeat = 0;
  #lastChangeAt = 0;
  #frozenChecks = 0;

  constructor(o: PeerMonitorOptions) {
    this.#o = o;
    this.#intervals = o.intervals ?? NODE_INTERVALS;
    this.#i32 = new Int32Array(o.view, 0, 128);
    this.#myBeat = BEAT_OFF[o.role] / 4;
    this.#peerBeat = BEAT_OFF[PEER_NAME[o.role]] / 4;
    this.#peerPid = PID_OFF[PEER_NAME[o.role]] / 4;
  }

  start(): void {
    // First check on the next turn, so handlers registered right after openBridge() see it.
    setImmediate(() => this.#timer !== undefined && this.check());
    this.#timer = this.#intervals.setInterval(() => this.check(), this.#o.heartbeatMs);
  }

  stop(): void {
    if (this.#timer !== undefined) this.#intervals.clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /** One heartbeat + peer check (the timer calls it; tests may too). */
  check(): void {
    Atomics.add(this.#i32, this.#myBeat, 1);
    this.#o.onTick?.();
    const now = (this.#o.now ?? Date.now)();
    const pid = Atomics.load(this.#i32, this.#peerPid) >>> 0;
    if (this.#attachedPid === 0) {
      if (pid !== 0 && this.#o.peerAlive()) {
        this.#attachedPid = pid;
        this.#lastBeat = Atomics.load(this.#i32, this.#peerBeat);
        this.#lastChangeAt = now;
        this.#frozenChecks = 0;
        this.#o.onAttached(pid);
      }
      return;
    }
    if (pid !== this.#attachedPid) return this.#gone(pid === 0 ? 'closed' : 'died');
    if (!this.#o.peerAlive()) return this.#gone('died');
    const beat = Atomics.load(this.#i32, this.#peerBeat);
    if (beat !== this.#lastBeat) {
      this.#lastBeat = beat;
      this.#lastChangeAt = now;
      this.#frozenChecks = 0;
      return;
    }
    this.#frozenChecks++;
    const minChecks = Math.max(2, Math.ceil(this.#o.peerTimeoutMs / this.#o.heartbeatMs));
    if (now - this.#lastChangeAt >= this.#o.peerTimeoutMs && this.#frozenChecks >= minChecks) this.#gone('timeout');
  }

  #gone(reason: PeerGoneReason): void {
    this.#attachedPid = 0;
    this.#o.onGone(reason);
  }
}
