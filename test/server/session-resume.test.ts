// Resume: a server started on its session file carries the session on (party, quests,
// baselines, save count), never writes less over it, keeps the previous good file as a backup,
// and refuses (without touching it) a file of another session, a newer format or a torn one.
import { describe, expect, it } from 'vitest';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { SessionRecord } from '../../src/merge/session-record.js';
import { parseSessionText } from '../../src/merge/io.js';
import { MERGE_SCHEMA_VERSION } from '../../src/merge/constants.js';
import { SessionSaver, sessionSavePath } from '../../src/server/persistence/session-saver.js';
import { loadSessionToResume, sessionBackupPath, SessionFileRefused } from '../../src/server/persistence/session-resume.js';
import { sessionSavePlugin } from '../../src/server/persistence/session-plugin.js';
import { CoopServer } from '../../src/server/server.js';
import { runServer } from '../../src/server/cli/run-server.js';
import { captureIo } from '../helpers/cli-io.js';
import { item, progress } from '../merge/arbitraries.js';
import { hashOf, tempDir } from '../merge/cli-helpers.js';

const T0 = new Date('2026-11-25T12:00:00.000Z');
const at = (s: number) => new Date(T0.getTime() + s * 1000);
const SID = 'sess-r';
const noTimers = { setInterval: () => 0, clearInterval: () => undefined };

/** A session file as a first server run leaves it: one player joined and moved on. */
function firstRun(dir: string): string {
  const rec = new SessionRecord({ sessionId: SID, startedAt: T0 });
  rec.report('id-a', progress({ name: 'A', xp: 100, level: 2, quests: { q1: 1 } }), at(1));
  rec.report('id-a', progress({ name: 'A', xp: 900, level: 4, quests: { q1: 3, q2: 1 }, inventory: [item('Items.money', { quantity: 7 })] }), at(2));
  const saver = new SessionSaver({ dataDir: dir, sessionId: SID, autosaveMs: 0, timers: noTimers, now: () => at(3), snapshot: (r, n) => rec.snapshot(r, n) });
  saver.save('autosave');
  saver.save('autosave');
  return saver.path;
}

function restart(dir: string, clockS = 100) {
  const server = new CoopServer({ sessionId: SID });
  return sessionSavePlugin(server, { dataDir: dir, autosaveMs: 0, now: () => at(clockS) });
}

describe('a restarted server resumes its session file', () => {
  it('the start-up save keeps the party, quests, baselines and start time; seq carries on', () => {
    const dir = tempDir();
    const path = firstRun(dir);
    const before = parseSessionText(readFileSync(path, 'utf8'));
    const plugin = restart(dir);
    expect(plugin.resumedPlayers).toBe(1);
    const after = parseSessionText(readFileSync(path, 'utf8'));
    expect(after.party).toEqual(before.party);
    expect(after.quests).toEqual({ q1: 3, q2: 1 });
    expect(after.baselines).toEqual(before.baselines);
    expect(after.inventories).toEqual(before.inventories);
    expect(after.startedAt).toBe(T0.toISOString());
    expect(after.seq).toBe(before.seq + 1);
    // the file it replaced is the backup, byte for byte
    expect(parseSessionText(readFileSync(sessionBackupPath(path), 'utf8'))).toEqual(before);
  });

  it('a re-joining player keeps the baseline and never lowers level, XP or quest stages', () => {
    const dir = tempDir();
    const path = firstRun(dir);
    const plugin = restart(dir);
    // the game reports an older state on re-join (e.g. an older save loaded), plus a new quest
    plugin.record.report('id-a', progress({ name: 'A', xp: 300, level: 3, quests: { q1: 2, q3: 1 } }), at(101));
    plugin.saver.save('autosave');
    const s = parseSessionText(readFileSync(path, 'utf8'));
    expect(s.party).toHaveLength(1);
    expect(s.party[0]).toMatchObject({ playerId: 'id-a', xp: 900, level: 4, joinedAt: at(1).toISOString() });
    expect(s.quests).toEqual({ q1: 3, q2: 1, q3: 1 });
    expect(s.baselines['id-a']).toMatchObject({ xp: 100, level: 2, quests: { q1: 1 } });
    // a new player joins the resumed session beside the recorded one
    plugin.record.report('id-b', progress({ name: 'B', xp: 5 }), at(102));
    expect(plugin.saver.save('autosave').party.map((m) => m.playerId)).toEqual(['id-a', 'id-b']);
  });

  it('no file yet: a new session, no backup', () => {
    const dir = tempDir();
    const plugin = restart(dir);
    expect(plugin.resumedPlayers).toBeUndefined();
    expect(hashOf(sessionBackupPath(sessionSavePath(dir, SID)))).toBe('absent');
  });
});

