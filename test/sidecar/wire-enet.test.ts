// The native path's ENet half (coop_wire_take_snapshots, coop_wire_build_unreliable) against the
// TypeScript ENet: real datagrams from a TypeScript server go through take before the client's
// TypeScript ENet, which must then deliver exactly the other messages, in order, and still
// acknowledge what the server sent reliably; a C-built datagram is the one the TypeScript peer
// would send, and the server delivers it (or drops it, with a wrong session, as ENet does).
import { describe, it, expect } from 'vitest';
import { loadWireNative, WIRE, WIRE_CHANNEL_NONE, WIRE_KIND, WIRE_LIMITS, type TakeResult } from './wire-native-helpers.js';
import { mixedTraffic } from './wire-traffic.js';
import { SimWorld } from '../enet/harness.js';
import { EnetHost } from '../../src/net/enet/host.js';
import type { DatagramAddress } from '../../src/net/enet/transport.js';
import {
  COMMAND_FLAG_ACKNOWLEDGE,
  COMMAND_FLAG_UNSEQUENCED,
  COMMAND_HEADER_SIZE,
  COMMAND_MASK,
  COMMAND_SIZES,
  Command,
  DATA_LENGTH_OFFSET,
  HEADER_FLAG_COMPRESSED,
  HEADER_FLAG_SENT_TIME,
  HEADER_MINIMUM_SIZE,
  HEADER_SIZE,
  readU16,
  writeU16,
} from '../../src/net/enet/protocol.js';
import { ENET_PROTOCOL_MAXIMUM_PEER_ID } from '../../src/net/enet/constants.js';
import { decodeSnapshotEnvelope, encodeSnapshotEnvelope } from '../../src/protocol/snapshot-envelope.js';
import { CHANNEL_COUNT, CHANNEL_RELIABLE, CHANNEL_SNAPSHOT, CHANNEL_VOICE } from '../../src/protocol/constants.js';
import { decodeMsg, encodeMsg } from '../../src/protocol/codec.js';

const ROUNDS = 400;

interface WalkedCommand {
  byte: number;
  channel: number;
  bytes: Uint8Array;
  payload: Uint8Array;
}

/** The TypeScript reading of a well-formed datagram: header length and its commands. */
function walk(d: Uint8Array): { header: number; commands: WalkedCommand[] } {
  const header = readU16(d, 0) & HEADER_FLAG_SENT_TIME ? HEADER_SIZE : HEADER_MINIMUM_SIZE;
  const commands: WalkedCommand[] = [];
  for (let o = header; o < d.length;) {
    const number = d[o] & COMMAND_MASK;
    const fixed = COMMAND_SIZES[number];
    const dataLength = DATA_LENGTH_OFFSET[number] >= 0 ? readU16(d, o + DATA_LENGTH_OFFSET[number]) : 0;
    commands.push({ byte: d[o], channel: d[o + 1], bytes: d.subarray(o, o + fixed + dataLength), payload: d.subarray(o + fixed, o + fixed + dataLength) });
    o += fixed + dataLength;
  }
  return { header, commands };
}

/** What the native path should take: a plain SEND_UNRELIABLE on the snapshot channel carrying a Snapshot. */
const isTaken = (c: WalkedCommand): boolean =>
  c.byte === Command.SEND_UNRELIABLE && c.channel === CHANNEL_SNAPSHOT && decodeSnapshotEnvelope(c.payload) !== null;

/** What coop_wire_take takes besides: a plain SEND_UNRELIABLE on the voice channel carrying a voice message (decodeMsg's verdict). */
const isVoice = (c: WalkedCommand): boolean => {
  if (c.byte !== Command.SEND_UNRELIABLE || c.channel !== CHANNEL_VOICE) return false;
  const d = decodeMsg(c.payload);
  return d.ok && d.kind === 'voice';
};

const concat = (parts: Uint8Array[]): Uint8Array => new Uint8Array(Buffer.concat(parts));

