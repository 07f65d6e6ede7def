// The narrow seam between the admin tools/dashboard and the server (STYLE.md #9): the server
// implements SessionView with a thin adapter over its connection registry and world.

export interface Vec3 {
  readonly x: number;
  readonly y: number;
  readonly z: number;
}

export interface PeerView {
  /** Per-connection peer id (changes every connection). */
  readonly id: number;
  readonly name: string;
  /** Persistent identity (key fingerprint) proven at the handshake. */
  readonly identity: string;
  readonly pingMs: number;
  readonly location: Vec3;
  /** Game mode of the player ("play", "spectate", "cinematic", ...). */
  readonly mode: string;
  /** True for the session host (the player whose sidecar started this server). */
  readonly isHost?: boolean;
}

export interface ServerStats {
  readonly tickMs: number;
  readonly frameTimeAvgMs: number;
  readonly entities: number;
  readonly uptimeS: number;
}

export interface SessionView {
  peers(): readonly PeerView[];
  peer(id: number): PeerView | undefined;
  /** Disconnects the peer, telling it why. False when there is no such peer. */
  kick(id: number, reason: string): boolean;
  /** Sends a one-line system notice to one peer (mute notices, refusals); best effort. */
  tell(id: number, text: string): void;
  stats(): ServerStats;
}

/** Minimal structured logger (pino-compatible). */
export interface AdminLog {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

export const silentLog: AdminLog = { info: () => undefined, warn: () => undefined };
