// The sidecar's side of progress over the bridge: the game sends plain fields, the sidecar makes
// the Progress (and so the .dat) of them and back; hostile fields are refused with a reason.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  FIELDS_MAX_ATTRS,
  FIELDS_MAX_FACTS,
  FIELDS_MAX_ITEMS,
  FIELDS_MAX_MODS,
  FIELDS_MAX_NAME_CHARS,
  fieldsFromProgress,
  progressFromFields,
  type ProgressFields,
} from '../../src/sidecar/progress-fields.js';
import { decodeDat, encodeDat } from '../../src/merge/dat.js';
import type { Progress } from '../../src/merge/model.js';
import { item, progress, progressArb } from './arbitraries.js';

const WHO = { playerId: 'p1', name: 'V' };
/** What crosses exactly: quests above stage 0 (GetFact's 0 is "no such fact"), mods as records. */
const exactArb = progressArb.map((p): Progress => ({
  ...p,
  quests: Object.fromEntries(Object.entries(p.quests).filter(([, v]) => v !== 0)),
  inventory: p.inventory.map((it) => ({ ...it, mods: it.mods.map((m) => `Items.${m}`) })),
}));
const base = (): ProgressFields =>
  fieldsFromProgress(
    progress({ level: 2, xp: 10, quests: { q1: 1 }, inventory: [item('Items.Gun', { seed: 3, mods: ['Items.Scope'], attrs: { damage: 2.5 } })] }),
  );
const reasonOf = (f: ProgressFields): string => {
  const r = progressFromFields(f, WHO);
  return r.ok ? 'accepted' : r.reason;
};

describe('progress as bridge fields', () => {
  it('round trips: Progress → fields → Progress, and through the .dat', () => {
    fc.assert(
      fc.property(exactArb, (p) => {
        const r = progressFromFields(fieldsFromProgress(p), WHO);
        expect(r).toEqual({ ok: true, progress: p, qualityFolded: 0 });
        if (r.ok) expect(decodeDat(encodeDat(r.progress))).toEqual(p);
      }),
      { numRuns: 200 },
    );
  });

  it('a fact at 0 is one the game does not have: left out of the quests', () => {
    const r = progressFromFields(
      {
        ...base(),
        facts: [
          { name: 'q1', value: 0 },
          { name: 'q2', value: 4 },
        ],
      },
      WHO,
    );
    expect(r.ok && r.progress.quests).toEqual({ q2: 4 });
  });

  it("folds the game's Plus qualities to their base and anything unknown to Common, counting both", () => {
    const f = base();
    const items = ['RarePlus', 'LegendaryPlusPlus', 'Iconic', 'Epic'].map((quality, i) => ({ recordId: `Items.I${i}`, seed: i, quantity: 1, quality }));
    const r = progressFromFields({ ...f, items, mods: [], attrs: [] }, WHO);
    expect(r.ok && r.progress.inventory.map((it) => it.quality)).toEqual(['Rare', 'Legendary', 'Common', 'Epic']);
    expect(r.ok && r.qualityFolded).toBe(3);
  });

  it('refuses hostile fields with a counted reason, lengths checked before anything is walked', () => {
    const f = base();
    const many = <T>(n: number, x: T): T[] => new Array<T>(n + 1).fill(x);
    expect(reasonOf(f)).toBe('accepted');
    expect(reasonOf({ ...f, facts: many(FIELDS_MAX_FACTS, { name: 'q', value: 1 }) })).toBe('tooManyFacts');
    expect(reasonOf({ ...f, items: many(FIELDS_MAX_ITEMS, f.items[0]!) })).toBe('tooManyItems');
    expect(reasonOf({ ...f, mods: many(FIELDS_MAX_MODS, f.mods[0]!) })).toBe('tooManyMods');
    expect(reasonOf({ ...f, attrs: many(FIELDS_MAX_ATTRS, f.attrs[0]!) })).toBe('tooManyAttrs');
    expect(reasonOf({ ...f, facts: [{ name: 'q'.repeat(FIELDS_MAX_NAME_CHARS + 1), value: 1 }] })).toBe('badFactName');
    expect(reasonOf({ ...f, facts: [{ name: 'q 1; drop', value: 1 }] })).toBe('badFactName');
    const gun = f.items[0]!;
    for (const recordId of ['', 'Items', '<TDBID:8A1B2C3D:1A>', `Items.${'x'.repeat(FIELDS_MAX_NAME_CHARS)}`, 'Items..Gun'])
      expect(reasonOf({ ...f, items: [{ ...gun, recordId }] }), recordId).toBe('badRecordId');
    expect(reasonOf({ ...f, items: [{ ...gun, quantity: 0 }] })).toBe('badQuantity');
    expect(reasonOf({ ...f, mods: [{ item: 1, recordId: 'Items.Scope' }] })).toBe('badItemIndex');
    expect(reasonOf({ ...f, mods: [{ item: 0, recordId: 'scope' }] })).toBe('badRecordId');
    expect(reasonOf({ ...f, attrs: [{ item: 5, name: 'damage', kind: 0, num: 1, text: '' }] })).toBe('badItemIndex');
    expect(reasonOf({ ...f, attrs: [{ item: 0, name: 'damage', kind: 0, num: NaN, text: '' }] })).toBe('badAttr');
    expect(reasonOf({ ...f, attrs: [{ item: 0, name: 'damage', kind: 9, num: 1, text: '' }] })).toBe('badAttr');
    expect(reasonOf({ ...f, attrs: [{ item: 0, name: 'iconic', kind: 2, num: 3, text: '' }] })).toBe('badAttr');
    expect(reasonOf({ ...f, facts: [{ name: '__proto__', value: 1 }] })).toBe('badFactName');
    expect(reasonOf({ ...f, attrs: [{ item: 0, name: 'constructor', kind: 0, num: 1, text: '' }] })).toBe('badAttr');
    // The model's own rules: level range, duplicate items.
    expect(reasonOf({ ...f, level: 0 })).toBe('invalid');
    expect(reasonOf({ ...f, items: [gun, gun], mods: [], attrs: [] })).toBe('invalid');
  });
});
