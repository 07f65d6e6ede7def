// A server and a sidecar-like client, both TypeScript ENet on a seeded SimNetwork, with the
// server sending the mix a client's datagrams really carry (test helper of wire-enet.test.ts and
// wire-asan.system.test.ts): snapshot envelopes unreliable on the snapshot channel (the ones the
// native path takes) among clockReplies, spectate cameras and dialogue copies on the same
// channel, snapshot envelopes sent reliably, unsequenced or on another channel, voice relays
// unreliable on the voice channel (the ones a take of voice takes), voice sent reliably or on
// the snapshot channel, reliable
// messages, a snapshot too big for one datagram, and the client's reliable sends (so the
// server's datagrams carry acknowledgements; pings come with time). Every datagram the client
// receives goes first through a hook, which may hand on other bytes or none.
import { EnetHost } from '../../src/net/enet/host.js';
import type { DatagramAddress } from '../../src/net/enet/transport.js';
import type { Peer } from '../../src/net/enet/peer.js';
import type { SendOptions } from '../../src/net/enet/packet.js';
import { encodeMsg } from '../../src/protocol/codec.js';
import { encodeSnapshotEnvelope } from '../../src/protocol/snapshot-envelope.js';
import { CHANNEL_COUNT, CHANNEL_RELIABLE, CHANNEL_SNAPSHOT, CHANNEL_VOICE } from '../../src/protocol/constants.js';
import { seededRandom, type Rng } from '../../src/util/random.js';
import { SimWorld } from '../enet/harness.js';

/** One message the server sent, and whether the native path should take it (as a snapshot, or
 * as voice when it takes voice too). */
export interface SentMessage {
  channel: number;
  data: Uint8Array;
  snapshot: boolean;
  voice: boolean;
}

/** Bytes over one datagram's room (1392-byte MTU): the TypeScript ENet fragments such a send. */
const BIG_SNAPSHOT_BYTES = 3000;
/** Simulated time between two rounds of sends, ms (up to). */
const ROUND_MS = 30;

export type DatagramHook = (datagram: Uint8Array, from: DatagramAddress, deliver: (bytes: Uint8Array) => void) => void;

export interface Traffic {
  world: SimWorld;
  server: EnetHost;
  client: EnetHost;
  serverPeer: Peer;
  clientPeer: Peer;
  /** What the server sent, in order. */
  sent: SentMessage[];
  /** What the client's ENet delivered, in order. */
  received: { channel: number; data: Uint8Array }[];
  /** Every datagram the client received, before the hook. */
  datagrams: Uint8Array[];
}

function bytes(rng: Rng, n: number): Uint8Array {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = Math.floor(rng() * 256);
  return b;
}

