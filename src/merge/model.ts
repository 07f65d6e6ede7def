// The progress model, validated with zod: items, quest stages, one player's progress, the
// session file the server writes, and the conflicts/answers files of the merge prompt.
import { z } from 'zod';
import {
  MERGE_SCHEMA_VERSION,
  MAX_ATTRS_PER_ITEM,
  MAX_ITEMS,
  MAX_LEVEL,
  MAX_MODS_PER_ITEM,
  MAX_NAME_CHARS,
  MAX_PARTY,
  MAX_QUANTITY,
  MAX_QUESTS,
  MAX_QUEST_STAGE,
  MAX_XP,
  PLAYER_ID_PATTERN,
  SESSION_ID_PATTERN,
} from './constants.js';

/** Keys that would reach an object's prototype when used as record keys. */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
const safeKey = (s: string): boolean => !FORBIDDEN_KEYS.has(s);

const uint32 = z.number().int().min(0).max(0xffff_ffff);
const name = z.string().min(1).max(MAX_NAME_CHARS);

export const QUALITIES = ['Common', 'Uncommon', 'Rare', 'Epic', 'Legendary'] as const;
export const QualitySchema = z.enum(QUALITIES);
export type Quality = z.infer<typeof QualitySchema>;

/** A typed attribute value as the game keeps it (stat, flag, tag). */
export const AttrValueSchema = z.union([z.number().finite(), z.string().max(MAX_NAME_CHARS), z.boolean()]);
export type AttrValue = z.infer<typeof AttrValueSchema>;

export const PlayerIdSchema = z.string().regex(PLAYER_ID_PATTERN).refine(safeKey, 'reserved player id');
export const SessionIdSchema = z.string().regex(SESSION_ID_PATTERN);
export const QuestNameSchema = name.refine(safeKey, 'reserved quest name');

/**
 * One inventory entry. `id` is the item's record (TweakDB path); `seed` tells apart instances
 * of the same record (0 for stackables such as ammo, money, crafting parts). `(id, seed)` is
 * the item's identity in the merge.
 */
export const ItemSnapSchema = z.strictObject({
  id: name,
  seed: uint32,
  quantity: z.number().int().min(1).max(MAX_QUANTITY),
  quality: QualitySchema,
  mods: z.array(name).max(MAX_MODS_PER_ITEM),
  attrs: z
    .record(name.refine(safeKey, 'reserved attribute name'), AttrValueSchema)
    .refine((r) => Object.keys(r).length <= MAX_ATTRS_PER_ITEM, 'too many attributes'),
});
export type ItemSnap = z.infer<typeof ItemSnapSchema>;

/** `{questName: stage}`. */
export const QuestStageMapSchema = z
  .record(QuestNameSchema, z.number().int().min(0).max(MAX_QUEST_STAGE))
  .refine((r) => Object.keys(r).length <= MAX_QUESTS, 'too many quests');
export type QuestStageMap = z.infer<typeof QuestStageMapSchema>;

export function itemKey(item: Pick<ItemSnap, 'id' | 'seed'>): string {
  return `${item.id}#${item.seed}`;
}

const InventorySchema = z
  .array(ItemSnapSchema)
  .max(MAX_ITEMS)
  .superRefine((items, ctx) => {
    const seen = new Set<string>();
    for (const [i, it] of items.entries()) {
      const k = itemKey(it);
      if (seen.has(k)) ctx.addIssue({ code: 'custom', path: [i], message: `duplicate item ${k}` });
      seen.add(k);
    }
  });

/** One player's progress: the `.dat` payload, a baseline, or the co-op side of a merge. */
export const ProgressSchema = z.strictObject({
  schemaVersion: z.literal(MERGE_SCHEMA_VERSION),
  playerId: PlayerIdSchema,
  name,
  level: z.number().int().min(1).max(MAX_LEVEL),
  xp: z.number().int().min(0).max(MAX_XP),
  quests: QuestStageMapSchema,
  inventory: InventorySchema,
});
export type Progress = z.infer<typeof ProgressSchema>;

export const PartyMemberSchema = z.strictObject({
  playerId: PlayerIdSchema,
  name,
  level: z.number().int().min(1).max(MAX_LEVEL),
  xp: z.number().int().min(0).max(MAX_XP),
  joinedAt: z.iso.datetime(),
});
export type PartyMember = z.infer<typeof PartyMemberSchema>;

