// The snapshot payloads of one tick for many clients, each entity's delta record computed once.
// Why: a record (docs/protocol.md "Snapshot deltas") depends only on the entity's quantised
// values at the base tick and now, and the time between: every client that acked the same tick
// and sees the same entity gets the same bits. In the city workload an entity is in the interest
// of a whole party (4+ clients) and nearly all clients ack the same recent tick, so
// SnapshotEncoder recomputed each record 4+ times a tick. Here the first client computes it into
// a cache of bit chunks keyed by (tick, base tick), the others copy it.
// Values come in the world's layout (FIELD_COUNT ints per entity id), the current tick's and the
// base tick's: the server keeps a copy of each tick's quantised world (SnapshotWriter).
// The output is byte-identical to SnapshotEncoder.encode on the same states (tested).
import { BitWriter, CHUNK_BITS, SHORT_CODE_LIMIT, TWO_24, bitLength } from './bit-stream.js';
import {
  FIELD_COUNT,
  F_VX,
  F_VY,
  F_VZ,
  F_X,
  F_Y,
  F_YAW,
  F_Z,
  KEPT_BITS_PER_WRITE,
  MAX_PREDICT_MS,
  MAX_RECORD_BYTES,
  STREAM_ORDER,
  predict,
  predictSeconds,
  wrapYaw,
} from './snapshot-format.js';

const FC = FIELD_COUNT;
/**
 * (tick, base tick) pairs cached at once, slot = base tick mod this: a server bases deltas on its
 * last 32 ticks only (SNAPSHOT_HISTORY), so within a tick no two bases share a slot. With 4 slots
 * clients whose acks spread over several ticks (a loaded network) evicted each other's records.
 * A slot's arrays are allocated when first used.
 */
const RECORD_CACHE_SLOTS = 32;
/**
 * Pairs per tick whose records are all computed at once, in id order, when the pair is first
 * used: reading both worlds front to back is several times faster than a record at a time at
 * random ids (cache misses: two 7-int reads from 0.5 MB arrays each). Nearly every client acks
 * one of the last two ticks; rarer bases are computed record by record.
 */
const PRECOMPUTED_PAIRS_PER_TICK = 2;
/** A chunk is (bit count << CHUNK_LEN_SHIFT) | value, value < 2^CHUNK_BITS (BitWriter.recordChunks writes them). */
const CHUNK_LEN_SHIFT = CHUNK_BITS;
/** Most chunks one record takes: per field the pending bits, ≤ 2 zero runs and 2 value pieces; then the last pending bits. */
const MAX_RECORD_CHUNKS = FIELD_COUNT * 5 + 1;
/** The record of an entity that kept its velocity and yaw and moved as predicted: one 0 bit. */
const ZERO_RECORD_CHUNK = 1 << CHUNK_LEN_SHIFT;
/** KEPT_BITS_PER_WRITE one bits: a base whose every id is kept. */
const ALL_KEPT_BITS = 2 ** KEPT_BITS_PER_WRITE - 1;

/** The base a client's snapshot is a delta against. */
export interface DeltaBase {
  tick: number;
  /** Ids the client holds at `tick`, ascending, the first `count` of them. */
  ids: Uint32Array;
  count: number;
  /** The quantised world at `tick`, FIELD_COUNT ints per entity id. */
  q: Int32Array;
  /** Simulation time from `tick` to now, ms. */
  elapsedMs: number;
}

class RecordSlot {
  tick = -1;
  baseTick = -1;
  gen = 0;
  stamp = new Int32Array(0);
  start = new Int32Array(0);
  chunks = new Uint8Array(0);
  pool = new Int32Array(1024);
  used = 0;

  /** Ready for (tick, baseTick) over ids below idLimit; forgets what it held for another pair. True when it did. */
  use(tick: number, baseTick: number, idLimit: number): boolean {
    if (this.stamp.length < idLimit) {
      let cap = Math.max(1024, this.stamp.length);
      while (cap < idLimit) cap *= 2;
      this.stamp = new Int32Array(cap);
      this.start = new Int32Array(cap);
      this.chunks = new Uint8Array(cap);
      this.gen = 0;
      this.tick = -1; // the new arrays hold nothing yet
    }
    if (this.tick === tick && this.baseTick === baseTick) return false;
    this.tick = tick;
    this.baseTick = baseTick;
    this.used = 0;
    if (++this.gen >= 0x7fffffff) {
      this.stamp.fill(0);
      this.gen = 1;
    }
    return true;
  }

