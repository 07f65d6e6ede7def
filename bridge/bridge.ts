// The typed game <-> sidecar bridge: one object per process and bridge name, in the game or the
// sidecar role. Frames move through plain shared memory; the reader spins briefly, then sleeps
// (reader-loop.ts), so the event loop never blocks and an idle bridge costs ~0 CPU; the writer
// queues in JS when the ring is full (sender.ts); inbound frames are decoded for the handler
// table (frame-decoder.ts, dispatch.ts). This file holds the lifecycle: waiting -> attached ->
// closed.
import { BRIDGE_DEFAULTS, BRIDGE_WAIT_SLICE_MS } from './constants.js';
import { BridgeError } from './errors.js';
import { LAZY_TYPES, type MessageMap, type MessageName } from './generated/types.js';
import { IN_RING, OUT_RING, type Role } from './layout.js';
import { loadNative, type NativeShim } from './native.js';
import { PeerMonitor, type BridgeIntervals, type PeerGoneReason } from './peer.js';
import { openRegion, sweepOnce, type OpenedRegion } from './region.js';
import { ReaderLoop } from './reader-loop.js';
import { RingReader, RingWriter } from './ring.js';
import { Sender } from './sender.js';
import { Dispatcher, type AnyHandler, type FrameHandler } from './dispatch.js';
import { FrameDecoder } from './frame-decoder.js';
import { createSleeper } from './sleeper.js';

export interface BridgeOptions {
  /** The bridge's name: the game and its sidecar open the same name (A-Z a-z 0-9 _ -, 1-64). */
  name: string;
  role: Role;
  /** Capacity of each ring when this process creates the region (power of two). */
  ringBytes?: number;
  spinUs?: number;
  heartbeatMs?: number;
  peerTimeoutMs?: number;
  /** The heartbeat check's timer (default Node's setInterval): e.g. timers that ride on wakes
   * the process has anyway. */
  intervals?: BridgeIntervals;
  outQueueMaxBytes?: number;
  /** Close by itself when the peer goes away (default true). */
  closeOnPeerGone?: boolean;
  libraryPath?: string;
  /** How the reader sleeps: 'pipe' (the event loop polls a wake pipe; default on Linux) or
   * 'futex' (koffi async futex wait on libuv's pool). */
  wake?: 'pipe' | 'futex';
  /** 'poll': this side reads only when it calls drain() (once per frame, as the game's
   * plugin does): it never sleeps, so the writer never pays a wake for it. Default 'wake'. */
  read?: 'wake' | 'poll';
  /** Tests only: open as another build would. */
  abiVersion?: number;
  schemaHash?: number;
}

export type BridgeState = 'waiting' | 'attached' | 'closed';

export interface LifecycleEvents {
  peerAttached: { pid: number };
  peerGone: { reason: PeerGoneReason };
  state: { from: BridgeState; to: BridgeState };
  closed: { reason: string };
  handlerError: { name: string; error: unknown };
  /** The heartbeat check ran (every heartbeatMs, 200 ms by default): slow housekeeping can ride
   * on it instead of waking the process with a timer of its own. */
  heartbeat: Record<string, never>;
}
export type BridgeEvents = MessageMap & LifecycleEvents;
const HEARTBEAT: LifecycleEvents['heartbeat'] = Object.freeze({});

export interface BridgeCounters {
  framesIn: number;
  framesOut: number;
  bytesIn: number;
  bytesOut: number;
  /** Outbound frames lost because the ring and the JS queue were full. */
  dropped: number;
  /** trySend() calls turned away because the ring had no room (or frames were queued before). */
  refused: number;
  /** Inbound frames with a bad length (the backlog was dropped) or an undecodable payload. */
  malformed: number;
  /** Inbound frames of a type this build does not know (skipped). */
  unknownType: number;
  /** Outbound frames waiting in the JS queue for ring space. */
  queued: number;
  /** Futex wakes this side issued to a sleeping peer reader. */
  wakes: number;
  /** Times this side's reader went to sleep. */
  sleeps: number;
  /** Microseconds the reader currently spins before sleeping (adapts to the traffic). */
  spinUs: number;
  /** Lost wakes found by the heartbeat check (should stay 0). */
  rescues: number;
}

