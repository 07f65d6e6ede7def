// The sidecar's estimate of server time (the base of cinematics, dialogue and visemes): NTP's four
// timestamps per probe (t1 client send, t2 server receive, t3 server send, t4 client receive),
//   offset = ((t2 − t1) + (t3 − t4)) / 2,  delay = (t4 − t1) − (t3 − t2),
// and NTP's clock filter: of the last CLOCK_WINDOW_SAMPLES samples, trust the one with the least
// delay (queueing only ever adds delay, so the fastest round trip is the least skewed). Its error
// is at most delay / 2 (the bound shown on the dashboard); a path slower one way than the other
// biases it by half the difference, which no method can see.

/** Samples kept; the best (least delay) of these is the estimate. */
export const CLOCK_WINDOW_SAMPLES = 16;
/** Probes sent this often until the window is full (a good estimate within ~2 s of joining). */
export const CLOCK_PROBE_FAST_MS = 100;
/** Then this often (periodic refresh; a window spans CLOCK_WINDOW_SAMPLES × this). */
export const CLOCK_PROBE_MS = 1_000;
/** A reply later than this is not a useful sample (and its probe is forgotten). */
export const CLOCK_REPLY_MAX_MS = 5_000;
/** Probes awaiting a reply at most (older ones are forgotten). */
export const CLOCK_PENDING_MAX = 32;

export interface ClockSample {
  offsetMs: number;
  delayMs: number;
  atMs: number;
}
export type ClockReject = 'unknown_probe' | 'bad_times' | 'too_late';

export interface ClockReplyIn {
  seq: number;
  t1Ms: number;
  t2Ms: number;
  t3Ms: number;
}

export class ServerClock {
  readonly #now: () => number;
  readonly #pending = new Map<number, number>();
  readonly #window: ClockSample[] = [];
  #best: ClockSample | null = null;
  #seq = 0;
  readonly rejects: Record<ClockReject, number> = { unknown_probe: 0, bad_times: 0, too_late: 0 };

  constructor(now: () => number) {
    this.#now = now;
  }

  /** A new probe to send: its sequence number and t1. */
  probe(): { seq: number; t1Ms: number } {
    this.#seq = (this.#seq % 0xffff_fffe) + 1;
    const t1Ms = this.#now();
    this.#pending.set(this.#seq, t1Ms);
    if (this.#pending.size > CLOCK_PENDING_MAX) this.#pending.delete(this.#pending.keys().next().value as number);
    return { seq: this.#seq, t1Ms };
  }

  /** A server reply; null when taken as a sample, else why it was not. */
  reply(r: ClockReplyIn): ClockReject | null {
    const t4 = this.#now();
    const t1 = this.#pending.get(r.seq);
    if (t1 === undefined || t1 !== r.t1Ms) {
      this.rejects['unknown_probe']++;
      return 'unknown_probe';
    }
    this.#pending.delete(r.seq);
    const hold = r.t3Ms - r.t2Ms;
    const delay = t4 - t1 - hold;
    if (!Number.isFinite(r.t2Ms) || !Number.isFinite(r.t3Ms) || hold < 0 || delay < 0) {
      this.rejects['bad_times']++;
      return 'bad_times';
    }
    if (t4 - t1 > CLOCK_REPLY_MAX_MS) {
      this.rejects['too_late']++;
      return 'too_late';
    }
    this.#window.push({ offsetMs: (r.t2Ms - t1 + (r.t3Ms - t4)) / 2, delayMs: delay, atMs: t4 });
    if (this.#window.length > CLOCK_WINDOW_SAMPLES) this.#window.shift();
    this.#best = this.#window.reduce((a, b) => (b.delayMs < a.delayMs ? b : a));
    return null;
  }

  /** A probe sent within CLOCK_REPLY_MAX_MS still waits for its reply (whose arrival time counts). */
  get awaitingReply(): boolean {
    let newest = -Infinity;
    for (const t1 of this.#pending.values()) newest = Math.max(newest, t1);
    return this.#now() - newest <= CLOCK_REPLY_MAX_MS;
  }

  get synced(): boolean {
    return this.#best !== null;
  }
  get samples(): number {
    return this.#window.length;
  }
  /** Server clock − our clock, ms (0 before the first sample). */
  get offsetMs(): number {
    return this.#best?.offsetMs ?? 0;
  }
  /** How far off offsetMs can be on a symmetric path: half the best round trip, ms. */
  get errorBoundMs(): number {
    return this.#best ? this.#best.delayMs / 2 : Infinity;
  }
  get bestRttMs(): number {
    return this.#best?.delayMs ?? Infinity;
  }
  /** Probe period now: fast until the window is full, then the refresh period. */
  get probeIntervalMs(): number {
    return this.#window.length < CLOCK_WINDOW_SAMPLES ? CLOCK_PROBE_FAST_MS : CLOCK_PROBE_MS;
  }

  /** Server time now (our clock + offset); NaN until synced. */
  serverNow(): number {
    return this.#best ? this.#now() + this.#best.offsetMs : NaN;
  }
  /** Our clock's reading for a server time. */
  toLocal(serverMs: number): number {
    return serverMs - this.offsetMs;
  }
}
