// Heartbeat and peer watch. Each side bumps its heartbeat word every heartbeatMs; the other side
// sees it attach (its pid appears), leave (pid cleared on close), die (pid no longer alive) or
// stall (heartbeat frozen for peerTimeoutMs over several of our own checks, so a pause of our
// own event loop is never mistaken for a dead peer).
import { BEAT_OFF, PEER_NAME, PID_OFF, type Role } from './layout.js';

export type PeerGoneReason = 'closed' | 'died' | 'timeout';

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
}

export class PeerMonitor {
  readonly #i32: Int32Array;
  readonly #o: PeerMonitorOptions;
  readonly #myBeat: number;
  readonly #peerBeat: number;
  readonly #peerPid: number;
  #timer: NodeJS.Timeout | undefined;
  #attachedPid = 0;
  #lastBeat = 0;
  #lastChangeAt = 0;
  #frozenChecks = 0;

  constructor(o: PeerMonitorOptions) {
    this.#o = o;
    this.#i32 = new Int32Array(o.view, 0, 128);
    this.#myBeat = BEAT_OFF[o.role] / 4;
    this.#peerBeat = BEAT_OFF[PEER_NAME[o.role]] / 4;
    this.#peerPid = PID_OFF[PEER_NAME[o.role]] / 4;
  }

  start(): void {
    // First check on the next turn, so handlers registered right after openBridge() see it.
    setImmediate(() => this.#timer && this.check());
    this.#timer = setInterval(() => this.check(), this.#o.heartbeatMs);
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
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