describe('a session file the server cannot carry on is refused and left untouched', () => {
  function refusal(dir: string): SessionFileRefused {
    try {
      restart(dir);
    } catch (err) {
      expect(err).toBeInstanceOf(SessionFileRefused);
      return err as SessionFileRefused;
    }
    throw new Error('not refused');
  }

  it('another session id (a renamed or copied file)', () => {
    const dir = tempDir();
    const path = firstRun(dir);
    const other = { ...parseSessionText(readFileSync(path, 'utf8')), sessionId: 'someone-else' };
    writeFileSync(path, JSON.stringify(other));
    const hash = hashOf(path);
    const err = refusal(dir);
    expect(err.code).toBe('OTHER_SESSION');
    expect(err.message).toContain('holds session someone-else, not sess-r');
    expect(hashOf(path)).toBe(hash);
  });

  it('a newer format', () => {
    const dir = tempDir();
    const path = firstRun(dir);
    writeFileSync(path, JSON.stringify({ ...JSON.parse(readFileSync(path, 'utf8')), schemaVersion: MERGE_SCHEMA_VERSION + 1, newField: [1] }));
    const hash = hashOf(path);
    const err = refusal(dir);
    expect(err.code).toBe('NEWER_FORMAT');
    expect(err.message).toMatch(/newer coop-server/);
    expect(hashOf(path)).toBe(hash);
  });

  it.each([
    ['torn JSON', '{"schemaVersion":1,"sess'],
    ['not a session file', '[]'],
    ['empty', ''],
  ])('%s', (_what, text) => {
    const dir = tempDir();
    const path = sessionSavePath(dir, SID);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
    expect(refusal(dir).code).toBe('UNREADABLE');
    expect(readFileSync(path, 'utf8')).toBe(text);
  });

  it('loadSessionToResume: absent file → undefined', () => {
    expect(loadSessionToResume(sessionSavePath(tempDir(), SID), SID)).toBeUndefined();
  });
});

describe('coop-server refuses to start on a session file it cannot resume', () => {
  it('exit 3, one line naming the file, nothing listening left behind, the file untouched', async () => {
    const dir = tempDir();
    const path = firstRun(dir);
    writeFileSync(path, JSON.stringify({ ...parseSessionText(readFileSync(path, 'utf8')), sessionId: 'someone-else' }));
    const hash = hashOf(path);
    const cap = captureIo();
    const code = await runServer(
      [
        '--port',
        '0',
        '--host',
        '127.0.0.1',
        '--no-dash',
        '--no-console',
        '--data-dir',
        dir,
        '--session-id',
        SID,
        '--npcs',
        '0',
        '--vehicles',
        '0',
        '--log-level',
        'silent',
      ],
      cap.io,
    );
    expect(code).toBe(3);
    expect(cap.err().trim().split('\n')).toHaveLength(1);
    expect(cap.err()).toMatch(/^coop-server: session file refused: .*sess-r\.json: holds session someone-else, not sess-r/);
    expect(cap.out()).not.toMatch(/listening/);
    expect(hashOf(path)).toBe(hash);
  });
});
