// ackWithInput: the sidecar holds a snapshot's ack for its next input, which carries it in its
// ack_tick (one message and one UDP send a snapshot fewer); with the game quiet the ack goes on
// its own (SnapshotAck) with the snapshot.
import { describe, expect, it } from 'vitest';
import { Harness, at, type TestPeer } from '../server/harness.js';
import { decodeMsg } from '../../src/protocol/codec.js';
import { Sidecar, FRAME_STALE_MS } from '../../src/sidecar/sidecar.js';
import type { GameLink, Transform } from '../../src/sidecar/game-link.js';

/** One server tick delivered to the client, its answers left in toServer (not yet delivered). */
function tickToClient(h: Harness, p: TestPeer): void {
  h.server.runTick(h.t);
  for (const m of p.link.toClient.splice(0)) p.client.receive(m.bytes);
  h.t += h.server.clock.currentTickMs;
}

const kinds = (p: TestPeer): string[] => p.toServer.map((m) => (decodeMsg(m.bytes) as { kind: string }).kind);
/** The standalone SnapshotAcks the client sent. */
const ackTicks = (p: TestPeer): number[] =>
  p.toServer.map((m) => decodeMsg(m.bytes)).flatMap((d) => (d.ok && d.kind === 'snapshotAck' ? [d.msg.snapshotAck!.tick!] : []));
/** The ack_tick of each PlayerState the client sent (0: none). */
const inputAcks = (p: TestPeer): number[] =>
  p.toServer.map((m) => decodeMsg(m.bytes)).flatMap((d) => (d.ok && d.kind === 'playerState' ? [d.msg.playerState!.ackTick!] : []));
const STILL = { x: 5, y: 0, z: 0, yaw: 0, vx: 0, vy: 0, vz: 0, mode: 0 };

class QuietGame implements GameLink {
  cb: ((t: Transform) => void) | null = null;
  onPlayerTransform(cb: (t: Transform) => void) {
    this.cb = cb;
  }
  spawn() {}
  despawn() {}
  entityStates() {
    return true;
  }
  interpDelay() {}
  notify() {}
}

describe('snapshot ack with the next input', () => {
  it('by default the ack leaves with the snapshot; with ackWithInput it rides in the next input, newest tick only', () => {
    const h = new Harness();
    const plain = h.add('plain', at(0, 0));
    const held = h.add('held', at(5, 0), { ackWithInput: true });
    h.pump();
    plain.toServer.length = 0;
    held.toServer.length = 0;
    tickToClient(h, plain);
    expect(kinds(plain)).toContain('snapshotAck');
    plain.client.sendPlayerState(STILL);
    expect(inputAcks(plain)).toEqual([0]); // acked already: nothing rides in the input
    tickToClient(h, held);
    tickToClient(h, held);
    expect(kinds(held)).toEqual([]);
    const newest = held.client.receiver.newestTick;
    held.client.sendPlayerState(STILL);
    // One message: the input, with the newest tick's ack inside; no SnapshotAck beside it.
    expect(held.toServer).toHaveLength(1);
    expect(kinds(held)).toEqual(['playerState']);
    expect(inputAcks(held)).toEqual([newest]);
    held.client.sendPlayerState(STILL);
    expect(inputAcks(held)).toEqual([newest, 0]); // nothing new to ack
    expect(ackTicks(held)).toEqual([]);
    // The server learns the ack from the input: its next snapshot is a delta against that tick.
    h.pump();
    expect(held.conn.snaps.ackedTick).toBe(newest);
    h.server.runTick(h.t);
    const bases = held.link.toClient.flatMap((m) => {
      const d = decodeMsg(m.bytes);
      return d.ok && d.kind === 'snapshot' ? [d.msg.snapshot!.baseTick] : [];
    });
    expect(bases).toEqual([newest]);
  });

  it('flushAck sends the held ack on its own, once, and the next input carries none', () => {
    const h = new Harness();
    const p = h.add('v', at(0, 0), { ackWithInput: true });
    h.pump();
    p.toServer.length = 0;
    tickToClient(h, p);
    p.client.flushAck();
    expect(kinds(p)).toEqual(['snapshotAck']);
    expect(ackTicks(p)).toEqual([p.client.receiver.newestTick]);
    p.client.flushAck();
    p.client.sendPlayerState(STILL);
    expect(kinds(p)).toEqual(['snapshotAck', 'playerState']);
    expect(inputAcks(p)).toEqual([0]);
  });

  it('the sidecar flushes the held ack at once when the game has not reported for a while', () => {
    const h = new Harness();
    const p = h.add('v', at(0, 0), { ackWithInput: true });
    const game = new QuietGame();
    const sidecar = new Sidecar(game, p.client, () => h.t);
    h.pump();
    p.toServer.length = 0;
    // The game reports, then a snapshot comes within a frame: the ack waits for the next report.
    game.cb!({ pos: { x: 0, y: 0, z: 0 }, rot: { x: 0, y: 0, z: 0, w: 1 }, vel: { x: 0, y: 0, z: 0 } });
    tickToClient(h, p);
    h.t -= h.server.clock.currentTickMs - 1; // the snapshot arrived 1 ms after the report
    sidecar.snapshotArrived();
    expect(ackTicks(p)).toEqual([]);
    // The game goes quiet: the next snapshot's ack leaves at once.
    h.t += FRAME_STALE_MS + 5;
    tickToClient(h, p);
    sidecar.snapshotArrived();
    expect(ackTicks(p)).toEqual([p.client.receiver.newestTick]);
  });
});
