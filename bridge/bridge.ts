// The typed game <-> sidecar bridge: one object per process and bridge name, in the game or the
// sidecar role. Frames move through plain shared memory; the reader spins briefly, then sleeps
// on a futex through koffi's asynchronous call (finite slices), so the event loop never blocks
// and an idle bridge costs ~0 CPU. Lifecycle: waiting -> attached -> closed.
import {
  BRIDGE_DEFAULTS,
  BRIDGE_FRAMES_PER_TURN,
  BRIDGE_OUT_RETRY_MS,
  BRIDGE_SPIN_MIN_US,
  BRIDGE_SPIN_PAYOFF_US,
  BRIDGE_SPIN_PROBE_EVERY,
  BRIDGE_STALE_MIN_AGE_S,
  BRIDGE_WAIT_SLICE_MS,
} from './constants.js';
import { FrameReader, FrameWriter } from './codec.js';
import { BridgeError } from './errors.js';
import { CODECS, CODECS_BY_ID } from './generated/codecs.js';
import type { MessageMap, MessageName } from './generated/types.js';
import { IN_RING, OUT_RING, type Role } from './layout.js';
import { loadNative, type NativeShim } from './native.js';
import { PeerMonitor, type PeerGoneReason } from './peer.js';
import { openRegion, type OpenedRegion } from './region.js';
import { RingReader, RingWriter } from './ring.js';
import { Outbox } from './outbox.js';
import { Dispatcher, type AnyHandler, type FrameHandler } from './dispatch.js';
import { FutexSleeper, PipeSleeper, type Sleeper } from './sleeper.js';

export interface BridgeOptions {
  /** The bridge's name: the game and its sidecar open the same name (A-Z a-z 0-9 _ -, 1-64). */
  name: string;
  role: Role;
  /** Capacity of each ring when this process creates the region (power of two). */
  ringBytes?: number;
  spinUs?: number;
  heartbeatMs?: number;
  peerTimeoutMs?: number;
  outQueueMaxBytes?: number;
  /** Close by itself when the peer goes away (default true). */
  closeOnPeerGone?: boolean;
  libraryPath?: string;
  /** How the reader sleeps: 'pipe' (the event loop polls a wake pipe; default on Linux) or
   * 'futex' (koffi async futex wait on libuv's pool). */
  wake?: 'pipe' | 'futex';
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
}
export type BridgeEvents = MessageMap & LifecycleEvents;

