import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import {
  SnapshotEncoder, decodeSnapshotData, emptyState, FIELD_COUNT, F_YAW, YAW_STEPS, MASK_ABSOLUTE,
  quantYaw, dequantYaw, quantPos, dequantPos, YAW_MAX_ERROR_RAD, POS_MAX_ERROR_M, type SnapshotState,
} from '../../src/protocol/snapshot-format.js';

const INT = fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 });
const ENTITY = fc.record({ id: fc.integer({ min: 1, max: 200_000 }), vals: fc.array(INT, { minLength: FIELD_COUNT, maxLength: FIELD_COUNT }) });

function stateOf(list: { id: number; vals: number[] }[]): SnapshotState {
  const uniq = [...new Map(list.map((e) => [e.id, e])).values()].sort((a, b) => a.id - b.id);
  const s = emptyState(uniq.length + 1);
  uniq.forEach((e, i) => {
    s.ids[i] = e.id;
    e.vals.forEach((v, f) => { s.vals[i * FIELD_COUNT + f] = f === F_YAW ? ((v % YAW_STEPS) + YAW_STEPS) % YAW_STEPS : v; });
  });
  s.count = uniq.length;
  return s;
}

function encode(cur: SnapshotState, base: SnapshotState | null): Uint8Array {
  const enc = new SnapshotEncoder();
  enc.begin(cur.count);
  let bi = 0;
  for (let i = 0; i < cur.count; i++) {
    const id = cur.ids[i];
    while (base && bi < base.count && base.ids[bi] < id) bi++;
    const hit = base && bi < base.count && base.ids[bi] === id;
    enc.entity(id, cur.vals, i * FIELD_COUNT, hit ? base.vals : null, bi * FIELD_COUNT);
  }
  return enc.finish().slice();
}

const same = (a: SnapshotState, b: SnapshotState): void => {
  expect(Array.from(a.ids.subarray(0, a.count))).toEqual(Array.from(b.ids.subarray(0, b.count)));
  expect(Array.from(a.vals.subarray(0, a.count * FIELD_COUNT))).toEqual(Array.from(b.vals.subarray(0, b.count * FIELD_COUNT)));
};

describe('snapshot delta format', () => {
  it('full and delta snapshots decode to exactly the encoded state', () => {
    fc.assert(fc.property(fc.array(ENTITY, { maxLength: 60 }), fc.array(ENTITY, { maxLength: 60 }), (b, c) => {
      const base = stateOf(b), cur = stateOf(c);
      const out = emptyState();
      expect(decodeSnapshotData(encode(cur, null), null, out)).toBeNull();
      same(out, cur);
      expect(decodeSnapshotData(encode(cur, base), base, out)).toBeNull();
      same(out, cur);
    }), { numRuns: 400 });
  });

  it('an unchanged entity costs two bytes (id gap + empty mask)', () => {
    const s = stateOf([{ id: 5, vals: [100, 200, 300, 400, 5, 6, 7] }, { id: 6, vals: [1, 2, 3, 4, 5, 6, 7] }]);
    expect(encode(s, s)).toEqual(new Uint8Array([2, 5, 0, 0, 0]));
    expect(encode(s, null)[2]).toBe(MASK_ABSOLUTE | 0x7f);
  });

  it('a delta against a base that lacks an entity is rejected', () => {
    const base = stateOf([{ id: 5, vals: [1, 2, 3, 4, 5, 6, 7] }]);
    const bytes = encode(base, base);
    expect(decodeSnapshotData(bytes, stateOf([]), emptyState())).toBe('missing-base-entity');
    expect(decodeSnapshotData(bytes, null, emptyState())).toBe('missing-base-entity');
  });

  it('random bytes never throw and truncations are rejected', () => {
    const base = stateOf([{ id: 1, vals: [1, 2, 3, 4, 5, 6, 7] }, { id: 9, vals: [9, 9, 9, 9, 9, 9, 9] }]);
    fc.assert(fc.property(fc.uint8Array({ maxLength: 200 }), fc.boolean(), (bytes, useBase) => {
      const r = decodeSnapshotData(bytes, useBase ? base : null, emptyState());
      expect(r === null || typeof r === 'string').toBe(true);
    }), { numRuns: 5000 });
    const good = encode(base, null);
    for (let n = 0; n < good.length; n++) expect(decodeSnapshotData(good.subarray(0, n), null, emptyState())).not.toBeNull();
    expect(decodeSnapshotData(new Uint8Array([...good, 0]), null, emptyState())).toBe('trailing-bytes');
  });

  it('quantisation error stays within the stated precision', () => {
    fc.assert(fc.property(fc.double({ min: -1e5, max: 1e5, noNaN: true }), fc.double({ min: -10, max: 10, noNaN: true }), (p, yaw) => {
      expect(Math.abs(dequantPos(quantPos(p)) - p)).toBeLessThanOrEqual(POS_MAX_ERROR_M + 1e-9);
      const back = dequantYaw(quantYaw(yaw));
      const d = Math.abs(Math.atan2(Math.sin(back - yaw), Math.cos(back - yaw)));
      expect(d).toBeLessThanOrEqual(YAW_MAX_ERROR_RAD + 1e-9);
    }));
  });
});

import { encodeSnapshotEnvelope } from '../../src/protocol/snapshot-envelope.js';
import { decodeMsg, encodeMsg } from '../../src/protocol/codec.js';

describe('hand-written snapshot envelope', () => {
  it('is byte-identical to protobufjs and decodes with the ordinary codec', () => {
    fc.assert(fc.property(
      fc.integer({ min: 0, max: 2 ** 32 - 1 }), fc.integer({ min: 0, max: 2 ** 32 - 1 }),
      fc.double({ min: 0, max: 1e12, noNaN: true }), fc.integer({ min: 0, max: 50 }), fc.uint8Array({ maxLength: 3000 }),
      (tick, baseTick, serverTimeMs, tickMs, data) => {
        const mine = encodeSnapshotEnvelope({ tick, baseTick, serverTimeMs, tickMs }, data);
        expect(Buffer.from(mine).equals(Buffer.from(encodeMsg({ snapshot: { tick, baseTick, serverTimeMs, tickMs, data } })))).toBe(true);
        const r = decodeMsg(mine);
        expect(r.ok && r.kind === 'snapshot' && r.msg.snapshot?.tick === tick).toBe(true);
      }), { numRuns: 500 });
  });
});