  push(value: number, count: number): void {
    if (count > 0) this.pool[this.used++] = (count << CHUNK_LEN_SHIFT) | value;
  }

  reserve(): void {
    if (this.used + MAX_RECORD_CHUNKS <= this.pool.length) return;
    const next = new Int32Array(this.pool.length * 2);
    next.set(this.pool.subarray(0, this.used));
    this.pool = next;
  }
}

export class SharedSnapshotEncoder {
  readonly #w = new BitWriter();
  readonly #slots = Array.from({ length: RECORD_CACHE_SLOTS }, () => new RecordSlot());
  #inBase = new Uint8Array(256);
  #precomputedTick = -1;
  #precomputedPairs = 0;
  /** Records computed, and records copied from the cache (another client's). */
  readonly stats = { computed: 0, reused: 0 };
  /** Residuals of one record (reused). */
  readonly #res = new Int32Array(FC);

  /**
   * The payload of `tick` for one client: ids[0..count) ascending with values in q (the world at
   * `tick`), against base (null = full snapshot). The same (tick, base.tick) must always come
   * with the same q and base.q. Returns a view into a reused buffer, valid until the next encode().
   */
  encode(tick: number, ids: Uint32Array, count: number, q: Int32Array, base: DeltaBase | null): Uint8Array {
    const w = this.#w;
    const elapsed = base === null ? 0 : Math.max(0, Math.min(MAX_PREDICT_MS, Math.round(base.elapsedMs)));
    w.reset();
    w.reserve(16 + (base === null ? 0 : base.count >> 3));
    w.bit(base !== null);
    w.ue(elapsed);
    if (this.#inBase.length < count) this.#inBase = new Uint8Array(count * 2);
    const inBase = this.#inBase;
    let added = count;
    if (base !== null && sameIds(base.ids, ids, count, base.count)) {
      // The common case (interest rarely changes in a tick): every base id kept, none added.
      inBase.fill(1, 0, count);
      for (let left = count; left > 0; left -= KEPT_BITS_PER_WRITE) {
        const n = Math.min(left, KEPT_BITS_PER_WRITE);
        w.bits(ALL_KEPT_BITS >>> (KEPT_BITS_PER_WRITE - n), n);
      }
      added = 0;
    } else if (base !== null) {
      inBase.fill(0, 0, count);
      const bIds = base.ids;
      let ci = 0,
        pend = 0,
        plen = 0;
      for (let bi = 0; bi < base.count; bi++) {
        const id = bIds[bi];
        while (ci < count && ids[ci] < id) ci++;
        const kept = ci < count && ids[ci] === id ? 1 : 0;
        if (kept) inBase[ci] = 1;
        added -= kept;
        pend = (pend << 1) | kept;
        if (++plen === KEPT_BITS_PER_WRITE) {
          w.bits(pend, plen);
          pend = plen = 0;
        }
      }
      w.bits(pend, plen);
    } else inBase.fill(0, 0, count);
    w.reserve(9 * added + 8); // a gap's code is at most 65 bits
    w.ue(added);
    let prevId = -1;
    for (let i = 0; added > 0 && i < count; i++) {
      if (inBase[i]) continue;
      w.ue(ids[i] - prevId - 1);
      prevId = ids[i];
    }
    const k = predictSeconds(elapsed);
    let slot: RecordSlot | null = null;
    if (base !== null) {
      slot = this.#slots[base.tick % RECORD_CACHE_SLOTS];
      if (slot.use(tick, base.tick, q.length / FC)) this.#maybePrecompute(slot, tick, q, base.q, k);
    }
    // Added entities in full; each run of kept ones (all of them, in the common case: interest
    // rarely changes in a tick) as cached records, computed where missing, in one writer call.
    for (let i = 0; i < count;) {
      if (slot === null || !inBase[i]) {
        w.reserve(MAX_RECORD_BYTES);
        const o = ids[i++] * FC;
        for (const f of STREAM_ORDER) w.se(q[o + f]);
        continue;
      }
      const from = i;
      let total = 0;
      for (; i < count && inBase[i]; i++) {
        const id = ids[i];
        if (slot.stamp[id] !== slot.gen) {
          record(slot, id, q, (base as DeltaBase).q, k, this.#res);
          this.stats.computed++;
        } else this.stats.reused++;
        total += slot.chunks[id];
      }
      w.recordChunks(slot.pool, slot.start, slot.chunks, ids, from, i, total);
    }
    return w.finish();
  }

  /** Every record of a pair just taken into use, ids ascending, within this tick's budget. */
  #maybePrecompute(slot: RecordSlot, tick: number, q: Int32Array, bq: Int32Array, k: number): void {
    if (this.#precomputedTick !== tick) {
      this.#precomputedTick = tick;
      this.#precomputedPairs = 0;
    }
    if (this.#precomputedPairs >= PRECOMPUTED_PAIRS_PER_TICK) return;
    this.#precomputedPairs++;
    const ids = Math.min(q.length, bq.length) / FC;
    for (let id = 0; id < ids; id++) record(slot, id, q, bq, k, this.#res);
    this.stats.computed += ids;
  }
}

/** Whether the first `count` of `a` (holding `aCount`) and of `b` are the same ids. */
function sameIds(a: Uint32Array, b: Uint32Array, count: number, aCount: number): boolean {
  if (aCount !== count) return false;
  for (let i = 0; i < count; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Computes the record of `id` against its base values into the slot's chunk pool. */
function record(slot: RecordSlot, id: number, q: Int32Array, bq: Int32Array, k: number, res: Int32Array): void {
  slot.reserve();
  const pool = slot.pool;
  const first = slot.used;
  let used = first;
  const o = id * FC;
  const vx = q[o + F_VX],
    vy = q[o + F_VY],
    vz = q[o + F_VZ];
  // SnapshotEncoder's residuals, in stream order.
  const r0 = (res[0] = (vx - bq[o + F_VX]) | 0),
    r1 = (res[1] = (vy - bq[o + F_VY]) | 0),
    r2 = (res[2] = (vz - bq[o + F_VZ]) | 0),
    r3 = (res[3] = wrapYaw(q[o + F_YAW] - bq[o + F_YAW])),
    r4 = (res[4] = (q[o + F_X] - predict(bq[o + F_X], vx, k)) | 0),
    r5 = (res[5] = (q[o + F_Y] - predict(bq[o + F_Y], vy, k)) | 0),
    r6 = (res[6] = (q[o + F_Z] - predict(bq[o + F_Z], vz, k)) | 0);
  if ((r0 | r1 | r2 | r3 | r4 | r5 | r6) === 0) {
    pool[used++] = ZERO_RECORD_CHUNK;
  } else {
    // BitWriter.seMany's writes, as chunks: a lead 1, then se() of each residual.
    let pend = 1,
      plen = 1;
    for (let f = 0; f < FC; f++) {
      const d = res[f];
      const z = ((d << 1) ^ (d >> 31)) >>> 0;
      const v = z + 1;
      if (v >= SHORT_CODE_LIMIT) {
        if (plen > 0) pool[used++] = (plen << CHUNK_LEN_SHIFT) | pend;
        pend = plen = 0;
        slot.used = used;
        longCode(slot, v);
        used = slot.used;
        continue;
      }
      const len = 2 * (32 - Math.clz32(v)) - 1;
      if (plen + len > CHUNK_BITS) {
        pool[used++] = (plen << CHUNK_LEN_SHIFT) | pend;
        pend = plen = 0;
      }
      pend = (pend << len) | v;
      plen += len;
    }
    if (plen > 0) pool[used++] = (plen << CHUNK_LEN_SHIFT) | pend;
  }
  slot.used = used;
  slot.start[id] = first;
  slot.chunks[id] = used - first;
  slot.stamp[id] = slot.gen;
}

/** BitWriter.ue's writes for v = x + 1 ≥ SHORT_CODE_LIMIT, as chunks. */
function longCode(slot: RecordSlot, v: number): void {
  const len = bitLength(v);
  let zeros = len - 1;
  while (zeros > CHUNK_BITS) {
    slot.push(0, CHUNK_BITS);
    zeros -= CHUNK_BITS;
  }
  slot.push(0, zeros);
  if (len > CHUNK_BITS) {
    slot.push(Math.floor(v / TWO_24), len - CHUNK_BITS);
    slot.push(v % TWO_24, CHUNK_BITS);
  } else {
    slot.push(v, len);
  }
}
