// One direction of the bridge, read or written from JS straight through the zero-copy view of
// the shared region (Atomics on an Int32Array for the indices, DataView for the frames).
// Single producer, single consumer; frame format in docs/bridge-ring.md.
import {
  CTRL_READER_WAITING,
  CTRL_READ_IDX,
  CTRL_WAKE_SEQ,
  CTRL_WRITE_IDX,
  FRAME_HEADER_BYTES,
  FRAME_TYPE_PAD,
  READER_NOT_WAITING,
  READER_WAITING_ANY,
  READER_WAITING_NOT_LAZY,
  alignFrame,
  maxPayloadBytes,
  ringCtrlOffset,
  ringDataOffset,
} from './layout.js';

/** The reader publishes its read index after this many frames (and at the end of a drain). */
const RELEASE_EVERY = 64;

/** Why a frame was dropped by the reader. */
export type DropReason = 'bad_length' | 'unknown_type' | 'bad_payload';

abstract class RingSide {
  protected readonly i32: Int32Array;
  protected readonly dv: DataView;
  protected readonly writeIdx: number;
  protected readonly readIdx: number;
  protected readonly wakeSeq: number;
  protected readonly waiting: number;
  readonly cap: number;
  readonly mask: number;
  /** Byte offset of this ring's data area inside the region. */
  readonly dataOffset: number;

  constructor(region: ArrayBuffer, ring: 0 | 1, ringBytes: number) {
    this.i32 = new Int32Array(region, 0, 512 / 4);
    this.cap = ringBytes;
    this.mask = ringBytes - 1;
    this.dataOffset = ringDataOffset(ring, ringBytes);
    this.dv = new DataView(region, this.dataOffset, ringBytes);
    const ctrl = ringCtrlOffset(ring) / 4;
    this.writeIdx = ctrl + CTRL_WRITE_IDX / 4;
    this.readIdx = ctrl + CTRL_READ_IDX / 4;
    this.wakeSeq = ctrl + CTRL_WAKE_SEQ / 4;
    this.waiting = ctrl + CTRL_READER_WAITING / 4;
  }

  /** Bytes written and not yet consumed. */
  pending(): number {
    return (Atomics.load(this.i32, this.writeIdx) - Atomics.load(this.i32, this.readIdx)) >>> 0;
  }
}

export class RingWriter extends RingSide {
  readonly maxPayload: number;
  private next = 0;
  /** Whether the reserved frame is lazy (its type's entry in the lazy table). */
  private nextLazy = false;
  /** Bumps the wake word and wakes a sleeping reader (a native call). */
  private readonly wake: () => void;
  /** 1 at each lazy frame type (generated LAZY_TYPES): read once per reserve, no map lookup. */
  private readonly lazyTypes: Uint8Array;
  wakes = 0;

  constructor(region: ArrayBuffer, ring: 0 | 1, ringBytes: number, wake: () => void, lazyTypes: Uint8Array) {
    super(region, ring, ringBytes);
    this.maxPayload = maxPayloadBytes(ringBytes);
    this.wake = wake;
    this.lazyTypes = lazyTypes;
  }

  /** Reserves a frame for `len` payload bytes; returns the payload's offset in the data area,
   * or -1 when the ring has no room (nothing is written). Follow with commit(). */
  reserve(type: number, len: number): number {
    const w = Atomics.load(this.i32, this.writeIdx);
    const used = (w - Atomics.load(this.i32, this.readIdx)) >>> 0;
    const need = alignFrame(FRAME_HEADER_BYTES + len);
    let pos = w & this.mask;
    const tail = this.cap - pos;
    const total = need <= tail ? need : tail + need;
    if (used + total > this.cap) return -1;
    let at = w;
    if (need > tail) {
      this.header(pos, 0, FRAME_TYPE_PAD);
      at = (w + tail) | 0;
      pos = 0;
    }
    this.header(pos, len, type);
    this.next = (at + need) | 0;
    this.nextLazy = this.lazyTypes[type] === 1;
    return pos + FRAME_HEADER_BYTES;
  }

  /** Publishes the reserved frame and wakes the reader if it sleeps: one waiting for any frame,
   * or one sleeping through lazy frames when this frame is not lazy. */
  commit(): void {
    // Atomics are sequentially consistent: store the index, then load the word; the reader
    // stores the word, then re-checks the index, so one of the two sees the other.
    Atomics.store(this.i32, this.writeIdx, this.next);
    const w = Atomics.load(this.i32, this.waiting);
    if (w !== READER_WAITING_ANY && (w !== READER_WAITING_NOT_LAZY || this.nextLazy)) return;
    if (Atomics.compareExchange(this.i32, this.waiting, w, READER_NOT_WAITING) === w) {
      this.wakes++;
      this.wake();
    }
  }