export class Bridge {
  readonly name: string;
  readonly role: Role;
  readonly ringBytes: number;
  readonly created: boolean;
  #state: BridgeState = 'waiting';
  #native: NativeShim;
  #region: OpenedRegion;
  #d = new Dispatcher<BridgeEvents>();
  #decoder: FrameDecoder<BridgeEvents>;
  #peer: PeerMonitor;
  #sender: Sender;
  #reader: ReaderLoop;
  #closeOnPeerGone: boolean;
  #closedPromise: Promise<void>;
  #resolveClosed!: () => void;

  constructor(opts: BridgeOptions) {
    const o = { ...BRIDGE_DEFAULTS, ...stripUndefined(opts) };
    this.name = opts.name;
    this.role = opts.role;
    this.#native = loadNative(opts.libraryPath);
    sweepOnce(this.#native);
    this.#region = openRegion(this.#native, {
      name: opts.name,
      role: opts.role,
      ringBytes: o.ringBytes,
      abiVersion: opts.abiVersion,
      schemaHash: opts.schemaHash,
    });
    this.ringBytes = this.#region.ringBytes;
    this.created = this.#region.created;
    const { view, handle } = this.#region;
    const outRing = OUT_RING[this.role];
    const out = new RingWriter(view, outRing, this.ringBytes, () => this.#native.wake(handle, outRing), LAZY_TYPES);
    const inRing = new RingReader(view, IN_RING[this.role], this.ringBytes);
    this.#decoder = new FrameDecoder(view, inRing.dataOffset, this.ringBytes, this.#d);
    this.#sender = new Sender(out, view, this.ringBytes, o.outQueueMaxBytes);
    this.#reader = new ReaderLoop({
      ring: inRing,
      // a polled reader never sleeps: no wake pipe held open (the futex sleeper is never used)
      sleeper: createSleeper(this.#native, handle, IN_RING[this.role], opts.read === 'poll' ? 'futex' : opts.wake, BRIDGE_WAIT_SLICE_MS),
      spinUs: o.spinUs,
      onFrame: this.#decoder.onFrame,
      onBad: this.#decoder.onBad,
      polled: opts.read === 'poll',
    });
    this.#closeOnPeerGone = o.closeOnPeerGone;
    this.#closedPromise = new Promise((resolve) => (this.#resolveClosed = resolve));
    this.#peer = new PeerMonitor({
      view,
      role: this.role,
      heartbeatMs: o.heartbeatMs,
      peerTimeoutMs: o.peerTimeoutMs,
      intervals: opts.intervals,
      peerAlive: () => this.#native.peerAlive(handle) === 1,
      onAttached: (pid) => {
        this.#setState('attached');
        this.#d.emit('peerAttached', { pid });
      },
      onTick: () => {
        this.#reader.rescue();
        this.#d.emit('heartbeat', HEARTBEAT);
      },
      onGone: (reason) => {
        this.#d.emit('peerGone', { reason });
        if (this.#closeOnPeerGone) void this.close(`peer ${reason}`);
        else this.#setState('waiting');
      },
    });
    this.#peer.start();
    this.#reader.start();
  }

  get state(): BridgeState {
    return this.#state;
  }

  /**
   * Handles every frame the peer has written so far, now: their handlers have run when it
   * returns; returns how many. The only way a `read: 'poll'` bridge reads; on a waking bridge
   * it may be called at any time, asleep included (the sleep goes on, and the next frame that
   * should wake this side still does). 0 when closed, or from a handler during a drain.
   */
  drain(): number {
    return this.#state === 'closed' ? 0 : this.#reader.drain();
  }

  /**
   * While on, this side's sleeps are not ended by lazy frames (manifest `lazy`: PlayerTransform,
   * written every game frame): they stay in the ring until the next wake — a frame that is not
   * lazy, the heartbeat check (every heartbeatMs) or a drain() — so a reader paced by something
   * else (the sidecar, by the server's tick) is not woken 60 times a second. Other frames still
   * wake it at once. Off by default; may be toggled at any time (off: lazy frames that came in
   * meanwhile are handled on the next turn). No effect on a `read: 'poll'` bridge.
   */
  sleepThroughLazy(on: boolean): void {
    if (this.#state !== 'closed') this.#reader.sleepThroughLazy(on);
  }

  /** Subscribes to a message (PascalCase name) or a lifecycle event; returns the unsubscribe. */
  on<K extends keyof BridgeEvents>(name: K, handler: (v: BridgeEvents[K]) => void): () => void {
    return this.#d.on(name, handler);
  }

  once<K extends keyof BridgeEvents>(name: K, handler: (v: BridgeEvents[K]) => void): () => void {
    const off = this.#d.on(name, (v) => {
      off();
      handler(v);
    });
    return off;
  }

  /** Every decoded message, for logging and tools. */
  onAny(handler: AnyHandler): () => void {
    return this.#d.onAny(handler);
  }

  /** Every whole inbound frame before decoding; `payload` is valid only during the call. */
  onFrame(handler: FrameHandler): () => void {
    return this.#d.onFrame(handler);
  }

  /** Sends a message. When the ring is full it waits in a JS queue (bounded; beyond it the
   * frame is dropped and counted). Returns false when it did not go straight into the ring. */
  send<K extends MessageName>(name: K, msg: MessageMap[K]): boolean {
    this.#assertOpen();
    return this.#sender.send(name, msg);
  }

  /** Sends a message only if the ring has room right now (and nothing is queued before it). */
  trySend<K extends MessageName>(name: K, msg: MessageMap[K]): boolean {
    this.#assertOpen();
    return this.#sender.trySend(name, msg);
  }

  /** Sends a raw frame (tools and tests: any type id, any bytes). Queues like send(). */
  sendRaw(type: number, payload: Uint8Array): boolean {
    this.#assertOpen();
    return this.#sender.sendRaw(type, payload);
  }

  /** Test hook: publishes a frame header whose length lies (the reader must drop it). */
  writeBadLengthFrameForTest(claimedBytes: number): boolean {
    this.#assertOpen();
    return this.#sender.writeBadLength(claimedBytes);
  }

  counters(): BridgeCounters {
    const c = this.#decoder;
    const sender = this.#sender;
    const reader = this.#reader;
    return {
      framesIn: c.framesIn,
      framesOut: sender.framesOut,
      bytesIn: c.bytesIn,
      bytesOut: sender.bytesOut,
      malformed: c.malformed,
      unknownType: c.unknownType,
      sleeps: reader.sleeps,
      rescues: reader.rescues,
      dropped: sender.dropped,
      refused: sender.refused,
      queued: sender.queued,
      wakes: sender.wakes,
      spinUs: reader.spinUs,
    };
  }

  /** Resolves once the peer has consumed everything this side wrote (or the bridge closed). */
  async flushed(pollMs = 1): Promise<void> {
    while (this.#state !== 'closed' && this.#sender.pending) {
      await new Promise((r) => setTimeout(r, pollMs));
    }
  }

  /** Resolves when the bridge has closed (by close() or because the peer went away). */
  closed(): Promise<void> {
    return this.#closedPromise;
  }

  /** Releases the role, wakes any sleeper and unmaps once the pending wait has returned. */
  close(reason = 'closed by owner'): Promise<void> {
    if (this.#state === 'closed') return this.#closedPromise;
    this.#setState('closed');
    this.#decoder.stop();
    this.#peer.stop();
    this.#sender.clear();
    // The region stays mapped until the reader has no native wait and no drain in progress.
    this.#reader.stop(() => {
      this.#native.close(this.#region.handle);
      this.#resolveClosed();
    });
    this.#d.emit('closed', { reason });
    return this.#closedPromise;
  }

  #assertOpen(): void {
    if (this.#state === 'closed') throw new BridgeError('CLOSED', `bridge '${this.name}' is closed`, { bridge: this.name });
  }

  #setState(to: BridgeState): void {
    const from = this.#state;
    if (from === to) return;
    this.#state = to;
    this.#d.emit('state', { from, to });
  }
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** Opens the bridge `name` in `role` (creating the shared region if this side is first). */
export function openBridge(opts: BridgeOptions): Bridge {
  return new Bridge(opts);
}
