// Hostile snapshots against the C receiver through koffi: random bytes and mutated real ones
// (the city's, test/sidecar/city-snapshots.ts), thousands of each. Never a throw or a crash; every
// drop has a named reason; what is accepted is a well-formed state. (The same receiver under
// AddressSanitizer: snapshot-asan.system.test.ts.)
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { SNAPSHOT_REJECTS } from '../../src/sidecar/snapshot-native.js';
import { FIELD_COUNT, F_YAW, MAX_SNAPSHOT_ENTITIES, YAW_STEPS } from '../../src/protocol/snapshot-format.js';
import { SnapshotReceiver, type ReceiveResult } from '../../src/sidecar/snapshot-receiver.js';
import { citySnapshots } from './city-snapshots.js';

const CITY = citySnapshots(24);
const RANDOM_RUNS = 4000;
const MUTATED_RUNS = 4000;

/** A city receiver holding ticks 1..upTo. */
function cityReceiver(upTo: number): SnapshotReceiver {
  const rx = new SnapshotReceiver();
  for (const s of CITY.slice(0, upTo)) expect(rx.receive(s.tick, s.baseTick, s.data).ok).toBe(true);
  return rx;
}

/** Every answer named; an accepted state well-formed (ids ascending, within the limit, yaw in range). */
function checked(r: ReceiveResult, seen: Map<string, number>): void {
  const key = r.ok ? 'ok' : r.reason;
  seen.set(key, (seen.get(key) ?? 0) + 1);
  if (!r.ok) {
    expect(SNAPSHOT_REJECTS).toContain(r.reason);
    return;
  }
  const s = r.state;
  expect(s.count).toBeLessThanOrEqual(MAX_SNAPSHOT_ENTITIES);
  for (let i = 0; i < s.count; i++) {
    if (i > 0) expect(s.ids[i]).toBeGreaterThan(s.ids[i - 1]);
    const yaw = s.vals[i * FIELD_COUNT + F_YAW];
    expect(yaw >= 0 && yaw < YAW_STEPS).toBe(true);
  }
}

const mutation = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), at: fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 7 })), { minLength: 1, maxLength: 6 }) }),
  fc.record({ kind: fc.constant('cut' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('splice' as const), at: fc.nat(), bytes: fc.uint8Array({ minLength: 1, maxLength: 16 }) }),
);
type Mutation = typeof mutation extends fc.Arbitrary<infer T> ? T : never;

function mutate(data: Uint8Array, m: Mutation): Uint8Array {
  const d = [...data];
  const at = (n: number): number => (d.length === 0 ? 0 : n % (d.length + 1));
  switch (m.kind) {
    case 'flip':
      for (const [i, b] of m.at) if (d.length) d[i % d.length] ^= 1 << b;
      break;
    case 'cut':
      d.length = at(m.at);
      break;
    case 'insert':
      d.splice(at(m.at), 0, m.byte);
      break;
    case 'delete':
      d.splice(at(m.at), 1);
      break;
    case 'splice':
      d.splice(at(m.at), m.bytes.length, ...m.bytes);
  }
  return Uint8Array.from(d);
}

describe('hostile snapshots against the C receiver', () => {
  it(`${RANDOM_RUNS} random payloads, with and without a base: never a throw, every drop named`, () => {
    const rx = cityReceiver(CITY.length);
    const newest = CITY[CITY.length - 1].tick;
    const seen = new Map<string, number>();
    let tick = newest;
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.integer({ min: 0, max: 3 }), (bytes, back) => {
        // based on one of the newest held ticks (they move on as random payloads are accepted)
        const baseTick = back === 0 ? 0 : rx.newestTick - back + 1;
        checked(rx.receive(++tick, baseTick, bytes), seen);
      }),
      { numRuns: RANDOM_RUNS },
    );
    expect(seen.get('truncated')).toBeGreaterThan(0);
    expect(seen.size).toBeGreaterThanOrEqual(4);
    rx.close();
  });

  it(`${MUTATED_RUNS} mutated city snapshots: never a throw, every drop named, both ways taken`, () => {
    const seen = new Map<string, number>();
    const rxs = Array.from({ length: CITY.length }, (_, i) => cityReceiver(i));
    fc.assert(
      fc.property(fc.integer({ min: 0, max: CITY.length - 1 }), mutation, (which, m) => {
        const s = CITY[which];
        const rx = rxs[which];
        // the mutated record at its tick, on the receiver that holds what came before it
        const r = rx.receive(s.tick, s.baseTick, mutate(s.data, m));
        checked(r, seen);
        if (r.ok) {
          rx.close();
          rxs[which] = cityReceiver(which); // its tick is now held: start again for the next run
        }
      }),
      { numRuns: MUTATED_RUNS },
    );
    for (const rx of rxs) rx.close();
    const rejected = [...seen].filter(([k]) => k !== 'ok').reduce((a, [, n]) => a + n, 0);
    expect(Math.min(seen.get('ok') ?? 0, rejected)).toBeGreaterThan(MUTATED_RUNS / 100);
    expect(seen.size).toBeGreaterThanOrEqual(5);
  });
});
