// coop_wire_decode_voice (native-shims/sidecar/wire.c) against the codec it stands in for: the
// server's voice relays (encodeMsg of what voice-plugin.ts sends) are all read, and on random,
// hostile and mutated bytes, whenever C answers 1, decodeMsg reads a voice message with the same
// fields (C may leave anything unusual to Node's codec: it answers 0 then).
import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { loadWireNative, mutate, WIRE_CHANNEL_NONE, WIRE_KIND } from './wire-native-helpers.js';
import { decodeMsg, encodeMsg } from '../../src/protocol/codec.js';
import { MAX_MESSAGE_BYTES } from '../../src/protocol/constants.js';
import { EMSG_FIELD_IDS } from '../../src/protocol/schema.gen.js';
import { WIRE_LEN, tag } from '../../src/protocol/proto-wire.js';
import { wireFieldsHeader } from '../../src/sidecar/wire-gen.js';
import { seededRandom, type Rng } from '../../src/util/random.js';

const RANDOM_MESSAGES = 5000;
const MUTATIONS = 20_000;
const UINT32_MAX = 2 ** 32 - 1;
/** Longest Opus frame the random messages carry, bytes (VOICE_MAX_PACKET_BYTES is below it). */
const OPUS_MAX_BYTES = 1500;
const UINT_EDGES = [0, 1, 127, 128, 16383, 16384, 0xffff, 2 ** 21, 2 ** 28 - 1, 2 ** 28, UINT32_MAX - 1, UINT32_MAX];

const pick = <T>(rng: Rng, xs: readonly T[]): T => xs[Math.floor(rng() * xs.length)];
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

function randomUint(rng: Rng): number {
  const r = rng();
  if (r < 0.25) return 0;
  if (r < 0.5) return pick(rng, UINT_EDGES);
  if (r < 0.8) return Math.floor(rng() * 100_000);
  return Math.floor(rng() * 2 ** 32);
}

function bytes(rng: Rng, n: number): Uint8Array {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = Math.floor(rng() * 256);
  return b;
}

