// CC-1 on the server: a reported scene is validated against the catalog, stamped in server time
// and sent to the whole party; late joiners get it; only its owner ends it; it ends by itself
// when its length has passed; bad reports are refused with a reason and counted per peer.
import { describe, expect, it } from 'vitest';
import { CineEvent } from '../../src/protocol/schema.gen.js';
import { SceneCatalog } from '../../src/server/story/scene-catalog.js';
import { CINE_TIME_SLACK_MS } from '../../src/server/story/constants.js';
import { StoryHarness } from './story-harness.js';

const scenes = new SceneCatalog({ intro: 10_000, other: 5_000 });
const started = (sceneId: string, sceneTimeMs: number, serverTimeMs: number) => ({
  cineReport: { sceneId, event: CineEvent.CINE_STARTED, sceneTimeMs, serverTimeMs },
});

describe('CineDirector (server side of CC-1)', () => {
  it('stamps startTimeMs = reported server time − scene time and tells every player', () => {
    const s = new StoryHarness({ scenes });
    const [v, judy, panam] = [s.add('V'), s.add('Judy', 500, 0), s.add('Panam', 5000, 0)];
    s.h.t = 50_000;
    v.send(started('intro', 1_500, 49_990));
    for (const p of [v, judy, panam])
      expect(p.of('cineStart')).toEqual([{ sceneId: 'intro', startTimeMs: 48_490, ownerPeerId: v.conn.peerId, durationMs: 10_000 }]);
    // a second game reporting the same scene follows the running one (no second start)
    judy.send(started('intro', 0, 50_000));
    expect(judy.of('cineStart')).toHaveLength(2);
    expect(judy.of('cineStart')[1]!.startTimeMs).toBe(48_490);
    expect(panam.of('cineStart')).toHaveLength(1);
  });

  it('a late joiner is told of the running scene at once', () => {
    const s = new StoryHarness({ scenes });
    const v = s.add('V');
    s.h.t = 10_000;
    v.send(started('intro', 0, 0)); // 0: V's sidecar has no clock yet, the arrival time stands in
    const late = s.add('Late');
    expect(late.of('cineStart')).toEqual([{ sceneId: 'intro', startTimeMs: 10_000, ownerPeerId: v.conn.peerId, durationMs: 10_000 }]);
  });

  it('only the owner ends or skips it; then it ends for everyone', () => {
    const s = new StoryHarness({ scenes });
    const [v, judy] = [s.add('V'), s.add('Judy')];
    v.send(started('intro', 0, s.h.t));
    judy.send({ cineReport: { sceneId: 'intro', event: CineEvent.CINE_SKIPPED } });
    expect(judy.of('storyRefused')).toEqual([expect.objectContaining({ topic: 'cine', reason: 'not_owner' })]);
    expect(v.of('cineEnd')).toEqual([]);
    v.send({ cineReport: { sceneId: 'intro', event: CineEvent.CINE_SKIPPED } });
    for (const p of [v, judy]) expect(p.of('cineEnd')).toEqual([{ sceneId: 'intro', reason: 'skipped by its owner' }]);
    expect(s.story.cine.active.size).toBe(0);
    v.send({ cineReport: { sceneId: 'intro', event: CineEvent.CINE_ENDED } });
    expect(v.of('storyRefused').at(-1)).toEqual(expect.objectContaining({ reason: 'not_running' }));
    expect(s.refusals(judy)).toEqual({ 'cine/not_owner': 1 });
  });

  it('a scene nobody ends (its owner left) ends for everyone once its length has passed', () => {
    const s = new StoryHarness({ scenes });
    const [v, judy] = [s.add('V'), s.add('Judy')];
    v.send(started('other', 0, s.h.t));
    v.client.quit();
    s.h.pump();
    s.h.t += 5_000;
    s.h.tick();
    expect(judy.of('cineEnd')).toEqual([]);
    s.h.t += CINE_TIME_SLACK_MS + 50;
    s.h.tick();
    expect(judy.of('cineEnd')).toEqual([{ sceneId: 'other', reason: 'finished' }]);
  });

  it('refuses unknown scenes, impossible scene times, far-off server times and unknown events, counted per peer', () => {
    const s = new StoryHarness({ scenes });
    const v = s.add('V');
    s.h.t = 100_000;
    v.send(started('q999_made_up', 0, s.h.t));
    v.send(started('intro', -5, s.h.t));
    v.send(started('intro', 10_000 + CINE_TIME_SLACK_MS + 1, s.h.t));
    v.send(started('intro', Number.NaN, s.h.t));
    v.send(started('intro', 0, s.h.t + 60_000));
    v.send({ cineReport: { sceneId: 'intro', event: 9 } });
    expect(v.of('storyRefused').map((r) => r.reason)).toEqual([
      'unknown_scene',
      'bad_scene_time',
      'bad_scene_time',
      'bad_scene_time',
      'bad_server_time',
      'bad_event',
    ]);
    expect(v.of('cineStart')).toEqual([]);
    expect(s.refusals(v)).toEqual({ 'cine/unknown_scene': 1, 'cine/bad_scene_time': 3, 'cine/bad_server_time': 1, 'cine/bad_event': 1 });
  });

  it('a client sending the server-only CineStart, CineEnd or ClockReply is a counted wrong-direction drop', () => {
    const s = new StoryHarness({ scenes });
    const [v, judy] = [s.add('V'), s.add('Judy')];
    v.send({ cineStart: { sceneId: 'intro', startTimeMs: 0, ownerPeerId: 1 } });
    v.send({ cineEnd: { sceneId: 'intro', reason: 'forged' } });
    v.send({ clockReply: { seq: 1, t1Ms: 0, t2Ms: 0, t3Ms: 0 } });
    expect(v.conn.drops.get('wrong_direction')).toBe(3);
    expect(judy.got).toEqual([]);
  });
});
