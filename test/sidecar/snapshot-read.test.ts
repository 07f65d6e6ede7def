// The sidecar reads snapshots by hand (snapshot-envelope.ts) and everything else with the codec.
// A snapshot the hand reader does not take (here: a repeated field, which protobuf allows and
// the codec reads last-wins) must reach the same place by the codec's path; one that comes
// before the session is in the world is a counted drop either way.
import { describe, it, expect } from 'vitest';
import { encodeMsg } from '../../src/protocol/codec.js';
import { decodeSnapshotEnvelope } from '../../src/protocol/snapshot-envelope.js';
import { putVarint, varintLen } from '../../src/protocol/proto-wire.js';
import { Harness, at } from '../server/harness.js';

/** EMsg's tag for its snapshot field, as protobufjs writes it. */
const SNAPSHOT_TAG = encodeMsg({ snapshot: {} }).subarray(0, -1);

/** v as a protobuf varint (proto-wire.ts's writer). */
function varint(v: number): number[] {
  const out = new Uint8Array(varintLen(v));
  putVarint(out, 0, v);
  return [...out];
}

/** The same snapshot with its tick written twice (a valid encoding the hand reader hands over). */
function withTickTwice(bytes: Uint8Array): Uint8Array {
  let p = SNAPSHOT_TAG.length;
  while (bytes[p++] >= 0x80);
  const inner = [...bytes.subarray(p)];
  const tick = decodeSnapshotEnvelope(bytes)!.tick;
  const extra = [0x08, ...varint(tick)];
  return Uint8Array.from([...SNAPSHOT_TAG, ...varint(inner.length + extra.length), ...extra, ...inner]);
}

describe('the sidecar reading snapshots', () => {
  it('takes a snapshot the hand reader hands over through the codec, to the same interpolated world', () => {
    const worlds = [false, true].map((rewrite) => {
      const h = new Harness();
      const a = h.add('A', at(0, 0));
      const b = h.add('B', at(3, 4));
      if (rewrite) {
        const send = b.link.send.bind(b.link);
        b.link.send = (channel, bytes) => {
          const snap = decodeSnapshotEnvelope(bytes);
          if (!snap) return send(channel, bytes);
          const odd = withTickTwice(bytes);
          expect(decodeSnapshotEnvelope(odd)).toBeNull();
          send(channel, odd);
        };
      }
      for (let i = 0; i < 12; i++) {
        a.client.sendPlayerState(at(i * 0.5, 0));
        h.tick();
      }
      return { b, seen: b.client.sample(h.t).map((e) => [e.id, +e.x.toFixed(3), +e.y.toFixed(3)]) };
    });
    expect(worlds[1].b.client.drops).toBe(0);
    expect(worlds[1].b.client.receiver.newestTick).toBe(worlds[0].b.client.receiver.newestTick);
    expect(worlds[1].seen.length).toBeGreaterThan(0);
    expect(worlds[1].seen).toEqual(worlds[0].seen);
  });

  it('counts a snapshot before the welcome as a drop, by either path', () => {
    const h = new Harness();
    const a = h.add('A', at(0, 0));
    h.tick();
    const bytes = encodeMsg({ snapshot: { tick: 5, baseTick: 0, serverTimeMs: 1, tickMs: 25, data: new Uint8Array([0]) } });
    const fresh = new Harness().add('C', at(0, 0), { protocolVersion: 999 }); // refused: never in the world
    const before = fresh.client.drops;
    fresh.client.receive(bytes);
    fresh.client.receive(withTickTwice(bytes));
    expect(fresh.client.drops).toBe(before + 2);
    expect(a.client.drops).toBe(0);
  });
});
