import { describe, expect, it } from 'vitest';
import { AckQueue } from '../../src/net/enet/ack-queue.js';

type Ack = [channelID: number, sequence: number, command: number, sentTime: number];

function contents(q: AckQueue): Ack[] {
  const out: Ack[] = [];
  for (let n = 0; n < q.length; n++) out.push([q.channelID(n), q.reliableSequenceNumber(n), q.commandNumber(n), q.sentTime(n)]);
  return out;
}

/** A distinct acknowledgement for every i, using each field's whole range. */
function ack(i: number): Ack {
  return [(i * 7) & 0xff, (0xfff0 + i) & 0xffff, (i % 12) + 1, (i * 1031) & 0xffff];
}

describe('AckQueue (ring of acknowledgements owed)', () => {
  it('keeps order and every field across the ring wrap', () => {
    const q = new AckQueue();
    const model: Ack[] = [];
    // Push 50, send 40, repeatedly: the head walks round the 64-slot ring many times.
    for (let round = 0, i = 0; round < 20; round++) {
      for (let k = 0; k < 50; k++, i++) {
        q.push(...ack(i));
        model.push(ack(i));
      }
      q.dropFront(40);
      model.splice(0, 40);
      expect(contents(q)).toEqual(model);
    }
    expect(q.length).toBe(model.length);
  });

  it('grows while wrapped without losing or reordering any', () => {
    const q = new AckQueue();
    for (let i = 0; i < 60; i++) q.push(...ack(i));
    q.dropFront(50); // head near the end of the ring
    const model: Ack[] = [];
    for (let i = 50; i < 60; i++) model.push(ack(i));
    for (let i = 60; i < 1000; i++) {
      q.push(...ack(i));
      model.push(ack(i));
    }
    expect(contents(q)).toEqual(model);
  });

  it('drops no more than it holds, and clears', () => {
    const q = new AckQueue();
    q.push(...ack(1));
    q.push(...ack(2));
    q.dropFront(5);
    expect(q.length).toBe(0);
    q.push(...ack(3));
    expect(contents(q)).toEqual([ack(3)]);
    q.clear();
    expect(q.length).toBe(0);
    expect(contents(q)).toEqual([]);
  });
});
