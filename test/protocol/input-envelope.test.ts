// The hand-written EMsg{playerState} encoder against protobufjs: the same bytes for every value
// (edge values and a seeded random sweep), and the ordinary codec decodes them.
import { describe, it, expect } from 'vitest';
import { encodePlayerStateMsg } from '../../src/protocol/input-envelope.js';
import { decodeMsg, encodeMsg } from '../../src/protocol/codec.js';
import { seededRandom, type Rng } from '../../src/util/random.js';
import type { PlayerState } from '../../src/protocol/schema.gen.js';

const RANDOM_CASES = 20_000;
const UINT32_MAX = 2 ** 32 - 1;
const FLOAT_KEYS = ['x', 'y', 'z', 'yaw', 'vx', 'vy', 'vz'] as const;
const UINT_KEYS = ['seq', 'mode', 'ackTick'] as const;

/** A NaN with other payload bits than JavaScript's own (read back from a Float64Array). */
function nanWithPayload(): number {
  const b = new Uint32Array([0x12345, 0xfff80001]);
  return new Float64Array(b.buffer)[0];
}

const FLOAT_EDGES = [
  0,
  -0,
  1,
  -1,
  0.1,
  -123.456,
  NaN,
  nanWithPayload(),
  Infinity,
  -Infinity,
  1e-50,
  -1e-50,
  1e-45,
  1.4e-45,
  1.2e-38,
  3.4028234e38,
  3.5e38,
  1e300,
  -1e300,
  Number.MIN_VALUE,
  Number.MAX_VALUE,
];
// Edges of the varint lengths, 2^32 - 1, and the values protobufjs's `>>> 0` wraps or truncates.
const UINT_EDGES = [0, 1, 127, 128, 16383, 16384, 2 ** 21 - 1, 2 ** 21, 2 ** 28 - 1, 2 ** 28, UINT32_MAX - 1, UINT32_MAX, 2 ** 32, 2 ** 32 + 5, -1, 1.5, NaN];
const TIME_EDGES = [0, -0, 1, 0.001, 16.667, 1e6 + 0.25, 1e12, 2 ** 53, Number.MAX_VALUE, NaN, Infinity, -5];

const pick = <T>(rng: Rng, xs: readonly T[]): T => xs[Math.floor(rng() * xs.length)];

/** Mostly game-like values, often an edge, sometimes absent. */
function randomFloat(rng: Rng): number | undefined {
  const r = rng();
  if (r < 0.05) return undefined;
  if (r < 0.3) return pick(rng, FLOAT_EDGES);
  if (r < 0.7) return (rng() - 0.5) * 2e5; // metres or m/s, game-like
  return (rng() < 0.5 ? -1 : 1) * 2 ** (rng() * 300 - 150); // any magnitude, float over- and underflow
}

function randomUint(rng: Rng): number | undefined {
  const r = rng();
  if (r < 0.05) return undefined;
  if (r < 0.4) return pick(rng, UINT_EDGES);
  if (r < 0.7) return Math.floor(rng() * 1000);
  if (r < 0.85) return UINT32_MAX - Math.floor(rng() * 1000); // a seq near 2^32
  return Math.floor(rng() * 2 ** 32);
}

function randomTime(rng: Rng): number | undefined {
  const r = rng();
  if (r < 0.05) return undefined;
  if (r < 0.3) return pick(rng, TIME_EDGES);
  return rng() * 1e10;
}

function randomState(rng: Rng): PlayerState {
  const ps: PlayerState = {};
  for (const k of FLOAT_KEYS) {
    const v = randomFloat(rng);
    if (v !== undefined) ps[k] = v;
  }
  for (const k of UINT_KEYS) {
    const v = randomUint(rng);
    if (v !== undefined) ps[k] = v;
  }
  const t = randomTime(rng);
  if (t !== undefined) ps.clientTimeMs = t;
  return ps;
}

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

/** What the codec should decode: protobufjs's conversions, absent fields as 0. */
function expectedDecode(ps: PlayerState): PlayerState {
  const out: PlayerState = { clientTimeMs: ps.clientTimeMs ?? 0 };
  for (const k of FLOAT_KEYS) out[k] = Math.fround(ps[k] ?? 0);
  for (const k of UINT_KEYS) out[k] = (ps[k] ?? 0) >>> 0;
  return out;
}

