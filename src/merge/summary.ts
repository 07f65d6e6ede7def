// The readable diff summary (each change from → to, counts) and its JSON form.
import type { Change, MergeOutcome } from './merge.js';
import type { Conflict, ItemSnap } from './model.js';

export interface Style {
  add(s: string): string;
  change(s: string): string;
  conflict(s: string): string;
  dim(s: string): string;
}

const ESC = '\u001b[';
const wrap = (code: number) => (s: string) => `${ESC}${code}m${s}${ESC}0m`;
export const COLOUR: Style = { add: wrap(32), change: wrap(36), conflict: wrap(33), dim: wrap(2) };
export const PLAIN: Style = { add: (s) => s, change: (s) => s, conflict: (s) => s, dim: (s) => s };

export interface Counts {
  xp: number;
  level: number;
  quests: number;
  itemsAdded: number;
  itemsUpdated: number;
  conflicts: number;
  resolved: number;
}

export function countOf(o: MergeOutcome): Counts {
  const n = (p: (c: Change) => boolean) => o.changes.filter(p).length;
  return {
    xp: n((c) => c.kind === 'xp'),
    level: n((c) => c.kind === 'level'),
    quests: n((c) => c.kind === 'quest'),
    itemsAdded: n((c) => c.kind === 'item' && c.action === 'added'),
    itemsUpdated: n((c) => c.kind === 'item' && c.action !== 'added'),
    conflicts: o.conflicts.length,
    resolved: o.resolved.length,
  };
}

const stage = (s: number | null) => (s === null ? '(none)' : String(s));
const show = (v: unknown) => (v === undefined ? '(none)' : Array.isArray(v) ? `[${v.join(', ')}]` : String(v));

function fieldValue(it: ItemSnap | null, field: string): unknown {
  if (!it) return undefined;
  if (field.startsWith('attrs.')) return it.attrs[field.slice('attrs.'.length)];
  return it[field as 'quantity' | 'quality' | 'mods'];
}

function describeItem(it: ItemSnap): string {
  const mods = it.mods.length ? ` mods [${it.mods.join(', ')}]` : '';
  return `×${it.quantity} ${it.quality}${mods}`;
}

function changeLine(c: Change, st: Style): string {
  switch (c.kind) {
    case 'xp':
    case 'level':
      return `  ${c.kind.padEnd(8)} ${st.change(`${c.from} → ${c.to}`)}`;
    case 'quest':
      return `  quest    ${c.quest}: ${st.change(`${stage(c.from)} → ${c.to}`)}`;
    case 'item': {
      const name = `${c.itemId}#${c.seed}`;
      if (c.action === 'added' && c.to) return `  item     ${name} ${st.add(`added ${describeItem(c.to)}`)}`;
      const parts = c.fields.map((f) => `${f} ${show(fieldValue(c.from, f))} → ${show(fieldValue(c.to, f))}`);
      return `  item     ${name} ${st.change(parts.join('; ') || c.action)}`;
    }
  }
}

export function conflictLine(c: Conflict, st: Style = PLAIN): string {
  if (c.kind === 'quest') {
    return `  ${st.conflict('conflict')} quest ${c.quest}: base ${stage(c.base)}, save ${stage(c.ours)}, co-op ${stage(c.theirs)}  [${c.id}]`;
  }
  const side = (it: ItemSnap | null) =>
    it ? c.fields.map((f) => (f === 'presence' ? describeItem(it) : `${f} ${show(fieldValue(it, f))}`)).join(', ') : '(none)';
  return `  ${st.conflict('conflict')} item ${c.itemId}#${c.seed} (${c.fields.join(', ')}): base ${side(c.base)}; save ${side(c.ours)}; co-op ${side(c.theirs)}  [${c.id}]`;
}

export function countsLine(k: Counts): string {
  return (
    `changes: ${k.xp} xp, ${k.level} level, ${k.quests} quest(s), ${k.itemsAdded} item(s) added, ` +
    `${k.itemsUpdated} item(s) updated; conflicts: ${k.conflicts} pending, ${k.resolved} resolved`
  );
}

export function renderSummary(o: MergeOutcome, header: string, st: Style): string {
  const lines = [header];
  for (const c of o.changes) lines.push(changeLine(c, st));
  for (const r of o.resolved) lines.push(`${conflictLine(r.conflict, st)} → ${r.choice === 'accept' ? 'co-op (accepted)' : 'save (skipped)'}`);
  for (const c of o.conflicts) lines.push(conflictLine(c, st));
  if (o.changes.length === 0 && o.conflicts.length === 0 && o.resolved.length === 0)
    lines.push(st.dim('  no changes: the save already holds the co-op progress'));
  lines.push(countsLine(countOf(o)));
  return lines.join('\n');
}
