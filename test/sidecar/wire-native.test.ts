// The native path's wire functions (native-shims/sidecar/wire.c) against the TypeScript they
// port: decodeSnapshotEnvelope on random and hostile bytes (same verdict, same fields, the data
// at the same offset), encodePlayerStateMsg and encodeMsg({ snapshotAck }) byte for byte, the
// header's answers and limits, and the generated coop_wire_fields.h being current.
import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { loadWireNative, mutate, WIRE, WIRE_LIMITS, type PlayerStateIn } from './wire-native-helpers.js';
import { decodeSnapshotEnvelope, encodeSnapshotEnvelope, type SnapshotHeader } from '../../src/protocol/snapshot-envelope.js';
import { encodePlayerStateMsg } from '../../src/protocol/input-envelope.js';
import { decodeMsg, encodeMsg } from '../../src/protocol/codec.js';
import { MAX_MESSAGE_BYTES } from '../../src/protocol/constants.js';
import { EMSG_FIELD_IDS } from '../../src/protocol/schema.gen.js';
import { WIRE_LEN, tag } from '../../src/protocol/proto-wire.js';
import { COMMAND_SIZES, Command, HEADER_MINIMUM_SIZE } from '../../src/net/enet/protocol.js';
import { ENET_PROTOCOL_MAXIMUM_PEER_ID } from '../../src/net/enet/constants.js';
import { WIRE_FIELDS_PATH, wireFieldsHeader } from '../../src/sidecar/wire-gen.js';
import { seededRandom, type Rng } from '../../src/util/random.js';

const HEADER = 'native-shims/include/coop_wire.h';
const RANDOM_ENVELOPES = 5000;
const MUTATIONS = 20_000;
const RANDOM_STATES = 10_000;
const UINT32_MAX = 2 ** 32 - 1;

const pick = <T>(rng: Rng, xs: readonly T[]): T => xs[Math.floor(rng() * xs.length)];
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const UINT_EDGES = [0, 1, 127, 128, 16383, 16384, 2 ** 21, 2 ** 28 - 1, 2 ** 28, UINT32_MAX - 1, UINT32_MAX];

function randomUint(rng: Rng): number {
  const r = rng();
  if (r < 0.3) return pick(rng, UINT_EDGES);
  if (r < 0.7) return Math.floor(rng() * 100_000);
  return Math.floor(rng() * 2 ** 32);
}

function randomHeader(rng: Rng): SnapshotHeader {
  const times = [0, -0, NaN, Infinity, -1.5, 1e300, 123456.789];
  return {
    tick: randomUint(rng),
    baseTick: rng() < 0.3 ? 0 : randomUint(rng),
    serverTimeMs: rng() < 0.3 ? pick(rng, times) : rng() * 1e9,
    tickMs: rng() < 0.2 ? 0 : pick(rng, [25, 33, 50, 100, UINT32_MAX]),
    inputLeadUs: rng() < 0.4 ? 0 : randomUint(rng),
  };
}

function randomData(rng: Rng): Uint8Array {
  const n = rng() < 0.1 ? 0 : Math.floor(rng() * (rng() < 0.9 ? 300 : 20_000));
  const d = new Uint8Array(n);
  for (let i = 0; i < n; i++) d[i] = Math.floor(rng() * 256);
  return d;
}

/** A varint of v in exactly n bytes (non-minimal when n is more than needed; v may exceed 2^32). */
function varintOf(v: number, n: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const b = Math.floor(v / 2 ** (7 * i)) & 0x7f;
    out.push(i < n - 1 ? b | 0x80 : b);
  }
  return out;
}

