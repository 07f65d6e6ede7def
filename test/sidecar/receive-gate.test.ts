// The server's datagrams ride on the game's frames (receive-gate.ts): while frames come, the
// socket is not watched and each frame reads what waits; it is watched as usual while the
// interpolation delay is under a frame, while frames come less often than FRAME_STALE_MS, once
// the game has stopped sending frames (the heartbeat notices), and after the link closed. A fake source holds "datagrams in the OS buffer".
import { describe, expect, it } from 'vitest';
import { ReceiveGate } from '../../src/sidecar/receive-gate.js';
import { FRAME_MS, FRAME_STALE_MS } from '../../src/sidecar/sidecar.js';

/** A source whose waiting datagrams are a counter: watched, they are taken as they come. */
function rig(): { gate: ReceiveGate; switches: boolean[]; arrive: (n: number) => void; delivered: () => number; heldWhileRead: boolean[] } {
  const switches: boolean[] = [];
  const heldWhileRead: boolean[] = [];
  let watched = true,
    waiting = 0,
    delivered = 0;
  const gate = new ReceiveGate({
    setReceiving: (on) => {
      switches.push(on);
      watched = on;
      if (!on) return;
      delivered += waiting; // the event loop reads them next turn
      waiting = 0;
    },
    receiveWaiting: () => {
      heldWhileRead.push(gate.holding);
      const n = waiting;
      delivered += n;
      waiting = 0;
      return n;
    },
  });
  const arrive = (n: number): void => {
    if (watched) delivered += n;
    else waiting += n;
  };
  return { gate, switches, arrive, delivered: () => delivered, heldWhileRead };
}

describe('ReceiveGate', () => {
  it('while game frames come, datagrams wait unwatched and each frame reads them', () => {
    const r = rig();
    expect(r.gate.watched).toBe(true);
    r.gate.frame(0, true); // the first frame: how often frames come is not known yet
    expect(r.gate.watched).toBe(true);
    r.gate.frame(FRAME_MS, true);
    expect(r.gate.watched).toBe(false);
    for (let f = 2; f <= 11; f++) {
      r.arrive(2); // a snapshot and a voice packet between two frames: nobody woken
      expect(r.delivered()).toBe(2 * (f - 2));
      r.gate.frame(f * FRAME_MS, true);
      expect(r.delivered()).toBe(2 * (f - 1));
    }
    expect(r.gate.readOnFrames).toBe(20);
    expect(r.switches).toEqual([false]); // one switch, not one per frame
  });

  it('datagrams come as they arrive while the interpolation delay is under a frame', () => {
    const r = rig();
    for (let f = 0; f < 5; f++) {
      r.gate.frame(f * FRAME_MS, false);
      r.arrive(1);
      expect(r.delivered()).toBe(f + 1);
    }
    expect(r.gate.watched).toBe(true);
    expect(r.switches).toEqual([]);
    r.gate.frame(5 * FRAME_MS, true); // the delay grew past a frame: held from now on
    expect(r.gate.watched).toBe(false);
  });

  it('a game whose frames come further apart than FRAME_STALE_MS (10 Hz) gets datagrams as they come', () => {
    const r = rig();
    for (let f = 0; f < 5; f++) {
      r.gate.frame(f * 100, true);
      expect(r.gate.watched).toBe(true);
      r.arrive(5); // five voice packets between two frames: not held back 100 ms
      expect(r.delivered()).toBe(5 * (f + 1));
    }
    expect(r.switches).toEqual([]);
  });

  it('a game that stopped sending frames is noticed on the heartbeat: watched again, what waited read', () => {
    const r = rig();
    r.gate.frame(1_000 - FRAME_MS, true);
    r.gate.frame(1_000, true);
    r.arrive(3);
    r.gate.check(1_000 + FRAME_STALE_MS - 1); // still fresh
    expect(r.gate.watched).toBe(false);
    expect(r.delivered()).toBe(0);
    r.gate.check(1_000 + FRAME_STALE_MS);
    expect(r.gate.watched).toBe(true);
    expect(r.delivered()).toBe(3);
    r.arrive(1);
    expect(r.delivered()).toBe(4);
    // frames come back: unwatched again from their second one
    r.gate.frame(2_000, true);
    r.gate.frame(2_000 + FRAME_MS, true);
    expect(r.gate.watched).toBe(false);
  });

  it('after close() the socket is watched, whatever the frames say', () => {
    const r = rig();
    r.gate.frame(0, true);
    r.gate.frame(FRAME_MS, true);
    r.gate.close();
    expect(r.gate.watched).toBe(true);
    r.gate.frame(2 * FRAME_MS, true);
    expect(r.gate.watched).toBe(true);
    expect(r.switches).toEqual([false, true]);
  });

  it('paced: each paced tick reads what waits, flagged as held; once a second one tick comes as it arrives', () => {
    const r = rig();
    let t = 0;
    r.gate.pacedTick(t); // the first calibrates at once: watched until the next tick
    expect(r.gate.watched).toBe(true);
    r.arrive(1);
    expect(r.delivered()).toBe(1); // came as it arrived
    for (let k = 1; k <= 39; k++) {
      t += 25;
      r.arrive(2);
      r.gate.pacedTick(t);
      expect(r.gate.watched).toBe(false); // the next tick reads them
    }
    expect(r.delivered()).toBe(1 + 2 * 39);
    // read as held (arrival unknown) while read, and only then
    expect(r.heldWhileRead.length).toBeGreaterThan(39);
    expect(r.heldWhileRead.every((h) => h)).toBe(true);
    expect(r.gate.holding).toBe(false);
    t += 25; // a second after the last calibration
    r.gate.pacedTick(t);
    expect(r.gate.watched).toBe(true);
  });

  it('paced: while story sync waits for a message whose arrival counts, datagrams come as they arrive', () => {
    const r = rig();
    r.gate.pacedTick(0); // (calibrates: watched until the next tick)
    r.gate.pacedTick(25);
    expect(r.gate.watched).toBe(false);
    r.gate.prompt(); // a clock probe just left
    expect(r.gate.watched).toBe(true);
    r.arrive(1);
    expect(r.delivered()).toBe(1); // the reply came as it arrived
    r.gate.pacedTick(50, false); // still waiting (an open dialogue wheel): stays watched
    expect(r.gate.watched).toBe(true);
    r.gate.pacedTick(75, true); // nothing waited for: held again
    expect(r.gate.watched).toBe(false);
  });
});
