// The embedded store's state file: a change appends a short journal line whatever the lobby's
// size (the whole-file rewrite used to grow with it), a restart replays snapshot + journal, a
// torn last line is skipped and counted, and a journal of an older generation is never replayed.
import { afterEach, describe, expect, it } from 'vitest';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemoryStore } from '../../src/master/store/memory-store.js';
import { StateFile } from '../../src/master/store/state-file.js';
import { MASTER_SESSION_EXPIRY_MS } from '../../src/master/constants.js';

const BODY = { name: 'Night City run', version: '0.1.0', players: 1, maxPlayers: 4, password: false };
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function statePath(): string {
  const d = mkdtempSync(join(tmpdir(), 'coop-state-'));
  dirs.push(d);
  return join(d, 'lobby.json');
}

const ipOf = (i: number): string => `10.${i >> 16}.${(i >> 8) & 255}.${i & 255}`;

describe('embedded store state file', () => {
  it('an announce at 10,000 sessions appends about as much as one at 10 (no whole-file rewrite)', async () => {
    const path = statePath();
    const store = new MemoryStore({ now: () => 1_000, statePath: path });
    await store.load();
    const journal = `${path}.journal`;
    const grow = async (i: number): Promise<number> => {
      const before = statSync(journal).size;
      expect((await store.announce(BODY, ipOf(i))).ok).toBe(true);
      return statSync(journal).size - before;
    };
    const small = await grow(0);
    for (let i = 1; i < 9_999; i++) expect((await store.announce(BODY, ipOf(i))).ok).toBe(true);
    const snapshotBefore = statSync(path).mtimeMs;
    const large = await grow(9_999);
    expect(store.size).toBe(10_000);
    expect(large).toBeLessThan(small * 1.5);
    expect(large).toBeLessThan(400);
    // The snapshot was rewritten only by compactions, not by this change.
    expect(statSync(path).mtimeMs).toBe(snapshotBefore);
    await store.close();
  });

  it('a restart replays snapshot + journal: announces, heartbeats, removals', async () => {
    const path = statePath();
    let now = 1_000_000;
    const s1 = new MemoryStore({ now: () => now, statePath: path });
    await s1.load();
    const keep = await s1.announce(BODY, '10.0.0.1');
    const gone = await s1.announce(BODY, '10.0.0.2');
    if (!keep.ok || !gone.ok) throw new Error('announce refused');
    now += MASTER_SESSION_EXPIRY_MS - 10;
    expect(await s1.heartbeat(keep.sessionId, keep.hostToken, 3)).toBe('ok');
    expect(await s1.remove(gone.sessionId, gone.hostToken)).toBe('ok');
    await s1.sweep(); // appends the heartbeat
    // A crash: no close(). The journal holds no host token.
    expect(readFileSync(`${path}.journal`, 'utf8')).not.toContain(keep.hostToken);
    now += 20; // past the announce's expiry, inside the heartbeat's
    const s2 = new MemoryStore({ now: () => now, statePath: path });
    expect(await s2.load()).toBe(1);
    expect(s2.list({ limit: 10 }).sessions).toEqual([{ sessionId: keep.sessionId, ...BODY, players: 3 }]);
    expect(await s2.heartbeat(keep.sessionId, keep.hostToken)).toBe('ok');
    await s2.close();
  });

  it('skips a torn last line, and ignores a journal of an older generation', async () => {
    const path = statePath();
    const s1 = new MemoryStore({ now: () => 5_000, statePath: path });
    await s1.load();
    const a = await s1.announce(BODY, '10.0.0.1');
    await s1.close();
    appendFileSync(`${path}.journal`, '{"a":{"sessionId":"torn');
    const s2 = new MemoryStore({ now: () => 5_000, statePath: path });
    expect(await s2.load()).toBe(1);
    expect(s2.skippedLines).toBe(1);
    await s2.close();
    // A crash after a new snapshot but before its journal: the old journal (gen 1) names a
    // session the snapshot (gen 3) no longer holds; replaying it would bring it back.
    const snap = JSON.parse(readFileSync(path, 'utf8')) as { gen: number };
    writeFileSync(path, JSON.stringify({ v: 2, gen: snap.gen + 1, sessions: [] }));
    const s3 = new StateFile(path);
    expect(s3.load().sessions.size).toBe(0);
    expect(a.ok).toBe(true);
  });

  it('reads the old whole-file format (v1)', async () => {
    const path = statePath();
    const session = { sessionId: 'AbCdEfGh12345678', ...BODY, tokenHash: 'a'.repeat(64), ip: '10.0.0.1', lastSeenMs: 9_000 };
    writeFileSync(path, JSON.stringify({ v: 1, sessions: [session] }));
    const s = new MemoryStore({ now: () => 9_500, statePath: path });
    expect(await s.load()).toBe(1);
    expect(JSON.parse(readFileSync(path, 'utf8'))).toMatchObject({ v: 2, sessions: [session] });
    await s.close();
  });
});
