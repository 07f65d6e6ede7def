// MSB-first bit writer with Exp-Golomb codes, for the snapshot payload (docs/protocol.md
// "Snapshot deltas"). The writer reuses one growing buffer. The reader is C, in the snapshot
// decoder (native-shims/sidecar/snapshot_receiver.c).

/** Widest write into the accumulator (it holds < 8 leftover bits, so < 32 in all). */
export const CHUNK_BITS = 24;
export const TWO_24 = 2 ** CHUNK_BITS;
const CHUNK_VALUE_MASK = TWO_24 - 1;
/** Values below this (12 bits) code in ≤ 23 bits: one write. */
export const SHORT_CODE_LIMIT = 1 << 12;

/** Bits needed for v ≥ 1 (v < 2^33). */
export const bitLength = (v: number): number => (v < 2 ** 32 ? 32 - Math.clz32(v) : 33);

export class BitWriter {
  #buf = new Uint8Array(4096);
  #pos = 0;
  #acc = 0;
  #n = 0;

  reset(): void {
    this.#pos = 0;
    this.#acc = 0;
    this.#n = 0;
  }

  /** Make room for `bytes` more bytes (callers reserve per record, not per bit). */
  reserve(bytes: number): void {
    if (this.#pos + bytes + 1 <= this.#buf.length) return;
    const next = new Uint8Array(Math.max(this.#buf.length * 2, this.#pos + bytes + 1));
    next.set(this.#buf.subarray(0, this.#pos));
    this.#buf = next;
  }

  /** `count` ≤ 24 bits of `value` (value < 2^count). */
  bits(value: number, count: number): void {
    let acc = (this.#acc << count) | value;
    let n = this.#n + count;
    const buf = this.#buf;
    while (n >= 8) {
      n -= 8;
      buf[this.#pos++] = (acc >>> n) & 0xff;
    }
    acc &= (1 << n) - 1;
    this.#acc = acc;
    this.#n = n;
  }

  bit(b: boolean): void {
    this.bits(b ? 1 : 0, 1);
  }

  /** Exp-Golomb (order 0) of an unsigned value 0..2^32−1: 0 costs 1 bit, 1–2 cost 3, 3–6 cost 5. */
  ue(x: number): void {
    const v = x + 1;
    // The common case in one write: len − 1 zeros then v's len bits are v in 2·len − 1 bits.
    if (v < SHORT_CODE_LIMIT) {
      this.bits(v, 2 * (32 - Math.clz32(v)) - 1);
      return;
    }
    const len = bitLength(v);
    let zeros = len - 1;
    while (zeros > CHUNK_BITS) {
      this.bits(0, CHUNK_BITS);
      zeros -= CHUNK_BITS;
    }
    this.bits(0, zeros);
    if (len > CHUNK_BITS) {
      this.bits(Math.floor(v / TWO_24), len - CHUNK_BITS);
      this.bits(v % TWO_24, CHUNK_BITS);
    } else {
      this.bits(v, len);
    }
  }

  /** A signed int32 through zigzag then ue. */
  se(d: number): void {
    this.ue(((d << 1) ^ (d >> 31)) >>> 0);
  }

  /** One bit `lead`, then se() of values[0..count), packed into as few writes as fit (the snapshot's hot path). */
  seMany(lead: number, values: Int32Array, count: number): void {
    let pend = lead;
    let plen = 1;
    for (let i = 0; i < count; i++) {
      const d = values[i];
      const z = ((d << 1) ^ (d >> 31)) >>> 0;
      const v = z + 1;
      if (v >= SHORT_CODE_LIMIT) {
        this.bits(pend, plen);
        pend = plen = 0;
        this.ue(z);
        continue;
      }
      const len = 2 * (32 - Math.clz32(v)) - 1;
      if (plen + len > CHUNK_BITS) {
        this.bits(pend, plen);
        pend = plen = 0;
      }
      pend = (pend << len) | v;
      plen += len;
    }
    this.bits(pend, plen);
  }

  /**
   * Writes the cached records of ids[from..to) (snapshot-shared-encoder.ts), record `id` being
   * pool[starts[id] .. starts[id] + counts[id]), each chunk (bit count << CHUNK_BITS) | value
   * (count ≤ 24): a run of records in one call, the writer's state in locals throughout
   * (`totalChunks`: their sum, to reserve once).
   */
  recordChunks(pool: Int32Array, starts: Int32Array, counts: Uint8Array, ids: Uint32Array, from: number, to: number, totalChunks: number): void {
    this.reserve(totalChunks * 3 + 1);
    const buf = this.#buf;
    let acc = this.#acc,
      n = this.#n,
      pos = this.#pos;
    for (let k = from; k < to; k++) {
      const id = ids[k];
      for (let i = starts[id], end = i + counts[id]; i < end; i++) {
        const c = pool[i];
        const len = c >>> CHUNK_BITS;
        acc = (acc << len) | (c & CHUNK_VALUE_MASK);
        n += len;
        while (n >= 8) {
          n -= 8;
          buf[pos++] = (acc >>> n) & 0xff;
        }
        acc &= (1 << n) - 1;
      }
    }
    this.#acc = acc;
    this.#n = n;
    this.#pos = pos;
  }

  /** Pad the last byte with zeros; a view into the reused buffer, valid until reset(). */
  finish(): Uint8Array {
    if (this.#n > 0) {
      this.#buf[this.#pos++] = (this.#acc << (8 - this.#n)) & 0xff;
      this.#acc = 0;
      this.#n = 0;
    }
    return this.#buf.subarray(0, this.#pos);
  }
}
