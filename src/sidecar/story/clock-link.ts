// Runs the sidecar's ServerClock: probes the server (fast until the window is full, then every
// CLOCK_PROBE_MS), feeds it the replies, reports the error bound to the server for its dashboard
// every CLOCK_REPORT_MS, and answers the game's ServerTimeRequest over the bridge.
import { CHANNEL_RELIABLE, CHANNEL_SNAPSHOT } from '../../protocol/constants.js';
import type { EMsg } from '../../protocol/schema.gen.js';
import type { ServerSend, StoryGame } from './game-port.js';
import { ServerClock } from './server-clock.js';
import { nodeIntervals, nodeTimers, type IntervalTimers, type Timers } from '../../util/clock.js';

/** The probe's and the report's timers. Either may fire late (never early): a probe's times are
 * taken when it leaves and when its reply comes, and the report is for a dashboard. */
export type ClockLinkTimers = Timers & IntervalTimers;
const NODE_TIMERS: ClockLinkTimers = { ...nodeTimers, ...nodeIntervals };

/** How often the sidecar tells the server its clock error bound. */
export const CLOCK_REPORT_MS = 2_000;

export class ClockLink {
  clock: ServerClock;
  readonly #now: () => number;
  readonly #send: ServerSend;
  readonly #timers: ClockLinkTimers;
  #probeTimer: unknown = null;
  #reportTimer: unknown = null;
  readonly #off: () => void;
  readonly #onProbe: (() => void) | undefined;

  /** onProbe: a probe just left; its reply's arrival time counts (a paced sidecar reads the socket as datagrams come until then). */
  constructor(o: { game: StoryGame; send: ServerSend; now: () => number; onProbe?: () => void; timers?: ClockLinkTimers }) {
    this.#now = o.now;
    this.#timers = o.timers ?? NODE_TIMERS;
    this.#send = o.send;
    this.#onProbe = o.onProbe;
    this.clock = new ServerClock(o.now);
    this.#off = o.game.on('ServerTimeRequest', (m) => {
      const c = this.clock;
      const localTimeMs = this.#now();
      o.game.trySend('ServerTimeReply', {
        requestId: m.requestId,
        serverTimeMs: c.synced ? localTimeMs + c.offsetMs : 0,
        localTimeMs,
        errorBoundMs: c.synced ? c.errorBoundMs : -1,
        synced: c.synced,
      });
    });
  }

  /** Joined a server: a fresh estimate (a new server has a new clock). */
  start(): void {
    this.stop();
    this.clock = new ServerClock(this.#now);
    const probe = (): void => {
      const p = this.clock.probe();
      this.#send({ clockProbe: p }, CHANNEL_SNAPSHOT);
      this.#onProbe?.();
      this.#probeTimer = this.#timers.setTimeout(probe, this.clock.probeIntervalMs);
    };
    probe();
    this.#reportTimer = this.#timers.setInterval(() => {
      if (this.clock.synced) this.#send({ clockReport: { errorBoundMs: this.clock.errorBoundMs, bestRttMs: this.clock.bestRttMs } }, CHANNEL_RELIABLE);
    }, CLOCK_REPORT_MS);
  }

  reply(m: NonNullable<EMsg['clockReply']>): void {
    this.clock.reply({ seq: m.seq ?? 0, t1Ms: m.t1Ms ?? NaN, t2Ms: m.t2Ms ?? NaN, t3Ms: m.t3Ms ?? NaN });
  }

  stop(): void {
    if (this.#probeTimer !== null) this.#timers.clearTimeout(this.#probeTimer);
    if (this.#reportTimer !== null) this.#timers.clearInterval(this.#reportTimer);
    this.#probeTimer = this.#reportTimer = null;
  }

  close(): void {
    this.stop();
    this.#off();
  }
}
