// Story sync limits (server side), one place (STYLE.md #3). docs/story-sync.md explains them.

/** Clock probes a peer may send per second; more are refused ('clock_flood'). */
export const CLOCK_PROBES_MAX_PER_S = 20;
/** A clock error bound a client may report (larger is nonsense), ms. */
export const CLOCK_BOUND_MAX_MS = 60_000;

/** A CineReport's server time may differ from the server's clock by this much at arrival, ms. */
export const CINE_REPORT_SKEW_MAX_MS = 5_000;
/** Scene times a report may give: at most the scene's length plus this, ms. */
export const CINE_TIME_SLACK_MS = 1_000;
/** Scenes running at once (one per owner is the usual case). */
export const CINE_ACTIVE_MAX = 16;

/** Choices a wheel may carry (the game's hub shows at most a handful). */
export const DIALOG_CHOICES_MAX = 8;
export const DIALOG_CHOICE_TEXT_MAX_CHARS = 200;
/** Suggestions a listener may send per second. */
export const DIALOG_SUGGEST_MAX_PER_S = 4;

/** The spectator camera may be at most this far from its target's avatar (planar), m. */
export const SPECTATE_RADIUS_M = 60;
/** Spectate requests a peer may send per second. */
export const SPECTATE_REQUESTS_MAX_PER_S = 4;

/** Viseme events a speaker's owner may send per second (phonemes run at 10-15 a second). */
export const VISEME_EVENTS_MAX_PER_S = 40;
/** Events one VisemeBatch may carry (250 ms at the rate above is 10). */
export const VISEME_BATCH_MAX_EVENTS = 16;
/** A viseme's time may be at most this far from the server's clock at arrival, ms. */
export const VISEME_TIME_SKEW_MAX_MS = 2_000;

/** Window of the per-peer rate limits above (each a token bucket of N per window: src/util/rate-limit.ts), ms. */
export const STORY_RATE_WINDOW_MS = 1_000;

/** Conversations open at once. */
export const DIALOG_ACTIVE_MAX = 16;
/** A speaker's visemes belong to the peer that sent them until it has been quiet this long, ms. */
export const VISEME_OWNER_HOLD_MS = 2_000;
/**
 * An accepted pick also goes out once more, unreliably, this much later (a separate datagram): a
 * lost reliable copy costs ENet a resend of RTT + 4 × variance, the second copy only this, ms.
 */
export const DIALOG_REDUNDANT_COPY_MS = 15;
