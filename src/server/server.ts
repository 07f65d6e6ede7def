// CoopServer: the authoritative session. Owns the world, the connections and the GameClock;
// the transport (ENet) feeds it peers and bytes through PeerLink, plugins hook in via use().
// Its ticks and the real-time loop: tick-loop.ts.
import { randomBytes } from 'node:crypto';
import { decodeMsg, encodeMsg } from '../protocol/codec.js';
import { CHANNEL_RELIABLE, CHANNEL_SNAPSHOT, CHANNEL_VOICE } from '../protocol/constants.js';
import { DisconnectCode, EntityKind, type EMsg } from '../protocol/schema.gen.js';
import { Connection, ConnState, type PeerLink } from './connection.js';
import { GameClock } from './game-clock.js';
import { TickPipeline } from './tick-pipeline.js';
import { TickLoop } from './tick-loop.js';
import { World } from './world.js';
import { NpcSim } from './npc-sim.js';
import { seededRandom } from '../util/random.js';
import { handleMessage, type MessageContext } from './handlers.js';
import { passwordProofOk } from '../protocol/password-proof.js';
import { DISCONNECT_LINGER_MS, HANDSHAKE_MAX_PER_ADDRESS, HANDSHAKE_MAX_TOTAL, type DropReason } from './constants.js';
import { HandshakeSlots, type HandshakeSlotLimits } from './handshake-slots.js';
import type { ServerPlugin, ServerStatsView } from './plugin.js';

export interface ServerLog {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}
const quiet: ServerLog = { info: () => undefined, warn: () => undefined };

export interface CoopServerOptions {
  sessionId: string;
  /** Monotonic ms (injected in tests). */
  now?: () => number;
  initialTickMs?: number;
  adaptiveTick?: boolean;
  maxPlayers?: number;
  seed?: number;
  log?: ServerLog;
  /** Nonce source (injected in tests). */
  random?: (n: number) => Uint8Array;
  /** Session password: joiners must prove they know it (Proof.password_proof). */
  password?: string;
  /** Bounds on unauthenticated connections; default HANDSHAKE_MAX_PER_ADDRESS / HANDSHAKE_MAX_TOTAL. */
  handshakeSlots?: HandshakeSlotLimits;
}

/** Connections evicted to make room, by where (the dashboard shows them with the refusals). */
export type EvictionKind = 'handshake' | 'enet_half_open' | 'ice_handshake';

export class CoopServer {
  readonly sessionId: string;
  readonly world = new World();
  readonly sim: NpcSim;
  readonly clock: GameClock;
  readonly pipeline: TickPipeline;
  readonly plugins: ServerPlugin[] = [];
  readonly log: ServerLog;
  readonly maxPlayers: number;
  readonly random: (n: number) => Uint8Array;
  readonly now: () => number;
  readonly startedAtMs: number;
  tick = 0;
  /** Handshakes refused so far, by RefuseCode (wrong password, banned, full, …). */
  readonly refusals = new Map<number, number>();
  /** Connections evicted so far to make room for newer ones, by layer. */
  readonly evictions = new Map<EvictionKind, number>();
  /** Unauthenticated connections, bounded apart from the player slots. */
  readonly handshakes: HandshakeSlots;
  readonly #conns = new Map<number, Connection>();
  #nextPeerId = 1;
  readonly #ticks: TickLoop;
  readonly #password: string | undefined;
  readonly #handlerContext: MessageContext;

  constructor(opts: CoopServerOptions) {
    this.sessionId = opts.sessionId;
    this.now = opts.now ?? (() => performance.now());
    this.startedAtMs = this.now();
    this.log = opts.log ?? quiet;
    this.maxPlayers = opts.maxPlayers ?? 64;
    this.random = opts.random ?? ((n) => new Uint8Array(randomBytes(n)));
    if (opts.password === '') throw new TypeError('password must be a non-empty string or absent');
    this.#password = opts.password;
    this.handshakes = new HandshakeSlots(opts.handshakeSlots ?? { perAddress: HANDSHAKE_MAX_PER_ADDRESS, total: HANDSHAKE_MAX_TOTAL });
    this.sim = new NpcSim(this.world, seededRandom(opts.seed ?? 1));
    this.clock = new GameClock({ initialTickMs: opts.initialTickMs, adaptive: opts.adaptiveTick ?? true });
    this.pipeline = new TickPipeline(this.world, this.sim);
    this.#ticks = new TickLoop(this);
    this.#handlerContext = this.#messageContext();
  }

