// The wire format byte by byte: a raw probe endpoint on the simulated network speaks to a TS
// host in hand-written datagrams (as ws tests feed hex frames) and checks every reply field.
import { describe, expect, it } from 'vitest';
import { EnetHost } from '../../src/net/enet/host.js';
import { SimNetwork } from '../../src/net/enet/sim-network.js';
import { crc32 } from '../../src/util/crc32.js';
import { readU16, readU32 } from '../../src/net/enet/protocol.js';

const hex = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s.replace(/\s+/g, ''), 'hex'));
const PROBE_PEER_ID = 5;
const CONNECT_ID = 0x11223344;

function setup(options: { checksum?: boolean } = {}) {
  const net = new SimNetwork({ seed: 1 });
  const host = new EnetHost({ transport: net.createTransport(), clock: net.clock, autoService: false, peerLimit: 2, incomingBandwidth: 0x10000, ...options });
  const probe = net.createTransport();
  const inbox: Uint8Array[] = [];
  probe.onDatagram((d) => inbox.push(d));
  const events: Array<[string, ...unknown[]]> = [];
  host.on('connect', (p, d) => events.push(['connect', p.id, d]));
  host.on('receive', (p, ch, data, flags) => events.push(['receive', p.id, ch, Buffer.from(data).toString('hex'), flags]));
  host.on('disconnect', (p, d) => events.push(['disconnect', p.id, d]));
  const send = (d: Uint8Array): Uint8Array[] => {
    probe.send(d, host.address());
    net.clock.advance(1);
    net.deliver();
    host.service();
    net.deliver();
    return inbox.splice(0);
  };
  return { net, host, probe, events, send };
}

/** CONNECT from the probe: peer 0xFFF header with sent time 0x0102, 2 channels, data 0xABCD. */
const CONNECT = hex(`
  8fff 0102
  82 ff 0001  ${PROBE_PEER_ID.toString(16).padStart(4, '0')} ff ff
  00000578 00010000 00000002 00000000 00000000
  00001388 00000002 00000002 ${CONNECT_ID.toString(16)} 0000abcd`);

