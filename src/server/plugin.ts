// The seam admin, voice, merge and the dashboard plug into: a plugin is an object
// with optional hooks, registered with server.use(plugin); the server calls every plugin in
// registration order. Plugins reach the server through the CoopServer they were given.
import type { EMsg, EMsgKind } from '../protocol/schema.gen.js';
import type { Connection } from './connection.js';

export interface AdmitRequest {
  readonly identity: string;
  readonly name: string;
  readonly address: string;
}

export interface ServerPlugin {
  readonly name: string;
  /** Before Welcome: return a reason to refuse the player (e.g. banned), or null to admit. */
  admit?(who: AdmitRequest): string | null;
  /** After Welcome: the peer is in the world. */
  joined?(conn: Connection): void;
  /** The peer left (any reason); its avatar is already gone. */
  left?(conn: Connection, reason: string): void;
  /** Chat gate: the text to relay (possibly cleaned), or null to drop it (tell the sender yourself). */
  chat?(conn: Connection, text: string): string | null;
  /**
   * A message the core does not handle itself (adminCmd, voice, spectateRequest, dialogChoice,
   * cineStart, viseme, mergePrompt, …) from an in-world peer. Return true when handled.
   */
  message?(conn: Connection, kind: EMsgKind, msg: EMsg): boolean;
  /** After every tick. */
  tick?(tick: number, nowMs: number): void;
  /** The server is stopping. */
  stop?(): void | Promise<void>;
}

export interface ServerStatsView {
  readonly tick: number;
  readonly tickMs: number;
  readonly frameTimeAvgMs: number;
  readonly entities: number;
  readonly peers: number;
  readonly uptimeS: number;
}
