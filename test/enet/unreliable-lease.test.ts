// A channel's unreliable sends lent to another sender (EnetPeer.lendUnreliable, the sidecar's
// native path) and given back: the lease says what that sender's datagrams need (the remote's
// id for us, the session bits, the channel's numbers), and once the numbers come back the
// peer's own unreliable sends continue after them, as the remote expects; numbers handed back at
// the end of their range make the next send reliable, as ENet does.
import { describe, expect, it } from 'vitest';
import { collect, SimWorld } from './harness.js';

const CHANNEL = 1;

describe("lending a channel's unreliable numbering", () => {
  it('says the peer ids and numbers, and the peer numbers on from what comes back', () => {
    const w = new SimWorld({ seed: 7 });
    const server = w.host();
    const client = w.host();
    const got = collect(server);
    const { clientPeer, serverPeer } = w.connect(client, server, 3);
    expect(clientPeer.send(CHANNEL, Uint8Array.of(1), { unreliableFragment: true })).toBe(true);
    w.run(10);
    const lease = clientPeer.lendUnreliable(CHANNEL)!;
    expect(lease).toEqual({ outgoingPeerId: serverPeer.id, outgoingSessionId: clientPeer.outgoingSessionID, reliableSeq: 0, unreliableSeq: 1 });
    expect(clientPeer.lendUnreliable(9)).toBeNull(); // no such channel
    // the borrower sent 1..41 (say): the remote has seen 41, so the peer goes on from 42
    clientPeer.returnUnreliable(CHANNEL, 41);
    clientPeer.send(CHANNEL, Uint8Array.of(2), { unreliableFragment: true });
    expect(clientPeer.lendUnreliable(CHANNEL)!.unreliableSeq).toBe(42);
    // numbers run out: the next send is reliable, a new reliable number and unreliable ones from 0
    clientPeer.returnUnreliable(CHANNEL, 0xffff);
    clientPeer.send(CHANNEL, Uint8Array.of(3), { unreliableFragment: true });
    expect(clientPeer.lendUnreliable(CHANNEL)).toMatchObject({ reliableSeq: 1, unreliableSeq: 0 });
    w.run(50);
    expect(got.filter((g) => g.channelId === CHANNEL).map((g) => g.data[0])).toEqual([1, 2, 3]);
  });

  it('lends nothing before the peer is connected', () => {
    const w = new SimWorld({ seed: 8 });
    const server = w.host();
    const client = w.host();
    const peer = client.connect(server.address(), 3, 0);
    expect(peer.lendUnreliable(CHANNEL)).toBeNull();
  });
});
