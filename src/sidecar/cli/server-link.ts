// The sidecar's link to one server at a time: a UDP socket (direct) or an ICE path through
// coop-master (a lobby), an ENet host on it, the re-join of a lost link, and the switch to
// another server when the player picks one in the settings menu (saved-servers.ts). Joins and
// switches run one after another; a join overtaken by a switch or by the teardown closes what
// it opened. A server picked in the menu that refuses or cannot be reached is reported to the
// game and the sidecar stays up (the player picks another); the startup server ends it, as
// before (the plugin's supervision then restarts it).
import { oneLine } from '../../cli/command.js';
import type { ExitLatch, Teardown } from '../../cli/teardown.js';
import { EnetHost, type EnetPeer } from '../../net/enet/index.js';
import type { DatagramTransport } from '../../net/enet/transport.js';
import { CHANNEL_COUNT, CHANNEL_SNAPSHOT, CHANNEL_VOICE } from '../../protocol/constants.js';
import type { IdentityKeys } from '../../protocol/identity.js';
import type { PlayerState } from '../../protocol/schema.gen.js';
import type { NatJoined } from '../nat-join.js';
import { ReceiveGate } from '../receive-gate.js';
import { RejoinSchedule } from '../rejoin.js';
import type { ServerTarget } from '../saved-servers.js';
import { CoopClient, ClientState } from '../session.js';
import { yawFromQuat, type GameLink } from '../game-link.js';
import type { Sidecar } from '../sidecar.js';
import type { SidecarDeps } from './run-sidecar.js';
import { EXIT_REFUSED } from './sidecar-options.js';
import type { Timers } from '../../util/clock.js';
import type { NativePath } from '../native-path.js';
import { NativeLink } from './native-link.js';

/** Time for the goodbye (Disconnect) to leave before the socket closes. */
export const SIDECAR_GOODBYE_DRAIN_MS = 200;
/** The sidecar's ENet timer (resends, pings), ms: one server tick. Acks and sends go out on
 * activity anyway; ENet's 5 ms default woke this process 200 times a second beside a game. */
const SIDECAR_ENET_SERVICE_MS = 25;
/** The same with the native path, whose thread takes the frames and snapshots: ENet's own
 * traffic (pings, resends, acks of reliable messages) is all the timer serves, and every wake
 * of it is one the game's frames no longer carry. */
const SIDECAR_NATIVE_ENET_SERVICE_MS = 250;
const NOTIFY_WARNING = 1;
const NOTIFY_ERROR = 2;

export interface ServerLinkContext {
  deps: SidecarDeps;
  identity: IdentityKeys;
  client: () => CoopClient;
  sidecar: () => Sidecar;
  game: GameLink;
  /** Story sync hears when a server session ends. */
  left: (reason: string) => void;
  say: (line: string) => void;
  exit: ExitLatch;
  teardown: Teardown;
  /** Where the player was when the game first reported. */
  first: () => PlayerState;
  /** ENet's service timer's (default Node's): the session's, which ride on the game's frames. */
  timers?: Timers;
  /** The native path (--pace native), which takes a direct link's socket over; or null. */
  path?: NativePath | null;
}

export class ServerLink {
  readonly #c: ServerLinkContext;
  readonly #rejoin = new RejoinSchedule();
  #host: EnetHost | null = null;
  #peer: EnetPeer | null = null;
  /** The current transport's datagrams ride on the game's frames, where it can hold them. */
  #gate: ReceiveGate | null = null;
  #nat: NatJoined | undefined;
  #target: ServerTarget | undefined;
  #rejoinTimer: ReturnType<typeof setTimeout> | undefined;
  /** Bumped whenever the link is dropped: a join that sees another value was overtaken. */
  #generation = 0;
  #queue: Promise<void> = Promise.resolve();
  #fromMenu = false;
  /** The native path's share of the current link (its thread reads a direct link's socket, Linux). */
  #native: NativeLink | null = null;