/** Bytes the TypeScript reader may refuse or take: each a different rule. */
function hostileCases(): Uint8Array[] {
  const env = (inner: number[]): Uint8Array => new Uint8Array([...varintOf(tag(EMSG_FIELD_IDS.snapshot, WIRE_LEN), 2), inner.length, ...inner]);
  const cases = [
    new Uint8Array(0),
    new Uint8Array([0xaa]),
    new Uint8Array([0xaa, 0x01]),
    env([]), // an empty snapshot: every field 0
    env([0x08, 0x05, 0x08, 0x06]), // tick twice
    env([0x08, 0x05, 0x0d, 0, 0, 0, 0]), // tick again with another wire type (field 1 seen)
    env([0x38, 0x01]), // unknown field 7
    env([0x80, 0x01]), // a two-byte tag
    env([0x08, ...varintOf(5, 5)]), // tick in a non-minimal 5-byte varint: accepted
    env([0x08, ...varintOf(5, 6)]), // 6 bytes: refused
    env([0x08, ...varintOf(2 ** 32, 5)]), // over 2^32 - 1: refused
    env([0x08, ...varintOf(UINT32_MAX, 5)]), // 2^32 - 1: accepted
    env([0x19, 1, 2, 3]), // a truncated double
    env([0x2a, 5, 1, 2]), // data longer than what is left
    env([0x2a, 0]), // empty data
    env([0x08]), // a tag without its value
    new Uint8Array([...varintOf(tag(EMSG_FIELD_IDS.snapshot, WIRE_LEN), 3), 0]), // outer tag in 3 bytes: accepted
    new Uint8Array([0xa2, 0x01, 0]), // a playerState
    new Uint8Array([0xaa, 0x01, 3, 0x08, 1]), // length beyond the end
    new Uint8Array([0xaa, 0x01, 1, 0x08, 1]), // length short of the end
  ];
  // Just over and at the codec's limit.
  for (const total of [MAX_MESSAGE_BYTES, MAX_MESSAGE_BYTES + 1]) {
    const head = [0xaa, 0x01, ...varintOf(total - 5, 3)];
    const b = new Uint8Array(total);
    b.set(head);
    b.set([0x2a, ...varintOf(total - head.length - 4, 3)], head.length);
    cases.push(b);
  }
  return cases;
}

/** Same verdict and fields from C and TypeScript; returns whether it was a snapshot. */
function sameDecode(bytes: Uint8Array, what: string): boolean {
  const ts = decodeSnapshotEnvelope(bytes);
  const c = loadWireNative().decode(bytes);
  expect(c === null, what).toBe(ts === null);
  if (ts === null || c === null) return false;
  expect(c.tick, what).toBe(ts.tick);
  expect(c.baseTick, what).toBe(ts.baseTick);
  expect(Object.is(c.serverTimeMs, ts.serverTimeMs), `${what}: ${c.serverTimeMs} vs ${ts.serverTimeMs}`).toBe(true);
  expect(c.tickMs, what).toBe(ts.tickMs);
  expect(c.inputLeadUs, what).toBe(ts.inputLeadUs);
  expect(c.dataLength, what).toBe(ts.data.length);
  if (ts.data.length > 0) expect(c.dataOffset, what).toBe(ts.data.byteOffset - bytes.byteOffset);
  return true;
}

/** Bytes a mutation writes: the message's tags and wire types, and edges. */
const SNAPSHOT_TAG_BYTES = [0x00, 0x08, 0x10, 0x19, 0x20, 0x2a, 0x30, 0x38, 0x80, 0xff, 0xaa, 0x01];

function randomState(rng: Rng): PlayerStateIn {
  const floats = [0, -0, 1, -1, 0.1, NaN, Infinity, -Infinity, 1e-50, -1e-46, 1.4e-45, 3.4028234e38, 3.4028235677973366e38, 3.5e38, 1e300, Number.MAX_VALUE];
  const f = (): number => {
    const r = rng();
    if (r < 0.3) return pick(rng, floats);
    if (r < 0.7) return (rng() - 0.5) * 2e5;
    return (rng() < 0.5 ? -1 : 1) * 2 ** (rng() * 300 - 150);
  };
  const times = [0, -0, 0.001, 16.667, 2 ** 53, NaN, Infinity, -5];
  return {
    x: f(),
    y: f(),
    z: f(),
    yaw: f(),
    vx: f(),
    vy: f(),
    vz: f(),
    mode: rng() < 0.5 ? 0 : randomUint(rng),
    clientTimeMs: rng() < 0.3 ? pick(rng, times) : rng() * 1e10,
    seq: randomUint(rng),
    ackTick: rng() < 0.3 ? 0 : randomUint(rng),
  };
}

