import { describe, it, expect, beforeEach } from 'vitest';
import { mkdtempSync, writeFileSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BanStore } from '../../src/server/admin/ban-store.js';
import { AdminError } from '../../src/server/admin/errors.js';
import { ID_A, ID_B } from './fake-session.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'bans-'));
});

const entry = (identity: string, peerId: number | null = 3) => ({ identity, name: 'Vee', reason: 'griefing', by: 'console', peerId });

describe('BanStore', () => {
  it('starts empty without a file, persists bans across reopen, unbans', async () => {
    const s = await BanStore.open({ dataDir: dir, now: () => 1234 });
    expect(s.list()).toEqual([]);
    expect(await s.ban(entry(ID_A))).toBe(true);
    expect(await s.ban(entry(ID_A))).toBe(false);
    await s.ban(entry(ID_B, 9));
    const again = await BanStore.open({ dataDir: dir });
    expect(again.isBanned(ID_A)?.bannedAtMs).toBe(1234);
    expect(again.isBanned(ID_B)?.peerId).toBe(9);
    expect(again.findByPeerId(9)?.identity).toBe(ID_B);
    expect((await again.unban(ID_A))?.identity).toBe(ID_A);
    expect(await again.unban(ID_A)).toBeUndefined();
    const third = await BanStore.open({ dataDir: dir });
    expect(third.list().map((b) => b.identity)).toEqual([ID_B]);
    expect(JSON.parse(readFileSync(join(dir, 'bans.json'), 'utf8')).version).toBe(1);
  });

  it('timed bans end on the wall clock and are pruned at the next write', async () => {
    let wall = 5000;
    const s = await BanStore.open({ dataDir: dir, now: () => wall });
    await s.ban({ ...entry(ID_A), secs: 10 });
    expect(s.isBanned(ID_A)?.untilMs).toBe(15_000);
    expect((await BanStore.open({ dataDir: dir, now: () => wall })).isBanned(ID_A)?.untilMs).toBe(15_000);
    wall = 15_000;
    expect(s.isBanned(ID_A)).toBeUndefined();
    expect(s.size).toBe(0);
    await s.ban(entry(ID_B));
    const file = JSON.parse(readFileSync(join(dir, 'bans.json'), 'utf8')) as { bans: { identity: string }[] };
    expect(file.bans.map((b) => b.identity)).toEqual([ID_B]);
    expect(await s.ban({ ...entry(ID_A), secs: 1 })).toBe(true); // an ended ban can be renewed
  });

  it('serialises concurrent bans: every one lands in the file', async () => {
    const s = await BanStore.open({ dataDir: dir });
    const ids = Array.from({ length: 20 }, (_, i) => `id${String(i).padStart(4, '0')}`);
    await Promise.all(ids.map((id) => s.ban(entry(id))));
    const again = await BanStore.open({ dataDir: dir });
    expect(
      again
        .list()
        .map((b) => b.identity)
        .sort(),
    ).toEqual(ids);
    expect(readdirSync(dir).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });

  it.each([
    ['not JSON', '{"version":1,"bans":[', 'BANS_CORRUPT'],
    ['empty file', '', 'BANS_CORRUPT'],
    ['wrong shape', '{"version":1,"bans":{}}', 'BANS_CORRUPT'],
    ['bad identity', '{"version":1,"bans":[{"identity":"x y","name":"","reason":"","bannedAtMs":0,"by":"","peerId":null}]}', 'BANS_CORRUPT'],
    ['other version', '{"version":7,"bans":[]}', 'BANS_VERSION'],
  ])('refuses a corrupt file (%s) with a clear error instead of an empty list', async (_label, text, code) => {
    writeFileSync(join(dir, 'bans.json'), text);
    const err = await BanStore.open({ dataDir: dir }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AdminError);
    expect((err as AdminError).code).toBe(code);
    expect((err as AdminError).message).toContain('bans.json');
    // the bad file is left as it was for the operator to inspect
    expect(readFileSync(join(dir, 'bans.json'), 'utf8')).toBe(text);
  });

  it('removes leftover temp files from a crash mid-write, keeps the list', async () => {
    const s = await BanStore.open({ dataDir: dir });
    await s.ban(entry(ID_A));
    writeFileSync(join(dir, '.bans.json.deadbeef0000.tmp'), '{"version":1,"ba');
    const again = await BanStore.open({ dataDir: dir });
    expect(again.size).toBe(1);
    expect(readdirSync(dir)).toEqual(['bans.json']);
  });

  it('a failed write keeps the old list in memory', async () => {
    const s = await BanStore.open({ dataDir: dir });
    await s.ban(entry(ID_A));
    rmSync(dir, { recursive: true }); // the folder vanishes: the temp file cannot be created
    const err = await s.ban(entry(ID_B)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AdminError);
    expect((err as AdminError).code).toBe('BANS_WRITE');
    expect(s.isBanned(ID_B)).toBeUndefined();
    expect(s.isBanned(ID_A)).toBeDefined();
  });
});