export const SAVE_REASONS = ['autosave', 'shutdown', 'SIGINT', 'SIGTERM', 'error'] as const;
export type SaveReason = (typeof SAVE_REASONS)[number];

/** `SavedGames/Coop/<sessionId>.json`. */
export const SessionFileSchema = z
  .strictObject({
    schemaVersion: z.literal(MERGE_SCHEMA_VERSION),
    sessionId: SessionIdSchema,
    startedAt: z.iso.datetime(),
    savedAt: z.iso.datetime(),
    /** Saves written so far in this session, this one included. */
    seq: z.number().int().min(1),
    reason: z.enum(SAVE_REASONS),
    party: z.array(PartyMemberSchema).max(MAX_PARTY),
    quests: QuestStageMapSchema,
    inventories: z.record(PlayerIdSchema, InventorySchema),
    baselines: z.record(PlayerIdSchema, ProgressSchema),
  })
  .superRefine((s, ctx) => {
    const ids = new Set<string>();
    for (const [i, m] of s.party.entries()) {
      if (ids.has(m.playerId)) ctx.addIssue({ code: 'custom', path: ['party', i], message: `duplicate player ${m.playerId}` });
      ids.add(m.playerId);
      if (!s.inventories[m.playerId]) ctx.addIssue({ code: 'custom', path: ['inventories'], message: `no inventory for ${m.playerId}` });
      const b = s.baselines[m.playerId];
      if (!b) ctx.addIssue({ code: 'custom', path: ['baselines'], message: `no baseline for ${m.playerId}` });
      else if (b.playerId !== m.playerId) ctx.addIssue({ code: 'custom', path: ['baselines', m.playerId], message: 'baseline of another player' });
    }
  });
export type SessionFile = z.infer<typeof SessionFileSchema>;

const NullableQuestStage = z.number().int().min(0).max(MAX_QUEST_STAGE).nullable();

export const QuestConflictSchema = z.strictObject({
  kind: z.literal('quest'),
  id: z.string(),
  quest: QuestNameSchema,
  base: NullableQuestStage,
  ours: NullableQuestStage,
  theirs: NullableQuestStage,
});
export const ItemConflictSchema = z.strictObject({
  kind: z.literal('item'),
  id: z.string(),
  itemId: name,
  seed: uint32,
  /** Which parts both sides changed differently: quantity, quality, mods, attrs.<name>, presence. */
  fields: z.array(z.string()),
  base: ItemSnapSchema.nullable(),
  ours: ItemSnapSchema.nullable(),
  theirs: ItemSnapSchema.nullable(),
});
export const ConflictSchema = z.discriminatedUnion('kind', [QuestConflictSchema, ItemConflictSchema]);
export type QuestConflict = z.infer<typeof QuestConflictSchema>;
export type ItemConflict = z.infer<typeof ItemConflictSchema>;
export type Conflict = z.infer<typeof ConflictSchema>;

/** What coop-merge writes when a decision is needed (and what the prompt shows). */
export const ConflictsFileSchema = z.strictObject({
  schemaVersion: z.literal(MERGE_SCHEMA_VERSION),
  sessionId: SessionIdSchema,
  playerId: PlayerIdSchema,
  conflicts: z.array(ConflictSchema),
});
export type ConflictsFile = z.infer<typeof ConflictsFileSchema>;

export const CHOICES = ['accept', 'skip'] as const;
export type Choice = (typeof CHOICES)[number];

/** The player's answer: AcceptAll (take co-op on every conflict) or SkipEach (accept/skip each). */
export const AnswersSchema = z.discriminatedUnion('mode', [
  z.strictObject({ schemaVersion: z.literal(MERGE_SCHEMA_VERSION), mode: z.literal('AcceptAll') }),
  z.strictObject({
    schemaVersion: z.literal(MERGE_SCHEMA_VERSION),
    mode: z.literal('SkipEach'),
    choices: z.record(z.string().min(1).max(1024).refine(safeKey, 'reserved conflict id'), z.enum(CHOICES)),
  }),
]);
export type Answers = z.infer<typeof AnswersSchema>;
