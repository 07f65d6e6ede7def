// ENet's range coder (src/net/enet/range-coder.ts) on its own and inside EnetHost on the
// simulated network: round trips, the "only when smaller" rule, hostile compressed input.
// Byte-exactness against libenet is in compression-interop.test.ts; the long fuzz runs are in
// range-coder.slow.test.ts.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ENET_PACKET_FLAG_RELIABLE, ENET_PACKET_FLAG_UNRELIABLE_FRAGMENT, ENET_PROTOCOL_MAXIMUM_MTU } from '../../src/net/enet/constants.js';
import { EnetError } from '../../src/net/enet/errors.js';
import { EnetHost } from '../../src/net/enet/host.js';
import { HEADER_FLAG_SENT_TIME, readU16 } from '../../src/net/enet/protocol.js';
import { RangeCoder } from '../../src/net/enet/range-coder.js';
import { seededRandom } from '../../src/util/random.js';
import { SimWorld, collect } from './harness.js';
import { MAX_INPUT_BYTES, compressibleBuffer, isCompressed, recordSends, roomFor, roundTrip } from './range-coder-inputs.js';

const bufferArb = fc.oneof(
  fc.uint8Array({ minLength: 1, maxLength: MAX_INPUT_BYTES }),
  fc.tuple(fc.integer({ min: 1, max: 2 ** 30 }), fc.integer({ min: 1, max: MAX_INPUT_BYTES })).map(([seed, n]) => compressibleBuffer(seed, n)),
  fc.tuple(fc.uint8Array({ minLength: 1, maxLength: 48 }), fc.integer({ min: 1, max: MAX_INPUT_BYTES })).map(([chunk, n]) => {
    const b = new Uint8Array(n);
    for (let i = 0; i < n; i++) b[i] = chunk[i % chunk.length];
    return b;
  }),
);

describe('RangeCoder', () => {
  it('round trip: random, repetitive and structured buffers up to 4 KB', () => {
    const coder = new RangeCoder();
    fc.assert(
      fc.property(bufferArb, (input) => {
        const { compressed, restored } = roundTrip(coder, input);
        expect(compressed.length).toBeGreaterThan(0);
        expect(Buffer.compare(restored, input)).toBe(0);
      }),
      { seed: 0xc0de, numRuns: 400 },
    );
  });

  it('a known answer from libenet 1.3.17 (enet_range_coder_compress), both ways', () => {
    const coder = new RangeCoder();
    const input = new TextEncoder().encode('ENet range coder, ENet range coder, ENet range coder!');
    const LIBENET = '460b19b07cdb6b263e970f8493b199a9b91810caf3f5f4f6bec13324';
    const { compressed, restored } = roundTrip(coder, input);
    expect(Buffer.from(compressed).toString('hex')).toBe(LIBENET);
    expect(Buffer.compare(restored, input)).toBe(0);
  });

  it('compresses repetitive data well, and random data not at all (0 when the output may not grow)', () => {
    const coder = new RangeCoder();
    const text = new TextEncoder().encode('{"entity":1234,"x":10.5,"y":-3.25,"state":"idle"} '.repeat(20));
    const { compressed } = roundTrip(coder, text);
    expect(compressed.length).toBeLessThan(text.length / 4);
    const random = seededRandom(9);
    for (const n of [16, 100, 1000, 4000]) {
      const noise = Uint8Array.from({ length: n }, () => Math.floor(random() * 256));
      // As ENet's send path calls it: the output no larger than the input.
      expect(coder.compress(noise, new Uint8Array(n))).toBe(0);
      expect(roundTrip(coder, noise).compressed.length).toBeGreaterThan(n);
    }
  });

  it('empty input, empty output and a too-small limit give 0; the limit is honoured', () => {
    const coder = new RangeCoder();
    expect(coder.compress(new Uint8Array(0), new Uint8Array(16))).toBe(0);
    expect(coder.compress(Uint8Array.of(1, 2, 3), new Uint8Array(0))).toBe(0);
    expect(coder.decompress(new Uint8Array(0), new Uint8Array(16), 16)).toBe(0);
    const input = new Uint8Array(500).fill(7);
    const { compressed } = roundTrip(coder, input);
    const out = new Uint8Array(600).fill(0xee);
    expect(coder.decompress(compressed, out, 499)).toBe(0);
    expect(out.subarray(499).every((x) => x === 0xee)).toBe(true);
    expect(coder.decompress(compressed, out, 500)).toBe(500);
    expect(coder.decompress(compressed, out.subarray(0, 499), 4096)).toBe(0); // output shorter than the limit
    expect(() => coder.decompress(compressed, out, -1)).toThrow(EnetError);
    expect(() => coder.decompress(compressed, out, Number.NaN)).toThrow(EnetError);
  });
});

