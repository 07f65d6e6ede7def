// Frames waiting in JS for ring space (the peer reads slower than we send). Bounded in bytes;
// beyond the bound a frame is dropped and counted. Flushed in order on a short retry timer.
export interface QueuedFrame {
  type: number;
  payload: Uint8Array;
}

export class Outbox {
  #queue: QueuedFrame[] = [];
  #bytes = 0;
  #timer: NodeJS.Timeout | undefined;
  dropped = 0;

  constructor(
    private readonly maxBytes: number,
    private readonly retryMs: number,
    /** Writes one frame into the ring; false when the ring is still full. */
    private readonly write: (f: QueuedFrame) => boolean,
  ) {}

  get length(): number {
    return this.#queue.length;
  }

  push(frame: QueuedFrame): void {
    if (this.#bytes + frame.payload.byteLength > this.maxBytes) {
      this.dropped++;
      return;
    }
    this.#queue.push(frame);
    this.#bytes += frame.payload.byteLength;
    this.#timer ??= setTimeout(this.#flush, this.retryMs);
  }

  #flush = (): void => {
    this.#timer = undefined;
    let i = 0;
    while (i < this.#queue.length && this.write(this.#queue[i])) {
      this.#bytes -= this.#queue[i].payload.byteLength;
      i++;
    }
    this.#queue.splice(0, i);
    if (this.#queue.length > 0) this.#timer = setTimeout(this.#flush, this.retryMs);
  };

  /** Drops everything still queued (on close); returns how many frames that was. */
  clear(): number {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    const n = this.#queue.length;
    this.dropped += n;
    this.#queue = [];
    this.#bytes = 0;
    return n;
  }
}
