import { describe, expect, it } from 'vitest';
import { mergeProgress } from '../../src/merge/merge.js';
import { mergeWithAnswers } from '../../src/merge/resolve.js';
import { MergeError } from '../../src/merge/errors.js';
import { answersFromDecisions, promptRows } from '../../src/merge/prompt.js';
import { MERGE_SCHEMA_VERSION } from '../../src/merge/constants.js';
import { item, progress } from './arbitraries.js';

const V = MERGE_SCHEMA_VERSION;

describe('merge rules', () => {
  it('a quest stage higher in co-op is taken from co-op', () => {
    const base = progress({ quests: { q1: 2 } });
    const out = mergeProgress({ base, ours: base, theirs: progress({ quests: { q1: 5 } }) });
    expect(out.result.quests.q1).toBe(5);
    expect(out.changes).toEqual([{ kind: 'quest', quest: 'q1', from: 2, to: 5 }]);
  });

  it('a quest stage lower in co-op never lowers the save', () => {
    const base = progress({ quests: { q1: 4 } });
    const out = mergeProgress({ base, ours: base, theirs: progress({ quests: { q1: 1 } }) });
    expect(out.result.quests.q1).toBe(4);
    expect(out.conflicts).toEqual([]);
  });

  it('a quest only the save moved keeps the save; one only co-op knows is added', () => {
    const base = progress({ quests: { q1: 1 } });
    const out = mergeProgress({ base, ours: progress({ quests: { q1: 3 } }), theirs: progress({ quests: { q1: 1, q9: 2 } }) });
    expect(out.result.quests).toEqual({ q1: 3, q9: 2 });
  });

  it('a quest both sides moved differently is a conflict, never guessed', () => {
    const base = progress({ quests: { q1: 1 } });
    const out = mergeProgress({ base, ours: progress({ quests: { q1: 3 } }), theirs: progress({ quests: { q1: 4 } }) });
    expect(out.conflicts).toEqual([{ kind: 'quest', id: 'quest:q1', quest: 'q1', base: 1, ours: 3, theirs: 4 }]);
    expect(out.result.quests.q1).toBe(3);
  });

  it('XP and level keep the highest of both sides', () => {
    const base = progress({ xp: 100, level: 2 });
    const out = mergeProgress({ base, ours: progress({ xp: 500, level: 3 }), theirs: progress({ xp: 900, level: 2 }) });
    expect([out.result.xp, out.result.level]).toEqual([900, 3]);
  });

  it('an item missing in the save and new in co-op is added with its details', () => {
    const gun = item('Items.Preset_Lexington', { seed: 77, quality: 'Epic', mods: ['Items.Silencer'], attrs: { damage: 31.5, iconic: true } });
    const base = progress();
    const out = mergeProgress({ base, ours: base, theirs: progress({ inventory: [gun] }) });
    expect(out.result.inventory).toEqual([gun]);
    expect(out.changes).toEqual([{ kind: 'item', itemId: gun.id, seed: 77, action: 'added', from: null, to: gun, fields: ['presence'] }]);
  });

  it('an item dropped in co-op is kept: the merge never deletes', () => {
    const jacket = item('Items.Jacket_01');
    const base = progress({ inventory: [jacket] });
    const out = mergeProgress({ base, ours: base, theirs: progress() });
    expect(out.result.inventory).toEqual([jacket]);
    expect(out.conflicts).toEqual([]);
  });

  it('an item sold in the save stays sold unless co-op changed it', () => {
    const jacket = item('Items.Jacket_01');
    const base = progress({ inventory: [jacket] });
    expect(mergeProgress({ base, ours: progress(), theirs: base }).result.inventory).toEqual([]);
    const upgraded = { ...jacket, quality: 'Rare' as const };
    const out = mergeProgress({ base, ours: progress(), theirs: progress({ inventory: [upgraded] }) });
    expect(out.conflicts.map((c) => [c.id, c.kind === 'item' && c.fields])).toEqual([['item:Items.Jacket_01#0', ['presence']]]);
  });

  it('fields changed on different sides merge without conflict', () => {
    const base = progress({ inventory: [item('Items.Gun', { seed: 3, attrs: { damage: 10 } })] });
    const ours = progress({ inventory: [item('Items.Gun', { seed: 3, mods: ['scope'], attrs: { damage: 10 } })] });
    const theirs = progress({ inventory: [item('Items.Gun', { seed: 3, attrs: { damage: 12 } })] });
    const out = mergeProgress({ base, ours, theirs });
    expect(out.conflicts).toEqual([]);
    expect(out.result.inventory).toEqual([item('Items.Gun', { seed: 3, mods: ['scope'], attrs: { damage: 12 } })]);
    expect(out.changes).toMatchObject([{ kind: 'item', action: 'updated', fields: ['attrs.damage'] }]);
  });

  it('the same field changed differently is an item conflict naming the field', () => {
    const base = progress({ inventory: [item('Items.money', { quantity: 100 })] });
    const out = mergeProgress({
      base,
      ours: progress({ inventory: [item('Items.money', { quantity: 150 })] }),
      theirs: progress({ inventory: [item('Items.money', { quantity: 40 })] }),
    });
    expect(out.conflicts).toMatchObject([{ kind: 'item', id: 'item:Items.money#0', fields: ['quantity'] }]);
    expect(out.result.inventory[0].quantity).toBe(150);
  });
});

