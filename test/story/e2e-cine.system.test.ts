// End to end (coop-server + 3 sidecars as processes, 3 headless games): every game can ask the
// server's time and gets it within the bound it is told, whatever its own clock; a cutscene
// started by one game plays in all three in step — a game that loads late and a player who
// joins late both seek ahead — and the owner's skip ends it everywhere; an unknown scene is
// refused with its reason.
import { afterAll, describe, expect, it } from 'vitest';
import { until } from '../helpers/wait.js';
import { StoryRig, type Player } from './story-procs.js';
import { sceneTimeAt } from '../../src/sim/scene.js';
import { machineClock } from '../../src/util/clock.js';

/** Loopback: the games must agree within this (the 16.7 ms goal is measured by bench:sync on a lossy link). */
const DRIFT_BOUND_MS = 50;
const rig = new StoryRig();
afterAll(() => rig.stop());

/** Scene times (ms) of these games at one true instant. */
function sceneTimes(players: Player[]): number[] {
  const truth = machineClock.now();
  return players.map((p) => sceneTimeAt(p.host.context, truth + p.offsetMs));
}
const spread = (xs: number[]) => Math.max(...xs) - Math.min(...xs);

describe('story sync end to end: server clock and cinematic time code (CC-1)', () => {
  it('each game knows server time within its error bound, whatever its own clock says', async () => {
    await rig.startServer();
    // V's clock is 4 minutes ahead of the machine's, Judy's 20 minutes behind (and she loads scenes slowly)
    const v = await rig.join('V', 240_000.5, 0, 0);
    const judy = await rig.join('Judy', -1_200_000.25, 10, 0, { sceneLoadMs: 700 });
    for (const p of [v, judy]) {
      const r = await rig.serverTime(p);
      const truth = r.localTimeMs - p.offsetMs; // the server's story clock is the machine's
      expect(Math.abs(r.serverTimeMs - truth), `${p.name}: ${JSON.stringify(r)}`).toBeLessThanOrEqual(r.errorBoundMs + 0.01);
      expect(r.errorBoundMs).toBeLessThan(1_000); // loopback; how small depends on the machine's load
    }
  }, 120_000);

  it('a cutscene started in one game plays in all three in step; the late loader and the late joiner seek ahead', async () => {
    const [v, judy] = rig.players as [Player, Player];
    await v.act({ do: 'cinematic', sceneId: 'q001_01_victor', timeS: 0 });
    await until(() => judy.lines.some((l) => l.event === 'sceneLoading'), 'Judy loading the scene');
    await until(() => judy.lines.some((l) => l.event === 'scenePlaying'), 'Judy playing the scene');
    // She started 700 ms behind; her sidecar sees it in her CinematicTime reports and seeks her ahead.
    await until(() => Math.abs(sceneTimes([v, judy])[1]! - sceneTimes([v, judy])[0]!) < DRIFT_BOUND_MS, 'Judy in step with V', 20_000);
    expect(judy.inbound('SeekCinematic').length).toBeGreaterThanOrEqual(2);
    // Panam joins 2 s into the scene: told of it at once, her game starts it that far in.
    await new Promise((r) => setTimeout(r, 2_000));
    const panam = await rig.join('Panam', 33.3, 20, 0);
    await until(() => panam.lines.some((l) => l.event === 'scenePlaying'), 'Panam playing the scene');
    const firstSeek = panam.inbound('SeekCinematic')[0]!;
    expect(firstSeek.sceneId).toBe('q001_01_victor');
    expect(firstSeek.timeS as number).toBeGreaterThan(2);
    await until(() => !Number.isNaN(sceneTimes([panam])[0]!), 'Panam scene time');
    const samples: number[] = [];
    for (let i = 0; i < 10; i++) {
      samples.push(spread(sceneTimes([v, judy, panam])));
      await new Promise((r) => setTimeout(r, 100));
    }
    samples.sort((a, b) => a - b);
    expect(samples[5], `spreads ${samples.join(', ')}`).toBeLessThan(DRIFT_BOUND_MS);
  }, 120_000);

  it("the owner's skip ends it for everyone; a member's skip does not", async () => {
    const [v, judy, panam] = rig.players as [Player, Player, Player];
    await judy.act({ do: 'endCinematic', skipped: true });
    // Judy is not the owner: her sidecar puts her back in the scene, nobody else stops.
    await until(() => !Number.isNaN(sceneTimes([judy])[0]!), 'Judy back in the scene');
    expect(panam.lines.some((l) => l.event === 'sceneStopped')).toBe(false);
    await v.act({ do: 'endCinematic', skipped: true });
    for (const p of [judy, panam]) await until(() => p.lines.some((l) => l.event === 'sceneStopped'), `${p.name}'s scene stopped`);
    expect(judy.inbound('StopCinematic')[0]).toEqual({ sceneId: 'q001_01_victor', reason: 'skipped by its owner' });
  }, 60_000);

  it('a scene the server does not know is refused with its reason, and nobody is told to play it', async () => {
    const [v, judy] = rig.players as [Player, Player];
    await v.act({ do: 'cinematic', sceneId: 'q999_not_a_scene', timeS: 0 });
    const m = await v.sidecar.line(/server refused \(cine: unknown_scene\)/);
    expect(m[0]).toContain('unknown_scene');
    expect(judy.inbound('SeekCinematic').some((s) => s.sceneId === 'q999_not_a_scene')).toBe(false);
  }, 60_000);
});
