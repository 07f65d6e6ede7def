import { describe, expect, it, beforeAll } from 'vitest';
import { existsSync, linkSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { encodeDat, decodeDat } from '../../src/merge/dat.js';
import { MERGE_SCHEMA_VERSION } from '../../src/merge/constants.js';
import { ConflictsFileSchema, type SessionFile } from '../../src/merge/model.js';
import { item, progress, sessionOf } from './arbitraries.js';
import { hashOf, runMerge, tempDir, writeJson } from './cli-helpers.js';

const base = progress({
  playerId: 'p1',
  name: 'V',
  level: 3,
  xp: 1000,
  quests: { q001_intro: 1, q003_maelstrom: 0 },
  inventory: [item('Items.money', { quantity: 100 })],
});
const coop = progress({
  ...base,
  level: 5,
  xp: 4200,
  quests: { q001_intro: 4, q003_maelstrom: 2 },
  inventory: [
    item('Items.money', { quantity: 100 }),
    item('Items.Preset_Lexington', { seed: 9, quality: 'Rare', mods: ['Items.Silencer'], attrs: { damage: 21.5 } }),
  ],
});
const save = progress({ ...base, xp: 1500, quests: { q001_intro: 1, q003_maelstrom: 0, sq_solo: 3 }, inventory: [item('Items.money', { quantity: 250 })] });
const session: SessionFile = sessionOf(
  [
    { id: 'p1', base, coop },
    { id: 'p2', base: { ...base, playerId: 'p2' }, coop: { ...coop, playerId: 'p2' } },
  ],
  coop.quests,
);

// A save that conflicts with the session: both moved q003 and the money differently.
const conflictingSave = progress({ ...save, quests: { ...save.quests, q003_maelstrom: 1 }, inventory: [item('Items.money', { quantity: 250 })] });
const conflictingSession: SessionFile = {
  ...session,
  inventories: { ...session.inventories, p1: [item('Items.money', { quantity: 60 }), ...coop.inventory.slice(1)] },
};

let dir: string;
let sessionPath: string;
let datPath: string;
beforeAll(() => {
  dir = tempDir();
  sessionPath = writeJson(join(dir, 'session.json'), session);
  datPath = join(dir, 'save.dat');
  writeFileSync(datPath, encodeDat(save));
});

describe('coop-merge CLI (real process)', () => {
  it('--help prints the usage and exits 0', async () => {
    const r = await runMerge(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Usage: coop-merge <session\.json> <singleplayerSave\.dat>/);
    expect(r.stdout).toContain('exit codes: 0 merged, 1 runtime error, 2 usage (bad or unknown option or value), 3 conflicts need a decision');
  });

  it('merges, writes merged.dat and prints each change from → to with counts', async () => {
    const out = join(dir, 'merged-ok.dat');
    const r = await runMerge([sessionPath, datPath, '--player', 'p1', '--out', out]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const merged = decodeDat(readFileSync(out));
    expect(merged).toEqual({
      ...save,
      level: 5,
      xp: 4200,
      quests: { q001_intro: 4, q003_maelstrom: 2, sq_solo: 3 },
      inventory: [item('Items.money', { quantity: 250 }), coop.inventory[1]],
    });
    expect(r.stdout).toContain('xp       1500 → 4200');
    expect(r.stdout).toContain('quest    q001_intro: 1 → 4');
    expect(r.stdout).toContain('Items.Preset_Lexington#9 added ×1 Rare mods [Items.Silencer]');
    expect(r.stdout).toContain('changes: 1 xp, 1 level, 2 quest(s), 1 item(s) added, 0 item(s) updated; conflicts: 0 pending, 0 resolved');
    expect(r.stdout).not.toContain('\u001b['); // no colour off a TTY
  });

  it("picks the save's own player when --player is not given, and --json prints the result", async () => {
    const out = join(dir, 'merged-json.dat');
    const r = await runMerge([sessionPath, datPath, '--out', out, '--json']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j).toMatchObject({ status: 'merged', sessionId: 's1', playerId: 'p1', out, counts: { xp: 1, quests: 2, itemsAdded: 1, conflicts: 0 } });
  });

  describe('conflicts', () => {
    let cdir: string;
    let cs: string;
    let cd: string;
    beforeAll(() => {
      cdir = tempDir();
      cs = writeJson(join(cdir, 'session.json'), conflictingSession);
      cd = join(cdir, 'save.dat');
      writeFileSync(cd, encodeDat(conflictingSave));
    });

    it('exit 3, conflicts listed and written, nothing merged yet', async () => {
      const out = join(cdir, 'merged.dat');
      const r = await runMerge([cs, cd, '--player', 'p1', '--out', out]);
      expect(r.code).toBe(3);
      expect(existsSync(out)).toBe(false);
      const file = ConflictsFileSchema.parse(JSON.parse(readFileSync(join(cdir, 'merged.conflicts.json'), 'utf8')));
      expect(file.conflicts.map((c) => c.id)).toEqual(['quest:q003_maelstrom', 'item:Items.money#0']);
      expect(r.stdout).toContain('conflict quest q003_maelstrom: base 0, save 1, co-op 2');
      expect(r.stdout).toContain('conflict item Items.money#0 (quantity): base quantity 100; save quantity 250; co-op quantity 60');
      expect(r.stdout).toContain('2 conflict(s) need a decision');
    });

    it('--resolve with SkipEach writes the merged file with each answer', async () => {
      const out = join(cdir, 'merged-skip.dat');
      const answers = writeJson(join(cdir, 'answers.json'), {
        schemaVersion: MERGE_SCHEMA_VERSION,
        mode: 'SkipEach',
        choices: { 'quest:q003_maelstrom': 'accept', 'item:Items.money#0': 'skip' },
      });
      const r = await runMerge([cs, cd, '--player', 'p1', '--out', out, '--resolve', answers]);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      const merged = decodeDat(readFileSync(out));
      expect(merged.quests.q003_maelstrom).toBe(2);
      expect(merged.inventory.find((i) => i.id === 'Items.money')?.quantity).toBe(250);
      expect(r.stdout).toContain('→ co-op (accepted)');
      expect(r.stdout).toContain('→ save (skipped)');
    });

    it('--resolve with an incomplete SkipEach still exits 3', async () => {
      const out = join(cdir, 'merged-partial.dat');
      const answers = writeJson(join(cdir, 'answers-partial.json'), {
        schemaVersion: MERGE_SCHEMA_VERSION,
        mode: 'SkipEach',
        choices: { 'quest:q003_maelstrom': 'skip' },
      });
      const r = await runMerge([cs, cd, '--player', 'p1', '--out', out, '--resolve', answers, '--conflicts', join(cdir, 'left.json')]);
      expect(r.code).toBe(3);
      expect(existsSync(out)).toBe(false);
      expect(JSON.parse(readFileSync(join(cdir, 'left.json'), 'utf8')).conflicts.map((c: { id: string }) => c.id)).toEqual(['item:Items.money#0']);
    });
  });

  describe('bad input: one line on stderr, exit 1 (2 for usage), nothing written, inputs untouched', () => {
    const cases: [string, (d: string) => string[]][] = [
      ['truncated session JSON', (d) => [writeText(join(d, 's.json'), JSON.stringify(session).slice(0, 200)), datAt(d)]],
      ['corrupt session JSON', (d) => [writeText(join(d, 's.json'), '{"schemaVersion":1,,}'), datAt(d)]],
      ['session of a wrong schema version', (d) => [writeJson(join(d, 's.json'), { ...session, schemaVersion: 2 }), datAt(d)]],
      ['session missing a baseline', (d) => [writeJson(join(d, 's.json'), { ...session, baselines: {} }), datAt(d)]],
      ['truncated .dat', (d) => [sessionAt(d), writeBytes(join(d, 'x.dat'), encodeDat(save).subarray(0, 30))]],
      ['corrupt .dat', (d) => [sessionAt(d), writeBytes(join(d, 'x.dat'), flip(encodeDat(save), 25))]],
      ['.dat of a wrong format version', (d) => [sessionAt(d), writeBytes(join(d, 'x.dat'), withVersion(encodeDat(save), 7))]],
      ['a JSON file given as the .dat', (d) => [sessionAt(d), sessionAt(d)]],
      ['unknown player', (d) => [sessionAt(d), datAt(d), '--player', 'nobody']],
      ['ambiguous player', (d) => [sessionAt(d), writeBytes(join(d, 'x.dat'), encodeDat({ ...save, playerId: 'stranger' }))]],
      ['--out equal to the session', (d) => [sessionAt(d), datAt(d), '--out', join(d, 'session.json')]],
      ['--out equal to the .dat, spelled differently', (d) => [sessionAt(d), datAt(d), '--out', join(d, '.', 'sub', '..', 'save.dat')]],
      [
        '--out a hard link to the .dat',
        (d) => {
          linkSync(datAt(d), join(d, 'link.dat'));
          return [sessionAt(d), datAt(d), '--out', join(d, 'link.dat')];
        },
      ],
      ['--conflicts equal to the .dat', (d) => [sessionAt(d), datAt(d), '--conflicts', join(d, 'save.dat')]],
      ['a missing input', (d) => [join(d, 'nope.json'), datAt(d)]],
      [
        'an answers file naming no conflict',
        (d) => [sessionAt(d), datAt(d), '--resolve', writeJson(join(d, 'a.json'), { schemaVersion: 1, mode: 'SkipEach', choices: { 'quest:zzz': 'accept' } })],
      ],
      [
        'an answers file of a wrong schema version',
        (d) => [sessionAt(d), datAt(d), '--resolve', writeJson(join(d, 'a.json'), { schemaVersion: 3, mode: 'AcceptAll' })],
      ],
    ];
    const usage: [string, (d: string) => string[]][] = [
      ['an unknown option', (d) => [sessionAt(d), datAt(d), '--frobnicate']],
      ['one positional argument', (d) => [sessionAt(d)]],
      ['a missing answers file', (d) => [sessionAt(d), datAt(d), '--resolve', join(d, 'no-answers.json')]],
    ];
    for (const [name, build, code] of [...cases.map(([n, b]) => [n, b, 1] as const), ...usage.map(([n, b]) => [`${n} (usage: exit 2)`, b, 2] as const)]) {
      it(name, async () => {
        const d = tempDir();
        const args = build(d);
        const out = args.includes('--out') ? undefined : join(d, 'merged.dat');
        const inputs = args.filter((a) => a.startsWith(d) && !a.includes('..') && !a.endsWith('merged.dat'));
        const before = inputs.map(hashOf);
        const r = await runMerge(out ? [...args, '--out', out] : args);
        expect(r.code).toBe(code);
        expect(r.stdout).toBe('');
        expect(r.stderr).toMatch(/^coop-merge: [^\n]+\n$/);
        if (out) expect(existsSync(out)).toBe(false);
        expect(existsSync(join(d, 'merged.conflicts.json'))).toBe(false);
        expect(inputs.map(hashOf)).toEqual(before);
      });
    }
  });
});

function writeText(file: string, text: string): string {
  writeFileSync(file, text);
  return file;
}
function writeBytes(file: string, bytes: Uint8Array): string {
  writeFileSync(file, bytes);
  return file;
}
function sessionAt(d: string): string {
  const f = join(d, 'session.json');
  if (!existsSync(f)) writeJson(f, session);
  return f;
}
function datAt(d: string): string {
  const f = join(d, 'save.dat');
  if (!existsSync(f)) writeFileSync(f, encodeDat(save));
  return f;
}
function flip(b: Buffer, at: number): Buffer {
  const c = Buffer.from(b);
  c[at] ^= 0xff;
  return c;
}
function withVersion(b: Buffer, v: number): Buffer {
  const c = Buffer.from(b);
  c.writeUInt16LE(v, 4);
  return c;
}