/** NaNs with payload bits (read back from a Float64Array): setFloat32 keeps the top ones, setFloat64 all. */
function nanWith(hi: number, lo: number): number {
  return new Float64Array(new Uint32Array([lo, hi]).buffer)[0];
}

describe('coop_wire.h', () => {
  it('declares the answers and limits the helpers use, and its limits are the TypeScript ones', () => {
    const text = readFileSync(HEADER, 'utf8');
    const define = (name: string): number => {
      const m = new RegExp(`#define COOP_WIRE_${name} \\(?(-?(?:0x)?[0-9a-f]+)u?\\)?`).exec(text);
      expect(m, name).not.toBeNull();
      return Number(m![1]);
    };
    for (const [name, v] of Object.entries(WIRE)) expect(define(name), name).toBe(v);
    for (const [name, v] of Object.entries(WIRE_LIMITS)) expect(define(name), name).toBe(v);
    expect(WIRE_LIMITS.MAX_PEER_ID).toBe(ENET_PROTOCOL_MAXIMUM_PEER_ID);
    expect(WIRE_LIMITS.UNRELIABLE_OVERHEAD).toBe(HEADER_MINIMUM_SIZE + COMMAND_SIZES[Command.SEND_UNRELIABLE]);
    // the longest messages the encoders write
    const w = loadWireNative();
    const full: PlayerStateIn = { x: 1, y: 1, z: 1, yaw: 1, vx: 1, vy: 1, vz: 1, mode: UINT32_MAX, clientTimeMs: 1, seq: UINT32_MAX, ackTick: UINT32_MAX };
    expect((w.encodePlayerState(full) as Uint8Array).length).toBe(WIRE_LIMITS.PLAYER_STATE_MAX_BYTES);
    expect((w.encodeSnapshotAck(UINT32_MAX) as Uint8Array).length).toBe(WIRE_LIMITS.SNAPSHOT_ACK_MAX_BYTES);
  });

  it('has its generated fields header current (src/sidecar/wire-gen.ts)', () => {
    const text = wireFieldsHeader();
    expect(readFileSync(WIRE_FIELDS_PATH, 'utf8')).toBe(text);
    expect(text).toContain(`#define COOP_PB_TAG_EMSG_SNAPSHOT 0x${tag(EMSG_FIELD_IDS.snapshot, WIRE_LEN).toString(16)}u`);
    expect(text).toContain(`#define COOP_ENET_COMMAND_SIZES {${COMMAND_SIZES.join(', ')}}`);
  });
});

describe('coop_wire_decode_snapshot against decodeSnapshotEnvelope', () => {
  it(`reads ${RANDOM_ENVELOPES} random envelopes as TypeScript does`, () => {
    const rng = seededRandom(11);
    for (let i = 0; i < RANDOM_ENVELOPES; i++) {
      const h = randomHeader(rng);
      const bytes = encodeSnapshotEnvelope(h, randomData(rng));
      expect(sameDecode(bytes, `envelope ${i} ${JSON.stringify(h)}`)).toBe(true);
    }
  });

  it('gives the same verdict on every hostile case (and both verdicts occur)', () => {
    const verdicts = hostileCases().map((b, i) => sameDecode(b, `hostile case ${i}: ${hex(b.subarray(0, 16))}`));
    expect(verdicts.filter(Boolean).length).toBeGreaterThanOrEqual(5);
    expect(verdicts.filter((v) => !v).length).toBeGreaterThanOrEqual(10);
  });

  it(`gives the same verdict and fields on ${MUTATIONS} mutated envelopes`, () => {
    const rng = seededRandom(12);
    let taken = 0;
    for (let i = 0; i < MUTATIONS; i++) {
      const bytes = mutate(rng, encodeSnapshotEnvelope(randomHeader(rng), randomData(rng).subarray(0, 40)), SNAPSHOT_TAG_BYTES);
      if (sameDecode(bytes, `mutation ${i}: ${hex(bytes)}`)) taken++;
    }
    expect(taken).toBeGreaterThan(MUTATIONS / 20);
    expect(taken).toBeLessThan(MUTATIONS - MUTATIONS / 20);
  });

  it('reads the data at its place within a larger buffer (a view, not a copy)', () => {
    const inner = encodeSnapshotEnvelope({ tick: 9, baseTick: 8, serverTimeMs: 1, tickMs: 25 }, new Uint8Array([7, 7, 7]));
    const c = loadWireNative().decode(inner);
    expect(c).not.toBeNull();
    expect(Array.from(inner.subarray(c!.dataOffset, c!.dataOffset + c!.dataLength))).toEqual([7, 7, 7]);
  });
});

