// The sidecar's glue between the game (GameLink: the bridge) and the server (CoopClient), in one
// of two paces:
// - Paced by the server's tick (tick-pacer.ts; --pace tick, not the default: ≈ 10 % less CPU
//   for ≈ 3 ms more input latency, docs/sidecar.md), whenever the interpolation delay covers a
//   snapshot held for a tick and the server reports our inputs' lead: one wake a tick, just
//   before the server's, sends the newest transform and hands the game its proxies, each with the
//   velocity that carries it along its interpolated path until the next tick (the game coasts on
//   it between states). The game's frames do not wake the sidecar.
// - Frame by frame otherwise (the default; a delay under a tick such as bench:e2e's 0; a server
//   that does not report the lead):
//   the player's transform goes up as soon as the game reports it (a report over the input rate
//   goes out when the rate allows, not at the next report); interpolated remote entities come
//   down on every game frame and, when the interpolation delay is under a frame, as soon as a
//   snapshot arrives (snapshotArrived).
// Either way the moved proxies go in one RemoteEntityStates frame (entity-batch.ts);
// InterestAdd/Remove become SpawnProxy/DespawnProxy; TickRateChange retunes the delay.
import type { CoopClient } from './session.js';
import type { InterpolatedEntity } from './interpolator.js';
import { EntityStateBatch } from './entity-batch.js';
import { EntityKind } from '../protocol/schema.gen.js';
import { TokenBucket } from '../util/rate-limit.js';
import { nodeTimers, type Timers } from '../util/clock.js';
import { TickPacer, paceable } from './tick-pacer.js';
import { yawFromQuat, type GameLink, type Transform } from './game-link.js';

export const FRAME_MS = 16; // a game frame at ~60 Hz (tests pace their fake games with it)
/**
 * Player reports sent to the server: INPUT_MAX_HZ on average (a game at 144 Hz is not sent 144
 * times a second), INPUT_BURST at once, so a 60 Hz game and a report between its frames are
 * never held back.
 */
export const INPUT_MAX_HZ = 100;
export const INPUT_BURST = 2;
/** No game frame for this long: frames follow the snapshots instead. */
export const FRAME_STALE_MS = 2 * FRAME_MS;
/** Enough to cover one or two game frames; more would overshoot when the game itself stalls. */
export const INPUT_EXTRAPOLATE_MAX_MS = 40;
/** RemoteEntityState.tick carries the sidecar's sample clock in microseconds (mod 2^32). */
export const sampleTickUs = (nowMs: number): number => Math.floor(nowMs * 1000) >>> 0;

export interface SidecarGlueOptions {
  /** The one timer the sidecar arms (a held report; the pacer); injected so tests run it on their clock. */
  timers?: Timers;
  /** Runs first on each paced tick: take in what waits from the game and the server. */
  beforePacedTick?: () => void;
  /** Runs last on each wake the sidecar works on: a game frame (by frames) or a paced tick,
   * once the input has left and the proxies went to the game: what else rides on that wake (the
   * timers due: util/wake-timers.ts). Not on the frames read asleep (out of the world). */
  afterWake?: () => void;
  /** Paced by the server's tick where the delay allows (--pace tick); default false: frame by frame. */
  mayPace?: boolean;
  /** Proxies the native path's thread spawned: despawned with the sidecar's own. */
  otherProxies?: ProxyOwner;
}

/** Bridge kinds: 0 avatar, 1 NPC, 2 vehicle. */
const BRIDGE_KIND: Record<number, number> = { [EntityKind.KIND_AVATAR]: 0, [EntityKind.KIND_NPC]: 1, [EntityKind.KIND_VEHICLE]: 2 };
/** The bridge kind of a server EntityKind (an unknown kind shows as an NPC). */
export const bridgeKindOf = (kind: number | undefined): number => BRIDGE_KIND[kind ?? 0] ?? 1;

/** Proxies spawned by someone else (the native path's thread), despawned with ours. */
export interface ProxyOwner {
  forget(id: number): void;
  forgetAll(): void;
}