/** A relay as voice-plugin.ts writes it (any field may be 0, so left out). */
function randomRelay(rng: Rng, opusMax = OPUS_MAX_BYTES): Uint8Array {
  const n = rng() < 0.1 ? 0 : Math.floor(rng() * (rng() < 0.9 ? Math.min(200, opusMax) : opusMax));
  return encodeMsg({
    voice: {
      seq: randomUint(rng),
      timestamp: randomUint(rng),
      opusBytes: bytes(rng, n),
      fromPeerId: randomUint(rng),
      attenuationQ8: rng() < 0.5 ? 0 : Math.floor(rng() * 257),
    },
  });
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

/** When C takes the bytes, decodeMsg reads the same voice message; returns whether C took them. */
function agrees(b: Uint8Array, what: string): boolean {
  const c = loadWireNative().decodeVoice(b);
  if (c === null) return false;
  const d = decodeMsg(b);
  expect(d.ok && d.kind, what).toBe('voice');
  const v = d.ok ? d.msg.voice! : {};
  expect([c.seq, c.timestamp, c.fromPeerId, c.attenuationQ8], what).toEqual([v.seq, v.timestamp, v.fromPeerId, v.attenuationQ8]);
  expect(hex(b.subarray(c.opusOffset, c.opusOffset + c.opusLength)), what).toBe(hex(v.opusBytes ?? new Uint8Array(0)));
  expect(c.opusOffset + c.opusLength, what).toBeLessThanOrEqual(b.length);
  return true;
}

/** Bytes a mutation writes: the message's tags and wire types, and edges. */
const VOICE_TAG_BYTES = [0x00, 0x08, 0x10, 0x1a, 0x20, 0x28, 0x30, 0x0d, 0x80, 0xff, 0xe2, 0x03];

describe('coop_wire_decode_voice against decodeMsg', () => {
  it('has the voice tags and the take kinds the helpers use in its headers', () => {
    const fields = wireFieldsHeader();
    expect(fields).toContain(`#define COOP_PB_TAG_EMSG_VOICE 0x${tag(EMSG_FIELD_IDS.voice, WIRE_LEN).toString(16)}u`);
    expect(fields).toContain('#define COOP_PB_TAG_VOICE_OPUS_BYTES 0x1au');
    const text = readFileSync('native-shims/include/coop_wire.h', 'utf8');
    expect(text).toContain(`#define COOP_WIRE_KIND_SNAPSHOT ${WIRE_KIND.SNAPSHOT}u`);
    expect(text).toContain(`#define COOP_WIRE_KIND_VOICE ${WIRE_KIND.VOICE}u`);
    expect(text).toContain(`#define COOP_WIRE_CHANNEL_NONE 0x${WIRE_CHANNEL_NONE.toString(16)}u`);
  });

  it(`reads all ${RANDOM_MESSAGES} random relays as the server writes them, with decodeMsg's fields`, () => {
    const rng = seededRandom(51);
    for (let i = 0; i < RANDOM_MESSAGES; i++) {
      const b = randomRelay(rng);
      expect(agrees(b, `relay ${i}: ${hex(b.subarray(0, 24))}`), `relay ${i}`).toBe(true);
    }
  });

  it('agrees with decodeMsg on the hostile cases, and leaves the unusual ones to it', () => {
    const env = (inner: number[]): Uint8Array => new Uint8Array([0xe2, 0x03, inner.length, ...inner]);
    const taken = [
      env([]), // an empty voice: every field 0
      new Uint8Array([0xe2, 0x03, 0x00]),
      env([0x28, 0x11, 0x20, 0x02, 0x1a, 0x01, 0x07, 0x10, 0x05, 0x08, 0x01]), // fields backwards
      env([0x08, ...varintOf(5, 5)]), // non-minimal 5-byte varint
      env([0x08, ...varintOf(UINT32_MAX, 5)]),
      env([0x1a, 0x00]), // empty opus
      new Uint8Array([...varintOf(tag(EMSG_FIELD_IDS.voice, WIRE_LEN), 4), 0]), // outer tag in 4 bytes
      new Uint8Array([0xe2, 0x03, ...varintOf(2, 3), 0x08, 0x01]), // length in 3 bytes
    ];
    const left = [
      new Uint8Array(0),
      new Uint8Array([0xe2]),
      new Uint8Array([0xe2, 0x03]),
      env([0x08, 0x05, 0x08, 0x06]), // seq twice (protobufjs keeps the last)
      env([0x08, 0x05, 0x0d, 0, 0, 0, 0]), // field 1 again with another wire type
      env([0x30, 0x01]), // unknown field 6 (protobufjs skips it)
      env([0x0d, 1, 2, 3, 4]), // seq as fixed32
      env([0x80, 0x01]), // a two-byte tag
      env([0x08, ...varintOf(5, 6)]), // 6 bytes
      env([0x08, ...varintOf(2 ** 32, 5)]), // over 2^32 - 1 (protobufjs truncates)
      env([0x1a, 5, 1, 2]), // opus longer than what is left
      env([0x08]), // a tag without its value
      new Uint8Array([0xe2, 0x03, 3, 0x08, 1]), // length beyond the end
      new Uint8Array([0xe2, 0x03, 1, 0x08, 1]), // length short of the end
      encodeMsg({ snapshotAck: { tick: 3 } }),
      encodeMsg({ chat: { text: 'hi' } }),
      new Uint8Array([0xe2, 0x03, 0x00, 0xe2, 0x03, 0x00]), // voice twice
    ];
    taken.forEach((b, i) => expect(agrees(b, `taken ${i}: ${hex(b)}`), `taken ${i}`).toBe(true));
    left.forEach((b, i) => expect(agrees(b, `left ${i}: ${hex(b)}`), `left ${i}`).toBe(false));
    // at the codec's limit and just over it
    for (const total of [MAX_MESSAGE_BYTES, MAX_MESSAGE_BYTES + 1]) {
      const head = [0xe2, 0x03, ...varintOf(total - 5, 3)];
      const b = new Uint8Array(total);
      b.set(head);
      b.set([0x1a, ...varintOf(total - head.length - 4, 3)], head.length);
      expect(agrees(b, `${total} bytes`)).toBe(total <= MAX_MESSAGE_BYTES);
    }
  });

  it(`agrees with decodeMsg whenever it takes one of ${MUTATIONS} mutated relays`, () => {
    const rng = seededRandom(52);
    let taken = 0;
    for (let i = 0; i < MUTATIONS; i++) {
      const b = mutate(rng, randomRelay(rng, 40), VOICE_TAG_BYTES);
      if (agrees(b, `mutation ${i}: ${hex(b)}`)) taken++;
    }
    expect(taken).toBeGreaterThan(MUTATIONS / 20);
    expect(taken).toBeLessThan(MUTATIONS - MUTATIONS / 20);
  });
});
