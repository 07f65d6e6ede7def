// IMT-1 SpatialGrid: 32 m cells, key = int2(floor(x/32), floor(y/32)) packed into 64 bits.
// Cells inside the configured bounds live in a dense array of intrusive linked lists (measured
// faster than a Map per cell: bench/server.bench.ts); cells outside fall back to a Map keyed by
// the packed cell key, so no position is ever refused.
import { CELL_SIZE_M } from '../protocol/constants.js';

/** Default dense region: ±8192 m on both axes (512 × 512 cells, 1 MiB of heads). */
export const GRID_DENSE_HALF_EXTENT_M = 8192;
const NONE = -1;
const TWO_POW_32 = 4294967296;

/** The packed 64-bit cell key as a JS number: hi 32 bits cx, lo 32 bits cy (exact for |cx| < 2^20). */
export function cellKey(cx: number, cy: number): number {
  return cx * TWO_POW_32 + (cy >>> 0);
}
/** The same key as an unsigned 64-bit bigint (for logs and other languages). */
export function cellKey64(cx: number, cy: number): bigint {
  return (BigInt.asUintN(32, BigInt(cx)) << 32n) | BigInt.asUintN(32, BigInt(cy));
}

export interface SpatialGridOptions {
  cellSizeM?: number;
  /** Dense region [-halfExtent, +halfExtent) on x and y. */
  halfExtentM?: number;
  initialCapacity?: number;
}

export class SpatialGrid {
  readonly cellSizeM: number;
  readonly #inv: number;
  readonly #cellsPerAxis: number;
  readonly #originCell: number;
  readonly #heads: Int32Array;
  #overflow = new Map<number, number>(); // cellKey -> head id
  #next: Int32Array;
  #prev: Int32Array;
  #cellOf: Float64Array; // dense cell index, or the packed key when #inOverflow is set
  #inOverflow: Uint8Array;
  #x: Float64Array;
  #y: Float64Array;
  #present: Uint8Array;
  #size = 0;

  constructor(opts: SpatialGridOptions = {}) {
    this.cellSizeM = opts.cellSizeM ?? CELL_SIZE_M;
    this.#inv = 1 / this.cellSizeM;
    const half = opts.halfExtentM ?? GRID_DENSE_HALF_EXTENT_M;
    this.#originCell = Math.floor(-half * this.#inv);
    this.#cellsPerAxis = Math.ceil(2 * half * this.#inv);
    this.#heads = new Int32Array(this.#cellsPerAxis * this.#cellsPerAxis).fill(NONE);
    const cap = opts.initialCapacity ?? 1024;
    this.#next = new Int32Array(cap);
    this.#prev = new Int32Array(cap);
    this.#cellOf = new Float64Array(cap);
    this.#inOverflow = new Uint8Array(cap);
    this.#x = new Float64Array(cap);
    this.#y = new Float64Array(cap);
    this.#present = new Uint8Array(cap);
  }

  get size(): number {
    return this.#size;
  }
  has(id: number): boolean {
    return id < this.#present.length && this.#present[id] === 1;
  }

  add(id: number, x: number, y: number): void {
    if (!Number.isInteger(id) || id < 0 || id > 0xffffffff) throw new TypeError(`bad entity id ${id}`);
    if (!Number.isFinite(x) || !Number.isFinite(y)) throw new TypeError(`bad position for ${id}`);
    if (this.has(id)) throw new TypeError(`entity ${id} already in grid`);
    this.#grow(id + 1);
    this.#present[id] = 1;
    this.#x[id] = x;
    this.#y[id] = y;
    this.#link(id, x, y);
    this.#size++;
  }

