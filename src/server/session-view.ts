// Adapter from CoopServer to the admin/dashboard seam (src/server/admin/session-view.ts).
import type { PeerView, RefusalReason, ServerStats, SessionView } from './admin/session-view.js';
import { RefuseCode } from '../protocol/schema.gen.js';
import type { CoopServer, EvictionKind } from './server.js';
import type { Connection } from './connection.js';

export interface SessionViewOptions {
  /** Identity of the session host (the player whose sidecar started this server). */
  hostIdentity?: string;
  /** A peer's clock error bound (story sync), ms; null when it has not reported one. */
  clockBoundOf?: (peerId: number) => number | null;
  /** A mode label that says more than PlayerState.mode (e.g. whom a spectator watches). */
  modeOf?: (peerId: number) => string | null;
}

/** The protocol's refuse codes in the dashboard's words. */
const REFUSAL_REASONS: Readonly<Record<number, RefusalReason>> = {
  [RefuseCode.REFUSE_VERSION_MISMATCH]: 'version',
  [RefuseCode.REFUSE_BAD_PROOF]: 'bad_proof',
  [RefuseCode.REFUSE_BANNED]: 'banned',
  [RefuseCode.REFUSE_SERVER_FULL]: 'full',
  [RefuseCode.REFUSE_WRONG_SESSION]: 'wrong_session',
  [RefuseCode.REFUSE_BAD_HELLO]: 'bad_hello',
  [RefuseCode.REFUSE_DUPLICATE_IDENTITY]: 'duplicate',
  [RefuseCode.REFUSE_BAD_PASSWORD]: 'password',
};

/** Evictions are shown with the refusals: each one is a connection turned away. */
const EVICTION_REASONS: Readonly<Record<EvictionKind, RefusalReason>> = {
  handshake: 'evicted_handshake',
  enet_half_open: 'evicted_half_open',
  ice_handshake: 'evicted_ice',
};

export function sessionViewOf(server: CoopServer, opts: SessionViewOptions = {}): SessionView {
  const w = server.world;
  const view = (c: Connection): PeerView => ({
    id: c.peerId,
    name: c.name,
    identity: c.identity,
    pingMs: c.link.pingMs,
    location: c.avatarId && w.isAlive(c.avatarId) ? { x: w.x[c.avatarId], y: w.y[c.avatarId], z: w.z[c.avatarId] } : { x: 0, y: 0, z: 0 },
    mode: opts.modeOf?.(c.peerId) ?? c.modeName,
    clockBoundMs: opts.clockBoundOf?.(c.peerId) ?? null,
    isHost: opts.hostIdentity !== undefined && c.identity === opts.hostIdentity,
    net: c.link.net?.(),
  });
  return {
    peers: () => server.inWorld().map(view),
    peer: (id) => {
      const c = server.connection(id);
      return c && c.inWorld ? view(c) : undefined;
    },
    kick: (id, reason) => server.kick(id, reason),
    tell: (id, text) => {
      const c = server.connection(id);
      if (c) server.notice(c, text);
    },
    stats: (): ServerStats => {
      const s = server.stats();
      const refusals: Partial<Record<RefusalReason, number>> = {};
      for (const [code, n] of server.refusals) {
        const why = REFUSAL_REASONS[code] ?? 'other';
        refusals[why] = (refusals[why] ?? 0) + n;
      }
      for (const [kind, n] of server.evictions) refusals[EVICTION_REASONS[kind]] = n;
      return { tickMs: s.tickMs, frameTimeAvgMs: s.frameTimeAvgMs, entities: s.entities, uptimeS: s.uptimeS, refusals };
    },
  };
}