export class Sidecar {
  readonly #game: GameLink;
  readonly #client: CoopClient;
  readonly #now: () => number;
  #last: Transform | null = null;
  #lastAtMs = 0;
  #lastFrameMs = -Infinity;
  #spawned = new Set<number>();
  readonly #inputs: TokenBucket;
  readonly #timers: Timers;
  /** A report the rate held back is due (its timer handle), or null. */
  #held: unknown = null;
  readonly #batch = new EntityStateBatch();
  readonly #pacer: TickPacer;
  readonly #beforePacedTick: (() => void) | undefined;
  readonly #afterWake: (() => void) | undefined;
  readonly #mayPace: boolean;
  readonly #otherProxies: ProxyOwner | undefined;
  /** Joining, or the link lost: nothing rides on the game's frames (setInWorld). */
  #outOfWorld = false;
  /** What the game was last told (sleepThroughFrames). */
  #framesAsleep = false;

  constructor(game: GameLink, client: CoopClient, now: () => number, options: SidecarGlueOptions = {}) {
    this.#game = game;
    this.#client = client;
    this.#now = now;
    this.#timers = options.timers ?? nodeTimers;
    this.#beforePacedTick = options.beforePacedTick;
    this.#afterWake = options.afterWake;
    this.#mayPace = options.mayPace ?? false;
    this.#otherProxies = options.otherProxies;
    this.#pacer = new TickPacer({ timers: this.#timers, now, onTick: () => this.#pacedTick() });
    this.#inputs = new TokenBucket({ burst: INPUT_BURST, perSecond: INPUT_MAX_HZ }, now());
    game.onPlayerTransform((t) => {
      this.#last = t;
      this.#lastAtMs = now();
      if (this.#framesAsleep) return; // paced: the next paced tick sends it; out of the world: nothing to send
      this.#report();
      this.frame();
      this.#afterWake?.();
    });
  }

  /** Paced by the server's tick (one wake a tick) rather than by the game's frames. */
  get paced(): boolean {
    return this.#pacer.running;
  }
  /** Paced (at the current tick; again after a tick change) or by frames. */
  #setPaced(on: boolean): void {
    if (on) this.#pacer.start(this.#client.tickMs);
    else this.#pacer.stop();
    this.#client.interp.pathAheadMs = on ? this.#client.tickMs : null;
    this.#sleepThroughFrames();
  }

  /**
   * In the world (welcomed) or not (a join or rejoin under way, the link lost, refused). Out of
   * it the game's frames carry nothing (no input goes up, no proxy comes down), so they do not
   * wake the sidecar: they are read on the bridge's heartbeat check instead, as when paced. A
   * player whose server is down plays on beside a sidecar that no longer wakes 60 times a second.
   * Before the first call the frames wake us: the first one starts the join.
   */
  setInWorld(on: boolean): void {
    this.#outOfWorld = !on;
    this.#sleepThroughFrames();
  }

  #sleepThroughFrames(): void {
    const asleep = this.#pacer.running || this.#outOfWorld;
    if (asleep === this.#framesAsleep) return;
    this.#framesAsleep = asleep;
    this.#game.sleepThroughFrames?.(asleep);
  }

