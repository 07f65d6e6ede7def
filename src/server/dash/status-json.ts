// GET /status body: exactly
// { server: { tickMs, frameTimeAvgMs, entities, uptimeS, refusals: { <reason>: n, … } },
//   peers: [ { id, name, pingMs, location: {x,y,z}, mode, muted, clockBoundMs,
//              net: { path, connectMs, bytesSent, bytesReceived } | null } ] }
// net.path: 'udp' | 'host' | 'srflx' | 'relay'; net.connectMs: whole ms or null; net is null
// when the transport does not say. refusals: joins refused since start by reason (only reasons
// that happened; {} when none or not counted). clockBoundMs: the peer's server-clock error bound
// (half its best clock-probe round trip), 2 decimals, null before its first report.
import type { PeerNetPath, PeerNetView, RefusalReason, ServerStats, SessionView } from '../admin/session-view.js';

export interface StatusNetJson {
  path: PeerNetPath;
  connectMs: number | null;
  bytesSent: number;
  bytesReceived: number;
}

export interface StatusJson {
  server: { tickMs: number; frameTimeAvgMs: number; entities: number; uptimeS: number; refusals: Partial<Record<RefusalReason, number>> };
  peers: {
    id: number;
    name: string;
    pingMs: number;
    location: { x: number; y: number; z: number };
    mode: string;
    muted: boolean;
    clockBoundMs: number | null;
    net: StatusNetJson | null;
  }[];
}

/** Rounds to `places` decimals; non-finite numbers become 0 so the JSON always parses. */
function num(v: number, places: number): number {
  if (!Number.isFinite(v)) return 0;
  const f = 10 ** places;
  return Math.round(v * f) / f;
}

function netJson(n: PeerNetView | undefined): StatusNetJson | null {
  if (!n) return null;
  return {
    path: n.path,
    connectMs: n.connectMs === null ? null : num(n.connectMs, 0),
    bytesSent: num(n.bytesSent, 0),
    bytesReceived: num(n.bytesReceived, 0),
  };
}

function refusalsJson(r: ServerStats['refusals']): Partial<Record<RefusalReason, number>> {
  const out: Partial<Record<RefusalReason, number>> = {};
  for (const [why, n] of Object.entries(r ?? {}) as [RefusalReason, number][]) if (n > 0) out[why] = num(n, 0);
  return out;
}

export function buildStatus(session: SessionView, isMuted: (identity: string) => boolean): StatusJson {
  const s = session.stats();
  return {
    server: {
      tickMs: num(s.tickMs, 1),
      frameTimeAvgMs: num(s.frameTimeAvgMs, 2),
      entities: num(s.entities, 0),
      uptimeS: num(s.uptimeS, 0),
      refusals: refusalsJson(s.refusals),
    },
    peers: session.peers().map((p) => ({
      id: p.id,
      name: p.name,
      pingMs: num(p.pingMs, 0),
      location: { x: num(p.location.x, 2), y: num(p.location.y, 2), z: num(p.location.z, 2) },
      mode: p.mode,
      muted: isMuted(p.identity),
      clockBoundMs: p.clockBoundMs === undefined || p.clockBoundMs === null ? null : num(p.clockBoundMs, 2),
      net: netJson(p.net),
    })),
  };
}
