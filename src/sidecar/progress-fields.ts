// Progress over the bridge as plain fields (ProgressData / ApplyProgress), the .dat on this side:
// the game script reads level, XP, quest facts and the inventory through its own API and has no
// protobuf encoder, so the sidecar builds the src/merge Progress (and so the .dat) from the fields
// and back. What the game sends is untrusted: every list is length-checked before it is walked,
// every name against a pattern, and a refused export says why (a counted reason).
import type { ProgressData, ProgressItem, ProgressItemAttr } from '../../bridge/index.js';
import { ProgressSchema, QUALITIES, MERGE_SCHEMA_VERSION, type AttrValue, type ItemSnap, type Progress } from '../merge/index.js';

/** The fields both ProgressData and ApplyProgress carry. */
export type ProgressFields = Omit<ProgressData, 'requestId'>;

/** List limits, checked before anything is walked: one export must fit a bridge frame. */
export const FIELDS_MAX_FACTS = 20_000;
export const FIELDS_MAX_ITEMS = 20_000;
export const FIELDS_MAX_MODS = 20_000;
export const FIELDS_MAX_ATTRS = 20_000;
/** Longest fact name, record id or attribute name (characters), as the model's names. */
export const FIELDS_MAX_NAME_CHARS = 256;
/** A quest fact: what GetFact/SetFact take as a CName. */
export const FACT_NAME_PATTERN = /^[A-Za-z0-9_.:-]+$/;
/**
 * A TweakDB record path as TDBID.ToStringDEBUG prints it ("Items.Preset_Lexington"); its
 * unnamed form ("<TDBID:...>", when the game has no names loaded) does not match and is refused.
 */
export const RECORD_ID_PATTERN = /^[A-Za-z0-9_]+(\.[A-Za-z0-9_]+)+$/;
/** ProgressItemAttr.kind. */
export const ATTR_KIND = { number: 0, text: 1, flag: 2 } as const;

export const FIELD_REFUSALS = [
  'tooManyFacts',
  'tooManyItems',
  'tooManyMods',
  'tooManyAttrs',
  'badFactName',
  'badRecordId',
  'badQuantity',
  'badItemIndex',
  'badAttr',
  'invalid',
] as const;
export type FieldRefusal = (typeof FIELD_REFUSALS)[number];
export type RefusalCounts = Record<FieldRefusal, number>;
export const newRefusalCounts = (): RefusalCounts => Object.fromEntries(FIELD_REFUSALS.map((r) => [r, 0])) as RefusalCounts;

export type FromFields = { ok: true; progress: Progress; qualityFolded: number } | { ok: false; reason: FieldRefusal; detail: string };

type Quality = (typeof QUALITIES)[number];
const isQuality = (q: string): q is Quality => (QUALITIES as readonly string[]).includes(q);
/**
 * The game's gamedataQuality has "Plus" steps (RarePlus, LegendaryPlusPlus) the model has not:
 * they fold to their base; anything else (Iconic, Random, Invalid) becomes Common, counted.
 */
function foldQuality(q: string): { quality: Quality; folded: boolean } {
  const base = q.replace(/(Plus)+$/, '');
  return isQuality(base) ? { quality: base, folded: base !== q } : { quality: 'Common', folded: true };
}

/** Names that would reach an object's prototype as record keys (the model refuses them too). */
const RESERVED_NAMES = new Set(['__proto__', 'constructor', 'prototype']);
const goodName = (s: string, re: RegExp): boolean => s.length > 0 && s.length <= FIELDS_MAX_NAME_CHARS && re.test(s) && !RESERVED_NAMES.has(s);

function attrValue(a: ProgressItemAttr): AttrValue | undefined {
  if (a.kind === ATTR_KIND.number) return Number.isFinite(a.num) ? a.num : undefined;
  if (a.kind === ATTR_KIND.text) return a.text.length <= FIELDS_MAX_NAME_CHARS ? a.text : undefined;
  if (a.kind === ATTR_KIND.flag) return a.num === 1 ? true : a.num === 0 ? false : undefined;
  return undefined;
}

const refuse = (reason: FieldRefusal, detail: string): FromFields => ({ ok: false, reason, detail });

/**
 * The game's export as a Progress of this player. A fact at 0 is one the game does not have
 * (GetFact answers 0 for an unknown fact), so it is left out of the quests.
 */
