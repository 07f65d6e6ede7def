import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import {
  roundHalfUp,
  SnapshotEncoder,
  decodeSnapshotData,
  emptyState,
  FIELD_COUNT,
  F_YAW,
  F_X,
  F_VX,
  YAW_STEPS,
  MAX_PREDICT_MS,
  quantYaw,
  dequantYaw,
  quantPos,
  dequantPos,
  YAW_MAX_ERROR_RAD,
  POS_MAX_ERROR_M,
  type SnapshotState,
} from '../../src/protocol/snapshot-format.js';

const INT = fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 });
const ENTITY = fc.record({ id: fc.integer({ min: 1, max: 200_000 }), vals: fc.array(INT, { minLength: FIELD_COUNT, maxLength: FIELD_COUNT }) });

function stateOf(list: { id: number; vals: number[] }[]): SnapshotState {
  const uniq = [...new Map(list.map((e) => [e.id, e])).values()].sort((a, b) => a.id - b.id);
  const s = emptyState(uniq.length + 1);
  uniq.forEach((e, i) => {
    s.ids[i] = e.id;
    e.vals.forEach((v, f) => {
      s.vals[i * FIELD_COUNT + f] = f === F_YAW ? ((v % YAW_STEPS) + YAW_STEPS) % YAW_STEPS : v;
    });
  });
  s.count = uniq.length;
  return s;
}

function encode(cur: SnapshotState, base: SnapshotState | null, elapsedMs = 75): Uint8Array {
  return new SnapshotEncoder().encode(cur, base, elapsedMs).slice();
}

const same = (a: SnapshotState, b: SnapshotState): void => {
  expect(Array.from(a.ids.subarray(0, a.count))).toEqual(Array.from(b.ids.subarray(0, b.count)));
  expect(Array.from(a.vals.subarray(0, a.count * FIELD_COUNT))).toEqual(Array.from(b.vals.subarray(0, b.count * FIELD_COUNT)));
};

describe('snapshot delta format', () => {
  it('full and delta snapshots decode to exactly the encoded state', () => {
    const elapsed = fc.integer({ min: 0, max: MAX_PREDICT_MS });
    fc.assert(
      fc.property(fc.array(ENTITY, { maxLength: 60 }), fc.array(ENTITY, { maxLength: 60 }), elapsed, (b, c, ms) => {
        const base = stateOf(b),
          cur = stateOf(c);
        const out = emptyState();
        expect(decodeSnapshotData(encode(cur, null), null, out)).toBeNull();
        same(out, cur);
        expect(decodeSnapshotData(encode(cur, base, ms), base, out)).toBeNull();
        same(out, cur);
        // The same entities, kept, moved by their velocity, plus a little noise: the delta path.
        const moved = stateOf(
          b.map((e) => ({ id: e.id, vals: e.vals.map((v, f) => (f === F_X ? v + Math.round((e.vals[F_VX] * ms) / 1000) + (e.id % 3) - 1 : v)) })),
        );
        expect(decodeSnapshotData(encode(moved, base, ms), base, out)).toBeNull();
        same(out, moved);
      }),
      { numRuns: 400 },
    );
  });

  it('an entity that moves as predicted costs two bits (kept, exact)', () => {
    const N = 64,
      ELAPSED_MS = 75;
    const list = (t: number) => Array.from({ length: N }, (_, i) => ({ id: 10 + 7 * i, vals: [100 + Math.round((40 * t) / 1000), 200, 0, 400, 40, 0, 0] }));
    const base = stateOf(list(0)),
      cur = stateOf(list(ELAPSED_MS));
    // has-base 1 + ue(75) 13 + kept 64 + ue(0 added) 1 + exact 64 bits.
    expect(encode(cur, base, ELAPSED_MS).length).toBe(Math.ceil((1 + 13 + N + 1 + N) / 8));
    const out = emptyState();
    expect(decodeSnapshotData(encode(cur, base, ELAPSED_MS), base, out)).toBeNull();
    same(out, cur);
  });

  it('a delta without its base is rejected', () => {
    const base = stateOf([{ id: 5, vals: [1, 2, 3, 4, 5, 6, 7] }]);
    expect(decodeSnapshotData(encode(base, base), null, emptyState())).toBe('missing-base-entity');
  });

  it('random bytes never throw and truncations are rejected', () => {
    const base = stateOf([
      { id: 1, vals: [1, 2, 3, 4, 5, 6, 7] },
      { id: 9, vals: [9, 9, 9, 9, 9, 9, 9] },
    ]);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.boolean(), (bytes, useBase) => {
        const r = decodeSnapshotData(bytes, useBase ? base : null, emptyState());
        expect(r === null || typeof r === 'string').toBe(true);
      }),
      { numRuns: 5000 },
    );
    const good = encode(base, null);
    for (let n = 0; n < good.length; n++) expect(decodeSnapshotData(good.subarray(0, n), null, emptyState())).not.toBeNull();
    expect(decodeSnapshotData(new Uint8Array([...good, 0]), null, emptyState())).toBe('trailing-bytes');
  });

  it('quantisation error stays within the stated precision', () => {
    fc.assert(
      fc.property(fc.double({ min: -1e5, max: 1e5, noNaN: true }), fc.double({ min: -10, max: 10, noNaN: true }), (p, yaw) => {
        expect(Math.abs(dequantPos(quantPos(p)) - p)).toBeLessThanOrEqual(POS_MAX_ERROR_M + 1e-9);
        const back = dequantYaw(quantYaw(yaw));
        const d = Math.abs(Math.atan2(Math.sin(back - yaw), Math.cos(back - yaw)));
        expect(d).toBeLessThanOrEqual(YAW_MAX_ERROR_RAD + 1e-9);
      }),
    );
  });
});

