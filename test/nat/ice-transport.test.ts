// IceDatagramTransport with a fake ICE channel: datagrams sent before the pair is selected wait
// (bounded, counted beyond) and leave in order once it is; garbage and oversize are counted drops.
import { describe, expect, it } from 'vitest';
import { IceDatagramTransport, icePathAddress, type IceDataChannel } from '../../src/net/nat/ice-transport.js';
import { NAT_MAX_DATAGRAM_BYTES, NAT_PENDING_MAX_DATAGRAMS } from '../../src/net/nat/constants.js';

// An ENet PING with the sent-time flag: header (peer 0x8000|id, sent time) + command 5.
const ENET_PING = Uint8Array.from([0x80, 0x01, 0x12, 0x34, 0x85, 0xff, 0x00, 0x01]);

function fakeChannel(): IceDataChannel & { sent: Buffer[]; selected: boolean; deliver(d: Buffer): void } {
  let listener: ((d: Buffer) => void) | undefined;
  const ch = {
    sent: [] as Buffer[],
    selected: false,
    onData: {
      subscribe(cb: (d: Buffer) => void) {
        listener = cb;
        return {
          unSubscribe() {
            listener = undefined;
          },
        };
      },
    },
    send(d: Buffer) {
      ch.sent.push(d);
      return Promise.resolve();
    },
    ready: () => ch.selected,
    deliver(d: Buffer) {
      listener?.(d);
    },
  };
  return ch;
}

describe('IceDatagramTransport', () => {
  it('holds datagrams until the pair is selected, then sends them in order, and counts bytes', () => {
    const t = new IceDatagramTransport('host');
    const ch = fakeChannel();
    const to = t.attach('joiner1', ch);
    expect(to).toEqual(icePathAddress('joiner1'));
    const buf = Uint8Array.from([1, 2, 3]);
    expect(t.send(buf, to)).toBe(true);
    buf[0] = 9; // the caller reuses its buffer: the queued copy must not change
    expect(t.send(Uint8Array.from([4]), to)).toBe(true);
    expect(ch.sent).toHaveLength(0);
    t.flush('joiner1'); // not selected yet: nothing leaves
    expect(ch.sent).toHaveLength(0);
    ch.selected = true;
    t.flush('joiner1');
    expect(ch.sent.map((b) => [...b])).toEqual([[1, 2, 3], [4]]);
    expect(t.send(Uint8Array.from([5, 6]), to)).toBe(true);
    expect(ch.sent.map((b) => [...b])).toEqual([[1, 2, 3], [4], [5, 6]]);
    expect(t.counters('joiner1')).toMatchObject({ datagramsSent: 3, bytesSent: 6, dropsNotReady: 0 });
  });

  it('a send after selection first drains what waited (no flush call needed)', () => {
    const t = new IceDatagramTransport('host');
    const ch = fakeChannel();
    const to = t.attach('p', ch);
    t.send(Uint8Array.from([1]), to);
    ch.selected = true;
    t.send(Uint8Array.from([2]), to);
    expect(ch.sent.map((b) => b[0])).toEqual([1, 2]);
  });

  it('bounds the wait queue and counts what it drops', () => {
    const t = new IceDatagramTransport('host');
    const ch = fakeChannel();
    const to = t.attach('p', ch);
    for (let i = 0; i < NAT_PENDING_MAX_DATAGRAMS + 10; i++) t.send(Uint8Array.from([i & 0xff]), to);
    expect(t.counters('p')?.dropsNotReady).toBe(10);
    ch.selected = true;
    t.flush('p');
    expect(ch.sent).toHaveLength(NAT_PENDING_MAX_DATAGRAMS);
    expect(ch.sent[0][0]).toBe(0);
  });

  it('counts garbage, oversize and unknown-path datagrams instead of passing them on', () => {
    const t = new IceDatagramTransport('host');
    const ch = fakeChannel();
    ch.selected = true;
    const to = t.attach('p', ch);
    const got: Uint8Array[] = [];
    t.onDatagram((d) => got.push(d));
    ch.deliver(Buffer.from('GET / HTTP/1.1\r\n'));
    ch.deliver(Buffer.alloc(NAT_MAX_DATAGRAM_BYTES + 1));
    ch.deliver(Buffer.from(ENET_PING));
    expect(got.map((d) => [...d])).toEqual([[...ENET_PING]]);
    expect(t.counters('p')).toMatchObject({ dropsGarbage: 1, dropsTooBig: 1, datagramsReceived: 1, bytesReceived: ENET_PING.length });
    expect(t.send(new Uint8Array(NAT_MAX_DATAGRAM_BYTES + 1), to)).toBe(false);
    expect(t.counters('p')?.dropsTooBig).toBe(2);
    expect(t.send(Uint8Array.from([1]), icePathAddress('nobody'))).toBe(false);
    expect(t.dropsNoPath).toBe(1);
    t.detach('p');
    expect(t.send(Uint8Array.from([1]), to)).toBe(false);
    expect(t.dropsNoPath).toBe(2);
  });
});
