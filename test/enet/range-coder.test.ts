// ENet's range coder (src/net/enet/range-coder.ts) on its own and inside EnetHost on the
// simulated network: round trips, the "only when smaller" rule, hostile compressed input.
// Byte-exactness against libenet is in compression-interop.test.ts.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ENET_PACKET_FLAG_RELIABLE, ENET_PACKET_FLAG_UNRELIABLE_FRAGMENT, ENET_PROTOCOL_MAXIMUM_MTU } from '../../src/net/enet/constants.js';
import { EnetError } from '../../src/net/enet/errors.js';
import { EnetHost } from '../../src/net/enet/host.js';
import { HEADER_FLAG_COMPRESSED, HEADER_FLAG_SENT_TIME, readU16 } from '../../src/net/enet/protocol.js';
import { RangeCoder } from '../../src/net/enet/range-coder.js';
import type { SimTransport } from '../../src/net/enet/sim-network.js';
import { seededRandom } from '../../src/util/random.js';
import { SimWorld, collect } from './harness.js';
import { compressibleBuffer, mutate } from './range-coder-inputs.js';

const MAX_INPUT_BYTES = 4096;
/** Room for a compressed buffer that came out larger than its input (random bytes do). */
const roomFor = (n: number): number => 2 * n + 64;

const bufferArb = fc.oneof(
  fc.uint8Array({ minLength: 1, maxLength: MAX_INPUT_BYTES }),
  fc.tuple(fc.integer({ min: 1, max: 2 ** 30 }), fc.integer({ min: 1, max: MAX_INPUT_BYTES })).map(([seed, n]) => compressibleBuffer(seed, n)),
  fc.tuple(fc.uint8Array({ minLength: 1, maxLength: 48 }), fc.integer({ min: 1, max: MAX_INPUT_BYTES })).map(([chunk, n]) => {
    const b = new Uint8Array(n);
    for (let i = 0; i < n; i++) b[i] = chunk[i % chunk.length];
    return b;
  }),
);

function roundTrip(coder: RangeCoder, input: Uint8Array): { compressed: Uint8Array; restored: Uint8Array } {
  const out = new Uint8Array(roomFor(input.length));
  const n = coder.compress(input, out);
  const restored = new Uint8Array(MAX_INPUT_BYTES);
  const m = coder.decompress(out.subarray(0, n), restored, MAX_INPUT_BYTES);
  return { compressed: out.subarray(0, n), restored: restored.subarray(0, m) };
}

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

  it('fuzz: 100,000 random and mutated compressed buffers never throw nor write past the limit', () => {
    const coder = new RangeCoder();
    const random = seededRandom(0xf022);
    const int = (n: number): number => Math.floor(random() * n);
    const pool: Uint8Array[] = [];
    for (let i = 0; i < 64; i++) {
      const input = compressibleBuffer(1 + i, 1 + int(1500));
      pool.push(roundTrip(coder, input).compressed.slice());
    }
    const GUARD_BYTES = 64;
    const GUARD = 0x5a;
    const out = new Uint8Array(ENET_PROTOCOL_MAXIMUM_MTU + GUARD_BYTES);
    let decoded = 0;
    for (let i = 0; i < 100_000; i++) {
      const input = i % 2 === 0 ? Uint8Array.from({ length: int(i % 8 === 0 ? 2000 : 64) }, () => int(256)) : mutate(random, pool[int(pool.length)]);
      const limit = random() < 0.5 ? ENET_PROTOCOL_MAXIMUM_MTU - int(9) : int(ENET_PROTOCOL_MAXIMUM_MTU);
      out.fill(GUARD, limit, limit + GUARD_BYTES);
      let n: number;
      try {
        n = coder.decompress(input, out.subarray(0, limit + GUARD_BYTES), limit);
      } catch (e) {
        throw new Error(`decompress threw on ${Buffer.from(input).toString('hex')} (limit ${limit})`, { cause: e });
      }
      expect(Number.isInteger(n) && n >= 0 && n <= limit).toBe(true);
      for (let g = limit; g < limit + GUARD_BYTES; g++) if (out[g] !== GUARD) expect.fail(`wrote past the limit ${limit} at ${g}`);
      if (n > 0) decoded++;
    }
    // Most garbage still "decodes" (ENet's format has no integrity check of its own: the
    // command parser and the optional CRC32 catch it), so both paths were exercised.
    expect(decoded).toBeGreaterThan(1000);
  });
});

