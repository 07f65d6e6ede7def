// End to end (coop-server + 3 sidecars as processes, 3 headless games): V's game voices an NPC
// line at phoneme rate; Judy's and Panam's games get every mouth shape, in order, at its time
// plus the playout delay; visemes reported too late are dropped; Judy's game also moves V's
// mouth from his voice chat (visemes made from the decoded voice, no viseme packets).
import { afterAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { until } from '../helpers/wait.js';
import { StoryRig, type Player } from './story-procs.js';
import { VISEME_LATE_MAX_MS, VISEME_PLAYOUT_DELAY_MS, VisemeId } from '../../src/protocol/visemes.js';
import { makeSpeech, writeSpeechWav } from '../voice/fixtures/speech.js';

const rig = new StoryRig();
afterAll(() => rig.stop());
const LINE = [
  VisemeId.PP,
  VisemeId.aa,
  VisemeId.TH,
  VisemeId.E,
  VisemeId.FF,
  VisemeId.oh,
  VisemeId.SS,
  VisemeId.ih,
  VisemeId.nn,
  VisemeId.ou,
  VisemeId.kk,
  VisemeId.sil,
];
const plays = (p: Player, npcId: number) =>
  p.lines
    .filter((l) => l.dir === 'in' && l.type === 'VisemePlay' && (l.msg as { npcId: number }).npcId === npcId)
    .map((l) => ({ ...(l.msg as { visemeId: number; serverTimeMs: number }), truthMs: l.truthMs as number }));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

describe('story sync end to end: visemes (CC-2)', () => {
  it("an NPC line's visemes reach the other games in order and on time; late ones are dropped", async () => {
    await rig.startServer();
    const v = await rig.join('V', 90_000, 0, 0);
    const judy = await rig.join('Judy', -7_000, 3, 0);
    const panam = await rig.join('Panam', 1_234, 0, 3);
    for (const p of [v, judy, panam]) await rig.serverTime(p); // every sidecar has a clock
    // visemes reported 1.5 s late (speaker 5002), then a line on time (speaker 5001), 70 ms apart
    await v.act({ do: 'visemes', npcId: 5002, ids: [VisemeId.aa, VisemeId.oh, VisemeId.E], everyMs: 70, offsetMs: -1_500 });
    await new Promise((r) => setTimeout(r, 400));
    await v.act({ do: 'visemes', npcId: 5001, ids: LINE, everyMs: 70 });
    // the line takes 12 × 70 ms; then one batch window, the network and the playout delay
    await new Promise((r) => setTimeout(r, LINE.length * 70 + 2_000));
    for (const p of [judy, panam]) await until(() => plays(p, 5001).length >= LINE.length / 2, `${p.name} played the line`, 30_000);
    for (const p of [judy, panam]) {
      const got = plays(p, 5001);
      // in order, no repeats: what was played is the line with, at most, late ones left out
      let at = 0;
      for (const g of got) {
        at = LINE.indexOf(g.visemeId as never, at);
        expect(at, `played ${got.map((x) => x.visemeId).join(',')}`).toBeGreaterThanOrEqual(0);
        at++;
      }
      // each shown at its time + the playout delay, never early and never past the late bound
      // (the server's story clock is the machine's: truth); on a quiet machine all twelve arrive
      const lateness = got.map((g) => g.truthMs - (g.serverTimeMs + VISEME_PLAYOUT_DELAY_MS));
      expect(Math.min(...lateness), `lateness ${lateness.join(', ')}`).toBeGreaterThan(-20); // early only by the clock's error
      expect(median(lateness), `lateness ${lateness.join(', ')}`).toBeLessThan(VISEME_LATE_MAX_MS);
      expect(got.every((g, i) => i === 0 || g.serverTimeMs > got[i - 1]!.serverTimeMs)).toBe(true);
      expect(plays(p, 5002)).toEqual([]); // reported 1.5 s late: dropped
    }
    expect(plays(v, 5001)).toEqual([]); // V's own game is not sent its own line
  }, 180_000);

  it("Judy's game moves V's mouth from his voice chat", async () => {
    const [v, judy] = rig.players as [Player, Player];
    const wav = join(rig.dir, 'v-mic.wav');
    const speech = makeSpeech({ sentences: ['Wake up, samurai. We have a city to burn.'], leadMs: 200 });
    writeSpeechWav(wav, speech);
    const avatarV = judy.inbound('SpawnProxy').find((s) => s.template === 'V')!.entityId as number;
    await v.act({ do: 'mic', wav });
    await v.act({ do: 'ptt', holdMs: 2_500 });
    await until(() => new Set(plays(judy, avatarV).map((g) => g.visemeId)).size >= 3, "V's mouth moving in Judy's game", 30_000);
    const ids = new Set(plays(judy, avatarV).map((g) => g.visemeId));
    expect([...ids].filter((id) => id !== VisemeId.sil).length).toBeGreaterThanOrEqual(2); // open shapes, not just closed
    expect([...ids].every((id) => id < 15)).toBe(true);
  }, 60_000);
});
