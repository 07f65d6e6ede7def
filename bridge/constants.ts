// The bridge's tunables, with units. Option defaults live in BRIDGE_DEFAULTS.
import { RING_DEFAULT_BYTES } from './layout.js';

/** How long the reader spins on an empty ring before sleeping (microseconds). */
export const BRIDGE_SPIN_US = 50;
/** Spinning pays off when the peer's next frame comes within this (it runs on another core). */
export const BRIDGE_SPIN_PAYOFF_US = 10;
/** With the spin budget at 0, try spinning again every this many sleeps. */
export const BRIDGE_SPIN_PROBE_EVERY = 64;
/** Below this the spin budget drops to 0 (sleep at once) until spinning would pay off again. */
export const BRIDGE_SPIN_MIN_US = 2;
/** Longest single futex sleep: the reader re-arms after it (never an infinite wait). */
export const BRIDGE_WAIT_SLICE_MS = 250;
/** Frames delivered per event-loop turn before yielding to other work. */
export const BRIDGE_FRAMES_PER_TURN = 8192;
/** Heartbeat and peer check period. */
export const BRIDGE_HEARTBEAT_MS = 200;
/** A live peer whose heartbeat stopped this long is gone ('timeout'). Generous on purpose: the
 * heartbeat rides the event loop, and a busy loop is not a dead process. A dead process (pid
 * gone) or a clean close is noticed on the next check, within BRIDGE_HEARTBEAT_MS. */
export const BRIDGE_PEER_TIMEOUT_MS = 10_000;
/** Bytes send() may queue in JS while the ring is full; beyond it frames are dropped (counted). */
export const BRIDGE_OUT_QUEUE_MAX_BYTES = 16 * 1024 * 1024;
/** Retry period for flushing the JS queue into a full ring. */
export const BRIDGE_OUT_RETRY_MS = 1;

export const BRIDGE_DEFAULTS = {
  ringBytes: RING_DEFAULT_BYTES,
  spinUs: BRIDGE_SPIN_US,
  heartbeatMs: BRIDGE_HEARTBEAT_MS,
  peerTimeoutMs: BRIDGE_PEER_TIMEOUT_MS,
  outQueueMaxBytes: BRIDGE_OUT_QUEUE_MAX_BYTES,
  closeOnPeerGone: true,
};
/** A region both of whose processes are gone is removed by the next openBridge in any process
 * once it is this old (seconds). */
export const BRIDGE_STALE_MIN_AGE_S = 10;
