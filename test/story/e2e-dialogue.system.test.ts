// End to end (coop-server + 3 sidecars as processes, 3 headless games): V's game opens a
// dialogue wheel; the others show it read-only and one suggests; V's pick advances all three
// games to the same branch; a listener's pick, a repeated pick, an out-of-range index and a
// stale hub are refused with their reasons; when V's sidecar goes away mid-conversation Judy
// gets the wheel and her pick advances Panam.
import { afterAll, describe, expect, it } from 'vitest';
import { until } from '../helpers/wait.js';
import { StoryRig, type Player } from './story-procs.js';

const rig = new StoryRig();
afterAll(() => rig.stop());
const CHOICES = ['Deal.', 'No deal.', '[Attack]'];
const refused = (p: Player) => p.inbound('DialogueRefused').map((r) => r.reason);

describe('story sync end to end: dialogue choice (CC-3)', () => {
  it('one chooser, read-only listeners with suggestions, every game advances to the same branch; bad picks refused', async () => {
    await rig.startServer();
    const v = await rig.join('V', 0, 0, 0);
    const judy = await rig.join('Judy', 5_000, 5, 0);
    const panam = await rig.join('Panam', -5_000, 0, 5);
    // everyone knows everyone's name once the avatars are in each other's interest
    for (const p of [v, judy, panam]) await until(() => p.inbound('SpawnProxy').filter((s) => s.kind === 0).length === 2, `${p.name} sees the others`);

    await v.act({ do: 'dialogue', conversationId: 42, hubId: 1, choices: CHOICES });
    for (const p of [judy, panam]) await until(() => p.inbound('DialogueWheelRemote').length === 1, `${p.name}'s wheel`);
    expect(judy.inbound('DialogueWheelRemote')[0]).toEqual({
      conversationId: 42,
      hubId: 1,
      choices: CHOICES.map((text, index) => ({ index, text, flags: 0 })),
      chooserName: 'V',
      readOnly: true,
    });
    expect(v.inbound('DialogueWheelRemote')).toEqual([]); // V's game shows its own wheel

    await judy.act({ do: 'suggest', conversationId: 42, hubId: 1, choiceIndex: 2 });
    await until(() => v.inbound('DialogueSuggestion').length === 1, 'V sees the suggestion');
    expect(v.inbound('DialogueSuggestion')[0]).toEqual({ conversationId: 42, hubId: 1, choiceIndex: 2, fromName: 'Judy' });

    await panam.act({ do: 'pick', conversationId: 42, hubId: 1, choiceIndex: 2 }); // a listener's game picking anyway
    await until(() => refused(panam).length === 1, 'Panam refused');
    expect(refused(panam)).toEqual(['not_chooser']);

    await v.act({ do: 'pick', conversationId: 42, hubId: 1, choiceIndex: 1 });
    await v.act({ do: 'pick', conversationId: 42, hubId: 1, choiceIndex: 0 }); // a second click
    for (const p of [v, judy, panam]) await until(() => p.inbound('DialogueAdvance').length === 1, `${p.name} advanced`);
    for (const p of [v, judy, panam]) expect(p.inbound('DialogueAdvance')).toEqual([{ conversationId: 42, hubId: 1, choiceIndex: 1 }]);
    await until(() => refused(v).length === 1, 'second click refused');
    expect(refused(v)).toEqual(['already_chosen']);

    await v.act({ do: 'dialogue', conversationId: 42, hubId: 2, choices: ['Go on.', 'Bye.'] });
    await until(() => judy.inbound('DialogueWheelRemote').length === 2, 'hub 2 shown');
    await v.act({ do: 'pick', conversationId: 42, hubId: 2, choiceIndex: 7 });
    await v.act({ do: 'pick', conversationId: 42, hubId: 1, choiceIndex: 0 });
    await until(() => refused(v).length === 3, 'bad picks refused');
    expect(refused(v).slice(1)).toEqual(['bad_index', 'stale_hub']);
    expect(await v.sidecar.line(/server refused \(dialog: stale_hub\)/)).toBeTruthy();
    for (const p of [v, judy, panam]) expect(p.inbound('DialogueAdvance')).toHaveLength(1); // nothing advanced
  }, 180_000);

  it('when the chooser leaves mid-conversation the lowest remaining peer gets the wheel, and her pick advances the rest', async () => {
    const [v, judy, panam] = rig.players as [Player, Player, Player];
    v.sidecar.child.kill('SIGINT');
    await until(() => judy.inbound('DialogueWheelRemote').length === 3, 'Judy handed the wheel');
    expect(judy.inbound('DialogueWheelRemote')[2]).toEqual(expect.objectContaining({ conversationId: 42, hubId: 2, readOnly: false }));
    expect(panam.inbound('DialogueWheelRemote').at(-1)).toEqual(expect.objectContaining({ hubId: 2, readOnly: true, chooserName: 'Judy' }));
    await judy.act({ do: 'pick', conversationId: 42, hubId: 2, choiceIndex: 0 });
    for (const p of [judy, panam]) await until(() => p.inbound('DialogueAdvance').length === 2, `${p.name} advanced on hub 2`);
    expect(panam.inbound('DialogueAdvance')[1]).toEqual({ conversationId: 42, hubId: 2, choiceIndex: 0 });
  }, 60_000);
});
