import { describe, expect, it } from 'vitest';
import { crc32 as zlibCrc32 } from 'node:zlib';
import { randomBytes } from 'node:crypto';
import { crc32 } from '../../src/util/crc32.js';

describe('crc32', () => {
  it('matches the CRC-32/IEEE check value', () => {
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
  });
  it('covers a sub-range only', () => {
    const b = new TextEncoder().encode('xx123456789yy');
    expect(crc32(b, 2, 11)).toBe(0xcbf43926);
    expect(crc32(new Uint8Array(0))).toBe(0);
  });
  it("is zlib's crc32 (what the merge's .dat files were written with)", () => {
    for (const n of [1, 7, 64, 1000, 65_537]) {
      const b = randomBytes(n);
      expect(crc32(b)).toBe(zlibCrc32(b));
    }
  });
});
