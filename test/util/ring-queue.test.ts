import { describe, expect, it } from 'vitest';
import { RingQueue } from '../../src/util/ring-queue.js';

function drain<T>(q: RingQueue<T>): T[] {
  const out: T[] = [];
  for (let x = q.shift(); x !== undefined; x = q.shift()) out.push(x);
  return out;
}

describe('RingQueue', () => {
  it('is first in, first out across many wraps of the ring', () => {
    const q = new RingQueue<number>();
    const model: number[] = [];
    let next = 0;
    for (let round = 0; round < 50; round++) {
      for (let k = 0; k < 11; k++) {
        q.push(next);
        model.push(next++);
      }
      for (let k = 0; k < 9; k++) expect(q.shift()).toBe(model.shift());
      expect(q.length).toBe(model.length);
    }
    expect(drain(q)).toEqual(model);
    expect(q.shift()).toBeUndefined();
  });

  it('grows while wrapped without losing or reordering items', () => {
    const q = new RingQueue<string>();
    for (let i = 0; i < 14; i++) q.push(`a${i}`);
    for (let i = 0; i < 12; i++) q.shift(); // head near the end of 16 slots
    const expected = ['a12', 'a13'];
    for (let i = 0; i < 100; i++) {
      q.push(`b${i}`);
      expected.push(`b${i}`);
    }
    expect(q.length).toBe(102);
    expect(drain(q)).toEqual(expected);
  });

  it('removes one item from the middle of a wrapped ring, keeping the order of the rest', () => {
    const q = new RingQueue<number>();
    for (let i = 0; i < 15; i++) q.push(i);
    for (let i = 0; i < 10; i++) q.shift();
    for (let i = 15; i < 22; i++) q.push(i); // 10..21, wrapped
    expect(q.remove(16)).toBe(true);
    expect(q.remove(99)).toBe(false);
    expect(q.length).toBe(11);
    expect(drain(q)).toEqual([10, 11, 12, 13, 14, 15, 17, 18, 19, 20, 21]);
  });

  it('is empty after clear and usable again', () => {
    const q = new RingQueue<number>();
    q.push(1);
    q.push(2);
    q.clear();
    expect(q.length).toBe(0);
    expect(q.shift()).toBeUndefined();
    q.push(3);
    expect(drain(q)).toEqual([3]);
  });
});
