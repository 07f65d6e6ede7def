// ENet's packet compressor (compress.c, enet_host_compress_with_range_coder): the order-2 PPM
// model of range-coder-model.ts driving a 32-bit range coder, byte-exact with libenet 1.3.17
// both ways. The model starts empty for every call, so each datagram decodes on its own.
//
// The arithmetic mirrors ENet's uint32 (wrapping) and uint16 types, so hostile input decodes
// to the same bytes, or the same failure, as in libenet. Hostile input never throws and never
// reads or writes outside the given arrays; the output is bounded by its length and `limit`.
import { EnetError } from './errors.js';
import { ContextModel, ROOT, SUBCONTEXT_ORDER } from './range-coder-model.js';

// The top byte is emitted once it can no longer change; the range is kept at or above 2^16 so
// that a context total (below 2^16) always divides it into a non-zero step.
const RANGE_TOP = 1 << 24;
const RANGE_BOTTOM = 1 << 16;
const RANGE_FULL = 0xffffffff;
const EMPTY = new Uint8Array(0);

/** One range coder with its model (≈ 64 KiB, reused: ENet allocates one per host). */
export class RangeCoder {
  readonly #model = new ContextModel();
  // Coder state: uint32 each.
  #low = 0;
  #range = RANGE_FULL;
  #code = 0;
  #input: Uint8Array = EMPTY;
  #inputAt = 0;
  #output: Uint8Array = EMPTY;
  #outputAt = 0;
  #outputEnd = 0;

  /**
   * Compress `input` into `output`. Returns the compressed length, or 0 when the input is
   * empty or the result does not fit in `output` (ENet then sends the datagram as it is).
   */
  compress(input: Uint8Array, output: Uint8Array): number {
    try {
      return this.#compress(input, output);
    } finally {
      this.#release();
    }
  }

  /**
   * Decompress `input` into `output`, writing at most `limit` bytes. Returns the length, or 0
   * when the input is empty, malformed or decodes to more than `limit` bytes.
   */
  decompress(input: Uint8Array, output: Uint8Array, limit: number): number {
    if (!Number.isInteger(limit) || limit < 0) throw new EnetError('ENET_BAD_OPTION', `decompress limit must be a non-negative integer, got ${String(limit)}`);
    try {
      return this.#decompress(input, output, limit);
    } finally {
      this.#release();
    }
  }

