// Adapter from CoopServer to the admin/dashboard seam (src/server/admin/sessionView.ts).
import type { PeerView, ServerStats, SessionView } from './admin/sessionView.js';
import type { CoopServer } from './server.js';
import type { Connection } from './connection.js';

export interface SessionViewOptions {
  /** Identity of the session host (the player whose sidecar started this server). */
  hostIdentity?: string;
}

export function sessionViewOf(server: CoopServer, opts: SessionViewOptions = {}): SessionView {
  const w = server.world;
  const view = (c: Connection): PeerView => ({
    id: c.peerId,
    name: c.name,
    identity: c.identity,
    pingMs: c.link.pingMs,
    location: c.avatarId && w.isAlive(c.avatarId) ? { x: w.x[c.avatarId], y: w.y[c.avatarId], z: w.z[c.avatarId] } : { x: 0, y: 0, z: 0 },
    mode: c.modeName,
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
      return { tickMs: s.tickMs, frameTimeAvgMs: s.frameTimeAvgMs, entities: s.entities, uptimeS: s.uptimeS };
    },
  };
}
