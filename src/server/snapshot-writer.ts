// IMT-2 SnapshotWriter: serialises only the ids in a client's interest, delta-compressed
// against the newest snapshot that client acknowledged (format: docs/protocol.md).
// Per client a ring of the ids of its last SNAPSHOT_HISTORY snapshots; the values are the
// world's, so the writer keeps one copy of the quantised world per tick of that history (taken
// at the first write of a tick) instead of a copy per client, and encodes with
// SharedSnapshotEncoder, which computes each entity's record once per (tick, base tick).
import { FIELD_COUNT } from '../protocol/snapshot-format.js';
import { SharedSnapshotEncoder, type DeltaBase } from '../protocol/snapshot-shared-encoder.js';
import type { World } from './world.js';

/** Sent snapshots remembered per client; an ack older than this falls back to a full snapshot. */
export const SNAPSHOT_HISTORY = 32;

export type AckResult = 'ok' | 'never_sent' | 'stale';

export class ClientSnapshots {
  /** The ids sent at each ring slot's tick, ascending (the first ringCount[slot]). */
  readonly ringIds: Uint32Array[] = Array.from({ length: SNAPSHOT_HISTORY }, () => new Uint32Array(16));
  readonly ringCount = new Int32Array(SNAPSHOT_HISTORY);
  readonly ringTick = new Float64Array(SNAPSHOT_HISTORY).fill(-1);
  firstSentTick = -1;
  lastSentTick = -1;
  ackedTick = -1;
  /** The interest generation of the ids last written (-1: none given). */
  sentGeneration = -1;

  /** Validates and records an ack. 'never_sent' is a bad message; 'stale' is harmless. */
  ack(tick: number): AckResult {
    if (!Number.isInteger(tick) || this.firstSentTick < 0 || tick < this.firstSentTick || tick > this.lastSentTick) return 'never_sent';
    if (tick <= this.ackedTick) return 'stale';
    this.ackedTick = tick;
    return 'ok';
  }

  /** The ring slot of the acked snapshot usable as a base for `tick`, or -1. */
  baseSlotFor(tick: number): number {
    const t = this.ackedTick;
    if (t < 0 || t <= tick - SNAPSHOT_HISTORY || t >= tick) return -1;
    const slot = t % SNAPSHOT_HISTORY;
    return this.ringTick[slot] === t ? slot : -1;
  }
}

export interface WrittenSnapshot {
  /** View into the writer's reused buffer: copy or send before the next write(). */
  data: Uint8Array;
  baseTick: number;
  count: number;
}

export class SnapshotWriter {
  readonly #enc = new SharedSnapshotEncoder();
  /** The quantised world at each tick of the history, and that tick's simulation time. */
  readonly #worldAt: Int32Array[] = Array.from({ length: SNAPSHOT_HISTORY }, () => new Int32Array(0));
  /** The part of #worldAt that holds entities (ids below the world's idLimit then). */
  readonly #worldUsed: Int32Array[] = Array.from({ length: SNAPSHOT_HISTORY }, () => new Int32Array(0));
  readonly #worldTick = new Float64Array(SNAPSHOT_HISTORY).fill(-1);
  readonly #worldTimeMs = new Float64Array(SNAPSHOT_HISTORY);
  readonly #base: DeltaBase = { tick: 0, ids: new Uint32Array(0), count: 0, q: new Int32Array(0), elapsedMs: 0 };
  readonly #out: WrittenSnapshot = { data: new Uint8Array(0), baseTick: 0, count: 0 };
  /** Scratch of #sortByPrevious: a stamp per entity id, the kept and the new ids. */
  #mark = new Uint32Array(1024);
  #stamp = 0;
  #kept = new Uint32Array(256);
  #fresh = new Uint32Array(256);

  /** Entity records computed, and copied from another client's (the shared encoder's cache). */
  get recordStats(): { readonly computed: number; readonly reused: number } {
    return this.#enc.stats;
  }

