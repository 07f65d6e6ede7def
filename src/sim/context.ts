// What an action or a reaction gets to work with: the bridge (game role), the log, the
// scenario, a clock, and a place to keep timers so the host can stop them all on exit.
import type { Bridge, MessageMap, MessageName } from '../../bridge/index.js';
import type { LogSink } from './log.js';
import type { Scenario } from './scenario.js';

export interface SimContext {
  bridge: Bridge;
  scenario: Scenario;
  log: LogSink;
  /** This game's clock, ms (the machine's, or offset by --clock-offset-ms). */
  now(): number;
  /** Sends and logs one message. */
  send<K extends MessageName>(name: K, msg: MessageMap[K]): void;
  /** Runs fn after ms (cancelled when the host stops). */
  after(ms: number, fn: () => void): void;
  /** Runs fn every ms until it returns false (cancelled when the host stops). */
  every(ms: number, fn: () => boolean): void;
  /** Runs fn when the host stops (close files, stop sources). */
  atStop(fn: () => void): void;
  /** Mutable state actions and reactions share (e.g. the player's position). */
  state: Map<string, unknown>;
}