  /** The tick rate or the delay changed: paced at the new tick, or by frames if the delay no longer covers one. */
  retune(): void {
    if (this.#pacer.running) this.#setPaced(paceable(this.#client.interp.interpDelayMs, this.#client.tickMs));
  }

  /** One paced tick: what waits is taken in, the newest transform goes up, the proxies down. */
  #pacedTick(): void {
    this.#beforePacedTick?.();
    if (!this.#pacer.running) return; // what came in ended the session
    if (this.#last) this.sendInput();
    else this.#client.flushAck();
    this.frame();
    this.#afterWake?.();
  }

  /** Sends the report now when the rate allows, else once it does (the latest report then). */
  #report(): void {
    if (this.#held !== null) return; // the held send will carry this report
    if (this.#inputs.take(this.#lastAtMs)) {
      this.sendInput();
      return;
    }
    const dueMs = this.#lastAtMs + this.#inputs.msUntil(this.#lastAtMs);
    this.#held = this.#timers.setTimeout(() => {
      this.#held = null;
      // A timer may fire up to a millisecond before its time on the caller's clock: it was due.
      this.#inputs.take(Math.max(this.#now(), dueMs));
      this.sendInput();
    }, dueMs - this.#lastAtMs);
  }

  /** Cancels a held report (the session is over). */
  close(): void {
    if (this.#held !== null) this.#timers.clearTimeout(this.#held);
    this.#held = null;
    this.#setPaced(false);
  }

  get lastTransform(): Transform | null {
    return this.#last;
  }
  get spawned(): ReadonlySet<number> {
    return this.#spawned;
  }

  /** The server session is gone (link lost): every proxy leaves the game. */
  forgetAll(): void {
    this.#setPaced(false);
    for (const id of this.#spawned) this.#game.despawn(id);
    this.#spawned.clear();
    this.#batch.forgetAll();
    this.#otherProxies?.forgetAll();
  }

  /** Call on InterestRemove (the client's despawn event). */
  despawned(id: number): void {
    if (this.#spawned.delete(id)) this.#game.despawn(id);
    this.#batch.forget(id);
    this.#otherProxies?.forget(id);
  }

  /**
   * A snapshot was decoded; inputLeadUs: how long before its tick our newest input arrived
   * (Snapshot.input_lead_us: the server reports it, so pacing can start). Paced: the lead steers
   * the pacer. By frames: with an interpolation delay under a frame, show it now, however
   * recent the last game frame (that frame had not got it; the next one is up to a frame away).
   * With a longer delay it is not on screen before the playout clock reaches it, which the next
   * game frame shows anyway: an extra frame would only cost CPU (unless the game reports no
   * frames).
   */
  snapshotArrived(inputLeadUs = 0): void {
    if (this.#pacer.running) {
      this.#pacer.report(inputLeadUs); // shown and acked on the next paced tick
      return;
    }
    if (this.#mayPace && inputLeadUs > 0 && paceable(this.#client.interp.interpDelayMs, this.#client.tickMs)) {
      this.#setPaced(true);
      return;
    }
    // The ack waits for the next input (one datagram for both) unless the game went quiet.
    if (this.#now() - this.#lastAtMs >= FRAME_STALE_MS) this.#client.flushAck();
    // A game that stopped reporting frames (loading, paused) still gets its proxies moved.
    if (this.#client.interp.interpDelayMs < FRAME_MS || this.#now() - this.#lastFrameMs >= FRAME_STALE_MS) this.frame();
  }

  /**
   * Sends the player transform to the server, moved along its velocity to now (called on each
   * game report; also callable on its own, e.g. by tests driving a clock).
   */
  sendInput(): void {
    const t = this.#last;
    if (!t) return;
    const now = this.#now();
    const a = Math.min(Math.max(0, now - this.#lastAtMs), INPUT_EXTRAPOLATE_MAX_MS) / 1000;
    this.#client.sendPlayerState({
      x: t.pos.x + t.vel.x * a,
      y: t.pos.y + t.vel.y * a,
      z: t.pos.z + t.vel.z * a,
      yaw: yawFromQuat(t.rot),
      vx: t.vel.x,
      vy: t.vel.y,
      vz: t.vel.z,
      mode: 0,
      clientTimeMs: now,
    });
  }

  /** One render frame: interpolated states (spawning proxies on first sight) to the game. */
  frame(): void {
    const now = this.#now();
    this.#lastFrameMs = now;
    const out: InterpolatedEntity[] = this.#client.sample(now);
    const batch = this.#batch;
    batch.begin();
    for (const e of out) {
      const s = batch.add(e);
      if (!this.#spawned.has(e.id)) {
        const info = this.#client.known.get(e.id);
        this.#spawned.add(e.id);
        this.#game.spawn(e.id, bridgeKindOf(info?.kind), info?.name ?? '', s.pos, s.rot);
      }
    }
    const tick = sampleTickUs(now);
    for (const states of batch.chunks()) {
      // Not taken: these go again next frame even if they stop moving.
      if (!this.#game.entityStates(tick, states)) for (const s of states) batch.forget(s.entityId);
    }
  }
}
