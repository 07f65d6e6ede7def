// Property tests on a lossy simulated link (30 % loss each way, duplication, reordering,
// jitter): ENet's delivery guarantees per channel, and fragment reassembly up to 4 MB.
// fast-check runs are seeded, so every run of the suite checks the same cases.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ENET_PACKET_FLAG_RELIABLE, ENET_PACKET_FLAG_UNSEQUENCED } from '../../src/net/enet/constants.js';
import { SimWorld, collect, indexOf, payload } from './harness.js';

const LOSSY = { loss: 0.3, duplicate: 0.15, reorder: 0.25, reorderDelayMs: 40, latencyMs: 20, jitterMs: 15 };
/** Payload bytes of one fragment at the default MTU (1392 - header 4 - SEND_FRAGMENT 24). */
const FRAGMENT_BYTES = 1392 - 4 - 24;
/**
 * At 30 % loss each way a reliable command fails 51 % of its attempts and ENet doubles the
 * resend timeout each time, so ENet's default 5 s minimum timeout fires in long runs (ENet's
 * policy, the same in libenet): the loss tests widen the timeouts on both sides.
 */
const PATIENT = [0, 1_500_000, 3_000_000] as const;
/** Simulated time allowed for the slowest command of a run to get through (see above). */
const TAIL_BUDGET_MS = 1_500_000;
/**
 * For the multi-megabyte transfers: 17 % loss each way loses 31 % of round trips. At 30 % each
 * way, ENet's doubling resend timer gives a 3,000-fragment packet a tail of many minutes
 * (the slowest of 3,000 fragments fails ~12 times in a row): true of libenet too.
 */
const ROUND_TRIP_30_PERCENT = 0.17;

type Kind = 'reliable' | 'unreliable' | 'unsequenced' | 'unreliableFragment';
interface Msg {
  channel: number;
  size: number;
  kind: Kind;
}

const msgArb = fc.record({
  channel: fc.integer({ min: 0, max: 2 }),
  size: fc.oneof(fc.integer({ min: 8, max: 200 }), fc.integer({ min: 201, max: 4000 })),
  kind: fc.constantFrom<Kind>('reliable', 'unreliable', 'unsequenced', 'unreliableFragment'),
});

function effectivelyReliable(m: Msg): boolean {
  return m.kind === 'reliable' || (m.kind === 'unreliable' && m.size > FRAGMENT_BYTES) || (m.kind === 'unsequenced' && m.size > FRAGMENT_BYTES);
}