const untouched = (r: TakeResult, d: Uint8Array): boolean => r.len === d.length && Buffer.compare(r.datagram, d) === 0;

describe('coop_wire_take_snapshots on a TypeScript server’s datagrams', () => {
  it(`takes exactly the unreliable snapshots over ${ROUNDS} rounds of mixed traffic; the client’s ENet delivers the rest, in order, and acknowledges`, () => {
    const wire = loadWireNative();
    const taken: Uint8Array[] = [];
    const seen = { withTaken: 0, emptied: 0, severalTaken: 0, takenBesideAck: 0, keptOnSnapshotChannel: 0 };
    const t = mixedTraffic(21, ROUNDS, (d, _from, deliver) => {
      const r = wire.take(d, CHANNEL_SNAPSHOT);
      expect(r.rc).toBeGreaterThanOrEqual(0);
      const { header, commands } = walk(d);
      const want = commands.filter(isTaken);
      const kept = commands.filter((c) => !isTaken(c));
      expect(r.rc).toBe(want.length);
      expect(r.payloads.map((p) => Buffer.from(p).toString('hex'))).toEqual(want.map((c) => Buffer.from(c.payload).toString('hex')));
      // compacted: the same header, then every other command byte for byte, in order
      if (kept.length === 0) expect(r.len).toBe(0);
      else expect(Buffer.compare(r.datagram.subarray(0, r.len), concat([d.subarray(0, header), ...kept.map((c) => c.bytes)]))).toBe(0);
      taken.push(...r.payloads);
      if (r.rc > 0) seen.withTaken++;
      if (r.rc > 1) seen.severalTaken++;
      if (r.rc > 0 && r.len === 0) seen.emptied++;
      if (r.rc > 0 && kept.some((c) => (c.byte & COMMAND_MASK) === Command.ACKNOWLEDGE)) seen.takenBesideAck++;
      if (r.rc > 0 && kept.some((c) => c.channel === CHANNEL_SNAPSHOT)) seen.keptOnSnapshotChannel++;
      if (r.len > 0) deliver(r.datagram.subarray(0, r.len));
    });
    // the taken payloads are the snapshots sent unreliably on the snapshot channel, in order
    const snapshots = t.sent.filter((s) => s.snapshot);
    expect(snapshots.length).toBeGreaterThan(ROUNDS / 2);
    expect(taken.length).toBe(snapshots.length);
    taken.forEach((p, i) => expect(Buffer.compare(p, snapshots[i].data), `snapshot ${i}`).toBe(0));
    // the client's ENet delivered every other message, channel by channel in send order
    for (let ch = 0; ch < CHANNEL_COUNT; ch++) {
      const want = t.sent.filter((s) => !s.snapshot && s.channel === ch).map((s) => Buffer.from(s.data).toString('hex'));
      const got = t.received.filter((m) => m.channel === ch).map((m) => Buffer.from(m.data).toString('hex'));
      expect(want.length, `channel ${ch}`).toBeGreaterThan(10);
      expect(got, `channel ${ch}`).toEqual(want);
    }
    // nothing refused, and the server's reliable sends were all acknowledged
    expect(Object.values(t.client.stats.drops).every((n) => n === 0)).toBe(true);
    expect(t.serverPeer.sentReliableCommands.empty).toBe(true);
    // the mix really was mixed
    expect(seen.withTaken).toBeGreaterThan(50);
    expect(seen.severalTaken).toBeGreaterThan(10);
    expect(seen.emptied).toBeGreaterThan(10);
    expect(seen.takenBesideAck).toBeGreaterThan(10);
    expect(seen.keptOnSnapshotChannel).toBeGreaterThan(10);
  });

  it('leaves a datagram it cannot fully read, or whose snapshots do not fit, untouched with a negative answer', () => {
    const wire = loadWireNative();
    const t = mixedTraffic(22, 60, (_d, _from, deliver) => deliver(_d));
    const withSnapshots = t.datagrams.filter((d) => walk(d).commands.some(isTaken));
    expect(withSnapshots.length).toBeGreaterThan(10);
    const answers = new Set<number>();
    const check = (d: Uint8Array, expected?: number, payloadsCap?: number, spansCap?: number): void => {
      const r = wire.take(d, CHANNEL_SNAPSHOT, payloadsCap, spansCap);
      if (expected !== undefined) expect(r.rc).toBe(expected);
      if (r.rc < 0) {
        expect(untouched(r, d)).toBe(true);
        answers.add(r.rc);
      }
    };
    for (const d of withSnapshots.slice(0, 20)) {
      const { header, commands } = walk(d);
      const need = commands.filter(isTaken);
      const bytes = need.reduce((n, c) => n + c.payload.length, 0);
      // every shorter length: a cut inside a command is refused, one between commands is a datagram
      let cuts = 0;
      for (let n = 1; n < d.length; n++) {
        const r = wire.take(d.subarray(0, n), CHANNEL_SNAPSHOT);
        if (r.rc < 0) {
          expect(untouched(r, d.subarray(0, n))).toBe(true);
          answers.add(r.rc);
          cuts++;
        }
      }
      expect(cuts).toBeGreaterThan(d.length / 2);
      // room: one byte or one span short is refused; exactly enough is taken
      check(d, WIRE.NO_ROOM, bytes - 1, need.length);
      check(d, WIRE.NO_ROOM, bytes, need.length - 1);
      check(d, need.length, bytes, need.length);
      // the compressed flag; no peer id; an unknown command after the first
      const flagged = d.slice();
      writeU16(flagged, 0, readU16(d, 0) | HEADER_FLAG_COMPRESSED);
      check(flagged, WIRE.COMPRESSED);
      const noPeer = d.slice();
      writeU16(noPeer, 0, (readU16(d, 0) & ~0xfff) | ENET_PROTOCOL_MAXIMUM_PEER_ID);
      check(noPeer, WIRE.NO_PEER);
      const unknown = concat([d, new Uint8Array([13, 0, 0, 0])]);
      check(unknown, WIRE.BAD_COMMAND);
      check(concat([d, new Uint8Array([0, 0, 0, 0])]), WIRE.BAD_COMMAND);
      check(concat([d, new Uint8Array([Command.PING])]), WIRE.TRUNCATED);
      // a command asking for an ack in a datagram without sent time: ENet would stop reading there
      const noTime = concat([d.subarray(0, HEADER_MINIMUM_SIZE), new Uint8Array([Command.PING | COMMAND_FLAG_ACKNOWLEDGE, 0xff, 0, 1]), d.subarray(header)]);
      writeU16(noTime, 0, readU16(d, 0) & ~HEADER_FLAG_SENT_TIME);
      check(noTime, WIRE.ACK_WITHOUT_TIME);
      // a payload length past the end
      const long = d.slice();
      const first = walk(d).commands.findIndex(isTaken);
      const at =
        header +
        walk(d)
          .commands.slice(0, first)
          .reduce((n, c) => n + c.bytes.length, 0);
      writeU16(long, at + 6, readU16(d, at + 6) + d.length);
      check(long, WIRE.TRUNCATED);
    }
    expect([...answers].sort()).toEqual([WIRE.TRUNCATED, WIRE.BAD_COMMAND, WIRE.COMPRESSED, WIRE.NO_PEER, WIRE.ACK_WITHOUT_TIME, WIRE.NO_ROOM].sort());
  });

  it('answers 0 and leaves a datagram without snapshots (or with flagged ones) as it is; a header alone becomes length 0', () => {
    const wire = loadWireNative();
    const t = mixedTraffic(23, 30, (_d, _from, deliver) => deliver(_d));
    const without = t.datagrams.filter((d) => !walk(d).commands.some(isTaken));
    expect(without.length).toBeGreaterThan(5);
    for (const d of without) {
      const r = wire.take(d, CHANNEL_SNAPSHOT);
      expect(r.rc).toBe(0);
      expect(untouched(r, d)).toBe(true);
    }
    // the same snapshots on another channel stay
    const withSnapshots = t.datagrams.find((d) => walk(d).commands.some(isTaken))!;
    expect(untouched(wire.take(withSnapshots, CHANNEL_SNAPSHOT + 1), withSnapshots)).toBe(true);
    // a SEND_UNRELIABLE with a flag in its command byte stays: with the acknowledge flag Node's
    // ENet owes an acknowledgement for it
    const snap = encodeSnapshotEnvelope({ tick: 3, baseTick: 2, serverTimeMs: 1, tickMs: 25 }, new Uint8Array([9]));
    const plain = wire.buildUnreliable({ outgoingPeerId: 1, outgoingSessionId: 1, channel: CHANNEL_SNAPSHOT, reliableSeq: 0 }, 1, snap) as Uint8Array;
    expect(wire.take(plain, CHANNEL_SNAPSHOT).rc).toBe(1);
    for (const flag of [COMMAND_FLAG_ACKNOWLEDGE, COMMAND_FLAG_UNSEQUENCED]) {
      const flagged = concat([new Uint8Array([0x80, 0x01, 0x12, 0x34]), plain.subarray(HEADER_MINIMUM_SIZE)]);
      flagged[HEADER_SIZE] |= flag;
      const r = wire.take(flagged, CHANNEL_SNAPSHOT);
      expect(r.rc).toBe(0);
      expect(untouched(r, flagged)).toBe(true);
    }
    const headerOnly = wire.take(new Uint8Array([0x80, 0x00, 0x12, 0x34]), CHANNEL_SNAPSHOT);
    expect([headerOnly.rc, headerOnly.len]).toEqual([0, 0]);
    expect(wire.take(new Uint8Array([0x00]), CHANNEL_SNAPSHOT).rc).toBe(WIRE.TRUNCATED);
    expect(wire.take(new Uint8Array([0x80, 0x00, 0x12]), CHANNEL_SNAPSHOT).rc).toBe(WIRE.TRUNCATED);
  });
});

