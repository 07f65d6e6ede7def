// The sidecar's native path (docs/sidecar.md "The native path: the thread"): a C thread takes the
// game's frames, the server's snapshots and others' voices, so the event loop wakes only for what
// the JavaScript still does (reliable messages, the mic, story sync, slow timers). This object opens
// the game's region, starts the thread on it, and is what the session talks to:
// - the bridge opens `relayName` instead of the game's bridge name: the thread relays every frame
//   it does not handle itself, both ways, with the game's heartbeat and pid;
// - the server link hands the socket over (attachSocket): the datagrams that hold more than
//   snapshots come back here and go to ENet;
// - in the world (enterWorld, with the ENet peer's ids and the snapshot channel's numbers) the
//   thread sends the player's input, decodes the snapshots, and moves the game's proxies;
//   InterestAdd and InterestRemove reach it through known() and forget().
import { loadNative, openRegion, PipeSleeper, RING_DEFAULT_BYTES } from '../../bridge/index.js';
import { PATH_COUNTERS, PATH_ITEM_TALKING, loadPathNative, type PathCounters, type PathHandle, type PathLink, type PathNative } from './path-native.js';
import type { Transform } from './game-link.js';
import { SOCKET_READER_BUFFER_BYTES } from '../net/enet/udp-connected.js';
/** Items taken per wake of the notify pipe, so a flood cannot hold the event loop. */
const PATH_ITEMS_PER_WAKE = 256;

let relays = 0;
const textEncoder = new TextEncoder();

export class NativePath {
  readonly relayName: string;
  readonly #native: PathNative;
  readonly #closeGame: () => void;
  #h: PathHandle | null;
  #sleeper: PipeSleeper | null = null;
  /** The socket's items (attachSocket): datagrams for ENet, payloads to send reliably. */
  #onSocketItem: ((kind: number, bytes: Uint8Array) => void) | null = null;
  /** A remote talker started or stopped playing in the thread (their mic icon). */
  onTalking: ((peerId: number, on: boolean) => void) | null = null;
  readonly #kind = new Uint8Array(1);
  /** The largest item the thread forwards: a UDP datagram. */
  readonly #buf = new Uint8Array(SOCKET_READER_BUFFER_BYTES);
  readonly #transform = new Float32Array(11);
  readonly #at = new Float64Array(1);
  #inWorld = false;

  /** Opens the game's bridge `gameBridge` in the sidecar role and starts the thread on it; throws
   * a BridgeError as openBridge does (role taken, another build), or an Error saying why the
   * path cannot run here. `nowMs` is the session's clock (performance.now()). */
  static open(gameBridge: string, nowMs: number, libraryPath?: string): NativePath {
    const native = loadPathNative(libraryPath);
    if (typeof native === 'string') throw new Error(native);
    const shim = loadNative(libraryPath);
    const game = openRegion(shim, { name: gameBridge, role: 'sidecar', ringBytes: RING_DEFAULT_BYTES });
    const relayName = `relay-${process.pid}-${relays++}`;
    const h = native.create(game.handle, relayName, nowMs);
    try {
      const st = h === null ? -1 : native.status(h);
      if (h === null || st !== 0) throw new Error(`the native path could not start (status ${st})`);
      return new NativePath(native, relayName, h, () => shim.close(game.handle));
    } catch (err) {
      if (h !== null) native.destroy(h);
      shim.close(game.handle);
      throw err;
    }
  }

  private constructor(native: PathNative, relayName: string, h: PathHandle, closeGame: () => void) {
    this.#native = native;
    this.relayName = relayName;
    this.#h = h;
    this.#closeGame = closeGame;
    const notify = native.notifyFd(h);
    if (notify < 0) throw new Error('the native path gave no notify pipe');
    this.#sleeper = new PipeSleeper(notify);
    this.#arm();
  }

  get inWorld(): boolean {
    return this.#inWorld;
  }

  /** The thread reads the connected socket `fd` from now on; what it does not take itself comes
   * to onItem (PATH_ITEM_DATAGRAM: a datagram for ENet; PATH_ITEM_RELIABLE: a payload ENet must
   * send reliably on the snapshot channel). */
  attachSocket(fd: number, onItem: (kind: number, bytes: Uint8Array) => void): void {
    const h = this.#handle();
    this.#onSocketItem = onItem;
    this.#native.setSocket(h, fd);
  }