  move(id: number, x: number, y: number): void {
    if (!this.has(id)) throw new TypeError(`entity ${id} not in grid`);
    if (!Number.isFinite(x) || !Number.isFinite(y)) throw new TypeError(`bad position for ${id}`);
    this.#x[id] = x;
    this.#y[id] = y;
    const cx = Math.floor(x * this.#inv);
    const cy = Math.floor(y * this.#inv);
    const dense = this.#denseIndex(cx, cy);
    const cell = dense >= 0 ? dense : cellKey(cx, cy);
    const inOverflow = dense >= 0 ? 0 : 1;
    if (this.#cellOf[id] === cell && this.#inOverflow[id] === inOverflow) return;
    this.#unlink(id);
    this.#link(id, x, y);
  }

  remove(id: number): void {
    if (!this.has(id)) return;
    this.#unlink(id);
    this.#present[id] = 0;
    this.#size--;
  }

  /**
   * Puts the ids within radius (planar, inclusive) of (x, y) in out[0..n) and returns n; what
   * out holds past n is stale. out is overwritten, never shrunk, so a scratch array keeps its
   * capacity between queries (emptying it with `length = 0` frees it: the interest pass of 256
   * clients reallocated ≈ 1.3 MB a tick that way, bench:server).
   */
  query(x: number, y: number, radius: number, out: number[]): number {
    const r2 = radius * radius;
    const inv = this.#inv;
    const cx0 = Math.floor((x - radius) * inv),
      cx1 = Math.floor((x + radius) * inv);
    const cy0 = Math.floor((y - radius) * inv),
      cy1 = Math.floor((y + radius) * inv);
    const px = this.#x,
      py = this.#y,
      next = this.#next;
    let n = 0;
    const ix0 = cx0 - this.#originCell,
      ix1 = cx1 - this.#originCell,
      iy0 = cy0 - this.#originCell,
      iy1 = cy1 - this.#originCell,
      perAxis = this.#cellsPerAxis;
    if (ix0 >= 0 && iy0 >= 0 && ix1 < perAxis && iy1 < perAxis) {
      // All in the dense region (the usual query): a column's cells are adjacent heads.
      const heads = this.#heads;
      for (let ix = ix0; ix <= ix1; ix++) {
        for (let cell = ix * perAxis + iy0, end = ix * perAxis + iy1; cell <= end; cell++) {
          for (let id = heads[cell]; id !== NONE; id = next[id]) {
            const dx = px[id] - x,
              dy = py[id] - y;
            if (dx * dx + dy * dy <= r2) out[n++] = id;
          }
        }
      }
      return n;
    }
    for (let cx = cx0; cx <= cx1; cx++) {
      for (let cy = cy0; cy <= cy1; cy++) {
        const dense = this.#denseIndex(cx, cy);
        let id = dense >= 0 ? this.#heads[dense] : this.#overflow.size ? (this.#overflow.get(cellKey(cx, cy)) ?? NONE) : NONE;
        while (id !== NONE) {
          const dx = px[id] - x,
            dy = py[id] - y;
          if (dx * dx + dy * dy <= r2) {
            out[n++] = id;
          }
          id = next[id];
        }
      }
    }
    return n;
  }

  #denseIndex(cx: number, cy: number): number {
    const ix = cx - this.#originCell,
      iy = cy - this.#originCell;
    if (ix < 0 || iy < 0 || ix >= this.#cellsPerAxis || iy >= this.#cellsPerAxis) return -1;
    return ix * this.#cellsPerAxis + iy;
  }

  #link(id: number, x: number, y: number): void {
    const cx = Math.floor(x * this.#inv);
    const cy = Math.floor(y * this.#inv);
    const dense = this.#denseIndex(cx, cy);
    let head: number;
    if (dense >= 0) {
      head = this.#heads[dense];
      this.#heads[dense] = id;
      this.#cellOf[id] = dense;
      this.#inOverflow[id] = 0;
    } else {
      const key = cellKey(cx, cy);
      head = this.#overflow.get(key) ?? NONE;
      this.#overflow.set(key, id);
      this.#cellOf[id] = key;
      this.#inOverflow[id] = 1;
    }
    this.#prev[id] = NONE;
    this.#next[id] = head;
    if (head !== NONE) this.#prev[head] = id;
  }

  #unlink(id: number): void {
    const p = this.#prev[id],
      n = this.#next[id];
    if (n !== NONE) this.#prev[n] = p;
    if (p !== NONE) {
      this.#next[p] = n;
    } else if (this.#inOverflow[id]) {
      const key = this.#cellOf[id];
      if (n === NONE) this.#overflow.delete(key);
      else this.#overflow.set(key, n);
    } else {
      this.#heads[this.#cellOf[id]] = n;
    }
  }

  #grow(need: number): void {
    if (need <= this.#present.length) return;
    let cap = this.#present.length;
    while (cap < need) cap *= 2;
    const g = <T extends Int32Array | Float64Array | Uint8Array>(a: T): T => {
      const b = new (a.constructor as new (n: number) => T)(cap);
      b.set(a);
      return b;
    };
    this.#next = g(this.#next);
    this.#prev = g(this.#prev);
    this.#cellOf = g(this.#cellOf);
    this.#inOverflow = g(this.#inOverflow);
    this.#x = g(this.#x);
    this.#y = g(this.#y);
    this.#present = g(this.#present);
  }
}
