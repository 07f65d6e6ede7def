// CC-1 in the sidecar, on a manual clock with a known server offset: CineStart becomes a seek to
// (server now − startTimeMs); a game that drifts (late loader, hitch) is seeked again, one that
// is in step is left alone; CineEnd stops the scene; the game's own start is reported with its
// scene time at server time, and only the owner's end is reported.
import { describe, expect, it } from 'vitest';
import { CineFollower, CINE_SEEK_TOLERANCE_MS } from '../../src/sidecar/story/cine-follower.js';
import { ServerClock } from '../../src/sidecar/story/server-clock.js';
import { CineEvent } from '../../src/protocol/schema.gen.js';
import { FakeGame, recordingSend } from './fake-game.js';

const OFFSET_MS = 70_000; // server clock − this machine's

function setup(myPeerId = 2) {
  const t = { now: 1_000 };
  const clock = new ServerClock(() => t.now);
  const p = clock.probe();
  t.now += 1;
  clock.reply({ seq: p.seq, t1Ms: p.t1Ms, t2Ms: p.t1Ms + 0.5 + OFFSET_MS, t3Ms: p.t1Ms + 0.5 + OFFSET_MS }); // exact: 0.5 ms each way
  const game = new FakeGame();
  const server = recordingSend();
  const cine = new CineFollower({ game, send: server.send, clock: () => clock, myPeerId: () => myPeerId, now: () => t.now });
  return { t, clock, game, server, cine };
}

describe('CineFollower (sidecar side of CC-1)', () => {
  it('seeks the game to server now − startTimeMs, and again only when it drifts past the tolerance', () => {
    const { t, game, cine } = setup();
    const start = t.now + OFFSET_MS - 3_000; // the scene began 3 s ago (server time)
    cine.message('cineStart', { cineStart: { sceneId: 'intro', startTimeMs: start, ownerPeerId: 1, durationMs: 10_000 } });
    expect(game.of('SeekCinematic')).toEqual([{ sceneId: 'intro', timeS: 3, localTimeMs: 1_001 }]);
    t.now += 500;
    game.emit('CinematicTime', { sceneId: 'intro', timeS: 3.5 + (CINE_SEEK_TOLERANCE_MS - 1) / 1000, localTimeMs: t.now });
    expect(game.of('SeekCinematic')).toHaveLength(1); // within tolerance: left alone
    t.now += 500;
    game.emit('CinematicTime', { sceneId: 'intro', timeS: 3.2, localTimeMs: t.now }); // loaded late: 800 ms behind
    expect(game.of('SeekCinematic')).toEqual([
      { sceneId: 'intro', timeS: 3, localTimeMs: 1_001 },
      { sceneId: 'intro', timeS: 4, localTimeMs: 2_001 },
    ]);
    expect(cine.counts.corrections).toBe(1);
    cine.message('cineEnd', { cineEnd: { sceneId: 'intro', reason: 'skipped by its owner' } });
    expect(game.of('StopCinematic')).toEqual([{ sceneId: 'intro', reason: 'skipped by its owner' }]);
    game.emit('CinematicTime', { sceneId: 'intro', timeS: 0, localTimeMs: t.now });
    expect(game.of('SeekCinematic')).toHaveLength(2); // not following any more
  });

  it("reports the game's own start at server time, and its end only when it owns the scene", () => {
    const { t, game, server, cine } = setup(2);
    game.emit('StartCinematic', { sceneId: 'intro', timeS: 0.25 });
    expect(server.sent).toEqual([{ cineReport: { sceneId: 'intro', event: CineEvent.CINE_STARTED, sceneTimeMs: 250, serverTimeMs: t.now + OFFSET_MS } }]);
    cine.message('cineStart', { cineStart: { sceneId: 'intro', startTimeMs: t.now + OFFSET_MS - 250, ownerPeerId: 2, durationMs: 10_000 } });
    game.emit('CinematicEnded', { sceneId: 'intro', skipped: true });
    expect(server.sent.at(-1)).toEqual({ cineReport: { sceneId: 'intro', event: CineEvent.CINE_SKIPPED } });
    // someone else's scene: skipping it here is not reported; the game is put back in it
    cine.message('cineStart', { cineStart: { sceneId: 'other', startTimeMs: t.now + OFFSET_MS, ownerPeerId: 3, durationMs: 10_000 } });
    const before = server.sent.length;
    game.emit('CinematicEnded', { sceneId: 'other', skipped: true });
    expect(server.sent).toHaveLength(before);
    expect(game.of('SeekCinematic').at(-1)).toEqual({ sceneId: 'other', timeS: 0, localTimeMs: t.now });
  });

  it('a CineStart before the clock is synced is seeked as soon as it is', () => {
    const t = { now: 0 };
    const clock = new ServerClock(() => t.now);
    const game = new FakeGame();
    const cine = new CineFollower({ game, send: recordingSend().send, clock: () => clock, myPeerId: () => 1, now: () => t.now });
    cine.message('cineStart', { cineStart: { sceneId: 'intro', startTimeMs: 500, ownerPeerId: 2, durationMs: 10_000 } });
    cine.pump();
    expect(game.of('SeekCinematic')).toEqual([]);
    const p = clock.probe();
    clock.reply({ seq: p.seq, t1Ms: p.t1Ms, t2Ms: 1_000, t3Ms: 1_000 }); // server time 1000 at our 0
    cine.pump();
    expect(game.of('SeekCinematic')).toEqual([{ sceneId: 'intro', timeS: 0.5, localTimeMs: 0 }]);
    cine.pump();
    expect(game.of('SeekCinematic')).toHaveLength(1);
  });
});
