// GET /status body: exactly
// { server: { tickMs, frameTimeAvgMs, entities, uptimeS },
//   peers: [ { id, name, pingMs, location: {x,y,z}, mode, muted } ] }
import type { SessionView } from '../admin/sessionView.js';

export interface StatusJson {
  server: { tickMs: number; frameTimeAvgMs: number; entities: number; uptimeS: number };
  peers: {
    id: number;
    name: string;
    pingMs: number;
    location: { x: number; y: number; z: number };
    mode: string;
    muted: boolean;
  }[];
}

/** Rounds to `places` decimals; non-finite numbers become 0 so the JSON always parses. */
function num(v: number, places: number): number {
  if (!Number.isFinite(v)) return 0;
  const f = 10 ** places;
  return Math.round(v * f) / f;
}

export function buildStatus(session: SessionView, isMuted: (identity: string) => boolean): StatusJson {
  const s = session.stats();
  return {
    server: {
      tickMs: num(s.tickMs, 1),
      frameTimeAvgMs: num(s.frameTimeAvgMs, 2),
      entities: num(s.entities, 0),
      uptimeS: num(s.uptimeS, 0),
    },
    peers: session.peers().map((p) => ({
      id: p.id,
      name: p.name,
      pingMs: num(p.pingMs, 0),
      location: { x: num(p.location.x, 2), y: num(p.location.y, 2), z: num(p.location.z, 2) },
      mode: p.mode,
      muted: isMuted(p.identity),
    })),
  };
}
