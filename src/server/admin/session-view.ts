// The narrow seam between the admin tools/dashboard and the server: the server
// implements SessionView with a thin adapter over its connection registry and world.

export interface Vec3 {
  readonly x: number;
  readonly y: number;
  readonly z: number;
}

/**
 * How a peer's datagrams reach the server (NT-3 "Connection stats"): 'udp' = straight to the
 * server's UDP port (LAN, forwarded port); 'host' / 'srflx' / 'relay' = the ICE path chosen
 * through coop-master (same network, hole punched through NAT, relayed through TURN).
 */
export type PeerNetPath = 'udp' | 'host' | 'srflx' | 'relay';

export interface PeerNetView {
  readonly path: PeerNetPath;
  /** ICE handshake time from start to a selected pair, ms; null for 'udp' (no handshake). */
  readonly connectMs: number | null;
  /** Bytes on the wire to / from this peer since it connected (datagram payloads). */
  readonly bytesSent: number;
  readonly bytesReceived: number;
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
  /** How far off this peer's estimate of server time can be (story sync), ms; null: not known. */
  readonly clockBoundMs?: number | null;
  /** True for the session host (the player whose sidecar started this server). */
  readonly isHost?: boolean;
  /** The connection's path and bytes; undefined when the transport does not say. */
  readonly net?: PeerNetView;
}

/** Why joins were refused (the server's refuse codes, in the dashboard's words). */
export type RefusalReason =
  | 'version'
  | 'bad_proof'
  | 'banned'
  | 'full'
  | 'wrong_session'
  | 'bad_hello'
  | 'duplicate'
  | 'password'
  | 'other'
  /** Unauthenticated connections evicted for newer ones: coop handshake, ENet half-open, ICE handshake. */
  | 'evicted_handshake'
  | 'evicted_half_open'
  | 'evicted_ice';

export interface ServerStats {
  readonly tickMs: number;
  readonly frameTimeAvgMs: number;
  readonly entities: number;
  /** Joins refused since start, by reason; absent when the server does not count them. */
  readonly refusals?: Readonly<Partial<Record<RefusalReason, number>>>;
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
