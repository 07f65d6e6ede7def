// The adaptive order-2 PPM model behind ENet's range coder (compress.c): it turns each byte
// into a frequency range [under, under + count) out of a context's total, which the range
// coder (range-coder.ts) then codes. Encoder and decoder update it identically.
//
// A forest of binary trees in one fixed table of symbols. Every symbol is also a context: the
// bytes seen after it hang off its own tree. A byte is looked up from the longest matching
// context (the last two bytes) down to the root context, escaping from each context that has
// not seen it yet; the root context gives every byte value a floor frequency, so any byte can
// be coded there. Its escape ends the data.
//
// The fields have ENet's C types (uint8 counts, uint16 frequencies and links), and the typed
// arrays truncate as C does, so even hostile input evolves the model as in libenet. Links are
// offsets from a node to a symbol created later: every walk moves forward and ends inside the
// table, whatever the input.

/** Symbols in the table (ENet's size, meant for datagrams; a longer input restarts the model when it fills). */
const SYMBOL_CAPACITY = 4096;
/** Index of the root context: always the first symbol of the table. */
export const ROOT = 0;

// Adaptation, tuned by ENet for small packets rather than files.
/** Frequency added to a byte in the root context each time it is coded. */
const ROOT_SYMBOL_DELTA = 3;
/** Every byte value has this floor frequency in the root context, so any byte can be coded. */
const ROOT_SYMBOL_MINIMUM = 1;
/** Starting escape frequency of the root context (the escape there means "end of data"). */
const ROOT_ESCAPE_MINIMUM = 1;
/** Bytes of history that select a context: order-2 PPM. */
export const SUBCONTEXT_ORDER = 2;
const SUBCONTEXT_SYMBOL_DELTA = 2;
const SUBCONTEXT_ESCAPE_DELTA = 5;
/** A context whose total exceeds this is halved, so a total always fits the coder's 16-bit step. */
const TOTAL_LIMIT = (1 << 16) - 0x100;
/** Halve before a uint8 symbol count could overflow on its next update. */
const SUBCONTEXT_COUNT_LIMIT = 0xff - 2 * SUBCONTEXT_SYMBOL_DELTA;
const ROOT_COUNT_LIMIT = 0xff - 2 * ROOT_SYMBOL_DELTA + ROOT_SYMBOL_MINIMUM;
/**
 * Coding one byte creates at most one symbol per context on its path (SUBCONTEXT_ORDER
 * subcontexts and the root): the model starts over once fewer free slots than that remain.
 */
const SYMBOL_RESET_AT = SYMBOL_CAPACITY - SUBCONTEXT_ORDER;

/** ENet's ENetSymbol table, one typed array per field (≈ 64 KiB in all). */
export class ContextModel {
  readonly #value = new Uint8Array(SYMBOL_CAPACITY);
  readonly #count = new Uint8Array(SYMBOL_CAPACITY);
  /** The symbol's count plus the counts of its left subtree. */
  readonly #under = new Uint16Array(SYMBOL_CAPACITY);
  readonly #left = new Uint16Array(SYMBOL_CAPACITY);
  readonly #right = new Uint16Array(SYMBOL_CAPACITY);
  // As a context: its tree of following bytes, escape frequency and total frequency.
  readonly #symbols = new Uint16Array(SYMBOL_CAPACITY);
  readonly escapes = new Uint16Array(SYMBOL_CAPACITY);
  readonly total = new Uint16Array(SYMBOL_CAPACITY);
  /** The same byte in the next shorter context (absolute index; the root's own bytes point at ROOT). */
  readonly parent = new Uint16Array(SYMBOL_CAPACITY);
  #nextSymbol = 0;
  /** Scratch for #rescale(): visit order and subtree sums. */
  readonly #visit = new Uint16Array(SYMBOL_CAPACITY);
  readonly #subtree = new Uint16Array(SYMBOL_CAPACITY);

