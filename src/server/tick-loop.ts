// CoopServer's ticking, apart from the connections and messages server.ts owns: one tick
// (handshake timeouts, avatars carried forward from their last report, the TickPipeline, the
// plugins), the GameClock fed each tick's frame time (a changed tick is announced to every
// peer), and the real-time loop. Tests drive runTick()/recordFrame() on their own clock.
import { CHANNEL_RELIABLE, CHANNEL_SNAPSHOT } from '../protocol/constants.js';
import { DisconnectCode } from '../protocol/schema.gen.js';
import { ConnState, type Connection } from './connection.js';
import { AVATAR_EXTRAPOLATE_MAX_MS, HANDSHAKE_TIMEOUT_MS } from './constants.js';
import type { CoopServer } from './server.js';

/** What the ticking needs of the server. */
export type TickedServer = Pick<CoopServer, 'tick' | 'world' | 'pipeline' | 'plugins' | 'clock' | 'log' | 'now' | 'connections' | 'kick' | 'broadcast'>;

export class TickLoop {
  readonly #server: TickedServer;
  #timer: NodeJS.Timeout | null = null;
  #running = false;

  constructor(server: TickedServer) {
    this.#server = server;
  }

  /** One tick at nowMs: inputs were applied on arrival; simulate, interest, snapshots. */
  runTick(nowMs: number): void {
    const s = this.#server;
    s.tick++;
    for (const c of s.connections()) {
      if (!c.inWorld && nowMs - c.connectedAtMs > HANDSHAKE_TIMEOUT_MS && c.state !== ConnState.CLOSED) {
        s.kick(c.peerId, 'handshake timed out', DisconnectCode.DISCONNECT_TIMEOUT);
      }
      const r = c.reported;
      if (c.inWorld && r) {
        const ageS = Math.min(Math.max(0, nowMs - c.reportedAtMs), AVATAR_EXTRAPOLATE_MAX_MS) / 1000;
        s.world.setPose(c.avatarId, { ...r, x: r.x + r.vx * ageS, y: r.y + r.vy * ageS, z: r.z + r.vz * ageS });
      }
    }
    s.pipeline.run(s.tick, nowMs, s.clock.currentTickMs, s.connections(), (c, kind, bytes) => {
      const conn = c as Connection;
      if (kind === 'interest') conn.link.send(CHANNEL_RELIABLE, bytes, true);
      else conn.link.send(CHANNEL_SNAPSHOT, bytes, false);
    });
    for (const p of s.plugins) p.tick?.(s.tick, nowMs);
  }

  /** Feeds the GameClock one frame time; broadcasts TickRateChange when the tick changes. */
  recordFrame(frameTimeMs: number, nowMs: number): void {
    const changed = this.#server.clock.record(frameTimeMs, nowMs);
    if (changed !== null) this.#announceTick(changed, frameTimeMs);
  }

  /** Operator override (clamped 20..50). */
  setTickMs(ms: number): void {
    const changed = this.#server.clock.setTickMs(ms);
    if (changed !== null) this.#announceTick(changed, NaN);
  }

  #announceTick(tickMs: number, frameTimeMs: number): void {
    const s = this.#server;
    s.log.info({ event: 'tick.change', tickMs, avgFrameMs: s.clock.averageMs, frameTimeMs }, 'tick rate changed');
    s.broadcast({ tickRateChange: { tickMs, tick: s.tick } });
  }

  /** Real-time loop: one tick every currentTickMs, frame time measured around the tick. */
  start(): void {
    if (this.#running) return;
    this.#running = true;
    const s = this.#server;
    let due = s.now();
    const loop = (): void => {
      if (!this.#running) return;
      const t0 = s.now();
      this.runTick(t0);
      const frame = s.now() - t0;
      this.recordFrame(frame, t0);
      due = Math.max(due + s.clock.currentTickMs, s.now() - s.clock.currentTickMs);
      this.#timer = setTimeout(loop, Math.max(0, due - s.now()));
    };
    this.#timer = setTimeout(loop, 0);
  }

  /** Ends the real-time loop (no tick after this). */
  stop(): void {
    this.#running = false;
    if (this.#timer) clearTimeout(this.#timer);
  }
}
