// Who is muted and until when, keyed by persistent identity so a reconnect does not lift a
// mute. Kept in memory only (a server restart lifts mutes; bans persist). The chat relay reads
// it now; the voice relay reads the same table later (`isMuted(identity)`).
import type { Clock } from '../../util/clock.js';
import { ADMIN_MUTE_MAX_S } from './constants.js';

export interface MuteEntry {
  readonly identity: string;
  /** Clock time (ms) when the mute ends. */
  readonly untilMs: number;
}

export class MuteTable {
  #clock: Clock;
  #mutes = new Map<string, number>();

  constructor(clock: Clock) {
    this.#clock = clock;
  }

  /** Mutes for `secs` seconds from now (replacing any earlier mute). 1 ≤ secs ≤ ADMIN_MUTE_MAX_S. */
  mute(identity: string, secs: number): MuteEntry {
    if (!Number.isInteger(secs) || secs < 1 || secs > ADMIN_MUTE_MAX_S) {
      throw new RangeError(`mute seconds must be an integer 1..${ADMIN_MUTE_MAX_S}, got ${secs}`);
    }
    const untilMs = this.#clock.now() + secs * 1000;
    this.#mutes.set(identity, untilMs);
    return { identity, untilMs };
  }

  /** Lifts a mute early; true when there was one in force. */
  unmute(identity: string): boolean {
    const was = this.isMuted(identity);
    this.#mutes.delete(identity);
    return was;
  }

  isMuted(identity: string): boolean {
    return this.remainingMs(identity) > 0;
  }

  /** Milliseconds of mute left (0 when not muted). Expired entries are dropped here. */
  remainingMs(identity: string): number {
    const until = this.#mutes.get(identity);
    if (until === undefined) return 0;
    const left = until - this.#clock.now();
    if (left <= 0) {
      this.#mutes.delete(identity);
      return 0;
    }
    return left;
  }

  /** Mutes still in force. */
  list(): MuteEntry[] {
    const out: MuteEntry[] = [];
    for (const identity of [...this.#mutes.keys()]) {
      if (this.isMuted(identity)) out.push({ identity, untilMs: this.#mutes.get(identity)! });
    }
    return out;
  }
}
