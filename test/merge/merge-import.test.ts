// The sidecar's import flow against a scripted game on a fake bridge (the real-bridge run with
// the headless game is in merge-e2e.system.test.ts).
import { describe, expect, it } from 'vitest';
import { EventEmitter } from 'node:events';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { importCoopProgress, ImportError, type ImportBridge } from '../../src/sidecar/merge-import.js';
import { decodeDat } from '../../src/merge/dat.js';
import { fieldsFromProgress, progressFromFields, type ProgressFields } from '../../src/sidecar/progress-fields.js';
import type { Progress } from '../../src/merge/model.js';
import { item, progress, sessionOf } from './arbitraries.js';
import { tempDir } from './cli-helpers.js';

type Decide = (row: { id: number; path: string }) => boolean | undefined;

/** A game that exports `save`, answers the prompt with `decide`, and records what it applied. */
function fakeGame(save: Progress, decide: Decide) {
  const ee = new EventEmitter();
  const seen = { prompts: [] as { path: string; base: string; ours: string; theirs: string }[][], applied: [] as ProgressFields[] };
  const bridge = {
    on: (name: string, h: (m: unknown) => void) => {
      ee.on(name, h);
      return () => ee.off(name, h);
    },
    send: (
      name: string,
      msg: { requestId: number; conflicts?: { id: number; path: string; base: string; ours: string; theirs: string }[] } & Partial<ProgressFields>,
    ) => {
      queueMicrotask(() => {
        if (name === 'ExportProgressRequest') ee.emit('ProgressData', { requestId: msg.requestId, ...fieldsFromProgress(save) });
        if (name === 'MergeConflicts') {
          seen.prompts.push(msg.conflicts!.map(({ path, base, ours, theirs }) => ({ path, base, ours, theirs })));
          const decisions = msg.conflicts!.flatMap((c) => {
            const d = decide(c);
            return d === undefined ? [] : [{ id: c.id, accept: d }];
          });
          ee.emit('MergeAnswer', { requestId: msg.requestId + 1000, decisions: [] }); // someone else's answer: ignored
          ee.emit('MergeAnswer', { requestId: msg.requestId, decisions });
        }
        if (name === 'ApplyProgress') {
          seen.applied.push(msg as ProgressFields);
          ee.emit('ApplyProgressResult', { requestId: msg.requestId, ok: true, error: '' });
        }
      });
      return true;
    },
  } as unknown as ImportBridge;
  return { bridge, seen };
}

const base = progress({ quests: { q1: 1, q2: 1 }, inventory: [item('Items.money', { quantity: 100 })] });
const coop = progress({ xp: 500, quests: { q1: 4, q2: 5 }, inventory: [item('Items.money', { quantity: 40 }), item('Items.Gun', { seed: 3 })] });
const save = progress({ xp: 200, quests: { q1: 3, q2: 1 }, inventory: [item('Items.money', { quantity: 150 })] });
const session = sessionOf([{ id: 'p1', base, coop }], coop.quests);

describe('importCoopProgress', () => {
  it('prompts only the conflicts, writes and applies the merged progress with the answer', async () => {
    const { bridge, seen } = fakeGame(save, (row) => row.path === 'quest:q1');
    const mergedPath = join(tempDir(), 'merged.dat');
    const r = await importCoopProgress({ bridge, session, playerId: 'p1', mergedPath });
    expect(seen.prompts).toEqual([
      [
        { path: 'quest:q1', base: 'stage 1', ours: 'stage 3', theirs: 'stage 4' },
        { path: 'item:Items.money#0', base: 'x100', ours: 'x150', theirs: 'x40' },
      ],
    ]);
    const merged = decodeDat(readFileSync(mergedPath));
    expect(merged).toEqual({ ...save, xp: 500, quests: { q1: 4, q2: 5 }, inventory: [item('Items.money', { quantity: 150 }), item('Items.Gun', { seed: 3 })] });
    // The game got the merged progress as plain fields that make the same progress again.
    expect(progressFromFields(seen.applied[0]!, { playerId: 'p1', name: 'V' })).toEqual({ ok: true, progress: merged, qualityFolded: 0 });
    expect(r.outcome.conflicts).toEqual([]);
  });

  it('no conflict, no prompt', async () => {
    const { bridge, seen } = fakeGame(base, () => true);
    await importCoopProgress({ bridge, session, playerId: 'p1', mergedPath: join(tempDir(), 'm.dat') });
    expect(seen.prompts).toEqual([]);
    expect(seen.applied[0]!.facts).toEqual([
      { name: 'q1', value: 4 },
      { name: 'q2', value: 5 },
    ]);
  });

  it('a game that never answers is a timeout, not a hang', async () => {
    const silent = { on: () => () => {}, send: () => true } as unknown as ImportBridge;
    await expect(
      importCoopProgress({ bridge: silent, session, playerId: 'p1', mergedPath: join(tempDir(), 'm.dat'), exportTimeoutMs: 50 }),
    ).rejects.toBeInstanceOf(ImportError);
  });
});
