// fast-check arbitraries and small builders for the merge tests.
import fc from 'fast-check';
import { MERGE_SCHEMA_VERSION } from '../../src/merge/constants.js';
import { QUALITIES, type ItemSnap, type Progress, type QuestStageMap, type SessionFile } from '../../src/merge/model.js';

export function item(id: string, over: Partial<ItemSnap> = {}): ItemSnap {
  return { id, seed: 0, quantity: 1, quality: 'Common', mods: [], attrs: {}, ...over };
}

export function progress(over: Partial<Progress> = {}): Progress {
  return { schemaVersion: MERGE_SCHEMA_VERSION, playerId: 'p1', name: 'V', level: 1, xp: 0, quests: {}, inventory: [], ...over };
}

export function sessionOf(players: { id: string; base: Progress; coop: Progress }[], quests: QuestStageMap, sessionId = 's1'): SessionFile {
  const at = '2026-11-25T12:00:00.000Z';
  return {
    schemaVersion: MERGE_SCHEMA_VERSION,
    sessionId,
    startedAt: at,
    savedAt: at,
    seq: 1,
    reason: 'shutdown',
    party: players.map((p) => ({ playerId: p.id, name: p.coop.name, level: p.coop.level, xp: p.coop.xp, joinedAt: at })),
    quests,
    inventories: Object.fromEntries(players.map((p) => [p.id, p.coop.inventory])),
    baselines: Object.fromEntries(players.map((p) => [p.id, p.base])),
  };
}

// Small pools so that the three sides often touch the same quests and items.
const QUEST_NAMES = ['q001_intro', 'q003_maelstrom', 'q101_resurrection', 'sq021_sickness', 'mq_side'];
const ITEM_IDS = ['Items.money', 'Items.Preset_Lexington', 'Items.Jacket_01', 'Items.Ammo_Handgun'];

const questMapArb: fc.Arbitrary<QuestStageMap> = fc
  .subarray(QUEST_NAMES)
  .chain((names) => fc.tuple(...names.map(() => fc.integer({ min: 0, max: 6 }))).map((st) => Object.fromEntries(names.map((n, i) => [n, st[i]]))));

const attrsArb = fc.dictionary(fc.constantFrom('damage', 'iconic', 'tag'), fc.oneof(fc.integer({ min: 0, max: 3 }), fc.boolean(), fc.constantFrom('a', 'b')), {
  maxKeys: 3,
});

const itemArb = (id: string, seed: number): fc.Arbitrary<ItemSnap> =>
  fc.record({
    id: fc.constant(id),
    seed: fc.constant(seed),
    quantity: fc.integer({ min: 1, max: 4 }),
    quality: fc.constantFrom(...QUALITIES.slice(0, 3)),
    mods: fc.subarray(['mod_a', 'mod_b']),
    attrs: attrsArb,
  });

const inventoryArb: fc.Arbitrary<ItemSnap[]> = fc
  .subarray(ITEM_IDS.flatMap((id) => [0, 7].map((seed) => [id, seed] as const)))
  .chain((keys) => (keys.length === 0 ? fc.constant([]) : fc.tuple(...keys.map(([id, seed]) => itemArb(id, seed)))));

export const progressArb: fc.Arbitrary<Progress> = fc.record({
  schemaVersion: fc.constant(MERGE_SCHEMA_VERSION),
  playerId: fc.constant('p1'),
  name: fc.constant('V'),
  level: fc.integer({ min: 1, max: 50 }),
  xp: fc.integer({ min: 0, max: 100_000 }),
  quests: questMapArb,
  inventory: inventoryArb,
});

/** Mutates a progress a little: some quests moved, some items changed, added or dropped. */
export function derivedArb(from: Progress): fc.Arbitrary<Progress> {
  return fc
    .record({
      other: progressArb,
      keepQuest: fc.array(fc.boolean(), { minLength: 5, maxLength: 5 }),
      keepItem: fc.array(fc.boolean(), { minLength: 8, maxLength: 8 }),
      keepXp: fc.boolean(),
    })
    .map(({ other, keepQuest, keepItem, keepXp }) => {
      const quests: QuestStageMap = {};
      QUEST_NAMES.forEach((q, i) => {
        const src = keepQuest[i] ? from.quests : other.quests;
        if (Object.hasOwn(src, q)) quests[q] = src[q];
      });
      const key = (it: ItemSnap) => `${it.id}#${it.seed}`;
      const all = ITEM_IDS.flatMap((id) => [0, 7].map((seed) => `${id}#${seed}`));
      const inventory: ItemSnap[] = [];
      all.forEach((k, i) => {
        const src = keepItem[i] ? from.inventory : other.inventory;
        const it = src.find((x) => key(x) === k);
        if (it) inventory.push(it);
      });
      return { ...from, xp: keepXp ? from.xp : other.xp, level: keepXp ? from.level : other.level, quests, inventory };
    });
}

/** base, ours, theirs where ours and theirs are both derived from base (as in a real session). */
export const triadArb = progressArb.chain((base) => fc.tuple(fc.constant(base), derivedArb(base), derivedArb(base)));
