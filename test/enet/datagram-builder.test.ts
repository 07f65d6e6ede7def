import { describe, expect, it } from 'vitest';
import { DatagramBuilder, HEADER_RESERVE } from '../../src/net/enet/datagram-builder.js';
import { CHECKSUM_SIZE } from '../../src/net/enet/protocol.js';

const MTU = 576;

/** Build one datagram of `length` command bytes, all `fill`, and hand it over. */
function build(b: DatagramBuilder, length: number, fill: number): Uint8Array {
  b.begin(MTU);
  b.buffer.fill(fill, HEADER_RESERVE, HEADER_RESERVE + length);
  return b.handOver(HEADER_RESERVE, HEADER_RESERVE + length);
}

describe('DatagramBuilder (outgoing datagrams carved from shared slabs)', () => {
  it('never writes a handed-over datagram again, across slab changes', () => {
    const slabBytes = 2048; // three 576-byte datagrams at most per slab: several slab changes below
    const b = new DatagramBuilder(slabBytes);
    const sent: Array<[Uint8Array, number]> = [];
    for (let i = 0; i < 40; i++) sent.push([build(b, 100 + (i % 7) * 60, i + 1), i + 1]);
    for (const [datagram, fill] of sent) expect(datagram.every((x) => x === fill)).toBe(true);
    const slabs = new Set(sent.map(([d]) => d.buffer));
    expect(slabs.size).toBeGreaterThan(1);
    for (const slab of slabs) expect(slab.byteLength).toBe(slabBytes);
  });

  it('hands over exactly the bytes asked for, in one slab while they fit', () => {
    const b = new DatagramBuilder();
    const first = build(b, 150, 1);
    const second = build(b, 150, 2);
    expect(first.length).toBe(150);
    expect(second.buffer).toBe(first.buffer);
    // The next datagram starts just after the previous one's end (8-byte aligned), not an MTU later.
    expect(second.byteOffset - first.byteOffset).toBeLessThan(HEADER_RESERVE + 150 + 8);
    expect(second.byteOffset).toBeGreaterThanOrEqual(first.byteOffset + first.length);
  });

  it('reuses the same bytes when nothing was handed over (a peer with nothing to send)', () => {
    const b = new DatagramBuilder();
    b.begin(MTU);
    const first = b.buffer;
    b.offset += 20;
    b.commandCount = 3;
    b.begin(MTU);
    expect(b.buffer).toBe(first);
    expect(b.offset).toBe(HEADER_RESERVE);
    expect(b.commandCount).toBe(0);
    expect(b.buffer.length).toBe(HEADER_RESERVE + MTU + CHECKSUM_SIZE);
  });

  it('gives a bigger link its own room, and a link bigger than a slab its own slab', () => {
    const b = new DatagramBuilder(1024);
    b.begin(576);
    b.begin(4096);
    expect(b.buffer.length).toBe(HEADER_RESERVE + 4096 + CHECKSUM_SIZE);
    expect(b.buffer.buffer.byteLength).toBeGreaterThanOrEqual(b.buffer.length);
    const big = b.handOver(HEADER_RESERVE, HEADER_RESERVE + 4000);
    const next = build(b, 10, 9);
    expect(next.buffer).not.toBe(big.buffer);
  });
});
