// The server's side of the clock: a probe is answered with t2/t3 on the story clock and t1
// echoed; probe floods and nonsense reports are refused and counted; the reported bound reaches
// the dashboard's session view.
import { describe, expect, it } from 'vitest';
import { CLOCK_PROBES_MAX_PER_S } from '../../src/server/story/constants.js';
import { sessionViewOf } from '../../src/server/session-view.js';
import { StoryHarness } from './story-harness.js';

describe('ClockSync (server side of the clock)', () => {
  it("answers a probe with its receive and send times and the probe's t1", () => {
    const s = new StoryHarness();
    const v = s.add('V');
    s.h.t = 4_242;
    v.send({ clockProbe: { seq: 7, t1Ms: 12.5 } });
    expect(v.of('clockReply')).toEqual([{ seq: 7, t1Ms: 12.5, t2Ms: 4_242, t3Ms: 4_242 }]);
  });

  it('refuses probes beyond the rate and probes without t1, quietly, counted', () => {
    const s = new StoryHarness();
    const v = s.add('V');
    for (let i = 0; i < CLOCK_PROBES_MAX_PER_S + 5; i++) v.send({ clockProbe: { seq: i + 1, t1Ms: i } });
    v.send({ clockProbe: { seq: 99, t1Ms: Number.NaN } });
    expect(v.of('clockReply')).toHaveLength(CLOCK_PROBES_MAX_PER_S);
    expect(s.refusals(v)).toEqual({ 'clock/clock_flood': 5, 'clock/bad_probe': 1 });
    expect(v.of('storyRefused')).toEqual([]); // floods are not answered
    s.h.t += 1_000;
    v.send({ clockProbe: { seq: 100, t1Ms: 1 } });
    expect(v.of('clockReply')).toHaveLength(CLOCK_PROBES_MAX_PER_S + 1);
  });

  it("keeps each peer's reported bound for the dashboard; refuses nonsense", () => {
    const s = new StoryHarness();
    const [v, judy] = [s.add('V'), s.add('Judy')];
    v.send({ clockReport: { errorBoundMs: 0.75, bestRttMs: 1.5 } });
    judy.send({ clockReport: { errorBoundMs: -1, bestRttMs: 1 } });
    judy.send({ clockReport: { errorBoundMs: Number.POSITIVE_INFINITY, bestRttMs: 1 } });
    const view = sessionViewOf(s.h.server, { clockBoundOf: (id) => s.story.clockOf(id)?.errorBoundMs ?? null });
    expect(view.peers().map((p) => [p.name, p.clockBoundMs])).toEqual([
      ['V', 0.75],
      ['Judy', null],
    ]);
    expect(s.refusals(judy)).toEqual({ 'clock/bad_report': 2 });
  });
});
