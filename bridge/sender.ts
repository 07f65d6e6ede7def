// The writing side of a bridge: a message is encoded straight into the out ring when it has room
// and nothing is queued before it; otherwise it waits, encoded, in the JS outbox (bounded;
// beyond it dropped and counted), so frames always reach the peer in the order they were sent.
import { BRIDGE_OUT_RETRY_MS } from './constants.js';
import { FrameWriter } from './codec.js';
import { BridgeError } from './errors.js';
import { CODECS } from './generated/codecs.js';
import type { MessageMap, MessageName } from './generated/types.js';
import { FRAME_TYPE_PAD } from './layout.js';
import { Outbox } from './outbox.js';
import type { RingWriter } from './ring.js';

/** Largest frame type a raw frame may carry: the one above marks ring padding. */
const FRAME_TYPE_MAX = FRAME_TYPE_PAD - 1;

export class Sender {
  readonly #out: RingWriter;
  readonly #w: FrameWriter;
  readonly #ringBytes: number;
  readonly #outbox: Outbox;
  #framesOut = 0;
  #bytesOut = 0;
  #refused = 0;

  constructor(out: RingWriter, view: ArrayBuffer, ringBytes: number, outQueueMaxBytes: number) {
    this.#out = out;
    this.#w = new FrameWriter(view, out.dataOffset, ringBytes);
    this.#ringBytes = ringBytes;
    this.#outbox = new Outbox(outQueueMaxBytes, BRIDGE_OUT_RETRY_MS, (f) => this.#writeRaw(f.type, f.payload));
  }

  get framesOut(): number {
    return this.#framesOut;
  }

  get bytesOut(): number {
    return this.#bytesOut;
  }

  /** Frames lost because the ring and the outbox were full. */
  get dropped(): number {
    return this.#outbox.dropped;
  }

  /** trySend() calls turned away (ring full, or frames queued before): the caller's frame is not sent. */
  get refused(): number {
    return this.#refused;
  }

  /** Frames waiting in the outbox for ring space. */
  get queued(): number {
    return this.#outbox.length;
  }

  /** Wakes this side issued to a sleeping peer reader. */
  get wakes(): number {
    return this.#out.wakes;
  }

  /** True while something this side wrote has not been consumed by the peer yet. */
  get pending(): boolean {
    return this.#outbox.length > 0 || this.#out.pending() > 0;
  }

  /** Encodes into the ring, or into the outbox when that is not possible now; false when queued. */
  send<K extends MessageName>(name: K, msg: MessageMap[K]): boolean {
    if (this.#tryWrite(name, msg)) return true;
    const codec = CODECS[name];
    const scratch = new ArrayBuffer(codec.size(msg));
    const w = new FrameWriter(scratch);
    codec.write(w, msg);
    this.#outbox.push({ type: codec.id, payload: new Uint8Array(scratch) });
    return false;
  }

  /** Encodes into the ring only if it has room right now and nothing is queued before it. */
  trySend<K extends MessageName>(name: K, msg: MessageMap[K]): boolean {
    if (this.#tryWrite(name, msg)) return true;
    this.#refused++;
    return false;
  }

  #tryWrite<K extends MessageName>(name: K, msg: MessageMap[K]): boolean {
    const codec = CODECS[name];
    if (!codec) throw new BridgeError('BAD_OPTIONS', `unknown message '${String(name)}'`);
    if (this.#outbox.length > 0) return false;
    const len = codec.size(msg);
    if (len > this.#out.maxPayload)
      throw new BridgeError('FRAME_TOO_LARGE', `${name} is ${len} bytes; a frame may carry ${this.#out.maxPayload} with ${this.#ringBytes}-byte rings`);
    const at = this.#out.reserve(codec.id, len);
    if (at < 0) return false;
    this.#w.pos = at;
    codec.write(this.#w, msg);
    this.#out.commit();
    this.#framesOut++;
    this.#bytesOut += len;
    return true;
  }

  /** Any type id, any bytes (tools and tests); queues like send(). */
  sendRaw(type: number, payload: Uint8Array): boolean {
    if (!Number.isInteger(type) || type < 1 || type > FRAME_TYPE_MAX)
      throw new BridgeError('BAD_OPTIONS', `frame type must be 1..${FRAME_TYPE_MAX}, got ${type}`);
    if (payload.byteLength > this.#out.maxPayload)
      throw new BridgeError('FRAME_TOO_LARGE', `raw frame of ${payload.byteLength} bytes exceeds ${this.#out.maxPayload}`);
    if (this.#outbox.length === 0 && this.#writeRaw(type, payload)) return true;
    this.#outbox.push({ type, payload: payload.slice() });
    return false;
  }

  /** Test hook: publishes a frame header whose length lies. */
  writeBadLength(claimedBytes: number): boolean {
    return this.#out.writeBadLength(claimedBytes);
  }

  /** Drops whatever the outbox still holds (on close; counted as dropped). */
  clear(): void {
    this.#outbox.clear();
  }

  #writeRaw(type: number, payload: Uint8Array): boolean {
    const at = this.#out.reserve(type, payload.byteLength);
    if (at < 0) return false;
    this.#w.buf.set(payload, at);
    this.#out.commit();
    this.#framesOut++;
    this.#bytesOut += payload.byteLength;
    return true;
  }
}