  /**
   * Encodes tick's snapshot of `ids` for one client and records it in that client's ring.
   * simTimeMs: the simulation's time at this tick (what moved the entities, not the wall clock).
   * The world must not change between the writes of one tick.
   * generation: the interest generation of `ids` (InterestState.generation, bumped on every change
   * of the set), when the caller has one: the same generation as the last write means the same
   * ids, so their order is copied from the last snapshot instead of worked out again (most
   * clients' interest does not change in a tick).
   */
  write(client: ClientSnapshots, tick: number, ids: readonly number[], world: World, simTimeMs: number, generation = -1): WrittenSnapshot {
    if (tick <= client.lastSentTick) throw new TypeError(`tick ${tick} not after ${client.lastSentTick}`);
    const slot = tick % SNAPSHOT_HISTORY;
    if (this.#worldTick[slot] !== tick) this.#capture(slot, tick, world, simTimeMs);
    const n = ids.length;
    if (client.ringIds[slot].length < n) client.ringIds[slot] = new Uint32Array(n * 2);
    const sorted =
      generation >= 0 && generation === client.sentGeneration
        ? this.#copyPrevious(client, ids, client.ringIds[slot])
        : this.#sortByPrevious(client, ids, client.ringIds[slot]); // its first n entries
    client.sentGeneration = generation;
    let b = client.baseSlotFor(tick);
    // A base older than this writer's copies of the world (another writer's client) is no base.
    if (b >= 0 && this.#worldTick[b] !== client.ackedTick) b = -1;
    let base: DeltaBase | null = null;
    if (b >= 0) {
      base = this.#base;
      base.tick = client.ackedTick;
      base.ids = client.ringIds[b];
      base.count = client.ringCount[b];
      base.q = this.#worldUsed[b];
      base.elapsedMs = simTimeMs - this.#worldTimeMs[b];
    }
    this.#out.data = this.#enc.encode(tick, sorted, n, this.#worldUsed[slot], base);
    client.ringCount[slot] = n;
    client.ringTick[slot] = tick;
    if (client.firstSentTick < 0) client.firstSentTick = tick;
    client.lastSentTick = tick;
    this.#out.baseTick = base ? client.ackedTick : 0;
    this.#out.count = n;
    return this.#out;
  }

  /** The last snapshot's ids (the same set as `ids`, ascending) into `into`; sorts when that snapshot is not recorded. */
  #copyPrevious(client: ClientSnapshots, ids: readonly number[], into: Uint32Array): Uint32Array {
    const prevSlot = client.lastSentTick < 0 ? -1 : client.lastSentTick % SNAPSHOT_HISTORY;
    const n = ids.length;
    if (prevSlot < 0 || client.ringTick[prevSlot] !== client.lastSentTick || client.ringCount[prevSlot] !== n) return this.#sortByPrevious(client, ids, into);
    const prev = client.ringIds[prevSlot];
    for (let i = 0; i < n; i++) into[i] = prev[i];
    return into;
  }

  /**
   * ids ascending into `into` (its first ids.length entries; `into` is returned, no view made for
   * each client). Interest changes little from tick to tick, so the last snapshot's
   * ids (already ascending) give the order: keep those still present, merge in the few new ones.
   * A sort of every client's ids cost more than half of write() (profiled).
   */
  #sortByPrevious(client: ClientSnapshots, ids: readonly number[], into: Uint32Array): Uint32Array {
    const n = ids.length;
    const prevSlot = client.lastSentTick < 0 ? -1 : client.lastSentTick % SNAPSHOT_HISTORY;
    if (prevSlot < 0 || client.ringTick[prevSlot] !== client.lastSentTick) {
      for (let i = 0; i < n; i++) into[i] = ids[i];
      into.subarray(0, n).sort();
      return into;
    }
    let limit = 0;
    for (let i = 0; i < n; i++) if (ids[i] >= limit) limit = ids[i] + 1;
    if (this.#mark.length < limit) this.#mark = new Uint32Array(Math.max(limit, this.#mark.length * 2));
    const mark = this.#mark;
    if (++this.#stamp >= 0xfffffff0) {
      mark.fill(0);
      this.#stamp = 1;
    }
    const s = this.#stamp;
    for (let i = 0; i < n; i++) mark[ids[i]] = s;
    // Still present, in the previous order (ascending); taken ones are unmarked.
    const prev = client.ringIds[prevSlot],
      prevCount = client.ringCount[prevSlot];
    const kept = this.#kept.length < n ? (this.#kept = new Uint32Array(n * 2)) : this.#kept;
    let k = 0;
    for (let i = 0; i < prevCount; i++) {
      const id = prev[i];
      if (id < limit && mark[id] === s) {
        kept[k++] = id;
        mark[id] = 0;
      }
    }
    // The new ones (still marked), sorted: few.
    const fresh = this.#fresh.length < n ? (this.#fresh = new Uint32Array(n * 2)) : this.#fresh;
    let f = 0;
    for (let i = 0; i < n; i++) if (mark[ids[i]] === s) fresh[f++] = ids[i];
    if (f > 1) fresh.subarray(0, f).sort();
    let i = 0,
      j = 0,
      o = 0;
    while (i < k && j < f) into[o++] = kept[i] < fresh[j] ? kept[i++] : fresh[j++];
    while (i < k) into[o++] = kept[i++];
    while (j < f) into[o++] = fresh[j++];
    if (o !== n) {
      // Repeated ids (never from InterestManager): the plain sort keeps them all.
      for (let x = 0; x < n; x++) into[x] = ids[x];
      into.subarray(0, n).sort();
    }
    return into;
  }

  /** Keeps the world's quantised state at `tick` (one copy per tick, shared by every client). */
  #capture(slot: number, tick: number, world: World, simTimeMs: number): void {
    const used = world.idLimit * FIELD_COUNT;
    if (this.#worldAt[slot].length < used) this.#worldAt[slot] = new Int32Array(world.q.length);
    this.#worldAt[slot].set(world.q.subarray(0, used));
    this.#worldUsed[slot] = this.#worldAt[slot].subarray(0, used);
    this.#worldTick[slot] = tick;
    this.#worldTimeMs[slot] = simTimeMs;
  }
}