describe('enet delivery guarantees on a 30 %-loss link with reordering and duplication', () => {
  it('reliable exactly once in order; unreliable never backwards; unsequenced never twice', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 30 }), fc.array(msgArb, { minLength: 30, maxLength: 150 }), (seed, msgs) => {
        // Connect on a clean link, then degrade it (a handshake at 30 % loss may time out:
        // ENet's policy with its default timeouts).
        const w = new SimWorld({ seed, latencyMs: 20 });
        const server = w.host();
        const client = w.host();
        const got = collect(server);
        const { clientPeer, serverPeer } = w.connect(client, server, 3);
        clientPeer.setTimeout(...PATIENT);
        serverPeer.setTimeout(...PATIENT);
        w.net.setLink(LOSSY);
        let next = 0;
        const reliableTotal = msgs.filter(effectivelyReliable).length;
        w.run(TAIL_BUDGET_MS, 2, () => {
          // A few messages per step, so queues, windows and resends interleave.
          for (let k = 0; k < 3 && next < msgs.length; k++, next++) {
            const m = msgs[next];
            const ok = clientPeer.send(m.channel, payload(m.channel, next, m.size), { [m.kind]: true });
            if (!ok) throw new Error('send refused');
          }
          return next === msgs.length;
        });
        w.run(TAIL_BUDGET_MS, 10, () => got.filter((r) => r.flags & ENET_PACKET_FLAG_RELIABLE).length >= reliableTotal);
        expect(clientPeer.connected).toBe(true);
        for (let ch = 0; ch < 3; ch++) {
          const onChannel = got.filter((r) => r.channelId === ch);
          // Byte-exact, whatever the kind.
          for (const r of onChannel) expect(r.data).toEqual(payload(ch, indexOf(r.data), msgs[indexOf(r.data)].size));
          const sentReliable = msgs
            .map((m, i) => ({ m, i }))
            .filter(({ m }) => m.channel === ch && effectivelyReliable(m))
            .map(({ i }) => i);
          const gotReliable = onChannel.filter((r) => r.flags & ENET_PACKET_FLAG_RELIABLE).map((r) => indexOf(r.data));
          expect(gotReliable).toEqual(sentReliable);
          const sequenced = onChannel.filter((r) => !(r.flags & (ENET_PACKET_FLAG_RELIABLE | ENET_PACKET_FLAG_UNSEQUENCED))).map((r) => indexOf(r.data));
          for (let i = 1; i < sequenced.length; i++) expect(sequenced[i]).toBeGreaterThan(sequenced[i - 1]);
          const unsequenced = onChannel.filter((r) => r.flags & ENET_PACKET_FLAG_UNSEQUENCED).map((r) => indexOf(r.data));
          expect(new Set(unsequenced).size).toBe(unsequenced.length);
        }
      }),
      { seed: 0x5eed, numRuns: 25 },
    );
  }, 120_000);

  it('unreliable packets arrive in part under loss, never out of order or twice', () => {
    const w = new SimWorld({ seed: 77, ...LOSSY });
    const server = w.host();
    const client = w.host();
    const got = collect(server);
    const { clientPeer } = w.connect(client, server, 1);
    for (let i = 0; i < 400; i++) {
      clientPeer.send(0, payload(0, i, 100));
      w.run(4, 2);
    }
    w.run(2_000, 2);
    const indices = got.map((r) => indexOf(r.data));
    expect(indices.length).toBeGreaterThan(100); // some arrive...
    expect(indices.length).toBeLessThan(400); // ...not all: the link loses 30 %
    for (let i = 1; i < indices.length; i++) expect(indices[i]).toBeGreaterThan(indices[i - 1]);
  });

  it('fragmented packets up to 4 MB reassemble byte-exact (31 % of round trips lost)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 2 ** 30 }),
        fc.oneof(fc.integer({ min: FRAGMENT_BYTES + 1, max: 200_000 }), fc.constant(4 * 1024 * 1024)),
        (seed, size) => {
          const w = new SimWorld({ seed, latencyMs: 10 });
          const server = w.host();
          const client = w.host();
          const got = collect(server);
          const { clientPeer, serverPeer } = w.connect(client, server, 2);
          clientPeer.setTimeout(...PATIENT);
          serverPeer.setTimeout(...PATIENT);
          w.net.setLink({ ...LOSSY, loss: ROUND_TRIP_30_PERCENT, latencyMs: 10, jitterMs: 5 });
          const data = new Uint8Array(size);
          let x = seed >>> 0;
          for (let i = 0; i < size; i++) {
            x = (Math.imul(x, 1103515245) + 12345) >>> 0;
            data[i] = x >>> 24;
          }
          clientPeer.send(1, data, { reliable: true });
          clientPeer.send(1, payload(1, 1, 10), { reliable: true }); // and something after it
          w.run(600_000, 5, () => got.length === 2);
          expect(got.length).toBe(2);
          expect(got[0].data.length).toBe(size);
          expect(Buffer.compare(got[0].data, data)).toBe(0);
          expect(indexOf(got[1].data)).toBe(1);
        },
      ),
      { seed: 0xf4a9, numRuns: 4, examples: [[12345, 4 * 1024 * 1024]] },
    );
  }, 180_000);

  it('unreliable fragments either arrive whole and byte-exact or not at all', () => {
    const w = new SimWorld({ seed: 99, ...LOSSY });
    const server = w.host();
    const client = w.host();
    const got = collect(server);
    const { clientPeer } = w.connect(client, server, 1);
    const sizes = [3000, 5000, 2000, 9000, 4000, 6000, 3500, 2500];
    for (let round = 0; round < 10; round++) {
      sizes.forEach((s, i) => clientPeer.send(0, payload(0, round * sizes.length + i, s), { unreliableFragment: true }));
      w.run(200, 2);
    }
    w.run(2_000, 2);
    expect(got.length).toBeGreaterThan(0);
    for (const r of got) {
      const i = indexOf(r.data);
      expect(r.data).toEqual(payload(0, i, sizes[i % sizes.length]));
    }
    const order = got.map((r) => indexOf(r.data));
    for (let i = 1; i < order.length; i++) expect(order[i]).toBeGreaterThan(order[i - 1]);
  });
});