describe('resolution', () => {
  const base = progress({ quests: { q1: 1, q2: 1 }, inventory: [item('Items.money', { quantity: 100 })] });
  const ours = progress({ quests: { q1: 3, q2: 2 }, inventory: [item('Items.money', { quantity: 150 })] });
  const theirs = progress({ quests: { q1: 4, q2: 5 }, inventory: [item('Items.money', { quantity: 40 })] });

  it('AcceptAll takes co-op on every conflict', () => {
    const out = mergeWithAnswers({ base, ours, theirs }, { schemaVersion: V, mode: 'AcceptAll' });
    expect(out.conflicts).toEqual([]);
    expect(out.resolved.map((r) => r.choice)).toEqual(['accept', 'accept', 'accept']);
    expect(out.result.quests).toEqual({ q1: 4, q2: 5 });
    expect(out.result.inventory[0].quantity).toBe(40);
  });

  it('SkipEach applies each choice and leaves unanswered ones pending', () => {
    const out = mergeWithAnswers(
      { base, ours, theirs },
      { schemaVersion: V, mode: 'SkipEach', choices: { 'quest:q1': 'accept', 'item:Items.money#0': 'skip' } },
    );
    expect(out.result.quests).toEqual({ q1: 4, q2: 2 });
    expect(out.result.inventory[0].quantity).toBe(150);
    expect(out.conflicts.map((c) => c.id)).toEqual(['quest:q2']);
  });

  it('an answer naming a conflict the merge does not have is refused', () => {
    expect(() => mergeWithAnswers({ base, ours, theirs }, { schemaVersion: V, mode: 'SkipEach', choices: { 'quest:nope': 'skip' } })).toThrow(MergeError);
  });
});

describe('merge prompt data', () => {
  const base = progress({ quests: { q1: 1 }, inventory: [item('Items.money', { quantity: 100 })] });
  const ours = progress({ quests: { q1: 3 }, inventory: [item('Items.money', { quantity: 150 })] });
  const theirs = progress({ quests: { q1: 4 }, inventory: [item('Items.money', { quantity: 40 })] });
  const { conflicts } = mergeProgress({ base, ours, theirs });

  it('lists quest and item conflicts as rows with base, save and co-op text', () => {
    expect(promptRows(conflicts)).toEqual([
      { id: 1, path: 'quest:q1', base: 'stage 1', ours: 'stage 3', theirs: 'stage 4' },
      { id: 2, path: 'item:Items.money#0', base: 'x100', ours: 'x150', theirs: 'x40' },
    ]);
  });

  it('turns decisions into answers: all accepted → AcceptAll, else SkipEach', () => {
    expect(
      answersFromDecisions(conflicts, [
        { id: 1, accept: true },
        { id: 2, accept: true },
      ]),
    ).toEqual({ schemaVersion: V, mode: 'AcceptAll' });
    const a = answersFromDecisions(conflicts, [
      { id: 1, accept: true },
      { id: 2, accept: false },
    ]);
    expect(a).toEqual({ schemaVersion: V, mode: 'SkipEach', choices: { 'quest:q1': 'accept', 'item:Items.money#0': 'skip' } });
    expect(mergeWithAnswers({ base, ours, theirs }, a).result.quests.q1).toBe(4);
    expect(() => answersFromDecisions(conflicts, [{ id: 3, accept: true }])).toThrow(MergeError);
  });
});
