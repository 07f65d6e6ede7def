// One link's share of the native path (src/sidecar/cli/native-link.ts), against a real ENet
// client peer on the simulated network and a stand-in for the thread: the socket is taken only
// where the transport hands it over; in the world the snapshot channel's unreliable sends go to
// the thread with the peer's numbers lent to it and handed back on leaving; a payload whose
// numbers ran out is sent reliably by ENet, which then tells the thread the channel's new numbers.
import { describe, expect, it } from 'vitest';
import type { DatagramTransport } from '../../src/net/enet/transport.js';
import { CHANNEL_SNAPSHOT } from '../../src/protocol/constants.js';
import { NativeLink } from '../../src/sidecar/cli/native-link.js';
import type { NativePath } from '../../src/sidecar/native-path.js';
import { PATH_ITEM_DATAGRAM, PATH_ITEM_RELIABLE, type PathLink } from '../../src/sidecar/path-native.js';
import type { CoopClient } from '../../src/sidecar/session.js';
import { collect, SimWorld } from '../enet/harness.js';

/** What NativeLink asks of the thread, recorded. */
function fakePath() {
  const calls = { entered: [] as PathLink[], sent: [] as number[][], seqs: [] as [number, number][], detached: 0 };
  let onItem: ((kind: number, bytes: Uint8Array) => void) | null = null;
  let inWorld = false;
  const path = {
    get inWorld() {
      return inWorld;
    },
    attachSocket: (_fd: number, cb: (kind: number, bytes: Uint8Array) => void) => void (onItem = cb),
    detachSocket: () => void calls.detached++,
    enterWorld: (l: PathLink) => {
      inWorld = true;
      calls.entered.push(l);
    },
    leaveWorld: (): PathLink => {
      inWorld = false;
      return { ...calls.entered.at(-1)!, unreliableSeq: 40, inputSeq: 99 };
    },
    send: (b: Uint8Array) => (calls.sent.push([...b]), 0),
    setChannelSeqs: (r: number, u: number) => void calls.seqs.push([r, u]),
  };
  return { path: path as unknown as NativePath, calls, item: (kind: number, bytes: Uint8Array) => onItem!(kind, bytes) };
}

describe('a link on the native path', () => {
  it('is none where the transport cannot hand its socket over', () => {
    const { path } = fakePath();
    const transport = { handReadingOver: () => -1 } as unknown as DatagramTransport;
    expect(NativeLink.attach(path, transport, () => null)).toBeNull();
  });

  it('lends the thread the snapshot channel in the world, hands ENet what comes back, and takes the numbers back', () => {
    const w = new SimWorld({ seed: 3 });
    const server = w.host();
    const clientHost = w.host();
    const got = collect(server);
    const { clientPeer } = w.connect(clientHost, server, 3);
    const delivered: Uint8Array[] = [];
    const transport = { handReadingOver: () => 7, deliver: (d: Uint8Array) => delivered.push(d) } as unknown as DatagramTransport;
    const { path, calls, item } = fakePath();
    const link = NativeLink.attach(path, transport, () => clientPeer)!;
    const client = { inputSeq: 5, interp: { interpDelayMs: 80 } } as unknown as CoopClient;

    expect(link.send(CHANNEL_SNAPSHOT, Uint8Array.of(1), false)).toBe(false); // out of the world: ENet's
    link.worldChanged(true, client);
    expect(calls.entered).toEqual([
      {
        outgoingPeerId: expect.any(Number),
        outgoingSessionId: expect.any(Number),
        reliableSeq: 0,
        unreliableSeq: 0,
        channel: CHANNEL_SNAPSHOT,
        inputSeq: 5,
        interpDelayMs: 80,
      },
    ]);
    expect(link.send(CHANNEL_SNAPSHOT, Uint8Array.of(2), false)).toBe(true);
    expect(link.send(CHANNEL_SNAPSHOT, Uint8Array.of(3), true)).toBe(false); // reliable: ENet's
    expect(link.send(0, Uint8Array.of(4), false)).toBe(false); // another channel: ENet's
    expect(calls.sent).toEqual([[2]]);

    item(PATH_ITEM_DATAGRAM, Uint8Array.of(9, 9));
    expect(delivered.map((d) => [...d])).toEqual([[9, 9]]);
    // the thread's numbers ran out: ENet sends this one reliably and the thread hears the new ones
    item(PATH_ITEM_RELIABLE, Uint8Array.of(5));
    expect(calls.seqs).toEqual([[1, 0]]);
    w.run(50);
    expect(got.filter((g) => g.channelId === CHANNEL_SNAPSHOT).map((g) => [...g.data])).toEqual([[5]]);

    link.detach(client); // leaves the world first
    expect(client.inputSeq).toBe(99);
    expect(clientPeer.lendUnreliable(CHANNEL_SNAPSHOT)!.unreliableSeq).toBe(40);
    expect(calls.detached).toBe(1);
  });
});