function checkOne(ps: PlayerState, into: { buf: Uint8Array }): void {
  const want = encodeMsg({ playerState: ps });
  const fresh = encodePlayerStateMsg(ps);
  const reused = encodePlayerStateMsg(ps, into);
  const what = JSON.stringify(ps, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : Object.is(v, -0) ? '-0' : v));
  expect(hex(fresh), what).toBe(hex(want));
  expect(hex(reused), what).toBe(hex(want));
  const d = decodeMsg(fresh);
  expect(d.ok && d.kind, what).toBe('playerState');
  if (d.ok) expect(d.msg.playerState, what).toEqual(expectedDecode(ps));
}

describe('hand-written EMsg{playerState}', () => {
  it('is byte-identical to protobufjs on the edge values of every field, and decodes to them', () => {
    const into = { buf: new Uint8Array(1) }; // grows on first use
    for (const k of FLOAT_KEYS) for (const v of FLOAT_EDGES) checkOne({ seq: 1, [k]: v }, into);
    for (const k of UINT_KEYS) for (const v of UINT_EDGES) checkOne({ x: 1, [k]: v }, into);
    for (const v of TIME_EDGES) checkOne({ seq: 2, clientTimeMs: v }, into);
    checkOne({}, into); // every field left out: an empty PlayerState
  });

  it('leaves out zeros exactly as protobufjs does: +0 and absent, never -0 or NaN', () => {
    expect(hex(encodePlayerStateMsg({ seq: 0, x: 0, mode: 0, clientTimeMs: 0, ackTick: 0 }))).toBe('a20100');
    // x = -0 is written (float bytes 00 00 00 80); NaN too (00 00 c0 7f)
    expect(hex(encodePlayerStateMsg({ x: -0 }))).toBe('a201051500000080');
    expect(hex(encodePlayerStateMsg({ x: NaN }))).toBe('a20105150000c07f');
    // seq 2^32 wraps to 0 under protobufjs's `>>> 0` and is left out; -1 is 2^32 - 1
    expect(hex(encodePlayerStateMsg({ seq: 2 ** 32 }))).toBe('a20100');
    expect(hex(encodePlayerStateMsg({ seq: -1 }))).toBe(hex(encodePlayerStateMsg({ seq: UINT32_MAX })));
  });

  it('carries the ack: ack_tick left out at 0, written as field 11 otherwise', () => {
    const base = { seq: 9, x: 1, y: 2, z: 3, yaw: 0.5, vx: 0, vy: 0, vz: 0, mode: 0, clientTimeMs: 1234.5 };
    const none = encodePlayerStateMsg({ ...base, ackTick: 0 });
    const acked = encodePlayerStateMsg({ ...base, ackTick: 300 });
    expect(acked.length).toBe(none.length + 3); // tag, two varint bytes
    expect(hex(acked.subarray(acked.length - 3))).toBe('58ac02'); // (11 << 3) | 0, 300
    const d = decodeMsg(acked);
    expect(d.ok && d.msg.playerState?.ackTick).toBe(300);
  });

  it(`is byte-identical to protobufjs over ${RANDOM_CASES} seeded random states, through a reused buffer too`, () => {
    const rng = seededRandom(0x19);
    const into = { buf: new Uint8Array(8) };
    for (let i = 0; i < RANDOM_CASES; i++) checkOne(randomState(rng), into);
    // the largest message: every field at its widest
    const widest: PlayerState = { seq: UINT32_MAX, mode: UINT32_MAX, ackTick: UINT32_MAX, clientTimeMs: 1e12 };
    for (const k of FLOAT_KEYS) widest[k] = -1.5;
    checkOne(widest, into);
    expect(encodePlayerStateMsg(widest).length).toBe(2 + 1 + 3 * 6 + 7 * 5 + 9);
  });

  it('writes into `into` in place when it is big enough and grows it when not', () => {
    const into = { buf: new Uint8Array(4) };
    const first = encodePlayerStateMsg({ seq: 1, x: 1 }, into);
    const grown = into.buf;
    expect(grown.length).toBeGreaterThanOrEqual(first.length);
    expect(first.buffer).toBe(grown.buffer);
    const second = encodePlayerStateMsg({ seq: 2 }, into);
    expect(into.buf).toBe(grown); // no new buffer for a smaller message
    expect(second.byteOffset).toBe(0);
    expect(hex(second)).toBe(hex(encodeMsg({ playerState: { seq: 2 } })));
  });
});
