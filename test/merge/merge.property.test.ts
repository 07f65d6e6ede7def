import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { mergeProgress, type MergeOutcome } from '../../src/merge/merge.js';
import { mergeWithAnswers } from '../../src/merge/resolve.js';
import { itemKey, ProgressSchema, type Progress } from '../../src/merge/model.js';
import { MERGE_SCHEMA_VERSION } from '../../src/merge/constants.js';
import { derivedArb, progressArb, triadArb } from './arbitraries.js';

const RUNS = 400;
const conflictIds = (o: MergeOutcome) => new Set(o.conflicts.map((c) => c.id));
const keys = (p: Progress) => new Set(p.inventory.map(itemKey));

describe('three-way merge properties', () => {
  it('merging the result again changes nothing', () => {
    fc.assert(
      fc.property(triadArb, ([base, ours, theirs]) => {
        const first = mergeProgress({ base, ours, theirs });
        const again = mergeProgress({ base, ours: first.result, theirs });
        expect(again.result).toEqual(first.result);
        expect(again.changes).toEqual([]);
        expect(again.conflicts.map((c) => c.id)).toEqual(first.conflicts.map((c) => c.id));
      }),
      { numRuns: RUNS },
    );
  });

  it('after AcceptAll, merging again changes nothing and finds no conflict', () => {
    fc.assert(
      fc.property(triadArb, ([base, ours, theirs]) => {
        const first = mergeWithAnswers({ base, ours, theirs }, { schemaVersion: MERGE_SCHEMA_VERSION, mode: 'AcceptAll' });
        expect(first.conflicts).toEqual([]);
        const again = mergeProgress({ base, ours: first.result, theirs });
        expect(again.result).toEqual(first.result);
        expect(again.conflicts).toEqual([]);
      }),
      { numRuns: RUNS },
    );
  });

  it('absent a conflict no item is lost and no quest stage goes down', () => {
    fc.assert(
      fc.property(triadArb, ([base, ours, theirs]) => {
        const out = mergeProgress({ base, ours, theirs });
        const pending = conflictIds(out);
        const result = keys(out.result);
        for (const k of keys(ours)) if (!pending.has(`item:${k}`)) expect(result.has(k)).toBe(true);
        for (const k of keys(theirs)) if (!keys(base).has(k) && !pending.has(`item:${k}`)) expect(result.has(k)).toBe(true);
        for (const [q, s] of Object.entries(ours.quests)) if (!pending.has(`quest:${q}`)) expect(out.result.quests[q]).toBeGreaterThanOrEqual(s);
        for (const [q, s] of Object.entries(theirs.quests)) {
          if (pending.has(`quest:${q}`)) continue;
          if (base.quests[q] !== s) expect(out.result.quests[q]).toBeGreaterThanOrEqual(s); // co-op moved it: never lower
        }
        expect(ProgressSchema.safeParse(out.result).success).toBe(true);
      }),
      { numRuns: RUNS },
    );
  });

  it('XP and level never decrease, whatever the answers', () => {
    fc.assert(
      fc.property(triadArb, fc.constantFrom('AcceptAll', 'none') as fc.Arbitrary<'AcceptAll' | 'none'>, ([base, ours, theirs], mode) => {
        const out = mergeWithAnswers({ base, ours, theirs }, mode === 'AcceptAll' ? { schemaVersion: MERGE_SCHEMA_VERSION, mode } : undefined);
        expect(out.result.xp).toBe(Math.max(ours.xp, theirs.xp));
        expect(out.result.level).toBe(Math.max(ours.level, theirs.level));
      }),
      { numRuns: RUNS },
    );
  });

  it('no conflict when only one side changed a thing', () => {
    const oneSided = progressArb.chain((base) => fc.tuple(fc.constant(base), derivedArb(base), fc.boolean()));
    fc.assert(
      fc.property(oneSided, ([base, changed, coopChanged]) => {
        const out = coopChanged ? mergeProgress({ base, ours: base, theirs: changed }) : mergeProgress({ base, ours: changed, theirs: base });
        expect(out.conflicts).toEqual([]);
      }),
      { numRuns: RUNS },
    );
  });

  it('every reported conflict is a thing both sides changed, differently', () => {
    fc.assert(
      fc.property(triadArb, ([base, ours, theirs]) => {
        const find = (p: Progress, k: string) => p.inventory.find((it) => itemKey(it) === k) ?? null;
        for (const c of mergeProgress({ base, ours, theirs }).conflicts) {
          if (c.kind === 'quest') {
            expect(c.ours).not.toBe(c.theirs);
            expect(c.ours).not.toBe(base.quests[c.quest] ?? null);
            expect(c.theirs).not.toBe(base.quests[c.quest] ?? null);
          } else {
            const k = `${c.itemId}#${c.seed}`;
            expect(find(ours, k)).not.toEqual(find(base, k));
            expect(find(theirs, k)).not.toEqual(find(base, k));
            expect(find(ours, k)).not.toEqual(find(theirs, k));
          }
        }
      }),
      { numRuns: RUNS },
    );
  });
});