describe('EnetHost with compressor: "range-coder"', () => {
  for (const checksum of [false, true]) {
    it(`both directions byte-exact, compressed only when smaller${checksum ? ' (CRC32 on)' : ''}`, () => {
      const w = new SimWorld({ seed: 5 });
      const a = w.host({ compressor: 'range-coder', checksum });
      const b = w.host({ compressor: 'range-coder', checksum });
      const sentA = recordSends(a);
      const sentB = recordSends(b);
      const gotA = collect(a);
      const gotB = collect(b);
      const { clientPeer, serverPeer } = w.connect(a, b, 2);
      const random = seededRandom(3);
      const packets = [
        { channel: 0, data: compressibleBuffer(1, 300), flags: ENET_PACKET_FLAG_RELIABLE },
        { channel: 1, data: compressibleBuffer(2, 200), flags: 0 },
        { channel: 0, data: compressibleBuffer(3, 9000), flags: ENET_PACKET_FLAG_RELIABLE }, // fragmented
        { channel: 1, data: compressibleBuffer(4, 5000), flags: ENET_PACKET_FLAG_UNRELIABLE_FRAGMENT },
        { channel: 0, data: Uint8Array.from({ length: 1000 }, () => Math.floor(random() * 256)), flags: ENET_PACKET_FLAG_RELIABLE }, // incompressible
      ];
      for (const p of packets) {
        clientPeer.send(p.channel, p.data, p.flags);
        serverPeer.send(p.channel, p.data, p.flags);
      }
      w.run(2000, 1, () => gotA.length === packets.length && gotB.length === packets.length);
      for (const got of [gotA, gotB]) {
        expect(got.map((g) => Buffer.from(g.data).toString('hex')).sort()).toEqual(packets.map((p) => Buffer.from(p.data).toString('hex')).sort());
      }
      const coder = new RangeCoder();
      const plain = new Uint8Array(ENET_PROTOCOL_MAXIMUM_MTU);
      for (const sent of [sentA, sentB]) {
        const compressed = sent.filter(isCompressed);
        expect(compressed.length).toBeGreaterThan(3);
        expect(sent.length - compressed.length).toBeGreaterThan(0); // the random packet went plain
        for (const d of compressed) {
          const header = (readU16(d, 0) & HEADER_FLAG_SENT_TIME ? 4 : 2) + (checksum ? 4 : 0);
          const n = coder.decompress(d.subarray(header), plain, plain.length);
          expect(n).toBeGreaterThan(d.length - header); // used only when smaller
        }
      }
      for (const h of [a, b]) {
        const drops = h.stats.drops;
        expect(drops.compressed + drops.decompress + drops.checksum + drops.command).toBe(0);
      }
    });
  }

  it('a host without a compressor drops compressed datagrams and counts them, as libenet does', () => {
    const w = new SimWorld({ seed: 6 });
    const client = w.host({ compressor: 'range-coder' });
    const server = w.host();
    client.connect(server.address(), 1);
    w.run(300);
    expect(server.stats.drops.compressed).toBeGreaterThan(0); // the CONNECT itself compresses
    expect(server.peers.every((p) => p.stateName === 'disconnected')).toBe(true);
  });

  it('compressed datagrams that do not decompress, or decompress beyond 4096 bytes, are dropped as "decompress"', () => {
    const w = new SimWorld({ seed: 7 });
    const host = w.host({ compressor: 'range-coder' });
    const raw = w.net.createTransport();
    const coder = new RangeCoder();
    const datagram = (body: Uint8Array): Uint8Array => {
      const d = new Uint8Array(2 + body.length);
      d[0] = 0x4f; // compressed flag, peer id 0xFFF (no peer yet)
      d[1] = 0xff;
      d.set(body, 2);
      return d;
    };
    const compress = (input: Uint8Array): Uint8Array => {
      const out = new Uint8Array(roomFor(input.length));
      return out.subarray(0, coder.compress(input, out));
    };
    raw.send(datagram(new Uint8Array(0)), host.address()); // nothing to decompress
    raw.send(datagram(compress(new Uint8Array(4095))), host.address()); // 2 + 4095 > 4096
    raw.send(datagram(compress(new Uint8Array(4094))), host.address()); // fits: then a bad command
    w.run(5);
    expect(host.stats.drops.decompress).toBe(2);
    expect(host.stats.drops.command).toBe(1);
  });

  it('refuses an unknown compressor', () => {
    const w = new SimWorld({ seed: 8 });
    expect(() => new EnetHost({ transport: w.net.createTransport(), autoService: false, compressor: 'zlib' as 'none' })).toThrow(EnetError);
  });
});