  /** Drop the references to the caller's arrays. */
  #release(): void {
    this.#input = EMPTY;
    this.#output = EMPTY;
  }

  #compress(input: Uint8Array, output: Uint8Array): number {
    if (input.length === 0) return 0;
    const model = this.#model;
    this.#startOutput(output, output.length);
    this.#low = 0;
    this.#range = RANGE_FULL;
    model.reset();
    let predicted = ROOT;
    let order = 0;
    for (let i = 0; i < input.length; i++) {
      const value = input[i];
      // `link` is the symbol whose parent is the next symbol found; -1 stands for `predicted`.
      let link = -1;
      let coded = false;
      for (let context = predicted; context !== ROOT; context = model.parent[context]) {
        const symbol = model.lookupInSubcontext(context, value);
        if (link < 0) predicted = symbol;
        else model.parent[link] = symbol;
        link = symbol;
        const count = model.foundCount;
        const escapes = model.escapes[context];
        const total = model.total[context];
        if (count > 0) {
          if (!this.#encode(escapes + model.foundUnder, count, total)) return 0;
          coded = true;
        } else if (escapes > 0 && escapes < total) {
          // An escape; a context with no escape frequency yet costs nothing (the decoder skips it).
          if (!this.#encode(0, escapes, total)) return 0;
        }
        model.updateSubcontext(context, count);
        if (coded) break;
      }
      if (!coded) {
        const symbol = model.lookupInRoot(value);
        if (link < 0) predicted = symbol;
        else model.parent[link] = symbol;
        const count = model.foundCount;
        if (!this.#encode(model.escapes[ROOT] + model.foundUnder, count, model.total[ROOT])) return 0;
        model.updateRoot(count);
      }
      if (order >= SUBCONTEXT_ORDER) predicted = model.parent[predicted];
      else order++;
      if (model.full) {
        model.reset();
        predicted = ROOT;
        order = 0;
      }
    }
    // Flush: emit the low end's remaining significant bytes; trailing zeros are implied.
    while (this.#low !== 0) {
      if (!this.#emit(this.#low >>> 24)) return 0;
      this.#low = (this.#low << 8) >>> 0;
    }
    return this.#outputAt;
  }

  #decompress(input: Uint8Array, output: Uint8Array, limit: number): number {
    if (input.length === 0) return 0;
    const model = this.#model;
    this.#startOutput(output, Math.min(limit, output.length));
    this.#input = input;
    this.#inputAt = 0;
    this.#low = 0;
    this.#range = RANGE_FULL;
    // Seed the code with the first four bytes (missing ones read as zeros).
    this.#code = 0;
    for (let i = 0; i < 4; i++) this.#code = ((this.#code << 8) | this.#nextInputByte()) >>> 0;
    model.reset();
    let predicted = ROOT;
    let order = 0;
    for (;;) {
      // Try the contexts from the longest down; an escape moves one shorter.
      let context = predicted;
      let symbol = -1;
      for (; context !== ROOT; context = model.parent[context]) {
        const escapes = model.escapes[context];
        const total = model.total[context];
        // A context the encoder emitted no escape from (see #compress) holds nothing here.
        if (escapes === 0 || escapes >= total) continue;
        const code = this.#read(total);
        if (code < escapes) {
          this.#decode(0, escapes);
          continue;
        }
        symbol = model.findInSubcontext(context, code - escapes);
        if (symbol < 0) return 0;
        this.#decode(escapes + model.foundUnder, model.foundCount);
        model.updateSubcontext(context, model.foundCount);
        break;
      }
      if (context === ROOT) {
        const escapes = model.escapes[ROOT];
        const code = this.#read(model.total[ROOT]);
        if (code < escapes) break; // the root escape ends the data
        symbol = model.findInRoot(code - escapes);
        this.#decode(escapes + model.foundUnder, model.foundCount);
        model.updateRoot(model.foundCount);
      }
      const value = model.foundValue;
      // The contexts that escaped learn the byte, exactly as the encoder's walk taught them.
      let link = -1;
      for (let patch = predicted; patch !== context; patch = model.parent[patch]) {
        const learned = model.lookupInSubcontext(patch, value);
        if (link < 0) predicted = learned;
        else model.parent[link] = learned;
        link = learned;
        model.updateSubcontext(patch, model.foundCount);
      }
      if (link < 0) predicted = symbol;
      else model.parent[link] = symbol;
      if (!this.#emit(value)) return 0;
      if (order >= SUBCONTEXT_ORDER) predicted = model.parent[predicted];
      else order++;
      if (model.full) {
        model.reset();
        predicted = ROOT;
        order = 0;
      }
    }
    return this.#outputAt;
  }

  #startOutput(output: Uint8Array, end: number): void {
    this.#output = output;
    this.#outputAt = 0;
    this.#outputEnd = end;
  }

  #emit(byte: number): boolean {
    if (this.#outputAt >= this.#outputEnd) return false;
    this.#output[this.#outputAt++] = byte;
    return true;
  }

  #nextInputByte(): number {
    return this.#inputAt < this.#input.length ? this.#input[this.#inputAt++] : 0;
  }

  /** Narrow the range to [under, under + count) of `total`; false when output is full. */
  #encode(under: number, count: number, total: number): boolean {
    let range = Math.floor(this.#range / total);
    let low = (this.#low + under * range) >>> 0;
    range = (range * count) >>> 0;
    for (;;) {
      if ((low ^ (low + range)) >>> 0 >= RANGE_TOP) {
        if (range >= RANGE_BOTTOM) break;
        // Too narrow to go on, yet its top byte is not settled: end the range at low's next
        // 2^16 boundary, which settles it (the decoder makes the same cut).
        range = -low & (RANGE_BOTTOM - 1);
      }
      if (!this.#emit(low >>> 24)) return false;
      range = (range << 8) >>> 0;
      low = (low << 8) >>> 0;
    }
    this.#low = low;
    this.#range = range;
    return true;
  }

  /** The frequency `code` falls on, out of `total` (uint16 as in ENet). */
  #read(total: number): number {
    this.#range = Math.floor(this.#range / total);
    return Math.floor(((this.#code - this.#low) >>> 0) / this.#range) & 0xffff;
  }

  /** Decoder twin of #encode (#read already divided the range by the total). */
  #decode(under: number, count: number): void {
    let low = (this.#low + under * this.#range) >>> 0;
    let range = (this.#range * count) >>> 0;
    let code = this.#code;
    for (;;) {
      if ((low ^ (low + range)) >>> 0 >= RANGE_TOP) {
        if (range >= RANGE_BOTTOM) break;
        range = -low & (RANGE_BOTTOM - 1);
      }
      code = ((code << 8) | this.#nextInputByte()) >>> 0;
      range = (range << 8) >>> 0;
      low = (low << 8) >>> 0;
    }
    this.#low = low;
    this.#range = range;
    this.#code = code;
  }
}
