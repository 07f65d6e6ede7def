// The three-way progress merge: base = the player's baseline (progress when they joined the
// co-op session), ours = the single-player save, theirs = the co-op session's view of that player.
//   XP, level      keep the highest (never decreases)
//   quest stage    changed in co-op only and higher → co-op; changed in the save only → save;
//                  never lowered; changed on both sides differently → conflict
//   items          per (id, seed), field by field (merge-items.ts); missing in the save and new
//                  in co-op → added; never deleted automatically
// Conflicts are listed, never guessed. `decide` answers them (accept = co-op, skip = save);
// an unanswered conflict keeps the save's value in `result` and stays in `conflicts`.
import { equalData } from './equal.js';
import { itemKey, type Choice, type Conflict, type ItemSnap, type Progress, type QuestStageMap } from './model.js';
import { mergeItem } from './merge-items.js';

export type Change =
  | { kind: 'xp' | 'level'; from: number; to: number }
  | { kind: 'quest'; quest: string; from: number | null; to: number }
  | { kind: 'item'; itemId: string; seed: number; action: 'added' | 'updated' | 'removed'; from: ItemSnap | null; to: ItemSnap | null; fields: string[] };

export interface Resolved {
  conflict: Conflict;
  choice: Choice;
}

export interface MergeOutcome {
  /** The merged progress (unanswered conflicts keep the save's side). */
  result: Progress;
  /** What `result` changes compared with the save, in a stable order. */
  changes: Change[];
  /** Conflicts still needing a decision. */
  conflicts: Conflict[];
  /** Conflicts answered by `decide`. */
  resolved: Resolved[];
}

export interface MergeInput {
  base: Progress;
  ours: Progress;
  theirs: Progress;
  /** Answer for a conflict id, or undefined to leave it pending. */
  decide?: (conflict: Conflict) => Choice | undefined;
}

export const questConflictId = (quest: string): string => `quest:${quest}`;
export const itemConflictId = (item: Pick<ItemSnap, 'id' | 'seed'>): string => `item:${itemKey(item)}`;

type QuestMerge = { kind: 'value'; stage: number | undefined } | { kind: 'conflict' };

function mergeQuest(base: number | undefined, ours: number | undefined, theirs: number | undefined): QuestMerge {
  if (ours === theirs || theirs === undefined) return { kind: 'value', stage: ours };
  if (ours === undefined) return { kind: 'value', stage: theirs };
  if (ours === base) return { kind: 'value', stage: Math.max(ours, theirs) }; // co-op moved: take it if higher
  if (theirs === base) return { kind: 'value', stage: ours };
  return { kind: 'conflict' };
}

const stageOf = (m: QuestStageMap, q: string): number | undefined => (Object.hasOwn(m, q) ? m[q] : undefined);

function mergeQuests(input: MergeInput, out: MergeOutcome): QuestStageMap {
  const { base, ours, theirs, decide } = input;
  const quests: QuestStageMap = { ...ours.quests };
  const names = [...new Set([...Object.keys(ours.quests), ...Object.keys(theirs.quests)])].sort();
  for (const quest of names) {
    const [b, o, t] = [stageOf(base.quests, quest), stageOf(ours.quests, quest), stageOf(theirs.quests, quest)];
    const r = mergeQuest(b, o, t);
    let stage: number | undefined;
    if (r.kind === 'value') stage = r.stage;
    else {
      const conflict: Conflict = { kind: 'quest', id: questConflictId(quest), quest, base: b ?? null, ours: o ?? null, theirs: t ?? null };
      const choice = decide?.(conflict);
      if (choice) out.resolved.push({ conflict, choice });
      else out.conflicts.push(conflict);
      stage = choice === 'accept' ? t : o;
    }
    if (stage !== undefined && stage !== o) {
      quests[quest] = stage;
      out.changes.push({ kind: 'quest', quest, from: o ?? null, to: stage });
    }
  }
  return quests;
}

function byKey(items: readonly ItemSnap[]): Map<string, ItemSnap> {
  return new Map(items.map((it) => [itemKey(it), it]));
}

function mergeInventory(input: MergeInput, out: MergeOutcome): ItemSnap[] {
  const { decide } = input;
  const [base, ours, theirs] = [byKey(input.base.inventory), byKey(input.ours.inventory), byKey(input.theirs.inventory)];
  const merged = new Map<string, ItemSnap | null>();
  const keys = [...ours.keys(), ...[...theirs.keys()].filter((k) => !ours.has(k))];
  for (const key of keys) {
    const [b, o, t] = [base.get(key) ?? null, ours.get(key) ?? null, theirs.get(key) ?? null];
    const r = mergeItem(b, o, t);
    let item: ItemSnap | null;
    let fields: string[];
    if (r.kind === 'keep') {
      item = r.item;
      fields = [];
    } else if (r.kind === 'take') {
      item = r.item;
      fields = r.fields;
    } else {
      const ref = (o ?? t)!;
      const conflict: Conflict = { kind: 'item', id: itemConflictId(ref), itemId: ref.id, seed: ref.seed, fields: r.fields, base: b, ours: o, theirs: t };
      const choice = decide?.(conflict);
      if (choice) out.resolved.push({ conflict, choice });
      else out.conflicts.push(conflict);
      item = choice === 'accept' ? r.ifAccepted : r.ifSkipped;
      fields = choice === 'accept' ? r.fields : [];
    }
    merged.set(key, item);
    if (equalData(item, o)) continue;
    const action = o === null ? 'added' : item === null ? 'removed' : 'updated';
    out.changes.push({ kind: 'item', itemId: (o ?? item)!.id, seed: (o ?? item)!.seed, action, from: o, to: item, fields });
  }
  return [...merged.values()].filter((it): it is ItemSnap => it !== null);
}

export function mergeProgress(input: MergeInput): MergeOutcome {
  const { ours, theirs } = input;
  const out: MergeOutcome = { result: ours, changes: [], conflicts: [], resolved: [] };
  const xp = Math.max(ours.xp, theirs.xp);
  if (xp !== ours.xp) out.changes.push({ kind: 'xp', from: ours.xp, to: xp });
  const level = Math.max(ours.level, theirs.level);
  if (level !== ours.level) out.changes.push({ kind: 'level', from: ours.level, to: level });
  const quests = mergeQuests(input, out);
  const inventory = mergeInventory(input, out);
  out.result = { ...ours, xp, level, quests, inventory };
  return out;
}