describe('coop_wire_encode_player_state against encodePlayerStateMsg', () => {
  function checkOne(ps: PlayerStateIn): void {
    const w = loadWireNative();
    const c = w.encodePlayerState(ps);
    const what = JSON.stringify(ps, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : Object.is(v, -0) ? '-0' : v));
    expect(c, what).toBeInstanceOf(Uint8Array);
    const want = encodePlayerStateMsg(ps);
    expect(hex(c as Uint8Array), what).toBe(hex(want));
    expect(hex(c as Uint8Array), what).toBe(hex(encodeMsg({ playerState: ps })));
    const d = decodeMsg(c as Uint8Array);
    expect(d.ok && d.kind, what).toBe('playerState');
    // one byte less than needed: no room, nothing written
    expect(w.encodePlayerState(ps, want.length - 1), what).toBe(WIRE.NO_ROOM);
  }

  it('writes the same bytes on the edge values (zeros left out as protobufjs does, NaN payloads kept)', () => {
    const zero: PlayerStateIn = { x: 0, y: 0, z: 0, yaw: 0, vx: 0, vy: 0, vz: 0, mode: 0, clientTimeMs: 0, seq: 0, ackTick: 0 };
    checkOne(zero);
    expect(hex(loadWireNative().encodePlayerState(zero) as Uint8Array)).toBe('a20100');
    for (const v of [-0, NaN, nanWith(0xfff80001, 0x12345), nanWith(0x7ff00001, 0x12345), 1e-50, 3.4028235677973366e38, 3.4028235677973362e38, -1e300]) {
      checkOne({ ...zero, x: v, clientTimeMs: v });
      checkOne({ ...zero, vz: v, seq: 1 });
    }
    for (const v of UINT_EDGES) checkOne({ ...zero, seq: v, mode: v, ackTick: v });
  });

  it(`writes the same bytes over ${RANDOM_STATES} random states`, () => {
    const rng = seededRandom(13);
    for (let i = 0; i < RANDOM_STATES; i++) checkOne(randomState(rng));
  });
});

describe('coop_wire_encode_snapshot_ack against encodeMsg({ snapshotAck })', () => {
  it('writes the same bytes for every varint length, and decodeMsg reads the tick back', () => {
    const w = loadWireNative();
    const rng = seededRandom(14);
    const ticks = [...UINT_EDGES, ...Array.from({ length: 2000 }, () => randomUint(rng))];
    for (const tick of ticks) {
      const c = w.encodeSnapshotAck(tick);
      const want = encodeMsg({ snapshotAck: { tick } });
      expect(hex(c as Uint8Array), `tick ${tick}`).toBe(hex(want));
      const d = decodeMsg(c as Uint8Array);
      expect(d.ok && d.kind).toBe('snapshotAck');
      expect(d.ok && d.msg.snapshotAck?.tick).toBe(tick);
      expect(w.encodeSnapshotAck(tick, want.length - 1)).toBe(WIRE.NO_ROOM);
    }
  });
});
