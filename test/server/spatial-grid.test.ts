import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { SpatialGrid, cellKey, cellKey64 } from '../../src/server/spatial-grid.js';

type Op = { t: 'add' | 'move' | 'remove'; id: number; x: number; y: number };
// centimetre coordinates: the squared-distance check of a brute force underflows on denormals
const COORD = fc.integer({ min: -2_000_000, max: 2_000_000 }).map((c) => c / 100);
const OP = fc.record({ t: fc.constantFrom('add', 'move', 'remove'), id: fc.integer({ min: 0, max: 40 }), x: COORD, y: COORD }) as fc.Arbitrary<Op>;

describe('SpatialGrid (IMT-1)', () => {
  it('packs int2(floor(x/32), floor(y/32)) into a 64-bit key', () => {
    expect(cellKey64(-1, 2)).toBe(0xffffffff00000002n);
    expect(cellKey(-1, 2)).toBe(-1 * 2 ** 32 + 2);
    expect(cellKey(3, -1)).toBe(3 * 2 ** 32 + 0xffffffff);
    expect(cellKey(1, 2)).not.toBe(cellKey(2, 1));
  });

  for (const [label, half] of [
    ['dense cells', 8192],
    ['Map cells only', 0],
    ['mixed', 1000],
  ] as const) {
    it(`Query equals a brute-force scan after random add/move/remove (${label})`, () => {
      fc.assert(
        fc.property(
          fc.array(OP, { maxLength: 120 }),
          fc.array(fc.tuple(COORD, COORD, fc.double({ min: 0, max: 3000, noNaN: true })), { minLength: 1, maxLength: 5 }),
          (ops, queries) => {
            const g = new SpatialGrid({ halfExtentM: half, initialCapacity: 4 });
            const truth = new Map<number, [number, number]>();
            for (const op of ops) {
              if (op.t === 'add' && !truth.has(op.id)) {
                g.add(op.id, op.x, op.y);
                truth.set(op.id, [op.x, op.y]);
              } else if (op.t === 'move' && truth.has(op.id)) {
                g.move(op.id, op.x, op.y);
                truth.set(op.id, [op.x, op.y]);
              } else if (op.t === 'remove') {
                g.remove(op.id);
                truth.delete(op.id);
              }
            }
            expect(g.size).toBe(truth.size);
            const scratch: number[] = []; // reused: query overwrites it, stale entries past n
            for (const [qx, qy, r] of queries) {
              const got = scratch.slice(0, g.query(qx, qy, r, scratch));
              const want = [...truth].filter(([, [x, y]]) => (x - qx) ** 2 + (y - qy) ** 2 <= r * r).map(([id]) => id);
              expect(got.sort((a, b) => a - b)).toEqual(want.sort((a, b) => a - b));
            }
          },
        ),
        { numRuns: 300 },
      );
    });
  }

  it('misuse throws a TypeError; removing an absent id is a no-op', () => {
    const g = new SpatialGrid();
    g.add(1, 0, 0);
    expect(() => g.add(1, 0, 0)).toThrow(TypeError);
    expect(() => g.move(2, 0, 0)).toThrow(TypeError);
    expect(() => g.add(3, NaN, 0)).toThrow(TypeError);
    expect(() => g.move(1, Infinity, 0)).toThrow(TypeError);
    g.remove(7);
    expect(g.size).toBe(1);
  });
});