  /** The socket is closing: the thread lets go of it first. */
  detachSocket(): void {
    if (this.#h === null) return;
    this.#native.setSocket(this.#h, -1);
    this.#onSocketItem = null;
  }

  /** Others' voices played by the thread (received on `channel`): null, or why they stay Node's. */
  playVoice(channel: number): string | null {
    const rc = this.#native.voice(this.#handle(), 1, channel);
    return rc === 0 ? null : `the native thread cannot play voice (code ${rc}: no libopus?)`;
  }
  /** A peer's avatar entity, for their mouth's visemes. */
  voiceAvatar(peerId: number, entityId: number): void {
    if (this.#h !== null) this.#native.voiceAvatar(this.#h, peerId, entityId);
  }
  voiceVolume(gain: number): void {
    if (this.#h !== null) this.#native.voiceVolume(this.#h, gain);
  }
  /** A relayed voice packet Node's codec decoded (written otherwise than our server writes it). */
  pushVoice(v: { fromPeerId?: number; seq?: number; timestamp?: number; opusBytes?: Uint8Array; attenuationQ8?: number }): void {
    const opus = v.opusBytes ?? new Uint8Array(0);
    if (this.#h !== null) this.#native.pushVoice(this.#h, v.fromPeerId ?? 0, v.seq ?? 0, v.timestamp ?? 0, opus, opus.length, v.attenuationQ8 ?? 0);
  }
  /** Node sleeps through the game's lazy frames (Sidecar.setInWorld): the thread relaying them too. */
  sleepThroughLazy(on: boolean): void {
    if (this.#h !== null) this.#native.sleepThroughLazy(this.#h, on ? 1 : 0);
  }
  /** The server's time is Node's clock (performance.now()) + offsetMs; NaN: not synced yet. */
  serverClock(offsetMs: number): void {
    if (this.#h !== null) this.#native.serverClock(this.#h, offsetMs);
  }

  #onItem(kind: number, bytes: Uint8Array): void {
    if (kind !== PATH_ITEM_TALKING) return this.#onSocketItem?.(kind, bytes);
    const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    if (bytes.length >= 5) this.onTalking?.(v.getUint32(0, true), bytes[4] === 1);
  }

  #arm(): void {
    this.#sleeper?.sleep(0, () => {
      this.#takeItems();
      this.#arm();
    });
  }

  #takeItems(): void {
    const h = this.#h;
    if (h === null) return;
    for (let i = 0; i < PATH_ITEMS_PER_WAKE; i++) {
      const n = this.#native.take(h, this.#kind, this.#buf, this.#buf.length);
      if (n <= 0) return; // none left (or one longer than any datagram, which cannot be queued)
      this.#onItem(this.#kind[0]!, this.#buf.slice(0, n));
    }
  }

  /** Welcomed: the thread handles the player's frames and the snapshots with this link. */
  enterWorld(link: PathLink): void {
    this.#native.enterWorld(this.#handle(), link);
    this.#inWorld = true;
  }

  /** Out of the world: the frames go to Node again; the link's numbers come back. */
  leaveWorld(): PathLink {
    const out = { outgoingPeerId: 0, outgoingSessionId: 0, channel: 0, reliableSeq: 0, unreliableSeq: 0, inputSeq: 0, interpDelayMs: 0 };
    this.#inWorld = false;
    if (this.#h !== null) this.#native.leaveWorld(this.#h, out);
    return out;
  }

  setChannelSeqs(reliableSeq: number, unreliableSeq: number): void {
    if (this.#h !== null) this.#native.setChannelSeqs(this.#h, reliableSeq, unreliableSeq);
  }
  setDelay(ms: number): void {
    if (this.#h !== null) this.#native.setDelay(this.#h, ms);
  }
  /** InterestAdd: the entity, its bridge kind and template name, for its proxy's spawn. */
  known(id: number, bridgeKind: number, name: string): void {
    const bytes = textEncoder.encode(name);
    if (this.#h !== null) this.#native.known(this.#h, id, bridgeKind, bytes, bytes.length);
  }
  forget(id: number): void {
    if (this.#h !== null) this.#native.forget(this.#h, id);
  }
  forgetAll(): void {
    if (this.#h !== null) this.#native.forgetAll(this.#h);
  }
  /** Sends unreliably on the snapshot channel, numbered by the thread: 0 sent, 1 to be sent
   * reliably (onItem got it), -1 not sent. */
  send(payload: Uint8Array): number {
    return this.#h === null ? -1 : this.#native.send(this.#h, payload, payload.length);
  }
  pushSnapshot(tick: number, baseTick: number, serverTimeMs: number, data: Uint8Array): boolean {
    return this.#h !== null && this.#native.pushSnapshot(this.#h, tick, baseTick, serverTimeMs, data, data.length) === 0;
  }

  /** The player's last transform the thread saw, or null. */
  lastTransform(): Transform | null {
    if (this.#h === null || this.#native.lastTransform(this.#h, this.#transform, this.#at) === 0) return null;
    const t = this.#transform;
    return { pos: { x: t[1]!, y: t[2]!, z: t[3]! }, rot: { x: t[4]!, y: t[5]!, z: t[6]!, w: t[7]! }, vel: { x: t[8]!, y: t[9]!, z: t[10]! } };
  }

  counters(): PathCounters {
    const out = new Uint32Array(PATH_COUNTERS.length);
    if (this.#h !== null) this.#native.counters(this.#h, out, out.length);
    return Object.fromEntries(PATH_COUNTERS.map((name, i) => [name, out[i]!])) as PathCounters;
  }

  /** Stops the thread and releases the relay region (after the bridge on it closed), then the game's. */
  close(): void {
    const h = this.#h;
    if (h === null) return;
    this.#h = null;
    this.#sleeper?.close();
    this.#sleeper = null;
    this.#native.destroy(h);
    this.#closeGame();
  }

  #handle(): PathHandle {
    if (this.#h === null) throw new Error('the native path is closed');
    return this.#h;
  }
}
