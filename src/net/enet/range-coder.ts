// ENet's packet compressor (compress.c, enet_host_compress_with_range_coder): an adaptive
// order-2 PPM model driving a 32-bit range coder, byte-exact with libenet 1.3.17 both ways.
//
// The model is a forest of binary trees kept in one fixed table of symbols. Every symbol is
// also a context: the bytes seen after it hang off its own tree. Coding a byte walks from the
// longest matching context (the last two bytes) down to the root context, emitting an escape
// in each context that has not seen the byte yet; the root context knows all 256 values. The
// model starts empty for every datagram, so a datagram decodes on its own, in any order.
//
// All arithmetic mirrors the C types: the range coder works in uint32 (wrapping), symbol
// counts are uint8 and frequencies uint16, so the typed arrays below truncate as C does and
// hostile input decodes to the same bytes (or the same failure) in both implementations.
// Hostile input never throws and never reads or writes outside the given arrays.
import { EnetError } from './errors.js';

/** Symbols in the table (ENet's size, meant for datagrams; a longer input restarts the model when it fills). */
const SYMBOL_CAPACITY = 4096;
/** Index of the root context: always the first symbol of the table. */
const ROOT = 0;

// Range coder: the top byte is emitted once fixed; the range is kept above 2^16 so that a
// uint16 total always divides it into a non-zero step.
const RANGE_TOP = 1 << 24;
const RANGE_BOTTOM = 1 << 16;
const RANGE_FULL = 0xffffffff;
const EMPTY = new Uint8Array(0);

// Adaptation, tuned by ENet for small packets rather than files.
/** Frequency added to a byte in the root context each time it is coded. */
const ROOT_SYMBOL_DELTA = 3;
/** Every byte value has this floor frequency in the root context, so any byte can be coded. */
const ROOT_SYMBOL_MINIMUM = 1;
/** Starting escape frequency of the root context (the escape there means "end of data"). */
const ROOT_ESCAPE_MINIMUM = 1;
/** Bytes of history that select a context: order-2 PPM. */
const SUBCONTEXT_ORDER = 2;
const SUBCONTEXT_SYMBOL_DELTA = 2;
const SUBCONTEXT_ESCAPE_DELTA = 5;
/** A context whose total frequency exceeds this is halved, so totals stay below RANGE_BOTTOM. */
const TOTAL_LIMIT = RANGE_BOTTOM - 0x100;
/** Halve before a uint8 symbol count could overflow on its next update. */
const SUBCONTEXT_COUNT_LIMIT = 0xff - 2 * SUBCONTEXT_SYMBOL_DELTA;
const ROOT_COUNT_LIMIT = 0xff - 2 * ROOT_SYMBOL_DELTA + ROOT_SYMBOL_MINIMUM;
/**
 * Coding one byte creates at most one symbol per context on its path (SUBCONTEXT_ORDER
 * subcontexts and the root): the model starts over once fewer free slots than that remain.
 */
const SYMBOL_RESET_AT = SYMBOL_CAPACITY - SUBCONTEXT_ORDER;

/**
 * One range coder with its symbol table (≈ 64 KiB, reused: ENet allocates it once per host).
 * Each call starts from an empty model, so every datagram decodes on its own.
 */
export class RangeCoder {
  // The symbol table, one typed array per field (ENet's ENetSymbol). Tree links are offsets
  // from the node to a later symbol, so a walk always moves forward and ends.
  readonly #value = new Uint8Array(SYMBOL_CAPACITY);
  readonly #count = new Uint8Array(SYMBOL_CAPACITY);
  /** The symbol's count plus the counts of its left subtree. */
  readonly #under = new Uint16Array(SYMBOL_CAPACITY);
  readonly #left = new Uint16Array(SYMBOL_CAPACITY);
  readonly #right = new Uint16Array(SYMBOL_CAPACITY);
  // As a context: its tree of following bytes, escape frequency and total frequency.
  readonly #symbols = new Uint16Array(SYMBOL_CAPACITY);
  readonly #escapes = new Uint16Array(SYMBOL_CAPACITY);
  readonly #total = new Uint16Array(SYMBOL_CAPACITY);
  /** The same byte in the next shorter context (absolute index). */
  readonly #parent = new Uint16Array(SYMBOL_CAPACITY);
  #nextSymbol = 0;
  /** Scratch for rescale(): visit order and subtree sums. */
  readonly #visit = new Uint16Array(SYMBOL_CAPACITY);
  readonly #subtree = new Uint16Array(SYMBOL_CAPACITY);