describe('coop_wire_take (snapshots and voice) on a TypeScript server’s datagrams', () => {
  it(`takes exactly the unreliable snapshots and voice relays over ${ROUNDS} rounds of mixed traffic; the client’s ENet delivers the rest, in order, and acknowledges`, () => {
    const wire = loadWireNative();
    const taken = { [WIRE_KIND.SNAPSHOT]: [] as Uint8Array[], [WIRE_KIND.VOICE]: [] as Uint8Array[] };
    const seen = { mixedKinds: 0, voiceEmptied: 0, voiceBesideAck: 0, keptOnVoiceChannel: 0 };
    const t = mixedTraffic(24, ROUNDS, (d, _from, deliver) => {
      const r = wire.takeAll(d, CHANNEL_SNAPSHOT, CHANNEL_VOICE);
      expect(r.rc).toBeGreaterThanOrEqual(0);
      const { header, commands } = walk(d);
      const kindOf = (c: WalkedCommand): number => (isTaken(c) ? WIRE_KIND.SNAPSHOT : isVoice(c) ? WIRE_KIND.VOICE : 0);
      const want = commands.filter((c) => kindOf(c) !== 0);
      const kept = commands.filter((c) => kindOf(c) === 0);
      expect(r.rc).toBe(want.length);
      expect(r.kinds).toEqual(want.map(kindOf));
      expect(r.payloads.map((p) => Buffer.from(p).toString('hex'))).toEqual(want.map((c) => Buffer.from(c.payload).toString('hex')));
      if (kept.length === 0) expect(r.len).toBe(0);
      else expect(Buffer.compare(r.datagram.subarray(0, r.len), concat([d.subarray(0, header), ...kept.map((c) => c.bytes)]))).toBe(0);
      // with no voice channel it is coop_wire_take_snapshots
      const s = wire.takeAll(d, CHANNEL_SNAPSHOT, WIRE_CHANNEL_NONE);
      const old = wire.take(d, CHANNEL_SNAPSHOT);
      expect([s.rc, s.len, Buffer.compare(s.datagram, old.datagram)]).toEqual([old.rc, old.len, 0]);
      expect(s.kinds.every((k) => k === WIRE_KIND.SNAPSHOT)).toBe(true);
      r.payloads.forEach((p, i) => taken[r.kinds[i] as 1 | 2].push(p));
      const voices = r.kinds.filter((k) => k === WIRE_KIND.VOICE).length;
      if (voices > 0 && voices < r.rc) seen.mixedKinds++;
      if (voices > 0 && r.len === 0) seen.voiceEmptied++;
      if (voices > 0 && kept.some((c) => (c.byte & COMMAND_MASK) === Command.ACKNOWLEDGE)) seen.voiceBesideAck++;
      if (voices > 0 && kept.some((c) => c.channel === CHANNEL_VOICE)) seen.keptOnVoiceChannel++;
      if (r.len > 0) deliver(r.datagram.subarray(0, r.len));
    });
    // the taken payloads are what was sent, kind by kind in send order
    const snapshots = t.sent.filter((m) => m.snapshot);
    const voice = t.sent.filter((m) => m.voice);
    expect(voice.length).toBeGreaterThan(ROUNDS / 4);
    expect(taken[WIRE_KIND.SNAPSHOT].map((p) => Buffer.from(p).toString('hex'))).toEqual(snapshots.map((m) => Buffer.from(m.data).toString('hex')));
    expect(taken[WIRE_KIND.VOICE].map((p) => Buffer.from(p).toString('hex'))).toEqual(voice.map((m) => Buffer.from(m.data).toString('hex')));
    // every taken voice payload is a relay C decodes as decodeMsg does
    for (const p of taken[WIRE_KIND.VOICE]) {
      const c = wire.decodeVoice(p);
      const d = decodeMsg(p);
      expect(c !== null && d.ok && d.msg.voice?.seq === c.seq && d.msg.voice.fromPeerId === c.fromPeerId).toBe(true);
    }
    // the client's ENet delivered every other message, channel by channel in send order
    for (let ch = 0; ch < CHANNEL_COUNT; ch++) {
      const want = t.sent.filter((m) => !m.snapshot && !m.voice && m.channel === ch).map((m) => Buffer.from(m.data).toString('hex'));
      const got = t.received.filter((m) => m.channel === ch).map((m) => Buffer.from(m.data).toString('hex'));
      expect(want.length, `channel ${ch}`).toBeGreaterThan(10);
      expect(got, `channel ${ch}`).toEqual(want);
    }
    expect(Object.values(t.client.stats.drops).every((n) => n === 0)).toBe(true);
    expect(t.serverPeer.sentReliableCommands.empty).toBe(true);
    expect(seen.mixedKinds).toBeGreaterThan(10);
    expect(seen.voiceEmptied).toBeGreaterThan(3);
    expect(seen.voiceBesideAck).toBeGreaterThan(10);
    expect(seen.keptOnVoiceChannel).toBeGreaterThan(5);
  });

  it('takes both kinds from one channel (a snapshot first), refuses what does not fit, and takes nothing on channel "none"', () => {
    const wire = loadWireNative();
    const peer = { outgoingPeerId: 1, outgoingSessionId: 1, channel: CHANNEL_VOICE, reliableSeq: 0 };
    const snap = encodeSnapshotEnvelope({ tick: 3, baseTick: 2, serverTimeMs: 1, tickMs: 25 }, new Uint8Array([9]));
    const voice = encodeMsg({ voice: { seq: 7, timestamp: 960, opusBytes: new Uint8Array([1, 2, 3]), fromPeerId: 2, attenuationQ8: 40 } });
    const a = wire.buildUnreliable(peer, 1, snap) as Uint8Array;
    const b = wire.buildUnreliable(peer, 2, voice) as Uint8Array;
    const d = concat([a, b.subarray(HEADER_MINIMUM_SIZE)]);
    const both = wire.takeAll(d, CHANNEL_VOICE, CHANNEL_VOICE);
    expect([both.rc, both.len, both.kinds]).toEqual([2, 0, [WIRE_KIND.SNAPSHOT, WIRE_KIND.VOICE]]);
    expect(wire.takeAll(d, CHANNEL_SNAPSHOT, CHANNEL_VOICE).kinds).toEqual([WIRE_KIND.VOICE]);
    for (const none of [WIRE_CHANNEL_NONE, 0x1ff, 0xffffffff]) expect(untouched(wire.takeAll(d, none, none), d)).toBe(true);
    expect(wire.takeAll(d, CHANNEL_VOICE, CHANNEL_VOICE, snap.length + voice.length - 1).rc).toBe(WIRE.NO_ROOM);
    expect(wire.takeAll(d, CHANNEL_VOICE, CHANNEL_VOICE, snap.length + voice.length, 1).rc).toBe(WIRE.NO_ROOM);
    expect(untouched(wire.takeAll(d, CHANNEL_VOICE, CHANNEL_VOICE, 0, 0), d)).toBe(true);
  });
});

