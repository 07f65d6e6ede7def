import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import {
  roundHalfUp,
  SnapshotEncoder,
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
import { NativeDecoder } from '../sidecar/native-decoder.js';

// The decoder is C (native-shims/sidecar/snapshot_receiver.c), reached through the sidecar's
// SnapshotReceiver: these run the TypeScript encoder against it.
const decoder = new NativeDecoder();
const decodeSnapshotData = (data: Uint8Array, base: SnapshotState | null, out: SnapshotState): string | null => decoder.decode(data, base, out);

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

import { decodeSnapshotEnvelope, encodeSnapshotEnvelope, snapshotEnvelopeOf, type SnapshotEnvelope } from '../../src/protocol/snapshot-envelope.js';
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

/** What the ordinary codec makes of the bytes, in the hand reader's shape (null: not a snapshot or rejected). */
function viaCodec(bytes: Uint8Array): SnapshotEnvelope | null {
  const r = decodeMsg(bytes);
  if (!r.ok || r.kind !== 'snapshot') return null;
  return snapshotEnvelopeOf(r.msg.snapshot!);
}
const sameEnvelope = (a: SnapshotEnvelope, b: SnapshotEnvelope): boolean =>
  a.tick === b.tick &&
  a.baseTick === b.baseTick &&
  Object.is(a.serverTimeMs, b.serverTimeMs) &&
  a.tickMs === b.tickMs &&
  a.inputLeadUs === b.inputLeadUs &&
  Buffer.from(a.data).equals(Buffer.from(b.data));

/** EMsg's tag for its snapshot field, as protobufjs writes it. */
const SNAPSHOT_TAG = encodeMsg({ snapshot: {} }).subarray(0, -1);

describe('hand-read snapshot envelope', () => {
  const header = fc.record({
    tick: fc.integer({ min: 0, max: 2 ** 32 - 1 }),
    baseTick: fc.integer({ min: 0, max: 2 ** 32 - 1 }),
    serverTimeMs: fc.double({ noNaN: true }),
    tickMs: fc.integer({ min: 0, max: 2 ** 32 - 1 }),
    inputLeadUs: fc.integer({ min: 0, max: 2 ** 32 - 1 }),
  });

  it('reads every snapshot either encoder writes as the ordinary codec does, sharing the delta bytes', () => {
    fc.assert(
      fc.property(header, fc.uint8Array({ maxLength: 2000 }), (h, data) => {
        for (const bytes of [encodeSnapshotEnvelope(h, data), encodeMsg({ snapshot: { ...h, data } })]) {
          const mine = decodeSnapshotEnvelope(bytes);
          expect(mine).not.toBeNull();
          expect(sameEnvelope(mine!, viaCodec(bytes)!)).toBe(true);
          if (data.length) expect(mine!.data.buffer).toBe(bytes.buffer);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('reads the fields in any order (protobuf allows it)', () => {
    const bytes = encodeMsg({ snapshot: { tick: 7, baseTick: 5, serverTimeMs: 12.5, tickMs: 25, data: new Uint8Array([9, 8]), inputLeadUs: 300 } });
    // EMsg's tag and length (SNAPSHOT_TAG, one byte), then the fields: reverse their order
    const head = SNAPSHOT_TAG.length + 1;
    const fields: Uint8Array[] = [];
    for (let p = head; p < bytes.length;) {
      const tag = bytes[p];
      let q = p + 1;
      if (tag === 0x19) q += 8;
      else if (tag === 0x2a) q += 1 + bytes[q];
      else while (bytes[q++] >= 0x80);
      fields.push(bytes.subarray(p, q));
      p = q;
    }
    const reordered = new Uint8Array(bytes.length);
    reordered.set(bytes.subarray(0, head));
    let p = head;
    for (const f of fields.reverse()) reordered.set(f, (p += f.length) - f.length);
    expect(sameEnvelope(decodeSnapshotEnvelope(reordered)!, viaCodec(reordered)!)).toBe(true);
    expect(decodeSnapshotEnvelope(reordered)!.inputLeadUs).toBe(300);
  });

  it('passes anything it does not fully understand to the ordinary codec, and never throws', () => {
    const seen = { read: 0, handedOver: 0 };
    fc.assert(
      fc.property(
        header,
        fc.uint8Array({ maxLength: 64 }),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 3 }),
        fc.oneof(fc.constant(0), fc.nat(80)),
        (h, data, flips, cut) => {
          const bytes = Uint8Array.from(encodeSnapshotEnvelope(h, data));
          for (const [at, v] of flips) bytes[at % bytes.length] = v;
          const hostile = bytes.subarray(0, Math.max(0, bytes.length - cut));
          const mine = decodeSnapshotEnvelope(hostile);
          seen[mine === null ? 'handedOver' : 'read']++;
          if (mine !== null) expect(sameEnvelope(mine, viaCodec(hostile) ?? ({} as SnapshotEnvelope))).toBe(true);
        },
      ),
      { numRuns: 3000 },
    );
    expect(Math.min(seen.read, seen.handedOver)).toBeGreaterThan(300); // both ways were taken
    // what it hands over: other messages, a repeated field, an unknown field, a too-long varint
    expect(decodeSnapshotEnvelope(encodeMsg({ snapshotAck: { tick: 3 } }))).toBeNull();
    const snapshot = (...inner: number[]): Uint8Array => Uint8Array.from([...SNAPSHOT_TAG, inner.length, ...inner]);
    expect(decodeSnapshotEnvelope(snapshot(0x08, 1, 0x08, 2))).toBeNull();
    expect(viaCodec(snapshot(0x08, 1, 0x08, 2))?.tick).toBe(2); // the codec takes the last
    expect(decodeSnapshotEnvelope(snapshot(0x78, 1))).toBeNull();
    expect(decodeSnapshotEnvelope(snapshot(0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01))).toBeNull();
    expect(decodeSnapshotEnvelope(snapshot(0x0a, 0))).toBeNull(); // tick with the wrong wire type: the codec decides
    expect(decodeSnapshotEnvelope(new Uint8Array([]))).toBeNull();
    expect(decodeSnapshotEnvelope(snapshot())).toEqual({ tick: 0, baseTick: 0, serverTimeMs: 0, tickMs: 0, inputLeadUs: 0, data: new Uint8Array(0) });
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