describe('enet wire format against hand-written datagrams', () => {
  it('answers CONNECT with VERIFY_CONNECT, field by field, and connects on its ACK', () => {
    const { send, events, host } = setup();
    const replies = send(CONNECT);
    expect(replies).toHaveLength(1);
    const r = replies[0];
    const peerField = readU16(r, 0);
    expect(peerField & 0x8000).toBe(0x8000); // sent time present
    expect(peerField & 0x0fff).toBe(PROBE_PEER_ID); // addressed with the id the probe gave
    const session = (peerField >> 12) & 3;
    expect(r[4]).toBe(0x83); // VERIFY_CONNECT | ACKNOWLEDGE
    expect(r[5]).toBe(0xff);
    expect(readU16(r, 6)).toBe(1);
    expect(readU16(r, 8)).toBe(0); // our peer id for the probe
    expect(r[10]).toBe(session); // incoming session id = the one in our header
    expect(readU32(r, 12)).toBe(1400); // the probe's MTU
    expect(readU32(r, 16)).toBe(4096); // window from our 64 KiB/s incoming bandwidth
    expect(readU32(r, 20)).toBe(2); // channels
    expect(readU32(r, 24)).toBe(0x10000); // our incoming bandwidth
    expect(readU32(r, 28)).toBe(0);
    expect([readU32(r, 32), readU32(r, 36), readU32(r, 40)]).toEqual([5000, 2, 2]);
    expect(readU32(r, 44)).toBe(CONNECT_ID);
    expect(r.length).toBe(4 + 44);
    expect(events).toEqual([]);
    // ACK of VERIFY_CONNECT (seq 1), echoing its sent time; our header addresses peer 0 with
    // the session the host chose for us (its VERIFY's outgoingSessionID).
    const ours = r[11];
    const sentTime = readU16(r, 2);
    const ack = hex(`${(0x8000 | (ours << 12)).toString(16)} 0200  01 ff 0001 0001 ${sentTime.toString(16).padStart(4, '0')}`);
    send(ack);
    expect(events).toEqual([['connect', 0, 0xabcd]]);
    expect(host.peers[0].stateName).toBe('connected');
  });

  it('delivers SEND_RELIABLE / UNRELIABLE / UNSEQUENCED, acknowledges, answers PING, takes DISCONNECT', () => {
    const { send, events, host } = setup();
    const verify = send(CONNECT)[0];
    const ours = verify[11];
    const h = (0x8000 | (ours << 12)).toString(16);
    send(hex(`${h} 0200 01 ff 0001 0001 ${readU16(verify, 2).toString(16).padStart(4, '0')}`));
    events.length = 0;
    // Reliable on channel 1, seq 1, 3 bytes; unreliable seq (0, 1) 2 bytes; unsequenced group 1.
    const replies = send(hex(`${h} 0300  86 01 0001 0003 aabbcc  07 00 0000 0001 0002 dddd  49 01 0000 0001 0001 ee`));
    expect(events).toEqual([
      ['receive', 0, 1, 'aabbcc', 1],
      ['receive', 0, 0, 'dddd', 0],
      ['receive', 0, 1, 'ee', 2],
    ]);
    events.length = 0;
    // One datagram back with the ACK of the reliable command: seq 1 on channel 1, sent time 0x0300.
    expect(replies).toHaveLength(1);
    const a = replies[0];
    const off = a[0] & 0x80 ? 4 : 2;
    expect(Buffer.from(a.subarray(off, off + 8)).toString('hex')).toBe('0101000100010300');
    // PING (seq 2 on the control channel) is acknowledged.
    const pong = send(hex(`${h} 0400 85 ff 0002`));
    const po = pong[0][0] & 0x80 ? 4 : 2;
    expect(Buffer.from(pong[0].subarray(po, po + 8)).toString('hex')).toBe('01ff000200020400');
    // DISCONNECT with data 7, acknowledged, then the event.
    const bye = send(hex(`${h} 0500 84 ff 0003 00000007`));
    const bo = bye[0][0] & 0x80 ? 4 : 2;
    expect(Buffer.from(bye[0].subarray(bo, bo + 8)).toString('hex')).toBe('01ff000300030500');
    host.service();
    expect(events).toEqual([['disconnect', 0, 7]]);
  });

  it('counts and drops malformed datagrams by reason, without throwing', () => {
    const { send, host } = setup();
    const verify = send(CONNECT)[0];
    const ours = verify[11];
    const h = (0x8000 | (ours << 12)).toString(16);
    send(hex(`${h} 0200 01 ff 0001 0001 ${readU16(verify, 2).toString(16).padStart(4, '0')}`));
    const before = host.stats.drops;
    send(hex('80')); // shorter than a header
    send(hex('8000 01')); // sent-time flag but no sent time... then a 1-byte command
    send(hex(`${(0xc000 | (ours << 12)).toString(16)} 0000 85 ff 0009`)); // compressed flag
    send(hex(`${(0x8000 | (((ours + 1) & 3) << 12)).toString(16)} 0000 85 ff 0009`)); // wrong session
    send(hex('8001 0000 85 ff 0009')); // peer id 1: not connected
    send(hex('8abc 0000 85 ff 0009')); // peer id beyond the limit
    send(hex(`${h} 0000 86 00 0002 0010 aabb`)); // dataLength 16, only 2 bytes follow
    send(hex(`${h} 0000 0f 00 0000`)); // command 15 does not exist
    send(hex(`${h} 0000 88 00 0002 0001 0004 ffffffff 00000000 00000010 00000000 aaaa`)); // fragment count > 1 M
    send(hex(`${h} 0000 88 00 0002 0001 0004 00000002 00000000 00000010 00000020 aaaa`)); // offset beyond total
    send(hex(`${h} 0000 86 07 0002 0001 aa`)); // channel 7 of 2
    const d = host.stats.drops;
    expect(d.short - before.short).toBe(2);
    expect(d.compressed - before.compressed).toBe(1);
    expect(d.peer - before.peer).toBe(3);
    expect(d.command - before.command).toBe(5);
    expect(host.peers[0].stateName).toBe('connected');
  });

  it('checks the CRC32 over the datagram with the connect id in the checksum field', () => {
    const { send, events, host } = setup({ checksum: true });
    // CONNECT with a checksum: header 4 bytes, then CRC32 computed with 0 in its place.
    const body = CONNECT.subarray(4);
    const d = new Uint8Array(8 + body.length);
    d.set(CONNECT.subarray(0, 4), 0);
    d.set(body, 8);
    const good = crc32(d); // field holds 0 while computing
    new DataView(d.buffer).setUint32(4, good);
    const bad = d.slice();
    bad[20] ^= 1;
    expect(send(bad)).toHaveLength(0);
    expect(host.stats.drops.checksum).toBe(1);
    const replies = send(d);
    expect(replies).toHaveLength(1);
    const r = replies[0];
    // The reply's checksum: CRC32 over the datagram with our connect id in the field.
    const field = readU32(r, 4);
    const check = r.slice();
    new DataView(check.buffer).setUint32(4, CONNECT_ID);
    expect(crc32(check)).toBe(field);
    expect(events).toEqual([]);
  });
});