describe('coop_wire_build_unreliable against the TypeScript ENet peer', () => {
  it('builds the datagram the TypeScript client sends, and the TypeScript server delivers it; a wrong session is dropped', () => {
    const wire = loadWireNative();
    const world = new SimWorld({ seed: 31 });
    const server = world.host({ channelLimit: CHANNEL_COUNT });
    const clientTransport = world.net.createTransport();
    const client = new EnetHost({ peerLimit: 8, channelLimit: CHANNEL_COUNT, transport: clientTransport, clock: world.net.clock, autoService: false });
    world.hosts.push(client);
    const fromClient: Uint8Array[] = [];
    const send = clientTransport.send.bind(clientTransport);
    clientTransport.send = (data: Uint8Array, to: DatagramAddress): boolean => {
      fromClient.push(data.slice());
      return send(data, to);
    };
    // a second client first, so the peer ids are not all 0
    world.connect(world.host({ channelLimit: CHANNEL_COUNT }), server, CHANNEL_COUNT);
    const { clientPeer } = world.connect(client, server, CHANNEL_COUNT);
    const got: { channel: number; data: Uint8Array }[] = [];
    server.on('receive', (_p, channel, data) => got.push({ channel, data: data.slice() }));
    // some reliable sends on the channel, so its reliable sequence number is not 0
    for (let i = 0; i < 3; i++) clientPeer.send(CHANNEL_SNAPSHOT, encodeMsg({ chat: { text: `r${i}` } }), { reliable: true });
    world.run(2000, 5, () => clientPeer.sentReliableCommands.empty);
    world.run(1000); // quiet: no ack or ping owed
    expect(got).toHaveLength(3);
    const channel = clientPeer.channels[CHANNEL_SNAPSHOT];
    const peer = {
      outgoingPeerId: clientPeer.outgoingPeerID,
      outgoingSessionId: clientPeer.outgoingSessionID,
      channel: CHANNEL_SNAPSHOT,
      reliableSeq: channel.outgoingReliableSequenceNumber,
    };
    expect(peer.outgoingPeerId).not.toBe(0);
    expect(peer.reliableSeq).toBe(3);
    // the TypeScript peer's lone unreliable send, byte for byte
    const input = encodeMsg({ playerState: { seq: 1, x: 1, y: 2, z: 3, clientTimeMs: 99 } });
    fromClient.length = 0;
    clientPeer.send(CHANNEL_SNAPSHOT, input, {});
    client.flush();
    expect(fromClient).toHaveLength(1);
    const built = wire.buildUnreliable(peer, channel.outgoingUnreliableSequenceNumber, input);
    expect(built).toBeInstanceOf(Uint8Array);
    expect(Buffer.from(built as Uint8Array).toString('hex')).toBe(Buffer.from(fromClient[0]).toString('hex'));
    world.run(50);
    expect(got).toHaveLength(4);
    // the next sequence number, sent by C: delivered on the channel
    const next = encodeMsg({ snapshotAck: { tick: 77 } });
    const c1 = wire.buildUnreliable(peer, channel.outgoingUnreliableSequenceNumber + 1, next) as Uint8Array;
    clientTransport.send(c1, server.address());
    world.run(50);
    expect(got).toHaveLength(5);
    expect(got[4].channel).toBe(CHANNEL_SNAPSHOT);
    expect(Buffer.compare(got[4].data, next)).toBe(0);
    // a wrong session: dropped as ENet drops it
    const drops = server.stats.drops.peer;
    const wrong = wire.buildUnreliable(
      { ...peer, outgoingSessionId: (peer.outgoingSessionId + 1) & 3 },
      channel.outgoingUnreliableSequenceNumber + 2,
      next,
    ) as Uint8Array;
    clientTransport.send(wrong, server.address());
    world.run(50);
    expect(got).toHaveLength(5);
    expect(server.stats.drops.peer).toBe(drops + 1);
    // an older sequence number than the last delivered: ENet drops the stale unreliable packet
    const stale = wire.buildUnreliable(peer, channel.outgoingUnreliableSequenceNumber, next) as Uint8Array;
    clientTransport.send(stale, server.address());
    world.run(50);
    expect(got).toHaveLength(5);
    // and a snapshot taken from such a datagram by the other half is the payload itself
    const snap = encodeSnapshotEnvelope({ tick: 5, baseTick: 4, serverTimeMs: 1, tickMs: 25 }, new Uint8Array([1, 2, 3]));
    const asFromServer = wire.buildUnreliable(peer, 9, snap) as Uint8Array;
    const r = wire.take(asFromServer, CHANNEL_SNAPSHOT);
    expect([r.rc, r.len]).toEqual([1, 0]);
    expect(Buffer.compare(r.payloads[0], snap)).toBe(0);
  });

  it('writes no session bits for peer id "none", and refuses what it cannot build', () => {
    const wire = loadWireNative();
    const payload = new Uint8Array([1, 2, 3]);
    const none = wire.buildUnreliable(
      { outgoingPeerId: ENET_PROTOCOL_MAXIMUM_PEER_ID, outgoingSessionId: 3, channel: 2, reliableSeq: 0x1234 },
      0xfedc,
      payload,
    ) as Uint8Array;
    expect(Buffer.from(none).toString('hex')).toBe('0fff' + '0702' + '1234' + 'fedc' + '0003' + '010203');
    const some = wire.buildUnreliable({ outgoingPeerId: 5, outgoingSessionId: 6, channel: 1, reliableSeq: 0 }, 1, payload) as Uint8Array;
    expect(readU16(some, 0)).toBe(5 | (2 << 12)); // session 6 & 3
    expect(some.length).toBe(payload.length + WIRE_LIMITS.UNRELIABLE_OVERHEAD);
    expect(COMMAND_HEADER_SIZE + 4).toBe(COMMAND_SIZES[Command.SEND_UNRELIABLE]);
    const peer = { outgoingPeerId: 1, outgoingSessionId: 0, channel: 1, reliableSeq: 0 };
    expect(wire.buildUnreliable(peer, 1, payload, payload.length + WIRE_LIMITS.UNRELIABLE_OVERHEAD - 1)).toBe(WIRE.NO_ROOM);
    expect(wire.buildUnreliable({ ...peer, outgoingPeerId: ENET_PROTOCOL_MAXIMUM_PEER_ID + 1 }, 1, payload)).toBe(WIRE.BAD_ARGUMENT);
    const big = new Uint8Array(WIRE_LIMITS.MAX_PAYLOAD_BYTES + 1);
    expect(wire.buildUnreliable(peer, 1, big)).toBe(WIRE.TOO_LONG);
    expect((wire.buildUnreliable(peer, 1, big.subarray(1)) as Uint8Array).length).toBe(big.length - 1 + WIRE_LIMITS.UNRELIABLE_OVERHEAD);
    expect(CHANNEL_RELIABLE).not.toBe(CHANNEL_SNAPSHOT);
  });
});