  /** The last lookup's result: frequency below the byte, its frequency (before the update), the byte. */
  foundUnder = 0;
  foundCount = 0;
  foundValue = 0;

  /** Empty model: only the root context. */
  reset(): void {
    this.#nextSymbol = 0;
    this.#createSymbol(0, 0);
    this.escapes[ROOT] = ROOT_ESCAPE_MINIMUM;
    this.total[ROOT] = ROOT_ESCAPE_MINIMUM + 256 * ROOT_SYMBOL_MINIMUM;
  }

  /** The table is nearly full: the coder starts the model over (ENet's ENET_RANGE_CODER_FREE_SYMBOLS). */
  get full(): boolean {
    return this.#nextSymbol >= SYMBOL_RESET_AT;
  }

  /** Find or add `value` in a subcontext (see #lookup). */
  lookupInSubcontext(context: number, value: number): number {
    return this.#lookup(context, value, SUBCONTEXT_SYMBOL_DELTA, 0);
  }

  /** Find or add `value` in the root context (see #lookup). */
  lookupInRoot(value: number): number {
    return this.#lookup(ROOT, value, ROOT_SYMBOL_DELTA, ROOT_SYMBOL_MINIMUM);
  }

  /**
   * After a byte was coded in a subcontext (`count` > 0) or escaped from it (`count` 0): an
   * escape makes the next escape likelier, every byte grows the total, and a context near its
   * limits is halved. Encoder and decoder apply the same rule at the same points.
   */
  updateSubcontext(context: number, count: number): void {
    if (count === 0) {
      this.escapes[context] += SUBCONTEXT_ESCAPE_DELTA;
      this.total[context] += SUBCONTEXT_ESCAPE_DELTA;
    }
    this.total[context] += SUBCONTEXT_SYMBOL_DELTA;
    if (count > SUBCONTEXT_COUNT_LIMIT || this.total[context] > TOTAL_LIMIT) this.#rescale(context, 0);
  }

  /** After a byte was coded in the root context with frequency `count`. */
  updateRoot(count: number): void {
    this.total[ROOT] += ROOT_SYMBOL_DELTA;
    if (count > ROOT_COUNT_LIMIT || this.total[ROOT] > TOTAL_LIMIT) this.#rescale(ROOT, ROOT_SYMBOL_MINIMUM);
  }

  #createSymbol(value: number, count: number): number {
    const s = this.#nextSymbol++;
    this.#value[s] = value;
    this.#count[s] = count;
    this.#under[s] = count;
    this.#left[s] = 0;
    this.#right[s] = 0;
    this.#symbols[s] = 0;
    this.escapes[s] = 0;
    this.total[s] = 0;
    this.parent[s] = 0;
    return s;
  }

  /**
   * Find `value` in `context`'s tree, adding it (with frequency `update`) if absent, and
   * count it once more. Sets foundUnder/foundCount to its frequency range before the
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
    this.foundUnder = under & 0xffff;
    this.foundCount = count & 0xffff;
    return symbol;
  }

  /**
   * Decoder side of a subcontext: the symbol whose frequency range holds `code`, or -1 when
   * none does (only malformed input gets there; ENet's decoder fails the datagram too).
   */
  findInSubcontext(context: number, code: number): number {
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
        this.foundValue = this.#value[node];
        this.foundCount = before;
        this.foundUnder = (after - before) & 0xffff;
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
  findInRoot(code: number): number {
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
          this.foundCount = before;
          this.foundUnder = (after - before) & 0xffff;
          this.foundValue = value;
          this.#under[node] += ROOT_SYMBOL_DELTA;
          this.#count[node] += ROOT_SYMBOL_DELTA;
          return node;
        }
        break;
      }
    }
    this.foundCount = m;
    this.foundUnder = under & 0xffff;
    this.foundValue = value & 0xff;
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
    this.escapes[context] -= this.escapes[context] >>> 1;
    this.total[context] = total + this.escapes[context] + 256 * minimum;
  }
}
