import { describe, expect, it } from 'vitest';
import { EventEmitter } from 'node:events';
import { existsSync, readdirSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { SessionRecord } from '../../src/merge/session-record.js';
import { parseSessionText } from '../../src/merge/io.js';
import { MergeError } from '../../src/merge/errors.js';
import { SessionSaver, sessionSavePath } from '../../src/server/persistence/session-saver.js';
import type { IntervalTimers } from '../../src/util/clock.js';
import { installShutdownSave } from '../../src/server/persistence/shutdown-save.js';
import { item, progress } from './arbitraries.js';
import { tempDir } from './cli-helpers.js';

const T0 = new Date('2026-11-25T12:00:00.000Z');
const at = (s: number) => new Date(T0.getTime() + s * 1000);

describe('SessionRecord', () => {
  it("keeps each player's first report as the baseline and the latest as the co-op side", () => {
    const rec = new SessionRecord({ sessionId: 'abc', startedAt: T0 });
    rec.report('id-a', progress({ playerId: 'whatever', name: 'A', xp: 10, quests: { q1: 1 }, inventory: [item('Items.money', { quantity: 5 })] }), at(1));
    rec.report('id-b', progress({ name: 'B', xp: 20, quests: { q1: 2, q2: 1 } }), at(2));
    rec.report('id-a', progress({ name: 'A', xp: 50, level: 2, quests: { q1: 3 }, inventory: [item('Items.money', { quantity: 9 })] }), at(3));
    const s = rec.snapshot('autosave', at(4));
    expect(s.baselines['id-a']).toMatchObject({ playerId: 'id-a', xp: 10, quests: { q1: 1 } });
    expect(s.party).toEqual([
      { playerId: 'id-a', name: 'A', level: 2, xp: 50, joinedAt: at(1).toISOString() },
      { playerId: 'id-b', name: 'B', level: 1, xp: 20, joinedAt: at(2).toISOString() },
    ]);
    expect(s.quests).toEqual({ q1: 3, q2: 1 });
    expect(s.inventories['id-a']).toEqual([item('Items.money', { quantity: 9 })]);
    expect([s.seq, rec.snapshot('shutdown', at(5)).seq]).toEqual([1, 2]);
  });

  it('refuses an invalid report and keeps what it held', () => {
    const rec = new SessionRecord({ sessionId: 'abc', startedAt: T0 });
    rec.report('a', progress({ xp: 10 }), at(1));
    expect(() => rec.report('a', { ...progress(), xp: -1 }, at(2))).toThrow(MergeError);
    expect(rec.snapshot('autosave', at(3)).party[0].xp).toBe(10);
  });
});

class FakeTimers implements IntervalTimers {
  fns: (() => void)[] = [];
  setInterval(fn: () => void) {
    this.fns.push(fn);
    return this.fns.length;
  }
  clearInterval(h: unknown) {
    this.fns[(h as number) - 1] = () => {};
  }
  tick() {
    for (const f of this.fns) f();
  }
}

function saverIn(dir: string, timers = new FakeTimers()) {
  const rec = new SessionRecord({ sessionId: 'sess-1', startedAt: T0 });
  rec.report('p1', progress({ xp: 1 }), T0);
  let clock = 0;
  const saver = new SessionSaver({
    dataDir: dir,
    sessionId: 'sess-1',
    snapshot: (r, now) => rec.snapshot(r, now),
    autosaveMs: 1000,
    now: () => at(clock),
    timers,
  });
  return { rec, saver, timers, advance: (s: number) => (clock += s) };
}

describe('SessionSaver', () => {
  it('writes SavedGames/Coop/<sessionId>.json at start and on every autosave tick', () => {
    const dir = tempDir();
    const { saver, timers, advance, rec } = saverIn(dir);
    expect(saver.path).toBe(join(dir, 'SavedGames', 'Coop', 'sess-1.json'));
    saver.start();
    expect(parseSessionText(readFileSync(saver.path, 'utf8')).seq).toBe(1);
    advance(1);
    rec.report('p1', progress({ xp: 99 }), at(1));
    timers.tick();
    const s = parseSessionText(readFileSync(saver.path, 'utf8'));
    expect([s.seq, s.savedAt, s.party[0].xp]).toEqual([2, at(1).toISOString(), 99]);
    saver.stop();
    timers.tick();
    expect(parseSessionText(readFileSync(saver.path, 'utf8')).seq).toBe(2);
    // the save before the last is kept as the backup (session-resume.ts)
    expect(readdirSync(join(dir, 'SavedGames', 'Coop')).sort()).toEqual(['sess-1.json', 'sess-1.json.bak']);
    expect(parseSessionText(readFileSync(`${saver.path}.bak`, 'utf8')).seq).toBe(1);
  });

  it('clears temp files a killed process left behind', () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'SavedGames', 'Coop'), { recursive: true });
    const stale = join(dir, 'SavedGames', 'Coop', '.sess-1.json.123.abc.tmp');
    writeFileSync(stale, '{"half');
    saverIn(dir);
    expect(existsSync(stale)).toBe(false);
  });

  it('finish() saves once with the first reason, and stops autosave', () => {
    const dir = tempDir();
    const { saver, timers } = saverIn(dir);
    saver.start();
    expect(saver.finish('SIGINT')).toBe(true);
    expect(saver.finish('shutdown')).toBe(false);
    timers.tick();
    const s = parseSessionText(readFileSync(saver.path, 'utf8'));
    expect([s.reason, s.seq]).toEqual(['SIGINT', 2]);
  });

  it('a failed autosave is reported, never thrown, and keeps the previous file', () => {
    const dir = tempDir();
    const errors: string[] = [];
    let broken = false;
    const rec = new SessionRecord({ sessionId: 's', startedAt: T0 });
    const timers = new FakeTimers();
    const saver = new SessionSaver({
      dataDir: dir,
      sessionId: 's',
      autosaveMs: 1000,
      timers,
      snapshot: (r, now) => {
        if (broken) throw new Error('disk full');
        return rec.snapshot(r, now);
      },
      onError: (e) => errors.push(e.message),
    });
    saver.start();
    broken = true;
    expect(() => timers.tick()).not.toThrow();
    expect(errors).toEqual(['disk full']);
    expect(parseSessionText(readFileSync(sessionSavePath(dir, 's'), 'utf8')).seq).toBe(1);
  });
});

