// Inbound frames, straight from the ring's memory: counted, shown raw to the frame taps, then
// decoded with the generated codec of their type and handed to the handler table. Hostile
// frames never throw: an unknown type is skipped and an undecodable payload (or a lying length,
// reported by the ring) is counted as malformed.
import { FrameReader } from './codec.js';
import type { Dispatcher } from './dispatch.js';
import { CODECS_BY_ID } from './generated/codecs.js';

export class FrameDecoder<Events extends object> {
  readonly #r: FrameReader;
  readonly #d: Dispatcher<Events>;
  #stopped = false;
  #framesIn = 0;
  #bytesIn = 0;
  #malformed = 0;
  #unknownType = 0;

  /** Reads frames from the ring data area at `dataOffset` in `view`. */
  constructor(view: ArrayBuffer, dataOffset: number, ringBytes: number, dispatcher: Dispatcher<Events>) {
    this.#r = new FrameReader(view, dataOffset, ringBytes);
    this.#d = dispatcher;
  }

  get framesIn(): number {
    return this.#framesIn;
  }

  get bytesIn(): number {
    return this.#bytesIn;
  }

  get malformed(): number {
    return this.#malformed;
  }

  get unknownType(): number {
    return this.#unknownType;
  }

  /** The bridge closed: frames still drained are counted, not delivered. */
  stop(): void {
    this.#stopped = true;
  }

  /** One whole frame at `pos` with `len` payload bytes (the ring reader's callback). */
  onFrame = (type: number, pos: number, len: number): void => {
    this.#framesIn++;
    this.#bytesIn += len;
    if (this.#stopped) return;
    if (this.#d.hasFrameTaps) this.#d.frame(type, this.#r.buf.subarray(pos, pos + len));
    const codec = CODECS_BY_ID.get(type);
    if (!codec) {
      this.#unknownType++;
      return;
    }
    const r = this.#r;
    r.reset(pos, pos + len);
    const msg = codec.read(r);
    if (!r.ok || r.pos !== pos + len) {
      this.#malformed++;
      return;
    }
    this.#d.message(codec.name, msg);
  };

  /** A frame whose length lies: the ring dropped the backlog. */
  onBad = (): void => {
    this.#malformed++;
  };
}
