// Datagrams from the server ride on the game's frames. While the game sends frames, the UDP
// socket is not watched by the event loop, so a snapshot or a voice packet does not wake the
// process by itself (beside a 60 Hz game that was 40 snapshots and up to 50 voice packets a
// second, each a wake); each game frame, which wakes it anyway, reads what waits in the socket's
// OS buffer (UdpTransport.receiveWaiting: recv(2) on demand). A datagram thus waits up to one game
// frame, which nothing the game shows is later for while the interpolation delay is a frame or
// more: a snapshot is not on screen before its playout time anyway, its ack rides with the next
// input, and voice plays on game frames. So the socket is watched as usual whenever that does not
// hold: an interpolation delay under a frame (bench:e2e shows each snapshot as it arrives), a game
// whose frames come further apart than FRAME_STALE_MS (a voice packet would wait too long), a game
// that stopped sending frames (loading, a stall: noticed on the bridge's heartbeat check, so a
// datagram then waits at most one check, and once, when the frames stop, the check's own lateness:
// it rides on the frames, util/wake-timers.ts), and once the link closes.
// Paced by the server's tick (tick-pacer.ts), datagrams ride on the paced ticks instead, up to a
// tick late: a held snapshot's read time is then not its arrival (`holding` says so while it is
// read), so every PACED_CALIBRATE_MS the socket is watched for one tick and that tick's
// datagrams come as they arrive, with true times for the interpolator's clock offset. So do all
// of them while story sync waits for a message whose arrival time or latency counts (a clock
// probe's reply, an open dialogue wheel's advance, a cutscene: Story.prompt).
import { FRAME_STALE_MS } from './sidecar.js';

/** How often a paced sidecar lets one tick's datagrams come as they arrive (one wake or two). */
export const PACED_CALIBRATE_MS = 1_000;

/** A datagram source that can stop taking datagrams in as they come and read them on demand. */
export interface Receivable {
  setReceiving(on: boolean): void;
  /** Hands the waiting datagrams on; how many. */
  receiveWaiting(): number;
}

export class ReceiveGate {
  readonly #source: Receivable;
  /** The event loop watches the socket (datagrams come as they arrive). */
  #watched = true;
  #lastFrameMs = -Infinity;
  #closed = false;
  #calibratedMs = -Infinity;
  #holding = false;
  /** Datagrams read on game frames (and paced ticks) so far. */
  readOnFrames = 0;

  constructor(source: Receivable) {
    this.#source = source;
  }

  /** Whether the event loop watches the socket now (false: datagrams wait for a game frame). */
  get watched(): boolean {
    return this.#watched;
  }

  /**
   * A game frame at nowMs: reads what waits. `mayHold`: later datagrams may wait for the next
   * frame (false while the interpolation delay is under a frame: then they come as they arrive).
   */
  frame(nowMs: number, mayHold: boolean): void {
    if (this.#closed) return;
    // a game slower than FRAME_STALE_MS a frame would hold datagrams too long (voice at 10 Hz)
    const often = nowMs - this.#lastFrameMs <= FRAME_STALE_MS;
    this.#lastFrameMs = nowMs;
    this.#watch(!(mayHold && often));
    if (!this.#watched) this.readOnFrames += this.#source.receiveWaiting();
  }

  /** Whether the datagrams being handed on now waited for a paced tick (their arrival unknown). */
  get holding(): boolean {
    return this.#holding;
  }

  /** A paced tick at nowMs (tick-pacer.ts): reads what waits; the socket is then watched until
   * the next paced tick when `mayHold` is false (story sync waits for a message whose arrival
   * time or latency counts) and now and then (calibration, above). */
  pacedTick(nowMs: number, mayHold = true): void {
    if (this.#closed) return;
    this.#lastFrameMs = nowMs;
    this.#watch(false);
    this.#holding = true;
    try {
      this.readOnFrames += this.#source.receiveWaiting();
    } finally {
      this.#holding = false;
    }
    if (nowMs - this.#calibratedMs >= PACED_CALIBRATE_MS) {
      this.#calibratedMs = nowMs;
      this.#watch(true);
    }
    if (!mayHold) this.#watch(true);
  }

  /** Story sync now waits for such a message (e.g. a clock probe just left): datagrams come as
   * they arrive until the next paced tick or game frame decides again. */
  prompt(): void {
    this.#watch(true);
  }

  /** The bridge's heartbeat check: a game that stopped sending frames gets datagrams as they come. */
  check(nowMs: number): void {
    if (nowMs - this.#lastFrameMs >= FRAME_STALE_MS) this.#watch(true);
  }

  /** The link is going away: datagrams come as they arrive from now on. */
  close(): void {
    this.#watch(true);
    this.#closed = true;
  }

  #watch(on: boolean): void {
    if (this.#closed || on === this.#watched) return;
    this.#watched = on;
    // watched again, what waits is read on the next turn
    this.#source.setReceiving(on);
  }
}
