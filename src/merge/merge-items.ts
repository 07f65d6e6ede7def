// Three-way merge of one inventory entry, field by field (quantity, quality, mods, each attr).
// A field changed on one side only takes that side; changed on both sides differently is a
// conflict, never a guess. An item the co-op side dropped is kept (the merge never deletes).
import { equalData } from './equal.js';
import type { AttrValue, Choice, ItemSnap } from './model.js';

export type ItemMergeResult =
  | { kind: 'keep'; item: ItemSnap | null } // result equals the save's entry (or its absence)
  | { kind: 'take'; item: ItemSnap; fields: string[] } // result differs from the save, no conflict
  | { kind: 'conflict'; fields: string[]; ifAccepted: ItemSnap | null; ifSkipped: ItemSnap | null };

type FieldOutcome<T> = { value: T; conflict: false } | { ours: T; theirs: T; conflict: true };

function mergeField<T>(base: T, ours: T, theirs: T): FieldOutcome<T> {
  if (equalData(ours, theirs)) return { value: ours, conflict: false };
  if (equalData(ours, base)) return { value: theirs, conflict: false };
  if (equalData(theirs, base)) return { value: ours, conflict: false };
  return { ours, theirs, conflict: true };
}

function attrNames(...items: (ItemSnap | null)[]): string[] {
  const names = new Set<string>();
  for (const it of items) if (it) for (const k of Object.keys(it.attrs)) names.add(k);
  return [...names].sort();
}

/** Both sides hold the item: merge each field against the base entry (null when neither had it at join). */
function mergePresent(base: ItemSnap | null, ours: ItemSnap, theirs: ItemSnap): ItemMergeResult {
  const conflicts: string[] = [];
  const changed: string[] = [];
  const pick = (choice: Choice) => {
    const out: ItemSnap = { id: ours.id, seed: ours.seed, quantity: 0, quality: ours.quality, mods: [], attrs: {} };
    const scalar = <K extends 'quantity' | 'quality' | 'mods'>(k: K): void => {
      const r = mergeField(base?.[k], ours[k], theirs[k]);
      if (r.conflict) {
        if (choice === 'skip') conflicts.push(k);
        out[k] = (choice === 'accept' ? r.theirs : r.ours) as ItemSnap[K];
      } else out[k] = r.value as ItemSnap[K];
    };
    scalar('quantity');
    scalar('quality');
    scalar('mods');
    for (const name of attrNames(base, ours, theirs)) {
      const r = mergeField<AttrValue | undefined>(base?.attrs[name], ours.attrs[name], theirs.attrs[name]);
      let v: AttrValue | undefined;
      if (r.conflict) {
        if (choice === 'skip') conflicts.push(`attrs.${name}`);
        v = choice === 'accept' ? r.theirs : r.ours;
      } else v = r.value;
      if (v !== undefined) out.attrs[name] = v;
    }
    return out;
  };
  const skipped = pick('skip');
  if (conflicts.length > 0) return { kind: 'conflict', fields: conflicts, ifAccepted: pick('accept'), ifSkipped: skipped };
  if (equalData(skipped, ours)) return { kind: 'keep', item: ours };
  for (const k of ['quantity', 'quality', 'mods'] as const) if (!equalData(skipped[k], ours[k])) changed.push(k);
  for (const name of attrNames(ours, skipped)) if (!equalData(skipped.attrs[name], ours.attrs[name])) changed.push(`attrs.${name}`);
  return { kind: 'take', item: skipped, fields: changed };
}

/** Merges one item identity `(id, seed)`; null = not held on that side. */
export function mergeItem(base: ItemSnap | null, ours: ItemSnap | null, theirs: ItemSnap | null): ItemMergeResult {
  if (ours && theirs) return mergePresent(base, ours, theirs);
  if (ours) return { kind: 'keep', item: ours }; // co-op dropped it, or never had it: keep
  if (!theirs) return { kind: 'keep', item: null };
  if (!base) return { kind: 'take', item: theirs, fields: ['presence'] }; // new in co-op: add
  if (equalData(base, theirs)) return { kind: 'keep', item: null }; // removed in the save only
  return { kind: 'conflict', fields: ['presence'], ifAccepted: theirs, ifSkipped: null }; // removed here, changed there
}