export interface BridgeCounters {
  framesIn: number;
  framesOut: number;
  bytesIn: number;
  bytesOut: number;
  /** Outbound frames lost because the ring and the JS queue were full. */
  dropped: number;
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
  #out: RingWriter;
  #in: RingReader;
  #w: FrameWriter;
  #r: FrameReader;
  #d = new Dispatcher<BridgeEvents>();
  #peer: PeerMonitor;
  #outbox: Outbox;
  #sleeper: Sleeper;
  #released = false;
  #settled = false;
  #draining = false;
  /** Spin budget: up to spinUs, halved each time a spin finds nothing, reset when it pays off. */
  #spinMaxMs: number;
  #spinMs: number;
  #sleepsSinceProbe = 0;
  #scheduled = false;
  #closeOnPeerGone: boolean;
  #c = { framesIn: 0, framesOut: 0, bytesIn: 0, bytesOut: 0, malformed: 0, unknownType: 0, sleeps: 0, rescues: 0 };
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
    this.#out = new RingWriter(view, outRing, this.ringBytes, () => this.#native.wake(handle, outRing));
    this.#in = new RingReader(view, IN_RING[this.role], this.ringBytes);
    this.#w = new FrameWriter(view, this.#out.dataOffset, this.ringBytes);
    this.#r = new FrameReader(view, this.#in.dataOffset, this.ringBytes);
    this.#spinMaxMs = this.#spinMs = o.spinUs / 1000;
    this.#outbox = new Outbox(o.outQueueMaxBytes, BRIDGE_OUT_RETRY_MS, (f) => this.#writeRaw(f.type, f.payload));
    const fd = opts.wake === 'futex' ? -1 : this.#native.wakeFd(handle, IN_RING[this.role]);
    this.#sleeper = fd >= 0 ? new PipeSleeper(fd) : new FutexSleeper(this.#native, handle, IN_RING[this.role], BRIDGE_WAIT_SLICE_MS);
    this.#closeOnPeerGone = o.closeOnPeerGone;
    this.#closedPromise = new Promise((resolve) => (this.#resolveClosed = resolve));
    this.#peer = new PeerMonitor({
      view,
      role: this.role,
      heartbeatMs: o.heartbeatMs,
      peerTimeoutMs: o.peerTimeoutMs,
      peerAlive: () => this.#native.peerAlive(handle) === 1,
      onAttached: (pid) => {
        this.#setState('attached');
        this.#d.emit('peerAttached', { pid });
      },
      onTick: () => this.#rescue(),
      onGone: (reason) => {
        this.#d.emit('peerGone', { reason });
        if (this.#closeOnPeerGone) void this.close(`peer ${reason}`);
        else this.#setState('waiting');
      },
    });
    this.#peer.start();
    this.#pump();
  }

  get state(): BridgeState {
    return this.#state;
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
    if (this.trySend(name, msg)) return true;
    const codec = CODECS[name];
    const scratch = new ArrayBuffer(codec.size(msg));
    const w = new FrameWriter(scratch);
    codec.write(w, msg);
    this.#outbox.push({ type: codec.id, payload: new Uint8Array(scratch) });
    return false;
  }

  /** Sends a message only if the ring has room right now (and nothing is queued before it). */
  trySend<K extends MessageName>(name: K, msg: MessageMap[K]): boolean {
    this.#assertOpen();
    const codec = CODECS[name];
    if (!codec) throw new BridgeError('BAD_OPTIONS', `unknown message '${String(name)}'`);
    if (this.#outbox.length > 0) return false;
    const len = codec.size(msg);
    if (len > this.#out.maxPayload)
      throw new BridgeError('FRAME_TOO_LARGE', `${name} is ${len} bytes; a frame may carry ${this.#out.maxPayload} with ${this.ringBytes}-byte rings`);
    const at = this.#out.reserve(codec.id, len);
    if (at < 0) return false;
    this.#w.pos = at;
    codec.write(this.#w, msg);
    this.#out.commit();
    this.#c.framesOut++;
    this.#c.bytesOut += len;
    return true;
  }

  /** Sends a raw frame (tools and tests: any type id, any bytes). Queues like send(). */
  sendRaw(type: number, payload: Uint8Array): boolean {
    this.#assertOpen();
    if (!Number.isInteger(type) || type < 1 || type > 0xfffe) throw new BridgeError('BAD_OPTIONS', `frame type must be 1..65534, got ${type}`);
    if (payload.byteLength > this.#out.maxPayload)
      throw new BridgeError('FRAME_TOO_LARGE', `raw frame of ${payload.byteLength} bytes exceeds ${this.#out.maxPayload}`);
    if (this.#outbox.length === 0 && this.#writeRaw(type, payload)) return true;
    this.#outbox.push({ type, payload: payload.slice() });
    return false;
  }

  /** Test hook: publishes a frame header whose length lies (the reader must drop it). */
  writeBadLengthFrameForTest(claimedBytes: number): boolean {
    this.#assertOpen();
    return this.#out.writeBadLength(claimedBytes);
  }

  counters(): BridgeCounters {
    return { ...this.#c, dropped: this.#outbox.dropped, queued: this.#outbox.length, wakes: this.#out.wakes, spinUs: this.#spinMs * 1000 };
  }

  /** Resolves once the peer has consumed everything this side wrote (or the bridge closed). */
  async flushed(pollMs = 1): Promise<void> {
    while (this.#state !== 'closed' && (this.#outbox.length > 0 || this.#out.pending() > 0)) {
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
    this.#peer.stop();
    this.#outbox.clear();
    // A pending native wait must return before the region is unmapped.
    this.#sleeper.cancel(() => {
      this.#settled = true;
      setImmediate(() => this.#release());
    });
    this.#d.emit('closed', { reason });
    return this.#closedPromise;
  }

  #release(): void {
    if (!this.#settled || this.#draining || this.#released) return;
    this.#released = true;
    this.#sleeper.close();
    this.#native.close(this.#region.handle);
    this.#resolveClosed();
  }

  #isClosed(): boolean {
    return this.#state === 'closed';
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

  #writeRaw(type: number, payload: Uint8Array): boolean {
    const at = this.#out.reserve(type, payload.byteLength);
    if (at < 0) return false;
    this.#w.buf.set(payload, at);
    this.#out.commit();
    this.#c.framesOut++;
    this.#c.bytesOut += payload.byteLength;
    return true;
  }

  #onFrame = (type: number, pos: number, len: number): void => {
    this.#c.framesIn++;
    this.#c.bytesIn += len;
    if (this.#state === 'closed') return;
    if (this.#d.hasFrameTaps) this.#d.frame(type, this.#r.buf.subarray(pos, pos + len));
    const codec = CODECS_BY_ID.get(type);
    if (!codec) {
      this.#c.unknownType++;
      return;
    }
    const r = this.#r;
    r.reset(pos, pos + len);
    const msg = codec.read(r);
    if (!r.ok || r.pos !== pos + len) {
      this.#c.malformed++;
      return;
    }
    this.#d.message(codec.name, msg);
  };

  #onBad = (): void => {
    this.#c.malformed++;
  };

  /** Drain, spin briefly (adaptive), then sleep; re-entered when woken. */
  #pump = (): void => {
    if (this.#isClosed()) return this.#release();
    this.#draining = true;
    try {
      let n = this.#in.drain(this.#onFrame, BRIDGE_FRAMES_PER_TURN, this.#onBad);
      if (n >= BRIDGE_FRAMES_PER_TURN) return void this.#schedule();
      if (this.#spinMs > 0) {
        // Spin while the peer answers fast; a slow or missing answer means it is not running
        // right now (no free core), so spinning only steals its CPU: back off to sleeping.
        let last = performance.now();
        let until = last + this.#spinMs;
        let slowest = Infinity;
        while (!this.#isClosed()) {
          if (this.#in.hasData()) {
            const now = performance.now();
            slowest = slowest === Infinity ? now - last : Math.max(slowest, now - last);
            n += this.#in.drain(this.#onFrame, BRIDGE_FRAMES_PER_TURN, this.#onBad);
            if (n >= BRIDGE_FRAMES_PER_TURN) return void this.#schedule();
            last = performance.now();
            until = last + this.#spinMs;
          } else if (performance.now() >= until) break;
        }
        const paidOff = slowest <= BRIDGE_SPIN_PAYOFF_US / 1000;
        this.#spinMs = paidOff ? this.#spinMaxMs : this.#spinMs / 2 < BRIDGE_SPIN_MIN_US / 1000 ? 0 : this.#spinMs / 2;
      } else if (++this.#sleepsSinceProbe >= BRIDGE_SPIN_PROBE_EVERY) {
        this.#sleepsSinceProbe = 0;
        this.#spinMs = this.#spinMaxMs; // try spinning again now and then: the load may have changed
      }
    } finally {
      this.#draining = false;
    }
    if (this.#isClosed()) return this.#release();
    this.#sleep();
  };

  /** Heartbeat-tick safety net: data waiting while the reader is not about to run means a wake
   * was lost; deliver it now (at most one check period late) and count it. */
  #rescue(): void {
    if (this.#isClosed() || this.#draining || this.#scheduled || !this.#in.hasData()) return;
    if (this.#sleeper.sleeping) {
      if (!(this.#sleeper instanceof PipeSleeper)) return; // the futex slice returns by itself
      this.#sleeper.poke();
    } else {
      this.#pump();
    }
    this.#c.rescues++;
  }

  #schedule(): void {
    if (this.#scheduled) return;
    this.#scheduled = true;
    setImmediate(() => {
      this.#scheduled = false;
      this.#pump();
    });
  }

  #sleep(): void {
    const seq = this.#in.prepareSleep();
    if (seq === undefined) return this.#schedule();
    this.#c.sleeps++;
    this.#sleeper.sleep(seq, this.#woken);
  }

  #woken = (): void => {
    if (this.#isClosed()) return this.#release();
    this.#in.endSleep();
    this.#pump();
  };
}

const swept = new WeakSet<NativeShim>();
/** Once per process: remove regions that crashed processes left in /dev/shm. */
function sweepOnce(native: NativeShim): void {
  if (swept.has(native)) return;
  swept.add(native);
  native.sweepStale(BRIDGE_STALE_MIN_AGE_S);
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** Opens the bridge `name` in `role` (creating the shared region if this side is first). */
export function openBridge(opts: BridgeOptions): Bridge {
  return new Bridge(opts);
}
