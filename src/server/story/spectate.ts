// SA-1 on the server. `/spectate <peerId>` arrives as SpectateRequest; the server decides by its
// policy ('anyone' by default: everyone in a co-op session is the party and there is no PvP to
// ghost in; 'admins' or 'nobody' for servers that want Source's stricter mp_forcecamera levels)
// and answers SpectateGranted or StoryRefused with the reason. While spectating, the player's
// avatar is hidden from everyone and its interest follows its free-fly camera, clamped to
// SPECTATE_RADIUS_M around the target's avatar (so it cannot roam the map). It ends — with
// SpectateEnded — on `/spectate` again, when the target leaves (or is kicked); a spectator who
// leaves or is kicked simply goes (its sidecar takes the game back to play).
import { MAX_COORD_M } from '../../protocol/constants.js';
import type { EMsg } from '../../protocol/schema.gen.js';
import type { Connection } from '../connection.js';
import type { World } from '../world.js';
import { SPECTATE_RADIUS_M, SPECTATE_REQUESTS_MAX_PER_S } from './constants.js';
import type { StoryRejections } from './rejections.js';

export const SPECTATE_POLICIES = ['anyone', 'admins', 'nobody'] as const;
export type SpectatePolicy = (typeof SPECTATE_POLICIES)[number];
export const SPECTATE_DEFAULT_POLICY: SpectatePolicy = 'anyone';

export interface SpectateDeps {
  now: () => number;
  policy: SpectatePolicy;
  isAdmin: (conn: Connection) => boolean;
  world: World;
  rejections: StoryRejections;
  send: (conn: Connection, msg: EMsg) => void;
  connection: (peerId: number) => Connection | undefined;
}

interface Watch {
  targetPeerId: number;
  camX: number;
  camY: number;
}

export class SpectateDirector {
  readonly #d: SpectateDeps;
  /** Spectator peer id → whom it watches. */
  readonly #watching = new Map<number, Watch>();

  constructor(deps: SpectateDeps) {
    this.#d = deps;
  }

  targetOf(peerId: number): number | null {
    return this.#watching.get(peerId)?.targetPeerId ?? null;
  }

  request(conn: Connection, m: NonNullable<EMsg['spectateRequest']>): void {
    const rj = (reason: string, text: string): void => this.#d.rejections.reject(conn, 'spectate', reason, text);
    const target = m.peerId ?? 0;
    if (!this.#d.rejections.allow(conn, 'spectate', SPECTATE_REQUESTS_MAX_PER_S, this.#d.now())) {
      this.#d.rejections.reject(conn, 'spectate', 'request_flood', 'too many spectate requests', true);
      return;
    }
    if (target === 0) {
      if (this.#watching.has(conn.peerId)) this.#end(conn, 'stopped');
      else rj('not_spectating', 'you are not spectating');
      return;
    }
    if (this.#d.policy === 'nobody') {
      rj('policy_nobody', 'spectating is off on this server');
      return;
    }
    if (this.#d.policy === 'admins' && !this.#d.isAdmin(conn)) {
      rj('admins_only', 'only admins may spectate on this server');
      return;
    }
    if (target === conn.peerId) {
      rj('self', 'you cannot spectate yourself');
      return;
    }
    const t = this.#d.connection(target);
    if (!t || !t.inWorld || !this.#d.world.isAlive(t.avatarId)) {
      rj('no_such_peer', `no player with peer id ${target}`);
      return;
    }
    if (this.#watching.has(target)) {
      rj('target_spectating', `peer ${target} is spectating too`);
      return;
    }
    const w = this.#d.world;
    this.#watching.set(conn.peerId, { targetPeerId: target, camX: w.x[t.avatarId]!, camY: w.y[t.avatarId]! });
    w.hidden.add(conn.avatarId);
    this.#place(conn);
    this.#d.send(conn, { spectateGranted: { peerId: target, avatarEntityId: t.avatarId, radiusM: SPECTATE_RADIUS_M } });
  }

  camera(conn: Connection, m: NonNullable<EMsg['spectateCamera']>): void {
    const watch = this.#watching.get(conn.peerId);
    if (!watch) {
      this.#d.rejections.reject(conn, 'spectate', 'not_spectating', 'camera position while not spectating', true);
      return;
    }
    const x = m.x ?? NaN,
      y = m.y ?? NaN,
      z = m.z ?? 0;
    if (![x, y, z].every((v) => Number.isFinite(v) && Math.abs(v) <= MAX_COORD_M)) {
      this.#d.rejections.reject(conn, 'spectate', 'bad_camera', 'camera position out of range', true);
      return;
    }
    watch.camX = x;
    watch.camY = y;
    this.#place(conn);
  }

  /** Interest centre = the camera, pulled back to SPECTATE_RADIUS_M around the target. */
  #place(conn: Connection): void {
    const watch = this.#watching.get(conn.peerId);
    const t = watch ? this.#d.connection(watch.targetPeerId) : undefined;
    if (!watch || !t) return;
    const w = this.#d.world;
    const tx = w.x[t.avatarId]!,
      ty = w.y[t.avatarId]!;
    const dx = watch.camX - tx,
      dy = watch.camY - ty,
      d = Math.hypot(dx, dy);
    const k = d > SPECTATE_RADIUS_M ? SPECTATE_RADIUS_M / d : 1;
    conn.view = { x: tx + dx * k, y: ty + dy * k };
  }

  #end(conn: Connection, reason: string): void {
    this.#watching.delete(conn.peerId);
    this.#d.world.hidden.delete(conn.avatarId);
    conn.view = null;
    this.#d.send(conn, { spectateEnded: { peerId: 0, reason } });
  }

  /** Targets move: keep every spectator's view within reach of its target (call every tick). */
  tick(): void {
    for (const id of this.#watching.keys()) {
      const c = this.#d.connection(id);
      if (c) this.#place(c);
    }
  }

  /** A peer left: as a spectator it is forgotten; as a target its spectators go back to play. */
  left(conn: Connection, reason: string): void {
    this.#watching.delete(conn.peerId);
    for (const [id, watch] of [...this.#watching]) {
      if (watch.targetPeerId !== conn.peerId) continue;
      const c = this.#d.connection(id);
      if (c) this.#end(c, /kick|ban/i.test(reason) ? 'target was removed' : 'target left');
      else this.#watching.delete(id);
    }
  }
}
