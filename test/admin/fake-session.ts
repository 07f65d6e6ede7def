// An in-memory SessionView for unit and page tests (the real server has its own adapter).
import type { PeerNetView, PeerView, ServerStats, SessionView, Vec3 } from '../../src/server/admin/session-view.js';

export interface FakePeer {
  id: number;
  name: string;
  identity: string;
  pingMs: number;
  location: Vec3;
  mode: string;
  isHost?: boolean;
  net?: PeerNetView;
}

export class FakeSession implements SessionView {
  readonly map = new Map<number, FakePeer>();
  readonly kicked: { id: number; reason: string }[] = [];
  readonly told: { id: number; text: string }[] = [];
  statsValue: ServerStats = { tickMs: 25, frameTimeAvgMs: 3.5, entities: 120, uptimeS: 42 };

  add(p: FakePeer): FakePeer {
    this.map.set(p.id, p);
    return p;
  }
  peers(): readonly PeerView[] {
    return [...this.map.values()];
  }
  peer(id: number): PeerView | undefined {
    return this.map.get(id);
  }
  kick(id: number, reason: string): boolean {
    if (!this.map.delete(id)) return false;
    this.kicked.push({ id, reason });
    return true;
  }
  tell(id: number, text: string): void {
    this.told.push({ id, text });
  }
  stats(): ServerStats {
    return this.statsValue;
  }
}

export class ManualClock {
  t = 1000;
  now(): number {
    return this.t;
  }
  advance(ms: number): void {
    this.t += ms;
  }
}

export const ID_A = 'a'.repeat(64);
export const ID_B = 'b'.repeat(64);
export const ID_ADMIN = 'c'.repeat(64);
