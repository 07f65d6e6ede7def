// Must show: under synthetic frame-time load the clock goes 25 → 40 → 25 ms exactly per the
// thresholds, TickRateChange is broadcast, and the clients' interpolation delay follows.
import { describe, it, expect } from 'vitest';
import { Harness, at } from './harness.js';
import { interpDelayForTick } from '../../src/protocol/constants.js';

describe('adaptive tick end to end (in-process)', () => {
  it('25 → 40 → 25 under load; every client hears TickRateChange and retunes its delay', () => {
    const h = new Harness();
    const peers = [h.add('A', at(0, 0)), h.add('B', at(10, 0)), h.add('C', at(2000, 0))];
    const seen: number[] = [];
    const load = (frameMs: number, forMs: number) => {
      const end = h.t + forMs;
      while (h.t < end) {
        h.tick(frameMs);
        seen.push(h.server.clock.currentTickMs);
      }
    };
    load(8, 2000);
    expect(h.server.clock.currentTickMs).toBe(25);
    load(30, 1500); // average climbs past 25 ms
    expect(h.server.clock.currentTickMs).toBe(40);
    load(15, 3000); // between 12 and 25: stays slow
    expect(h.server.clock.currentTickMs).toBe(40);
    load(5, 1500); // below 12 but not yet for 2 s
    expect(h.server.clock.currentTickMs).toBe(40);
    load(5, 2500);
    expect(h.server.clock.currentTickMs).toBe(25);
    for (const p of peers) {
      expect(p.events.tickRates).toEqual([
        [40, 80],
        [25, 80],
      ]);
      expect(p.client.interp.interpDelayMs).toBe(interpDelayForTick(25));
    }
    // a slow operator-set tick moves the delay (50 ms → 100 ms)
    h.server.setTickMs(50);
    h.pump();
    for (const p of peers) expect(p.client.interp.interpDelayMs).toBe(100);
    expect(new Set(seen)).toEqual(new Set([25, 40]));
  });
});
