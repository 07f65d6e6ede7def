// PlayerState.ack_tick: the server takes the snapshot ack riding in an input exactly as a
// SnapshotAck (the next snapshot's base moves; a tick never sent is a counted drop), and on its
// own: a stale input's ack still counts while its pose does not.
import { describe, it, expect } from 'vitest';
import { Harness, at, type TestPeer } from './harness.js';
import { decodeMsg, encodeMsg } from '../../src/protocol/codec.js';
import { CHANNEL_SNAPSHOT } from '../../src/protocol/constants.js';
import type { PlayerState } from '../../src/protocol/schema.gen.js';

/** One server tick; returns the base tick of the snapshot it sent the peer (undelivered). */
function tickBase(h: Harness, p: TestPeer): number {
  h.server.runTick(h.t);
  h.t += h.server.clock.currentTickMs;
  const bases = p.link.toClient.splice(0).flatMap((m) => {
    const d = decodeMsg(m.bytes);
    return d.ok && d.kind === 'snapshot' ? [d.msg.snapshot!.baseTick!] : [];
  });
  expect(bases).toHaveLength(1);
  return bases[0];
}

const input = (h: Harness, p: TestPeer, ps: PlayerState): void =>
  h.server.peerMessage(p.conn, CHANNEL_SNAPSHOT, encodeMsg({ playerState: { ...at(0, 0), ...ps } }));

/** A joined peer (acks held, so it sends none of its own) and three snapshots sent it, none acked. */
function setup(): { h: Harness; p: TestPeer; sent: number[] } {
  const h = new Harness({ seed: 5 });
  for (let i = 0; i < 6; i++) h.server.sim.addNpc(i * 8, 4);
  const p = h.add('A', at(0, 0), { ackWithInput: true });
  p.link.toClient.length = 0;
  const sent: number[] = [];
  for (let i = 0; i < 3; i++) {
    expect(tickBase(h, p)).toBe(0); // nothing acked: full snapshots
    sent.push(h.server.tick);
  }
  return { h, p, sent };
}

describe('the snapshot ack inside a PlayerState', () => {
  it('is taken as a SnapshotAck: the next snapshot is a delta against it', () => {
    const { h, p, sent } = setup();
    input(h, p, { seq: 1, x: 3, ackTick: sent[1] });
    expect(p.conn.snaps.ackedTick).toBe(sent[1]);
    expect(tickBase(h, p)).toBe(sent[1]);
    input(h, p, { seq: 2, x: 3, ackTick: sent[2] });
    expect(tickBase(h, p)).toBe(sent[2]);
    expect(h.server.world.x[p.conn.avatarId]).toBe(3); // the input itself was taken too
    expect(p.conn.dropsTotal).toBe(0);
  });

  it('ack_tick 0 is no ack', () => {
    const { h, p } = setup();
    input(h, p, { seq: 1, x: 2, ackTick: 0 });
    expect(p.conn.snaps.ackedTick).toBe(-1);
    expect(tickBase(h, p)).toBe(0);
    expect(p.conn.dropsTotal).toBe(0);
  });

  it('an ack of a tick never sent is dropped as ack_never_sent; the input still counts', () => {
    const { h, p, sent } = setup();
    input(h, p, { seq: 1, x: 7, ackTick: sent[2] + 50 });
    expect(Object.fromEntries(p.conn.drops)).toEqual({ ack_never_sent: 1 });
    expect(p.conn.snaps.ackedTick).toBe(-1);
    expect(tickBase(h, p)).toBe(0);
    expect(h.server.world.x[p.conn.avatarId]).toBe(7);
  });

  it('a stale (reordered) PlayerState still acks, and its pose is ignored', () => {
    const { h, p, sent } = setup();
    input(h, p, { seq: 5, x: 10, ackTick: sent[0] });
    // seq 4 left the client before seq 5 but arrives after it: an older pose with a newer ack
    input(h, p, { seq: 4, x: 20, ackTick: sent[2] });
    expect(p.conn.lastInputSeq).toBe(5);
    expect(h.server.world.x[p.conn.avatarId]).toBe(10);
    expect(p.conn.snaps.ackedTick).toBe(sent[2]);
    expect(tickBase(h, p)).toBe(sent[2]);
    // a duplicate of seq 5 with an older ack: harmless ('stale' ack), the newest stays
    input(h, p, { seq: 5, x: 30, ackTick: sent[0] });
    expect(p.conn.snaps.ackedTick).toBe(sent[2]);
    expect(h.server.world.x[p.conn.avatarId]).toBe(10);
    expect(p.conn.dropsTotal).toBe(0);
  });

  it('an input whose bad ack ends the peer is not applied to its despawned avatar', () => {
    const { h, p, sent } = setup();
    const avatar = p.conn.avatarId;
    let seq = 0;
    while (p.conn.inWorld && seq < 1000) input(h, p, { seq: ++seq, x: seq, ackTick: sent[2] + 99 });
    expect(seq).toBeGreaterThan(1);
    expect(p.conn.stateName).toBe('closed');
    expect(h.server.world.isAlive(avatar)).toBe(false);
    expect(h.server.world.x[avatar]).toBe(seq - 1); // the last message's pose never reached the world
  });
});