  constructor(c: ServerLinkContext) {
    this.#c = c;
    // Runs before the rest of the session closes: the server hears a goodbye, not a timeout.
    c.teardown.add('server link', () => this.#drop('quit'));
  }

  get target(): ServerTarget | undefined {
    return this.#target;
  }
  get nat(): NatJoined | undefined {
    return this.#nat;
  }
  /** The current server was picked in the settings menu (not the startup one). */
  get fromMenu(): boolean {
    return this.#fromMenu;
  }

  /** The current connection's measured packet loss (0..1), if connected. */
  get packetLoss(): number | undefined {
    return this.#peer?.connected ? this.#peer.stats.packetLoss : undefined;
  }

  send(channel: number, bytes: Uint8Array, reliable: boolean): void {
    if (!this.#peer?.connected) return;
    // in the world the native path's thread numbers the snapshot channel's unreliable sends
    if (this.#native?.send(channel, bytes, reliable)) return;
    const unreliable = channel === CHANNEL_SNAPSHOT || channel === CHANNEL_VOICE;
    this.#peer.send(channel, bytes, reliable || !unreliable ? { reliable: true } : { unreliableFragment: true });
  }

  /** A game frame: the server's datagrams that wait are read now, later ones wait for the next
   * frame (receive-gate.ts); `mayHold` false (an interpolation delay under a frame): they come as they arrive. */
  gameFrame(nowMs: number, mayHold: boolean): void {
    this.#gate?.frame(nowMs, mayHold);
  }

  /** A paced tick (tick-pacer.ts): the server's datagrams that wait are read now; `mayHold`
   * false: later ones come as they arrive (receive-gate.ts). */
  pacedTick(nowMs: number, mayHold: boolean): void {
    this.#gate?.pacedTick(nowMs, mayHold);
  }

  /** Story sync waits for a message whose arrival counts: datagrams come as they arrive for now. */
  promptReceive(): void {
    this.#gate?.prompt();
  }

  /** The datagrams being read waited for a paced tick: their read time is not their arrival. */
  get readingHeld(): boolean {
    return this.#gate?.holding ?? false;
  }

  /** The bridge's heartbeat: once the game has stopped sending frames, datagrams are read as they come. */
  heartbeat(nowMs: number): void {
    this.#gate?.check(nowMs);
  }

  /** Entered (welcomed) or left the world: the native path's thread takes the frames and the
   * snapshots in it (native-link.ts). */
  worldChanged(inWorld: boolean): void {
    this.#native?.worldChanged(inWorld, this.#c.client());
  }

  /** The server welcomed us: the next lost link starts counting its attempts again. */
  welcomed(): void {
    this.#rejoin.joined();
  }

  /** Joins the startup server. */
  join(target: ServerTarget): Promise<void> {
    return this.#enqueue(() => this.#open(target));
  }

  /** The menu picked another server: goodbye to this one, proxies gone, join that one. */
  switchTo(target: ServerTarget): Promise<void> {
    return this.#enqueue(async () => {
      this.#fromMenu = true;
      if (this.#host || this.#nat) {
        this.#c.say(`leaving ${this.#target?.label ?? 'the server'} for ${target.label}`);
        this.#c.left('switching server');
        this.#c.sidecar().forgetAll();
      }
      await this.#drop('leave');
      await this.#open(target);
    });
  }

  /** A server that ended for good (refused, gone): exit unless the menu picked it. */
  failed(reason: string): void {
    if (!this.#fromMenu) {
      this.#c.exit.finish(EXIT_REFUSED);
      return;
    }
    this.#c.game.notify(NOTIFY_ERROR, 'coop', `${reason}: pick another server in the settings menu`);
  }

  #enqueue(op: () => Promise<void>): Promise<void> {
    this.#queue = this.#queue.then(op, op);
    return this.#queue;
  }

  async #drop(goodbye: 'quit' | 'leave'): Promise<void> {
    clearTimeout(this.#rejoinTimer);
    const host = this.#host,
      peer = this.#peer,
      nat = this.#nat;
    // The goodbye leaves through the current peer, so before it is forgotten.
    if (goodbye === 'quit') this.#c.client().quit();
    else this.#c.client().leave('switching server');
    this.#host = null;
    this.#peer = null;
    this.#nat = undefined;
    this.#gate?.close(); // the goodbye's answer is read as it comes
    this.#gate = null;
    this.#native?.detach(this.#c.client()); // before the socket closes
    this.#native = null;
    this.#generation++;
    if (host) {
      host.flush();
      peer?.disconnectLater(0);
      await new Promise((r) => setTimeout(r, SIDECAR_GOODBYE_DRAIN_MS));
      if (nat) this.#c.say(`connection at exit: ${nat.describe()}`);
      host.destroy();
    }
    if (nat) await nat.close().catch(() => undefined);
  }