/** Connects, then runs `rounds` rounds of mixed sends with the hook in front of the client's ENet. */
export function mixedTraffic(seed: number, rounds: number, hook: DatagramHook): Traffic {
  const rng = seededRandom(seed);
  const world = new SimWorld({ seed });
  const hostOn = (t: ReturnType<SimWorld['net']['createTransport']>): EnetHost =>
    new EnetHost({ peerLimit: 8, channelLimit: CHANNEL_COUNT, transport: t, clock: world.net.clock, autoService: false });
  const server = hostOn(world.net.createTransport());
  const clientTransport = world.net.createTransport();
  const client = hostOn(clientTransport);
  world.hosts.push(server, client);
  const datagrams: Uint8Array[] = [];
  const deliverToEnet = clientTransport.receive.bind(clientTransport);
  clientTransport.receive = (data: Uint8Array, from: DatagramAddress): void => {
    datagrams.push(data.slice());
    hook(data, from, (b) => deliverToEnet(b, from));
  };
  const { clientPeer, serverPeer } = world.connect(client, server, CHANNEL_COUNT);
  const received: Traffic['received'] = [];
  client.on('receive', (_peer, channel, data) => received.push({ channel, data: data.slice() }));
  const sent: SentMessage[] = [];
  let tick = 1;
  let n = 0;
  const snapshot = (size = Math.floor(rng() * 600)): Uint8Array =>
    encodeSnapshotEnvelope(
      { tick: tick++, baseTick: rng() < 0.2 ? 0 : Math.max(0, tick - 3), serverTimeMs: tick * 25, tickMs: 25, inputLeadUs: Math.floor(rng() * 5000) },
      bytes(rng, size),
    );
  const send = (channel: number, data: Uint8Array, options: SendOptions, isSnapshot: boolean, isVoice = false): void => {
    if (!serverPeer.send(channel, data, options)) throw new Error('send refused');
    sent.push({ channel, data, snapshot: isSnapshot, voice: isVoice });
  };
  // A relay as voice-plugin.ts sends it (zeros left out by the encoder).
  const relay = (): Uint8Array =>
    encodeMsg({
      voice: {
        seq: n++ & 0xffff,
        timestamp: n * 960,
        opusBytes: bytes(rng, 20 + Math.floor(rng() * 120)),
        fromPeerId: 1 + Math.floor(rng() * 3),
        attenuationQ8: rng() < 0.5 ? 0 : Math.floor(rng() * 256),
      },
    });
  const kinds: (() => void)[] = [
    () => send(CHANNEL_SNAPSHOT, snapshot(), {}, true),
    () => send(CHANNEL_SNAPSHOT, snapshot(), {}, true),
    () => send(CHANNEL_SNAPSHOT, snapshot(), {}, true),
    () => send(CHANNEL_SNAPSHOT, snapshot(), {}, true),
    () => send(CHANNEL_SNAPSHOT, encodeMsg({ clockReply: { seq: n++, t1Ms: rng() * 1e6, t2Ms: 1, t3Ms: 2 } }), {}, false),
    () => send(CHANNEL_SNAPSHOT, encodeMsg({ spectateCamera: { x: rng(), y: rng(), z: n++ } }), {}, false),
    () => send(CHANNEL_SNAPSHOT, encodeMsg({ dialogChoice: { dialogId: n++, choiceIdx: 1, fromPeerId: 2 } }), {}, false),
    () => send(CHANNEL_SNAPSHOT, snapshot(), { reliable: true }, false),
    () => send(CHANNEL_SNAPSHOT, snapshot(), { unsequenced: true }, false),
    () => send(CHANNEL_VOICE, snapshot(40), {}, false), // a snapshot's bytes, but on another channel
    () => send(CHANNEL_VOICE, encodeMsg({ voice: { seq: n++, opusBytes: bytes(rng, 80) } }), {}, false, true),
    () => send(CHANNEL_VOICE, relay(), {}, false, true),
    () => send(CHANNEL_VOICE, relay(), { reliable: true }, false), // voice, but reliable: stays
    () => send(CHANNEL_SNAPSHOT, relay(), {}, false), // voice on the snapshot channel: stays
    () => send(CHANNEL_RELIABLE, encodeMsg({ chat: { text: `chat ${n++}` } }), { reliable: true }, false),
    () => send(CHANNEL_SNAPSHOT, snapshot(BIG_SNAPSHOT_BYTES), { unreliableFragment: true }, false),
    () => send(CHANNEL_SNAPSHOT, snapshot(BIG_SNAPSHOT_BYTES), {}, false), // sent as reliable fragments
  ];
  for (let r = 0; r < rounds; r++) {
    // Half the rounds the client's reliable send reaches the server in the step that sends this
    // round's messages: its acknowledgement shares their datagram.
    if (rng() < 0.5) {
      clientPeer.send(CHANNEL_RELIABLE, encodeMsg({ chat: { text: `up ${r}` } }), { reliable: true });
      world.run(1);
    }
    const count = Math.floor(rng() * 7);
    for (let i = 0; i < count; i++) {
      const k = Math.floor(rng() * kinds.length);
      // the big ones seldom
      if (k >= kinds.length - 2 && rng() < 0.8) continue;
      kinds[k]();
    }
    world.run(1 + Math.floor(rng() * ROUND_MS));
  }
  world.run(2000, 5, () => serverPeer.sentReliableCommands.empty && serverPeer.outgoingCommands.empty && world.net.inFlight === 0);
  world.run(50);
  return { world, server, client, serverPeer, clientPeer, sent, received, datagrams };
}
