// Must show: SharedSnapshotEncoder (each entity's record computed once per tick and base tick,
// copied to every other client) writes exactly the bytes SnapshotEncoder writes for the same
// states, whatever mix of clients, bases, ticks and values (long codes and yaw wrap included),
// and through SnapshotWriter the bytes decode to the server's world.
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { SnapshotEncoder, emptyState, FIELD_COUNT, F_YAW, YAW_STEPS, type SnapshotState } from '../../src/protocol/snapshot-format.js';
import { SharedSnapshotEncoder, type DeltaBase } from '../../src/protocol/snapshot-shared-encoder.js';

const IDS = 300;
/** Small values mostly (the common short codes), sometimes any int32 (long codes, wraps). */
const VALUE = fc.oneof(fc.integer({ min: -40, max: 40 }), fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }));
const WORLD = fc.array(VALUE, { minLength: IDS * FIELD_COUNT, maxLength: IDS * FIELD_COUNT }).map((a) => {
  const q = Int32Array.from(a);
  for (let id = 0; id < IDS; id++) q[id * FIELD_COUNT + F_YAW] = ((q[id * FIELD_COUNT + F_YAW] % YAW_STEPS) + YAW_STEPS) % YAW_STEPS;
  return q;
});
/** Dense id sets from a narrow range (about 4 in 5 of ids 1..60), so clients share most entities and cached records. */
const ID_SET = fc.uint8Array({ minLength: 60, maxLength: 60 }).map((bytes) => Uint32Array.from([...bytes.keys()].filter((i) => i > 0 && bytes[i] < 205)));

/** The per-client state SnapshotEncoder takes: the values of `ids` copied out of a world. */
function stateOf(ids: Uint32Array, q: Int32Array): SnapshotState {
  const s = emptyState(ids.length + 1);
  ids.forEach((id, i) => s.vals.set(q.subarray(id * FIELD_COUNT, (id + 1) * FIELD_COUNT), i * FIELD_COUNT));
  s.ids.set(ids);
  s.count = ids.length;
  return s;
}

describe('SharedSnapshotEncoder', () => {
  it('is byte-identical to SnapshotEncoder for many clients over several ticks and bases', () => {
    let reused = 0,
      computed = 0;
    fc.assert(
      fc.property(
        fc.array(WORLD, { minLength: 3, maxLength: 3 }),
        fc.array(fc.record({ tick: fc.integer({ min: 0, max: 2 }), base: fc.option(fc.integer({ min: 0, max: 2 })), cur: ID_SET, held: ID_SET }), {
          minLength: 1,
          maxLength: 12,
        }),
        fc.array(fc.integer({ min: 0, max: 70_000 }), { minLength: 9, maxLength: 9 }),
        (worlds, clients, elapsedOf) => {
          const shared = new SharedSnapshotEncoder();
          const reference = new SnapshotEncoder();
          // Worlds 0..2 are ticks 10, 42 and 74 (≡ mod 32: every pair shares one cache slot and evicts the others).
          const tickOf = (i: number): number => 10 + 32 * i;
          for (const c of clients) {
            // The encoder's contract: one (tick, base tick) pair always comes with the same worlds and elapsed time.
            const elapsed = elapsedOf[c.tick * 3 + (c.base ?? 0)];
            const base: DeltaBase | null =
              c.base === null || c.base === c.tick ? null : { tick: tickOf(c.base), ids: c.held, count: c.held.length, q: worlds[c.base], elapsedMs: elapsed };
            const got = shared.encode(tickOf(c.tick), c.cur, c.cur.length, worlds[c.tick], base).slice();
            const want = reference.encode(stateOf(c.cur, worlds[c.tick]), base && stateOf(c.held, worlds[c.base!]), base ? elapsed : 0).slice();
            expect(got).toEqual(want);
          }
          reused += shared.stats.reused;
          computed += shared.stats.computed;
        },
      ),
      { numRuns: 200 },
    );
    // The cache was exercised (copied records), though the pairs keep evicting each other here.
    expect(reused).toBeGreaterThan(computed / 20);
  });

  it('a record cached for one client is the record of every client with the same base', () => {
    const q0 = new Int32Array(IDS * FIELD_COUNT).map((_, i) => i % 97),
      q1 = q0.map((v, i) => v + (i % 5) - 2);
    const shared = new SharedSnapshotEncoder();
    const ids = Uint32Array.from([3, 7, 11, 200]);
    const base: DeltaBase = { tick: 1, ids, count: 4, q: q0, elapsedMs: 25 };
    const first = shared.encode(2, ids, 4, q1, base).slice();
    const second = shared.encode(2, ids, 4, q1, base).slice();
    expect(second).toEqual(first);
    expect(first).toEqual(new SnapshotEncoder().encode(stateOf(ids, q1), stateOf(ids, q0), 25).slice());
    // A new tick with other values must not reuse the old tick's records.
    const q2 = q1.map((v) => v + 1000);
    expect(shared.encode(3, ids, 4, q2, { ...base, tick: 1, elapsedMs: 50 }).slice()).toEqual(
      new SnapshotEncoder().encode(stateOf(ids, q2), stateOf(ids, q0), 50).slice(),
    );
  });
});