  async #open(target: ServerTarget): Promise<void> {
    const { say, exit, deps } = this.#c;
    const gen = this.#generation;
    this.#target = target;
    const stale = (): boolean => gen !== this.#generation || exit.done || this.#c.teardown.started;
    if (stale()) return;
    let transport: DatagramTransport;
    let address: { address: string; port: number };
    let nat: NatJoined | undefined;
    if (target.kind === 'lobby') {
      say(`joining lobby session ${target.lobbyId} through coop-master ${target.nat.master.join(', ')}`);
      try {
        nat = await deps.joinThroughMaster({
          ...target.nat,
          lobbyId: target.lobbyId,
          identity: this.#c.identity,
          onRetry: (err, next) => say(`${oneLine(err)}; trying again through coop-master ${next}`),
        });
      } catch (err) {
        if (stale()) return;
        say(`could not reach the server through coop-master: ${oneLine(err)}`);
        this.failed(`could not reach ${target.label}`);
        return;
      }
      if (stale()) return void (await nat.close().catch(() => undefined));
      say(`connected: ${nat.describe()}`);
      transport = nat.transport;
      address = nat.address;
    } else {
      address = { address: target.address, port: target.port };
      transport = await deps.bindUdp(address);
      if (stale()) return transport.close();
    }
    // The native path takes the socket over where it can (a connected socket on Linux): its thread
    // reads every datagram and hands back what it does not take.
    const path = this.#c.path;
    const native = !!path && transport.readsOnDemand === true;
    const host: EnetHost = new EnetHost({
      transport,
      peerLimit: 1,
      channelLimit: CHANNEL_COUNT,
      serviceIntervalMs: native ? SIDECAR_NATIVE_ENET_SERVICE_MS : SIDECAR_ENET_SERVICE_MS,
      timers: this.#c.timers,
    });
    this.#host = host;
    this.#native = path && native ? NativeLink.attach(path, transport, () => this.#peer) : null;
    if (path && !this.#native) say('native path: this link is not a plain UDP socket here; its datagrams are read by the sidecar');
    // read on the game's frames and serviced at once (the snapshot is in before the frame's work)
    this.#gate =
      !this.#native && transport.readsOnDemand === true && transport.setReceiving
        ? new ReceiveGate({ setReceiving: transport.setReceiving.bind(transport), receiveWaiting: () => host.serviceWaiting() })
        : null;
    this.#nat = nat;
    this.#rejoin.joined();
    say(`game attached; ENet connecting to ${address.address}:${address.port}`);
    host.on('connect', () => {
      // A (re-)join starts where the player is now, not where the game first put them.
      // (The native path's thread sees every transform; Node's Sidecar not those it took in a world.)
      const t = this.#c.path?.lastTransform() ?? this.#c.sidecar().lastTransform;
      this.#c.client().start(t ? { ...t.pos, yaw: yawFromQuat(t.rot), vx: t.vel.x, vy: t.vel.y, vz: t.vel.z, mode: 0 } : this.#c.first());
    });
    host.on('receive', (_p, _ch, data) => {
      if (this.#host === host) this.#c.client().receive(data);
    });
    host.on('disconnect', () => {
      if (this.#host === host) this.#lost(host, address);
    });
    this.#peer = host.connect(address, CHANNEL_COUNT, 0);
  }

  /** The link went down: re-join a link that was up (UDP only), give up otherwise. */
  #lost(host: EnetHost, address: { address: string; port: number }): void {
    const { say, exit, game } = this.#c;
    const client = this.#c.client();
    const inWorld = client.state === ClientState.IN_WORLD;
    if (this.#c.teardown.started || exit.done || (!inWorld && client.state !== ClientState.IDLE)) return; // refusals and goodbyes: 'closed'
    // A server never reached is not re-joined, and the ICE path would need a new handshake.
    const delay = !this.#nat && (inWorld || this.#rejoin.rejoining) ? this.#rejoin.next() : undefined;
    if (inWorld) say('connection to the server lost');
    if (delay === undefined) {
      if (!inWorld) say(this.#rejoin.rejoining ? `could not re-join the server (${this.#rejoin.attempt} attempts)` : 'could not reach the server');
      this.failed(`could not reach ${this.#target?.label ?? 'the server'}`);
      return;
    }
    this.#c.left('connection to the server lost');
    if (inWorld) {
      game.notify(NOTIFY_WARNING, 'coop', 'connection to the server lost: re-joining');
      this.#c.sidecar().forgetAll();
      client.reset();
    }
    say(`re-joining in ${delay / 1000} s (attempt ${this.#rejoin.attempt} of ${this.#rejoin.attempts})`);
    this.#rejoinTimer = setTimeout(() => {
      if (!exit.done && this.#host === host) this.#peer = host.connect(address, CHANNEL_COUNT, 0);
    }, delay);
  }
}
