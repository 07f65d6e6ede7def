// The outgoing walk's early stop (outgoing-walk.ts): once the send window is full and no
// passable command (unreliable, or reliable without data) is queued, the walk stops instead of
// skipping the rest of the queue. Seeded runs with loss, reordering, jitter (so the throttle
// drops unreliable packets), fragments and bursts that fill the send window, run twice: once
// as is and once with the passable count kept above zero during every service (the full walk).
// Every datagram either host sends must be the same, byte for byte; and the count must always
// equal a recount of the queue.
import { describe, expect, it } from 'vitest';
import { ENET_PEER_PACKET_THROTTLE_SCALE } from '../../src/net/enet/constants.js';
import { EnetHost } from '../../src/net/enet/host.js';
import { isPassable } from '../../src/net/enet/outgoing-walk.js';
import type { Peer } from '../../src/net/enet/peer.js';
import { PeerState } from '../../src/net/enet/peer-state.js';
import { SimNetwork } from '../../src/net/enet/sim-network.js';
import type { OutgoingCommand } from '../../src/net/enet/commands.js';
import { seededRandom } from '../../src/util/random.js';

/** Added to the passable count around each service in the full-walk run: it never reaches 0. */
const FULL_WALK_OFFSET = 1_000_000;
const STEPS = 2_000;
/** A fixed connect id: both runs must be the same byte for byte. */
const CONNECT_ID = 0x1234_5678;
const STEP_MS = 1;

function recountPassable(peer: Peer): number {
  let n = 0;
  const list = peer.outgoingCommands;
  for (let c = list.sentinel.next; c !== list.sentinel; c = c.next) if (isPassable(c as OutgoingCommand)) n++;
  return n;
}

/** The send window is full for the queue's first reliable packet and nothing passable is queued. */
function blocked(peer: Peer): boolean {
  if (peer.outgoingPassableCommands !== 0) return false;
  const front = peer.outgoingCommands.front();
  if (front === undefined || front.data === null) return false;
  const windowLimit = Math.max(Math.floor((peer.packetThrottle * peer.windowSize) / ENET_PEER_PACKET_THROTTLE_SCALE), peer.mtu);
  return peer.reliableDataInTransit + front.fragmentLength > windowLimit;
}

interface Outcome {
  datagrams: string[];
  blockedSteps: number;
  throttled: number;
  countMismatches: number;
}

function scenario(seed: number, fullWalk: boolean): Outcome {
  const net = new SimNetwork({ seed, latencyMs: 15, jitterMs: 30, loss: 0.05, duplicate: 0.02, reorder: 0.05, reorderDelayMs: 20 });
  const datagrams: string[] = [];
  const tap = (name: string) => {
    const t = net.createTransport();
    const send = t.send.bind(t);
    t.send = (data, to) => {
      datagrams.push(`${name}:${Buffer.from(data).toString('hex')}`);
      return send(data, to);
    };
    return t;
  };
  const server = new EnetHost({ peerLimit: 4, transport: tap('s'), clock: net.clock, autoService: false, random: () => CONNECT_ID });
  const client = new EnetHost({ peerLimit: 4, transport: tap('c'), clock: net.clock, autoService: false, random: () => CONNECT_ID });
  let serverPeer: Peer | null = null;
  server.on('connect', (p) => {
    serverPeer = p as Peer;
  });
  const clientPeer = client.connect(server.address(), 3, 0) as Peer;
  const random = seededRandom(seed * 7919);
  const out: Outcome = { datagrams, blockedSteps: 0, throttled: 0, countMismatches: 0 };
  const peers = (): Peer[] => (serverPeer === null ? [clientPeer] : [clientPeer, serverPeer]);
  const service = (host: EnetHost): void => {
    const before = peers(); // the server's peer may appear during the service
    if (fullWalk) for (const p of before) p.outgoingPassableCommands += FULL_WALK_OFFSET;
    host.service();
    if (fullWalk) for (const p of before) p.outgoingPassableCommands -= FULL_WALK_OFFSET;
  };
  for (let step = 0; step < STEPS; step++) {
    if (clientPeer.state === PeerState.CONNECTED) {
      const r = random();
      const burst = r < 0.005 ? 400 : r < 0.2 ? 2 : 0; // bursts fill the send window
      for (let i = 0; i < burst; i++) {
        const kind = random();
        const size = random() < 0.05 ? 1_500 + Math.floor(random() * 3_000) : Math.floor(random() * 200);
        const data = new Uint8Array(size).fill(step & 0xff);
        const channel = Math.floor(random() * 3);
        if (kind < 0.7) clientPeer.send(channel, data, { reliable: true });
        else if (kind < 0.9) clientPeer.send(channel, data);
        else clientPeer.send(channel, data, { unsequenced: true });
      }
      if (random() < 0.01 && serverPeer !== null) (serverPeer as Peer).send(0, new Uint8Array(8), { reliable: true });
    }
    net.clock.advance(STEP_MS);
    net.deliver();
    service(server);
    service(client);
    for (const p of peers()) if (p.outgoingPassableCommands !== recountPassable(p)) out.countMismatches++;
    if (blocked(clientPeer)) out.blockedSteps++;
  }
  out.throttled = client.stats.throttledPackets;
  client.destroy();
  server.destroy();
  return out;
}

describe('enet outgoing walk', () => {
  for (const seed of [1, 2, 3, 4]) {
    it(`sends the same datagrams as the full walk (seed ${seed})`, () => {
      const early = scenario(seed, false);
      const full = scenario(seed, true);

      expect(early.countMismatches).toBe(0);
      expect(full.countMismatches).toBe(0);
      // The run reaches the state the early stop is for, more than once.
      expect(early.blockedSteps).toBeGreaterThan(10);
      expect(early.datagrams.length).toBeGreaterThan(300);
      expect(early.datagrams.length).toBe(full.datagrams.length);
      for (let i = 0; i < early.datagrams.length; i++) {
        if (early.datagrams[i] !== full.datagrams[i]) expect.fail(`datagram ${i} differs: ${early.datagrams[i]} vs ${full.datagrams[i]}`);
      }
      expect(early.throttled).toBe(full.throttled);
    });
  }
});
