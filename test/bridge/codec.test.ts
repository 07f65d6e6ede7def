import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { CODECS, FrameReader } from '../../bridge/index.js';
import { CODEC_ARRAY_MAX_ITEMS } from '../../bridge/codec.js';
import { MESSAGE_NAMES, encode, hasNaN, messageArb } from './arbitrary.js';

function decode(name: (typeof MESSAGE_NAMES)[number], bytes: Uint8Array) {
  const r = new FrameReader(bytes.buffer as ArrayBuffer, bytes.byteOffset, bytes.byteLength);
  r.reset(0, bytes.byteLength);
  const v = CODECS[name].read(r);
  return { v, ok: r.ok && r.pos === bytes.byteLength };
}

describe('generated codecs', () => {
  for (const name of MESSAGE_NAMES) {
    it(`${name}: encode -> decode -> encode is byte-exact`, () => {
      fc.assert(
        fc.property(messageArb(name), (msg) => {
          const bytes = encode(name, msg);
          const { v, ok } = decode(name, bytes);
          expect(ok).toBe(true);
          expect(v).toEqual(msg);
          expect(Buffer.from(encode(name, v)).equals(Buffer.from(bytes))).toBe(true);
        }),
        { numRuns: 150 },
      );
    });

    it(`${name}: hostile bytes never throw; whatever is accepted re-encodes to the same bytes`, () => {
      fc.assert(
        fc.property(fc.uint8Array({ maxLength: 96 }), (bytes) => {
          const { v, ok } = decode(name, bytes);
          if (ok && !hasNaN(v)) expect(Buffer.from(encode(name, v)).equals(Buffer.from(bytes))).toBe(true);
        }),
        { numRuns: 300 },
      );
    });

    it(`${name}: every truncation of a valid payload is refused`, () => {
      fc.assert(
        fc.property(messageArb(name), (msg) => {
          const bytes = encode(name, msg);
          for (let cut = 0; cut < bytes.byteLength; cut++) expect(decode(name, bytes.subarray(0, cut)).ok).toBe(false);
        }),
        { numRuns: 20 },
      );
    });
  }

  it('an array count larger than the remaining bytes is refused before allocating', () => {
    // DialogueWheelShown: u32 conversationId, u32 hubId, then u32 count claiming 2^31 choices.
    const bytes = new Uint8Array(16);
    new DataView(bytes.buffer).setUint32(8, 0x80000000, true);
    expect(decode('DialogueWheelShown', bytes).ok).toBe(false);
    new DataView(bytes.buffer).setUint32(8, CODEC_ARRAY_MAX_ITEMS + 1, true);
    expect(decode('DialogueWheelShown', bytes).ok).toBe(false);
  });

  it('a bool byte other than 0 or 1 and invalid UTF-8 are refused (they would not re-encode)', () => {
    const floats = [0, 0, 0x34, 0xc2, 0, 0, 0x80, 0x3f, 0]; // voxThresholdDbfs -45, voiceVolume 1, serverSlot 0
    expect(decode('SettingsChanged', Uint8Array.from([0, 0, 0, 0, 2, ...floats])).ok).toBe(false);
    expect(decode('SettingsChanged', Uint8Array.from([0, 0, 0, 0, 1, ...floats])).ok).toBe(true);
    expect(decode('ConsoleCommand', Uint8Array.from([3, 0, 0, 0, 0xed, 0xa0, 0x80])).ok).toBe(false);
    expect(decode('ConsoleCommand', Uint8Array.from([3, 0, 0, 0, 0xef, 0xbf, 0xbd])).ok).toBe(true);
  });

  it('PlayerTransform encodes to 44 bytes (the bench message)', () => {
    expect(encode('PlayerTransform', { entityId: 1, pos: { x: 1, y: 2, z: 3 }, rot: { x: 0, y: 0, z: 0, w: 1 }, vel: { x: 0, y: 0, z: 0 } }).byteLength).toBe(
      44,
    );
  });
});
