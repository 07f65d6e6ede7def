// ackWithInput: the sidecar holds a snapshot's ack for its next input so both leave in one
// datagram (one UDP send a snapshot fewer); with the game quiet the ack goes with the snapshot.
import { describe, expect, it } from 'vitest';
import { Harness, at, type TestPeer } from '../server/harness.js';
import { decodeMsg } from '../../src/protocol/codec.js';
import { Sidecar, FRAME_STALE_MS, type GameLink, type Transform } from '../../src/sidecar/sidecar.js';

/** One server tick delivered to the client, its answers left in toServer (not yet delivered). */
function tickToClient(h: Harness, p: TestPeer): void {
  h.server.runTick(h.t);
  for (const m of p.link.toClient.splice(0)) p.client.receive(m.bytes);
  h.t += h.server.clock.currentTickMs;
}

const kinds = (p: TestPeer): string[] => p.toServer.map((m) => (decodeMsg(m.bytes) as { kind: string }).kind);
const ackTicks = (p: TestPeer): number[] =>
  p.toServer.map((m) => decodeMsg(m.bytes)).flatMap((d) => (d.ok && d.kind === 'snapshotAck' ? [d.msg.snapshotAck!.tick!] : []));

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
  it('by default the ack leaves with the snapshot; with ackWithInput it waits for the next input, newest tick only', () => {
    const h = new Harness();
    const plain = h.add('plain', at(0, 0));
    const held = h.add('held', at(5, 0), { ackWithInput: true });
    h.pump();
    plain.toServer.length = 0;
    held.toServer.length = 0;
    tickToClient(h, plain);
    expect(kinds(plain)).toContain('snapshotAck');
    tickToClient(h, held);
    tickToClient(h, held);
    expect(kinds(held)).not.toContain('snapshotAck');
    held.client.sendPlayerState({ x: 5, y: 0, z: 0, yaw: 0, vx: 0, vy: 0, vz: 0, mode: 0 });
    expect(kinds(held)).toEqual(['playerState', 'snapshotAck']);
    expect(ackTicks(held)).toEqual([held.client.receiver.newestTick]);
    held.client.sendPlayerState({ x: 5, y: 0, z: 0, yaw: 0, vx: 0, vy: 0, vz: 0, mode: 0 });
    expect(ackTicks(held)).toHaveLength(1); // nothing new to ack
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