  /** Test hook: publishes a frame header claiming `claimedLen` payload bytes it does not have. */
  writeBadLength(claimedLen: number): boolean {
    const at = this.reserve(1, 0);
    if (at < 0) return false;
    this.dv.setUint32(at - FRAME_HEADER_BYTES, claimedLen >>> 0, true);
    this.commit();
    return true;
  }

  private header(pos: number, len: number, type: number): void {
    this.dv.setUint32(pos, len, true);
    this.dv.setUint16(pos + 4, type, true);
    this.dv.setUint16(pos + 6, 0, true);
  }
}

/** What the reader does with each whole frame: payload at [pos, pos + len) of the data area. */
export type FrameSink = (type: number, pos: number, len: number) => void;

export class RingReader extends RingSide {
  constructor(region: ArrayBuffer, ring: 0 | 1, ringBytes: number) {
    super(region, ring, ringBytes);
  }

  hasData(): boolean {
    return Atomics.load(this.i32, this.writeIdx) !== Atomics.load(this.i32, this.readIdx);
  }

  /** Delivers up to maxFrames frames to sink; returns how many frames were consumed. A frame
   * whose length cannot be trusted drops the whole backlog and calls onBad once. */
  drain(sink: FrameSink, maxFrames: number, onBad: () => void): number {
    const w = Atomics.load(this.i32, this.writeIdx);
    let r = Atomics.load(this.i32, this.readIdx);
    let n = 0;
    while (r !== w && n < maxFrames) {
      const avail = (w - r) >>> 0;
      const pos = r & this.mask;
      if (avail < FRAME_HEADER_BYTES || avail > this.cap || (pos & 7) !== 0) return this.bad(w, n, onBad);
      const len = this.dv.getUint32(pos, true);
      const type = this.dv.getUint16(pos + 4, true);
      if (type === FRAME_TYPE_PAD) {
        if (this.cap - pos > avail) return this.bad(w, n, onBad);
        r = (r + this.cap - pos) | 0;
        continue;
      }
      if (len > this.cap / 4) return this.bad(w, n, onBad);
      const need = alignFrame(FRAME_HEADER_BYTES + len);
      if (need > this.cap - pos || need > avail) return this.bad(w, n, onBad);
      // The sink decodes (copies) before the slot is released to the writer.
      sink(type, pos + FRAME_HEADER_BYTES, len);
      r = (r + need) | 0;
      // Release consumed space in batches (one shared-memory store per RELEASE_EVERY frames).
      if ((++n & (RELEASE_EVERY - 1)) === 0) Atomics.store(this.i32, this.readIdx, r);
    }
    Atomics.store(this.i32, this.readIdx, r);
    return n;
  }

  /** The reader's sleep handshake: returns the wake word to wait on, or undefined when data
   * arrived meanwhile (then do not sleep). `throughLazy`: only a frame that is not lazy wakes it. */
  prepareSleep(throughLazy: boolean): number | undefined {
    const seq = Atomics.load(this.i32, this.wakeSeq);
    Atomics.store(this.i32, this.waiting, throughLazy ? READER_WAITING_NOT_LAZY : READER_WAITING_ANY);
    if (this.hasData()) {
      Atomics.store(this.i32, this.waiting, READER_NOT_WAITING);
      return undefined;
    }
    return seq;
  }

  /** While asleep: switch between waiting for any frame and sleeping through lazy frames. False
   * when the reader was not waiting any more (a writer took the word: its wake is on the way). */
  retarget(throughLazy: boolean): boolean {
    const from = throughLazy ? READER_WAITING_ANY : READER_WAITING_NOT_LAZY;
    const to = throughLazy ? READER_WAITING_NOT_LAZY : READER_WAITING_ANY;
    const seen = Atomics.compareExchange(this.i32, this.waiting, from, to);
    return seen === from || seen === to;
  }

  endSleep(): void {
    Atomics.store(this.i32, this.waiting, READER_NOT_WAITING);
  }

  private bad(w: number, n: number, onBad: () => void): number {
    Atomics.store(this.i32, this.readIdx, w);
    onBad();
    return n + 1;
  }
}
