// The long fuzz runs of ENet's range coder (the rest is in range-coder.test.ts): 100,000 random
// and mutated compressed buffers against the coder alone, and 20,000 hostile compressed
// datagrams against a host on the simulated network. Seeded: every run sees the same bytes.
import { describe, expect, it } from 'vitest';
import { ENET_PACKET_FLAG_RELIABLE, ENET_PROTOCOL_MAXIMUM_MTU } from '../../src/net/enet/constants.js';
import { HEADER_FLAG_SENT_TIME, readU16 } from '../../src/net/enet/protocol.js';
import { RangeCoder } from '../../src/net/enet/range-coder.js';
import { seededRandom } from '../../src/util/random.js';
import { SimWorld, collect } from './harness.js';
import { compressibleBuffer, isCompressed, mutate, recordSends, roomFor, roundTrip } from './range-coder-inputs.js';

/** Long runs on a shared machine: room beyond the default test timeout (no timing is asserted). */
const SLOW_TEST_MS = 180_000;

describe('RangeCoder', () => {
  it(
    'fuzz: 100,000 random and mutated compressed buffers never throw nor write past the limit',
    () => {
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
    },
    SLOW_TEST_MS,
  );
});

describe('EnetHost with compressor: "range-coder"', () => {
  it(
    '20,000 hostile compressed datagrams spoofing a live peer: no throw, counted, the host still serves',
    () => {
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
    },
    SLOW_TEST_MS,
  );
});
