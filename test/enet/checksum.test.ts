import { describe, expect, it } from 'vitest';
import { crc32 } from '../../src/net/enet/checksum.js';

describe('enet crc32', () => {
  it('matches the CRC-32/IEEE check value', () => {
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
  });
  it('covers a sub-range only', () => {
    const b = new TextEncoder().encode('xx123456789yy');
    expect(crc32(b, 2, 11)).toBe(0xcbf43926);
    expect(crc32(new Uint8Array(0))).toBe(0);
  });
});