import { encodeSnapshotEnvelope } from '../../src/protocol/snapshot-envelope.js';
import { decodeMsg, encodeMsg } from '../../src/protocol/codec.js';

describe('hand-written snapshot envelope', () => {
  it('is byte-identical to protobufjs and decodes with the ordinary codec', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 ** 32 - 1 }),
        fc.integer({ min: 0, max: 2 ** 32 - 1 }),
        fc.double({ min: 0, max: 1e12, noNaN: true }),
        fc.integer({ min: 0, max: 50 }),
        fc.uint8Array({ maxLength: 3000 }),
        fc.integer({ min: 0, max: 2 ** 32 - 1 }),
        (tick, baseTick, serverTimeMs, tickMs, data, inputLeadUs) => {
          const mine = encodeSnapshotEnvelope({ tick, baseTick, serverTimeMs, tickMs, inputLeadUs }, data);
          expect(Buffer.from(mine).equals(Buffer.from(encodeMsg({ snapshot: { tick, baseTick, serverTimeMs, tickMs, data, inputLeadUs } })))).toBe(true);
          const r = decodeMsg(mine);
          expect(r.ok && r.kind === 'snapshot' && r.msg.snapshot?.tick === tick && (r.msg.snapshot?.inputLeadUs ?? 0) === inputLeadUs).toBe(true);
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('roundHalfUp, the quantisers branch-free Math.round', () => {
  it('equals Math.round for every double, halves, huge and non-finite values included (the sign of a zero aside)', () => {
    const same = (v: number): boolean => {
      const a = roundHalfUp(v),
        b = Math.round(v);
      return Number.isNaN(b) ? Number.isNaN(a) : a === b;
    };
    fc.assert(fc.property(fc.double(), same), { numRuns: 20_000 });
    fc.assert(
      fc.property(fc.integer({ min: -(2 ** 40), max: 2 ** 40 }), (k) => same(k + 0.5) && same(k - 0.5) && same(k + 0.49999999999999994)),
      { numRuns: 5_000 },
    );
    for (const v of [0.5, -0.5, 1.5, -1.5, 2 ** 52 + 1, -(2 ** 53), Infinity, -Infinity, NaN, -0, 0.49999999999999994]) expect(same(v)).toBe(true);
    expect(roundHalfUp(-0.2)).toBe(0); // +0 where Math.round gives -0: equal as a quantised int
  });
});