export function progressFromFields(f: ProgressFields, who: { playerId: string; name: string }): FromFields {
  if (f.facts.length > FIELDS_MAX_FACTS) return refuse('tooManyFacts', `${f.facts.length} facts (at most ${FIELDS_MAX_FACTS})`);
  if (f.items.length > FIELDS_MAX_ITEMS) return refuse('tooManyItems', `${f.items.length} items (at most ${FIELDS_MAX_ITEMS})`);
  if (f.mods.length > FIELDS_MAX_MODS) return refuse('tooManyMods', `${f.mods.length} mods (at most ${FIELDS_MAX_MODS})`);
  if (f.attrs.length > FIELDS_MAX_ATTRS) return refuse('tooManyAttrs', `${f.attrs.length} attributes (at most ${FIELDS_MAX_ATTRS})`);
  const quests = new Map<string, number>();
  for (const fact of f.facts) {
    if (!goodName(fact.name, FACT_NAME_PATTERN)) return refuse('badFactName', `fact name ${JSON.stringify(fact.name.slice(0, 64))}`);
    if (fact.value !== 0) quests.set(fact.name, fact.value);
  }
  let qualityFolded = 0;
  const inventory: ItemSnap[] = [];
  const attrs: Map<string, AttrValue>[] = [];
  for (const it of f.items) {
    if (!goodName(it.recordId, RECORD_ID_PATTERN)) return refuse('badRecordId', `record id ${JSON.stringify(it.recordId.slice(0, 64))}`);
    if (it.quantity < 1) return refuse('badQuantity', `${it.recordId} has quantity ${it.quantity}`);
    const q = foldQuality(it.quality);
    if (q.folded) qualityFolded++;
    inventory.push({ id: it.recordId, seed: it.seed, quantity: it.quantity, quality: q.quality, mods: [], attrs: {} });
    attrs.push(new Map());
  }
  for (const m of f.mods) {
    const item = inventory[m.item];
    if (!item) return refuse('badItemIndex', `mod of item ${m.item} (${inventory.length} items)`);
    if (!goodName(m.recordId, RECORD_ID_PATTERN)) return refuse('badRecordId', `mod ${JSON.stringify(m.recordId.slice(0, 64))}`);
    item.mods.push(m.recordId);
  }
  for (const a of f.attrs) {
    const item = attrs[a.item];
    if (!item) return refuse('badItemIndex', `attribute of item ${a.item} (${inventory.length} items)`);
    const v = attrValue(a);
    if (v === undefined || !goodName(a.name, FACT_NAME_PATTERN)) return refuse('badAttr', `attribute ${JSON.stringify(a.name.slice(0, 64))} of kind ${a.kind}`);
    item.set(a.name, v);
  }
  // The model's own rules (level range, per-item limits, duplicate items, reserved names).
  for (const [i, it] of inventory.entries()) it.attrs = Object.fromEntries(attrs[i] ?? []);
  const progress = { schemaVersion: MERGE_SCHEMA_VERSION, ...who, level: f.level, xp: f.xp, quests: Object.fromEntries(quests), inventory };
  const parsed = ProgressSchema.safeParse(progress);
  if (!parsed.success) return refuse('invalid', parsed.error.issues[0]?.message ?? 'not a valid progress');
  return { ok: true, progress: parsed.data, qualityFolded };
}

function attrField(item: number, name: string, v: AttrValue): ProgressItemAttr {
  if (typeof v === 'number') return { item, name, kind: ATTR_KIND.number, num: v, text: '' };
  if (typeof v === 'string') return { item, name, kind: ATTR_KIND.text, num: 0, text: v };
  return { item, name, kind: ATTR_KIND.flag, num: v ? 1 : 0, text: '' };
}

/** The merged progress as ApplyProgress's fields (the game applies facts, XP and items). */
export function fieldsFromProgress(p: Progress): ProgressFields {
  const items: ProgressItem[] = p.inventory.map((it) => ({ recordId: it.id, seed: it.seed, quantity: it.quantity, quality: it.quality }));
  return {
    level: p.level,
    xp: p.xp,
    facts: Object.entries(p.quests).map(([name, value]) => ({ name, value })),
    items,
    mods: p.inventory.flatMap((it, i) => it.mods.map((recordId) => ({ item: i, recordId }))),
    attrs: p.inventory.flatMap((it, i) => Object.entries(it.attrs).map(([name, v]) => attrField(i, name, v))),
  };
}