  // Results of the last context lookup (cumulative frequency below the byte, its frequency).
  #foundUnder = 0;
  #foundCount = 0;
  #foundValue = 0;

  // Range coder state, uint32 each.
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
    this.#startOutput(output, output.length);
    this.#low = 0;
    this.#range = RANGE_FULL;
    this.#resetModel();
    let predicted = ROOT;
    let order = 0;
    for (let i = 0; i < input.length; i++) {
      const value = input[i];
      // `link` is the symbol whose parent is the next symbol found; -1 stands for `predicted`.
      let link = -1;
      let context = predicted;
      let coded = false;
      while (context !== ROOT) {
        const symbol = this.#lookup(context, value, SUBCONTEXT_SYMBOL_DELTA, 0);
        if (link < 0) predicted = symbol;
        else this.#parent[link] = symbol;
        link = symbol;
        const count = this.#foundCount;
        const escapes = this.#escapes[context];
        const total = this.#total[context];
        if (count > 0) {
          if (!this.#encode(escapes + this.#foundUnder, count, total)) return 0;
        } else {
          // An empty context (escapes 0) costs nothing: the decoder skips it too.
          if (escapes > 0 && escapes < total && !this.#encode(0, escapes, total)) return 0;
          this.#escapes[context] += SUBCONTEXT_ESCAPE_DELTA;
          this.#total[context] += SUBCONTEXT_ESCAPE_DELTA;
        }
        this.#total[context] += SUBCONTEXT_SYMBOL_DELTA;
        if (count > SUBCONTEXT_COUNT_LIMIT || this.#total[context] > TOTAL_LIMIT) this.#rescale(context, 0);
        if (count > 0) {
          coded = true;
          break;
        }
        context = this.#parent[context];
      }
      if (!coded) {
        const symbol = this.#lookup(ROOT, value, ROOT_SYMBOL_DELTA, ROOT_SYMBOL_MINIMUM);
        if (link < 0) predicted = symbol;
        else this.#parent[link] = symbol;
        const count = this.#foundCount;
        if (!this.#encode(this.#escapes[ROOT] + this.#foundUnder, count, this.#total[ROOT])) return 0;
        this.#total[ROOT] += ROOT_SYMBOL_DELTA;
        if (count > ROOT_COUNT_LIMIT || this.#total[ROOT] > TOTAL_LIMIT) this.#rescale(ROOT, ROOT_SYMBOL_MINIMUM);
      }
      if (order >= SUBCONTEXT_ORDER) predicted = this.#parent[predicted];
      else order++;
      if (this.#nextSymbol >= SYMBOL_RESET_AT) {
        this.#resetModel();
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
    this.#startOutput(output, Math.min(limit, output.length));
    this.#input = input;
    this.#inputAt = 0;
    this.#low = 0;
    this.#range = RANGE_FULL;
    // Seed the code with the first four bytes (missing ones read as zeros).
    this.#code = 0;
    for (let i = 0; i < 4; i++) this.#code = ((this.#code << 8) | this.#nextInputByte()) >>> 0;
    this.#resetModel();
    let predicted = ROOT;
    let order = 0;
    for (;;) {
      // Try the contexts from the longest down; an escape moves one shorter.
      let context = predicted;
      let symbol = -1;
      while (context !== ROOT) {
        const escapes = this.#escapes[context];
        const total = this.#total[context];
        // A context the encoder could not have escaped from codes nothing here.
        if (escapes === 0 || escapes >= total) {
          context = this.#parent[context];
          continue;
        }
        let code = this.#read(total);
        if (code < escapes) {
          this.#decode(0, escapes);
          context = this.#parent[context];
          continue;
        }
        code -= escapes;
        symbol = this.#findInSubcontext(context, code);
        if (symbol < 0) return 0;
        const count = this.#foundCount;
        this.#decode(escapes + this.#foundUnder, count);
        this.#total[context] += SUBCONTEXT_SYMBOL_DELTA;
        if (count > SUBCONTEXT_COUNT_LIMIT || this.#total[context] > TOTAL_LIMIT) this.#rescale(context, 0);
        break;
      }
      if (context === ROOT) {
        const escapes = this.#escapes[ROOT];
        const total = this.#total[ROOT];
        let code = this.#read(total);
        if (code < escapes) break; // the root escape ends the data
        code -= escapes;
        symbol = this.#findInRoot(code);
        const count = this.#foundCount;
        this.#decode(escapes + this.#foundUnder, count);
        this.#total[ROOT] += ROOT_SYMBOL_DELTA;
        if (count > ROOT_COUNT_LIMIT || this.#total[ROOT] > TOTAL_LIMIT) this.#rescale(ROOT, ROOT_SYMBOL_MINIMUM);
      }
      const value = this.#foundValue;
      // The contexts that escaped learn the byte, exactly as the encoder's walk taught them.
      let link = -1;
      for (let patch = predicted; patch !== context; patch = this.#parent[patch]) {
        const learned = this.#lookup(patch, value, SUBCONTEXT_SYMBOL_DELTA, 0);
        if (link < 0) predicted = learned;
        else this.#parent[link] = learned;
        link = learned;
        const count = this.#foundCount;
        if (count === 0) {
          this.#escapes[patch] += SUBCONTEXT_ESCAPE_DELTA;
          this.#total[patch] += SUBCONTEXT_ESCAPE_DELTA;
        }
        this.#total[patch] += SUBCONTEXT_SYMBOL_DELTA;
        if (count > SUBCONTEXT_COUNT_LIMIT || this.#total[patch] > TOTAL_LIMIT) this.#rescale(patch, 0);
      }
      if (link < 0) predicted = symbol;
      else this.#parent[link] = symbol;
      if (!this.#emit(value)) return 0;
      if (order >= SUBCONTEXT_ORDER) predicted = this.#parent[predicted];
      else order++;
      if (this.#nextSymbol >= SYMBOL_RESET_AT) {
        this.#resetModel();
        predicted = ROOT;
        order = 0;
      }
    }
    return this.#outputAt;
  }

  // ------------------------------------------------------------------ model

  #resetModel(): void {
    this.#nextSymbol = 0;
    this.#createSymbol(0, 0);
    this.#escapes[ROOT] = ROOT_ESCAPE_MINIMUM;
    this.#total[ROOT] = ROOT_ESCAPE_MINIMUM + 256 * ROOT_SYMBOL_MINIMUM;
  }

  #createSymbol(value: number, count: number): number {
    const s = this.#nextSymbol++;
    this.#value[s] = value;
    this.#count[s] = count;
    this.#under[s] = count;
    this.#left[s] = 0;
    this.#right[s] = 0;
    this.#symbols[s] = 0;
    this.#escapes[s] = 0;
    this.#total[s] = 0;
    this.#parent[s] = 0;
    return s;
  }

  /**
   * Find `value` in `context`'s tree, adding it (with frequency `update`) if absent, and
   * count it once more. Sets #foundUnder/#foundCount to its frequency range before the
   * update (count 0 when it was new in a subcontext); returns its symbol.
   */
  #lookup(context: number, value: number, update: number, minimum: number): number {
    let under = value * minimum;
    let count = minimum;
    let symbol: number;
    if (this.#symbols[context] === 0) {
      symbol = this.#createSymbol(value, update);
      this.#symbols[context] = symbol - context;
    } else {
      let node = context + this.#symbols[context];
      for (;;) {
        if (value < this.#value[node]) {
          this.#under[node] += update;
          if (this.#left[node] !== 0) {
            node += this.#left[node];
            continue;
          }
          symbol = this.#createSymbol(value, update);
          this.#left[node] = symbol - node;
        } else if (value > this.#value[node]) {
          under += this.#under[node];
          if (this.#right[node] !== 0) {
            node += this.#right[node];
            continue;
          }
          symbol = this.#createSymbol(value, update);
          this.#right[node] = symbol - node;
        } else {
          count += this.#count[node];
          under += this.#under[node] - this.#count[node];
          this.#under[node] += update;
          this.#count[node] += update;
          symbol = node;
        }
        break;
      }
    }
    this.#foundUnder = under & 0xffff;
    this.#foundCount = count & 0xffff;
    return symbol;
  }

  /**
   * Decoder side of a subcontext: the symbol whose frequency range holds `code`, or -1 when
   * none does (only malformed input gets there; ENet's decoder fails the datagram too).
   */
  #findInSubcontext(context: number, code: number): number {
    if (this.#symbols[context] === 0) return -1;
    let under = 0;
    let node = context + this.#symbols[context];
    for (;;) {
      const after = (under + this.#under[node]) & 0xffff;
      const before = this.#count[node];
      if (code >= after) {
        under = after;
        if (this.#right[node] === 0) return -1;
        node += this.#right[node];
      } else if (code < after - before) {
        this.#under[node] += SUBCONTEXT_SYMBOL_DELTA;
        if (this.#left[node] === 0) return -1;
        node += this.#left[node];
      } else {
        this.#foundValue = this.#value[node];
        this.#foundCount = before;
        this.#foundUnder = (after - before) & 0xffff;
        this.#under[node] += SUBCONTEXT_SYMBOL_DELTA;
        this.#count[node] += SUBCONTEXT_SYMBOL_DELTA;
        return node;
      }
    }
  }

  /**
   * Decoder side of the root context, where every byte value has at least the minimum
   * frequency: `code` always names a byte, found in the tree or added to it.
   */
  #findInRoot(code: number): number {
    const m = ROOT_SYMBOL_MINIMUM;
    let under = 0;
    let value: number;
    let symbol: number;
    if (this.#symbols[ROOT] === 0) {
      value = Math.floor(code / m);
      under = code - (code % m);
      symbol = this.#createSymbol(value & 0xff, ROOT_SYMBOL_DELTA);
      this.#symbols[ROOT] = symbol - ROOT;
    } else {
      let node = ROOT + this.#symbols[ROOT];
      for (;;) {
        const after = (under + this.#under[node] + (this.#value[node] + 1) * m) & 0xffff;
        const before = this.#count[node] + m;
        if (code >= after) {
          under = (under + this.#under[node]) & 0xffff;
          if (this.#right[node] !== 0) {
            node += this.#right[node];
            continue;
          }
          value = this.#value[node] + 1 + Math.floor((code - after) / m);
          under = code - ((code - after) % m);
          symbol = this.#createSymbol(value & 0xff, ROOT_SYMBOL_DELTA);
          this.#right[node] = symbol - node;
        } else if (code < after - before) {
          this.#under[node] += ROOT_SYMBOL_DELTA;
          if (this.#left[node] !== 0) {
            node += this.#left[node];
            continue;
          }
          const gap = after - before - code - 1;
          value = this.#value[node] - 1 - Math.floor(gap / m);
          under = code - (gap % m);
          symbol = this.#createSymbol(value & 0xff, ROOT_SYMBOL_DELTA);
          this.#left[node] = symbol - node;
        } else {
          value = this.#value[node];
          this.#foundCount = before;
          this.#foundUnder = (after - before) & 0xffff;
          this.#foundValue = value;
          this.#under[node] += ROOT_SYMBOL_DELTA;
          this.#count[node] += ROOT_SYMBOL_DELTA;
          return node;
        }
        break;
      }
    }
    this.#foundCount = m;
    this.#foundUnder = under & 0xffff;
    this.#foundValue = value & 0xff;
    return symbol;
  }

  /**
   * Halve every count in a context (rounding up, so none reaches 0) and its escape
   * frequency, then recompute the cumulative frequencies: old statistics fade and totals
   * stay below RANGE_BOTTOM. Iterative (a hostile stream can grow a tree thousands deep).
   */
  #rescale(context: number, minimum: number): void {
    let total = 0;
    if (this.#symbols[context] !== 0) {
      // Visit parents before children; then sum the subtrees children first.
      const visit = this.#visit;
      let visited = 0;
      let pending = 0;
      visit[pending++] = context + this.#symbols[context];
      while (visited < pending) {
        const node = visit[visited++];
        if (this.#left[node] !== 0) visit[pending++] = node + this.#left[node];
        if (this.#right[node] !== 0) visit[pending++] = node + this.#right[node];
      }
      const subtree = this.#subtree;
      for (let i = pending - 1; i >= 0; i--) {
        const node = visit[i];
        this.#count[node] -= this.#count[node] >>> 1;
        const left = this.#left[node] !== 0 ? subtree[node + this.#left[node]] : 0;
        const right = this.#right[node] !== 0 ? subtree[node + this.#right[node]] : 0;
        this.#under[node] = this.#count[node] + left;
        subtree[node] = this.#under[node] + right;
      }
      total = subtree[visit[0]];
    }
    this.#escapes[context] -= this.#escapes[context] >>> 1;
    this.#total[context] = total + this.#escapes[context] + 256 * minimum;
  }

  // ------------------------------------------------------------------ range coding

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
        // Range too small while straddling a top-byte boundary: cut it at the boundary.
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
