// Half-open CONNECTs (our VERIFY_CONNECT never acknowledged) at the ENet level, on the simulated
// network: without bounds a few hundred of them take every peer slot and a genuine client cannot
// connect; with the bounds (half-open.ts) the oldest half-open peer is evicted, counted, and the
// genuine client connects while the flood is still coming.
import { describe, expect, it } from 'vitest';
import { EnetHost } from '../../src/net/enet/host.js';
import { PeerState } from '../../src/net/enet/peer-state.js';
import type { HalfOpenEviction } from '../../src/net/enet/half-open.js';
import { SimWorld } from './harness.js';

const ATTACK_ADDRESSES = 30;
const CONNECTS_PER_ADDRESS = 10;
const PEER_LIMIT = 10;

/** Hosts that send CONNECTs and are never serviced again: they never acknowledge anything. */
function halfOpenFlood(w: SimWorld, server: EnetHost): void {
  for (let a = 0; a < ATTACK_ADDRESSES; a++) {
    const attacker = new EnetHost({
      transport: w.net.createTransport({ address: `10.9.0.${a + 2}`, port: 4000 }),
      clock: w.net.clock,
      autoService: false,
      peerLimit: CONNECTS_PER_ADDRESS,
    });
    for (let i = 0; i < CONNECTS_PER_ADDRESS; i++) attacker.connect(server.address(), 2);
    attacker.flush();
  }
}

function halfOpenOf(server: EnetHost): { total: number; maxPerAddress: number } {
  const per = new Map<string, number>();
  for (const p of server.slots) if (p.state === PeerState.ACKNOWLEDGING_CONNECT) per.set(p.address.address, (per.get(p.address.address) ?? 0) + 1);
  return { total: [...per.values()].reduce((a, b) => a + b, 0), maxPerAddress: Math.max(0, ...per.values()) };
}

function genuineJoin(w: SimWorld, server: EnetHost, budgetMs: number): boolean {
  const client = w.host({ peerLimit: 1 });
  let up = false;
  client.on('connect', () => {
    up = true;
  });
  client.connect(server.address(), 2);
  w.run(budgetMs, 1, () => up);
  return up;
}

describe('ENet half-open connections', () => {
  it('without bounds (plain ENet), 300 half-open CONNECTs lock a genuine client out: the problem', () => {
    const w = new SimWorld({ seed: 7, latencyMs: 5 });
    const server = w.host({ peerLimit: PEER_LIMIT, halfOpen: false });
    halfOpenFlood(w, server);
    w.run(20);
    expect(halfOpenOf(server).total).toBe(PEER_LIMIT);
    expect(genuineJoin(w, server, 2000)).toBe(false);
  });

  it('with the bounds, the oldest half-open peer is evicted and the genuine client connects during the flood', () => {
    const w = new SimWorld({ seed: 7, latencyMs: 5 });
    const evictions: HalfOpenEviction[] = [];
    const server = w.host({ peerLimit: PEER_LIMIT, halfOpen: { perAddress: 2, total: 4 }, onHalfOpenEvicted: (_a, why) => evictions.push(why) });
    halfOpenFlood(w, server);
    w.run(20);
    const held = halfOpenOf(server);
    expect(held.total).toBe(4);
    expect(held.maxPerAddress).toBeLessThanOrEqual(2);
    halfOpenFlood(w, server); // a second wave arrives as the player connects
    expect(genuineJoin(w, server, 2000)).toBe(true);
    expect(halfOpenOf(server).total).toBeGreaterThan(0); // the flood is still held while the client got in
    expect(server.halfOpenEvictions).toBe(evictions.length);
    expect(evictions).toContain('per_address');
    expect(evictions).toContain('total');
  });

  it('a full host evicts a half-open peer, never a connected one; a repeated CONNECT evicts nothing', () => {
    const w = new SimWorld({ seed: 3, latencyMs: 5 });
    const server = w.host({ peerLimit: 3, halfOpen: { perAddress: 4, total: 4 } });
    expect(genuineJoin(w, server, 2000)).toBe(true);
    expect(genuineJoin(w, server, 2000)).toBe(true);
    halfOpenFlood(w, server);
    w.run(20);
    expect(server.slots.filter((p) => p.state === PeerState.CONNECTED)).toHaveLength(2);
    expect(halfOpenOf(server).total).toBe(1);
    expect(genuineJoin(w, server, 2000)).toBe(true); // took the half-open peer's slot
    w.run(50); // the server side is up once it has our acknowledgement of its VERIFY_CONNECT
    expect(server.slots.filter((p) => p.state === PeerState.CONNECTED)).toHaveLength(3);

    const quiet = w.host({ peerLimit: 2, halfOpen: { perAddress: 1, total: 1 } });
    const before = quiet.halfOpenEvictions;
    const lone = new EnetHost({ transport: w.net.createTransport({ address: '10.9.9.9', port: 1 }), clock: w.net.clock, autoService: false, peerLimit: 1 });
    lone.connect(quiet.address(), 2);
    lone.flush();
    w.run(3000); // our VERIFY_CONNECT is resent; the lone CONNECT is not; nothing to evict
    expect(quiet.halfOpenEvictions).toBe(before);
  });
});
