// When the sidecar re-joins a server whose link was lost (a crashed server, a network blip):
// a few attempts with growing pauses, counted from the last successful join. A refusal or a
// goodbye from the server (kick, ban, shutdown) is not a lost link and is never retried.

/** Attempts after one lost link before the sidecar gives up. */
export const REJOIN_ATTEMPTS = 5;
/** Pause before the first attempt; doubles each time up to REJOIN_MAX_DELAY_MS. */
export const REJOIN_FIRST_DELAY_MS = 1_000;
export const REJOIN_MAX_DELAY_MS = 8_000;

export interface RejoinOptions {
  attempts?: number;
  firstDelayMs?: number;
  maxDelayMs?: number;
}

export class RejoinSchedule {
  readonly attempts: number;
  readonly #firstDelayMs: number;
  readonly #maxDelayMs: number;
  #attempt = 0;

  constructor(o: RejoinOptions = {}) {
    this.attempts = o.attempts ?? REJOIN_ATTEMPTS;
    this.#firstDelayMs = o.firstDelayMs ?? REJOIN_FIRST_DELAY_MS;
    this.#maxDelayMs = o.maxDelayMs ?? REJOIN_MAX_DELAY_MS;
  }

  /** Attempts made since the last successful join. */
  get attempt(): number {
    return this.#attempt;
  }
  get rejoining(): boolean {
    return this.#attempt > 0;
  }

  /** The pause before the next attempt (counting it), or undefined when none are left. */
  next(): number | undefined {
    if (this.#attempt >= this.attempts) return undefined;
    const delay = Math.min(this.#firstDelayMs * 2 ** this.#attempt, this.#maxDelayMs);
    this.#attempt++;
    return delay;
  }

  /** A join succeeded: the next lost link starts counting again. */
  joined(): void {
    this.#attempt = 0;
  }
}
