import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { crc32 } from 'node:zlib';
import { decodeDat, encodeDat } from '../../src/merge/dat.js';
import { MergeError } from '../../src/merge/errors.js';
import { DAT_HEADER_BYTES } from '../../src/merge/constants.js';
import { PROGRESS_PROTO } from '../../src/merge/progress-proto.js';
import { renderProtoModule } from '../../src/merge/gen-proto.js';
import { item, progress, progressArb } from './arbitraries.js';

const sample = progress({
  playerId: 'steam:7656',
  name: 'Valerie',
  level: 17,
  xp: 48_211,
  quests: { q001_intro: 5, sq021_sickness: 2 },
  inventory: [
    item('Items.money', { quantity: 12_500 }),
    item('Items.Preset_Overture_Kerry', {
      seed: 4_012_345,
      quality: 'Legendary',
      mods: ['Items.PowerMod_1'],
      attrs: { damage: 88.25, iconic: true, tag: 'Kerry' },
    }),
  ],
});

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (err instanceof MergeError) return err.code;
    return `NOT A MergeError: ${String(err)}`;
  }
  return 'no error';
}

describe('.dat format', () => {
  it('round-trips a save field by field', () => {
    expect(decodeDat(encodeDat(sample))).toEqual(sample);
  });

  it('round-trips any valid progress', () => {
    fc.assert(
      fc.property(progressArb, (p) => {
        expect(decodeDat(encodeDat(p))).toEqual(p);
      }),
      { numRuns: 200 },
    );
  });

  it('starts with the magic and the format version', () => {
    const buf = encodeDat(sample);
    expect(buf.subarray(0, 4).toString('ascii')).toBe('CBSP');
    expect(buf.readUInt16LE(4)).toBe(1);
    expect(buf.readUInt32LE(8)).toBe(buf.length - DAT_HEADER_BYTES);
  });

  it('every truncation is a typed error', () => {
    const buf = encodeDat(sample);
    for (let n = 0; n < buf.length; n++) {
      expect(codeOf(() => decodeDat(buf.subarray(0, n)))).toBe(n < DAT_HEADER_BYTES ? 'DAT_TOO_SHORT' : 'DAT_TRUNCATED');
    }
  });

  it('names the failure: magic, version, trailing bytes, checksum, oversize', () => {
    const buf = encodeDat(sample);
    const patched = (off: number, f: (b: Buffer) => void) => {
      const b = Buffer.from(buf);
      f(b);
      return b;
    };
    expect(codeOf(() => decodeDat(patched(0, (b) => b.write('XXXX', 0))))).toBe('DAT_BAD_MAGIC');
    expect(codeOf(() => decodeDat(patched(0, (b) => b.writeUInt16LE(2, 4))))).toBe('DAT_VERSION');
    expect(codeOf(() => decodeDat(Buffer.concat([buf, Buffer.from([0])])))).toBe('DAT_TRAILING_BYTES');
    expect(codeOf(() => decodeDat(patched(0, (b) => (b[buf.length - 1] ^= 0x40))))).toBe('DAT_CHECKSUM');
    expect(codeOf(() => decodeDat(patched(0, (b) => b.writeUInt32LE(0xffff_fff0, 8))))).toBe('DAT_TOO_LARGE');
  });

  it('a payload of the wrong progress schema version is refused', () => {
    // Re-encode with a patched payload: schema_version is field 1 (tag 0x08) at the payload start.
    const buf = Buffer.from(encodeDat(sample));
    expect(buf[DAT_HEADER_BYTES]).toBe(0x08);
    buf[DAT_HEADER_BYTES + 1] = 9;
    buf.writeUInt32LE(crc32(buf.subarray(DAT_HEADER_BYTES)), 12);
    expect(codeOf(() => decodeDat(buf))).toBe('SCHEMA_VERSION');
  });

  it('hostile bytes never throw anything but MergeError', () => {
    const buf = encodeDat(sample);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        expect(codeOf(() => decodeDat(bytes))).not.toMatch(/^NOT A/);
      }),
      { numRuns: 500 },
    );
    // Valid header and checksum around random payloads: exercises the protobuf and schema layers.
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.nat({ max: buf.length - DAT_HEADER_BYTES - 1 }), (noise, at) => {
        const payload = Buffer.from(buf.subarray(DAT_HEADER_BYTES));
        Buffer.from(noise).copy(payload, at);
        const head = Buffer.from(buf.subarray(0, DAT_HEADER_BYTES));
        head.writeUInt32LE(payload.length, 8);
        head.writeUInt32LE(crc32(payload), 12);
        const code = codeOf(() => decodeDat(Buffer.concat([head, payload])));
        expect(code).not.toMatch(/^NOT A/);
      }),
      { numRuns: 500 },
    );
  });

  it('the embedded .proto text matches src/merge/progress.proto', () => {
    const file = readFileSync(new URL('../../src/merge/progress.proto', import.meta.url), 'utf8');
    const mod = readFileSync(new URL('../../src/merge/progress-proto.ts', import.meta.url), 'utf8');
    expect(PROGRESS_PROTO).toBe(file);
    expect(mod).toBe(renderProtoModule(file)); // regenerate: node --import tsx src/merge/gen-proto.ts
  });
});