  /** The narrow face the message handlers get (handlers.ts), not this whole class. */
  #messageContext(): MessageContext {
    return {
      sessionId: this.sessionId,
      maxPlayers: this.maxPlayers,
      plugins: this.plugins,
      log: this.log,
      now: () => this.now(),
      random: (n) => this.random(n),
      tickMs: () => this.clock.currentTickMs,
      passwordOk: (nonce, proof) => this.passwordOk(nonce, proof),
      isInWorld: (identity) => this.byIdentity(identity) !== undefined,
      playersInWorld: () => this.inWorld().length,
      spawnAvatar: (pose, name, peerId) => this.world.spawn(EntityKind.KIND_AVATAR, pose, name, peerId),
      moveAvatar: (entityId, pose) => this.world.setPose(entityId, pose),
      send: (conn, msg, channel) => this.send(conn, msg, channel),
      broadcast: (msg, except, channel) => this.broadcast(msg, except, channel),
      notice: (conn, text, level) => this.notice(conn, text, level),
      refuse: (conn, code, reason, version) => this.refuse(conn, code, reason, version),
      drop: (conn, reason) => this.drop(conn, reason),
      peerGone: (conn, reason) => this.peerGone(conn, reason),
    };
  }

  use(plugin: ServerPlugin): this {
    this.plugins.push(plugin);
    return this;
  }

  // ------------------------------------------------------------ registry
  connections(): IterableIterator<Connection> {
    return this.#conns.values();
  }
  connection(peerId: number): Connection | undefined {
    return this.#conns.get(peerId);
  }
  inWorld(): Connection[] {
    return [...this.#conns.values()].filter((c) => c.inWorld);
  }
  byIdentity(identity: string): Connection | undefined {
    return this.inWorld().find((c) => c.identity === identity);
  }

  stats(): ServerStatsView {
    return {
      tick: this.tick,
      tickMs: this.clock.currentTickMs,
      frameTimeAvgMs: this.clock.averageMs,
      entities: this.world.count,
      peers: this.inWorld().length,
      uptimeS: (this.now() - this.startedAtMs) / 1000,
    };
  }

  /** Whether joiners need the session password (what the lobby announce says). */
  get passwordRequired(): boolean {
    return this.#password !== undefined;
  }

  /** True without a password (any proof is ignored); else whether `proof` proves it for `nonce`. */
  passwordOk(nonce: Uint8Array, proof: Uint8Array): boolean {
    return this.#password === undefined || passwordProofOk(this.#password, nonce, this.sessionId, proof);
  }

  // ------------------------------------------------------------ transport side
  /** A transport peer connected: the handshake starts (the client speaks first). */
  peerConnected(link: PeerLink): Connection {
    const conn = new Connection(this.#nextPeerId++, link, this.now());
    conn.onStateChange = (c, from, to) => {
      if (to === ConnState.IN_WORLD) this.handshakes.remove(c); // a player now: off the handshake table
      this.log.info({ event: 'peer.state', peerId: c.peerId, from, to }, 'peer state');
    };
    this.#conns.set(conn.peerId, conn);
    this.log.info({ event: 'peer.connect', peerId: conn.peerId, address: link.address }, 'peer connected');
    const full = this.handshakes.admit(conn);
    if (full) this.#evict(full.victim, full.why);
    return conn;
  }

  /** Counts an eviction made below the server (ENet half-open peers, ICE handshakes). */
  countEviction(kind: EvictionKind): void {
    this.evictions.set(kind, (this.evictions.get(kind) ?? 0) + 1);
  }

  /** Drops an unauthenticated connection at once to make room for a newer one. */
  #evict(conn: Connection, why: string): void {
    this.countEviction('handshake');
    this.#conns.delete(conn.peerId);
    conn.setState(ConnState.CLOSED);
    this.log.warn({ event: 'peer.evicted', peerId: conn.peerId, address: conn.link.address, why }, 'unauthenticated connection evicted');
    if (conn.link.abort) conn.link.abort();
    else conn.link.close();
  }

  peerMessage(conn: Connection, channel: number, bytes: Uint8Array): void {
    if (conn.state === ConnState.CLOSED) return;
    if (channel !== CHANNEL_RELIABLE && channel !== CHANNEL_SNAPSHOT && channel !== CHANNEL_VOICE) {
      this.drop(conn, 'bad_channel');
      return;
    }
    const d = decodeMsg(bytes);
    if (!d.ok) {
      this.drop(conn, d.reason);
      return;
    }
    handleMessage(this.#handlerContext, conn, d.kind, d.msg);
  }

  /** The transport link is gone (timeout, client disconnect, or after our own close). */
  peerGone(conn: Connection, reason = 'disconnected'): void {
    this.handshakes.remove(conn); // a refused connection lingers in the table until its link is gone
    if (!this.#conns.has(conn.peerId)) return;
    this.log.info({ event: 'peer.leave', peerId: conn.peerId, name: conn.name, reason, drops: conn.dropsTotal }, 'peer left');
    this.#forget(conn, reason);
  }

  // ------------------------------------------------------------ sending
  send(conn: Connection, msg: EMsg, channel = CHANNEL_RELIABLE): void {
    if (conn.state === ConnState.CLOSED) return;
    conn.link.send(channel, encodeMsg(msg), channel === CHANNEL_RELIABLE);
  }

  /** Sends to every in-world peer (except `except`). */
  broadcast(msg: EMsg, except?: Connection, channel = CHANNEL_RELIABLE): void {
    const bytes = encodeMsg(msg);
    for (const c of this.#conns.values()) if (c.inWorld && c !== except) c.link.send(channel, bytes, channel === CHANNEL_RELIABLE);
  }

  notice(conn: Connection, text: string, level = 0): void {
    this.send(conn, { notice: { level, text } });
  }

  /** Tells the peer why, then closes its link; false when there is no such peer. */
  kick(peerId: number, reason: string, code: number = DisconnectCode.DISCONNECT_KICKED): boolean {
    const conn = this.#conns.get(peerId);
    if (!conn) return false;
    this.send(conn, { disconnect: { code, reason } });
    this.#closeLater(conn, reason);
    return true;
  }

  refuse(conn: Connection, code: number, reason: string, serverProtocolVersion: number): void {
    this.send(conn, { refused: { code, reason, serverProtocolVersion } });
    this.refusals.set(code, (this.refusals.get(code) ?? 0) + 1);
    this.log.warn({ event: 'peer.refused', peerId: conn.peerId, code, reason }, 'peer refused');
    this.#closeLater(conn, `refused: ${reason}`);
  }

  /** Counts a bad message; past the limit the peer is disconnected with the reason. */
  drop(conn: Connection, reason: DropReason): void {
    const over = conn.countDrop(reason, this.now());
    if (over && conn.state !== ConnState.CLOSED) {
      this.log.warn({ event: 'peer.bad_messages', peerId: conn.peerId, drops: Object.fromEntries(conn.drops) }, 'too many bad messages');
      this.kick(conn.peerId, `too many bad messages (last: ${reason})`, DisconnectCode.DISCONNECT_TOO_MANY_BAD_MESSAGES);
    }
  }

  /** Closes the link after DISCONNECT_LINGER_MS, for what was just sent (a Disconnect or a
   * Refused) to reach the peer; the connection is gone at once. */
  #closeLater(conn: Connection, reason: string): void {
    this.#forget(conn, reason);
    setTimeout(() => conn.link.close(), DISCONNECT_LINGER_MS).unref();
  }

  /** The connection leaves the registry and its avatar the world; the plugins hear of a player
   * who was in the world leaving. */
  #forget(conn: Connection, reason: string): void {
    const wasInWorld = conn.inWorld;
    this.#conns.delete(conn.peerId);
    conn.setState(ConnState.CLOSED);
    if (conn.avatarId) this.world.despawn(conn.avatarId);
    if (wasInWorld) for (const p of this.plugins) p.left?.(conn, reason);
  }

  // ------------------------------------------------------------ ticking (tick-loop.ts)
  /** One tick at nowMs: inputs were applied on arrival; simulate, interest, snapshots. */
  runTick(nowMs: number): void {
    this.#ticks.runTick(nowMs);
  }

  /** Feeds the GameClock one frame time; broadcasts TickRateChange when the tick changes. */
  recordFrame(frameTimeMs: number, nowMs: number): void {
    this.#ticks.recordFrame(frameTimeMs, nowMs);
  }

  /** Operator override (clamped 20..50). */
  setTickMs(ms: number): void {
    this.#ticks.setTickMs(ms);
  }

  /** Real-time loop: one tick every currentTickMs, frame time measured around the tick. */
  start(): void {
    this.#ticks.start();
  }

  async stop(reason = 'server shutting down'): Promise<void> {
    this.#ticks.stop();
    for (const c of [...this.#conns.values()]) this.kick(c.peerId, reason, DisconnectCode.DISCONNECT_SERVER_SHUTDOWN);
    for (const p of this.plugins) await p.stop?.();
  }
}