describe('installShutdownSave', () => {
  function fakeProc() {
    const ee = new EventEmitter() as EventEmitter & { exit: (c: number) => void; exits: number[]; stderr: { write: (s: string) => boolean } };
    ee.exits = [];
    ee.exit = (c: number) => void ee.exits.push(c);
    ee.stderr = { write: () => true };
    return ee;
  }
  /** A saver whose finish() behaves like SessionSaver's: the first reason wins. */
  const saverSpy = () => {
    const saves: string[] = [];
    let done = false;
    return { saves, saver: { finish: (r: string) => (done ? false : ((done = true), saves.push(r), true)) } };
  };

  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    it(`${sig}: saves once, then hands over to the server's stop`, () => {
      const proc = fakeProc();
      const { saves, saver } = saverSpy();
      const stops: string[] = [];
      installShutdownSave({ saver, proc: proc as unknown as NodeJS.Process, onSignal: (s) => stops.push(s) });
      proc.emit(sig);
      proc.emit('exit', 0);
      expect(saves).toEqual([sig]);
      expect(stops).toEqual([sig]);
    });
  }

  it('an uncaught error is saved and exits 1; a normal exit is saved', () => {
    const proc = fakeProc();
    const { saves, saver } = saverSpy();
    installShutdownSave({ saver, proc: proc as unknown as NodeJS.Process, onUncaught: () => {} });
    proc.emit('uncaughtException', new Error('boom'));
    expect(saves).toEqual(['error']);
    expect(proc.exits).toEqual([1]);
    const p2 = fakeProc();
    const s2 = saverSpy();
    const remove = installShutdownSave({ saver: s2.saver, proc: p2 as unknown as NodeJS.Process });
    p2.emit('exit', 0);
    expect(s2.saves).toEqual(['shutdown']);
    remove();
    expect(p2.listenerCount('SIGINT')).toBe(0);
  });
});
