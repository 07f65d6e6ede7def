// The per-peer chat rate limit: a burst, then a sustained rate (CHAT_BURST_MESSAGES,
// CHAT_RATE_MESSAGES_PER_S). Checked in the core before any plugin, so nobody is exempt: an
// admin token can leak, and a flood from an admin reaches every player all the same. Over the
// limit a message is dropped and counted; the sender is told once per burst of drops (not once
// per dropped message, which would turn a flood into a flood of notices back). A burst ends
// when the sender has paused long enough for the bucket to fill again: a steady flood, which
// still gets one message a second through, is told once.
import { CHAT_BURST_MESSAGES, CHAT_RATE_MESSAGES_PER_S } from './constants.js';
import { TokenBucket } from '../util/rate-limit.js';

export type ChatRateDecision = 'relay' | 'drop_and_tell' | 'drop';

export const CHAT_RATE_NOTICE = `you are sending chat too fast (at most ${CHAT_BURST_MESSAGES} at once, then ${CHAT_RATE_MESSAGES_PER_S} a second); messages are being dropped`;

export class ChatRateGate {
  readonly #bucket: TokenBucket;
  #told = false;
  /** Messages dropped by this gate so far. */
  dropped = 0;

  constructor(nowMs: number, burst = CHAT_BURST_MESSAGES, ratePerS = CHAT_RATE_MESSAGES_PER_S) {
    this.#bucket = new TokenBucket({ burst, perSecond: ratePerS }, nowMs);
  }

  check(nowMs: number): ChatRateDecision {
    if (this.#bucket.isFull(nowMs)) this.#told = false; // paused: a new burst
    if (this.#bucket.take(nowMs)) return 'relay';
    this.dropped++;
    if (this.#told) return 'drop';
    this.#told = true;
    return 'drop_and_tell';
  }
}