/** Every datagram a host sends, copied. */
function recordSends(host: EnetHost): Uint8Array[] {
  const sent: Uint8Array[] = [];
  const t = host.transport as SimTransport;
  const send = t.send.bind(t);
  t.send = (data, to) => {
    sent.push(data.slice());
    return send(data, to);
  };
  return sent;
}

const isCompressed = (d: Uint8Array): boolean => (readU16(d, 0) & HEADER_FLAG_COMPRESSED) !== 0;

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

  it('20,000 hostile compressed datagrams spoofing a live peer: no throw, counted, the host still serves', () => {
    const w = new SimWorld({ seed: 9 });
    const server = w.host({ compressor: 'range-coder' });
    const client = w.host({ compressor: 'range-coder' });
    const captured = recordSends(client);
    const { clientPeer } = w.connect(client, server, 2);
    for (let i = 0; i < 20; i++) clientPeer.send(i % 2, compressibleBuffer(i, 50 + i * 100), ENET_PACKET_FLAG_RELIABLE);
    w.run(200);
    const samples = captured.filter(isCompressed);
    expect(samples.length).toBeGreaterThan(5);
    const serverPeer = server.peers.find((p) => p.connected);
    expect(serverPeer).toBeDefined();
    const random = seededRandom(10);
    const int = (n: number): number => Math.floor(random() * n);
    const coder = new RangeCoder();
    const from = client.address();
    for (let i = 0; i < 20_000; i++) {
      let d: Uint8Array;
      if (i % 2 === 0) {
        // Mutated real datagram, header kept (its peer id and session pass the peer checks).
        const sample = samples[int(samples.length)];
        const header = readU16(sample, 0) & HEADER_FLAG_SENT_TIME ? 4 : 2;
        const body = mutate(random, sample.subarray(header));
        d = new Uint8Array(header + body.length);
        d.set(sample.subarray(0, header));
        d.set(body, header);
      } else {
        // Well-compressed garbage: it decompresses, then the command parser has to cope.
        const garbage = Uint8Array.from({ length: 1 + int(600) }, () => int(256));
        const out = new Uint8Array(roomFor(garbage.length));
        const n = coder.compress(garbage, out);
        d = new Uint8Array(4 + n);
        d.set(samples[0].subarray(0, 4));
        d[0] |= HEADER_FLAG_SENT_TIME >>> 8;
        d.set(out.subarray(0, n), 4);
      }
      w.net.submit(d, from, server.address());
      if (i % 100 === 0) w.run(1);
    }
    w.run(100);
    const drops = server.stats.drops;
    expect(drops.decompress).toBeGreaterThan(100);
    expect(drops.command).toBeGreaterThan(1000);
    // Spoofed commands may end that session (ENet has no authentication); a new one works.
    const fresh = w.host({ compressor: 'range-coder' });
    const got = collect(server);
    w.run(40_000, 10);
    const { clientPeer: freshPeer } = w.connect(fresh, server, 1);
    const data = compressibleBuffer(42, 3000);
    freshPeer.send(0, data, ENET_PACKET_FLAG_RELIABLE);
    w.run(500, 1, () => got.length > 0);
    expect(got.length).toBeGreaterThan(0);
    expect(Buffer.compare(got[got.length - 1].data, data)).toBe(0);
  });

  it('refuses an unknown compressor', () => {
    const w = new SimWorld({ seed: 8 });
    expect(() => new EnetHost({ transport: w.net.createTransport(), autoService: false, compressor: 'zlib' as 'none' })).toThrow(EnetError);
  });
});
