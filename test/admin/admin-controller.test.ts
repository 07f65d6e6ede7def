import { describe, it, expect, beforeEach } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { AdminController } from '../../src/server/admin/admin-controller.js';
import { AdminList, parseAdminsText } from '../../src/server/admin/admin-list.js';
import { BanStore } from '../../src/server/admin/ban-store.js';
import { MuteTable } from '../../src/server/admin/mute-table.js';
import { attachConsole } from '../../src/server/admin/console.js';
import { AdminError } from '../../src/server/admin/errors.js';
import { FakeSession, ManualClock, ID_A, ID_B, ID_ADMIN } from './fake-session.js';

let session: FakeSession;
let clock: ManualClock;
let bans: BanStore;
let mutes: MuteTable;
let ctl: AdminController;
let warnings: object[];
let dataDir: string;

beforeEach(async () => {
  session = new FakeSession();
  session.add({ id: 1, name: 'Host', identity: 'h'.repeat(64), pingMs: 1, location: { x: 0, y: 0, z: 0 }, mode: 'play', isHost: true });
  session.add({ id: 2, name: 'Vee', identity: ID_A, pingMs: 30, location: { x: 10, y: 20, z: 0 }, mode: 'play' });
  session.add({ id: 3, name: 'Jackie', identity: ID_B, pingMs: 40, location: { x: -5, y: 2, z: 1 }, mode: 'spectate' });
  session.add({ id: 4, name: 'Panam', identity: ID_ADMIN, pingMs: 50, location: { x: 1, y: 1, z: 1 }, mode: 'play' });
  clock = new ManualClock();
  dataDir = mkdtempSync(join(tmpdir(), 'ctl-'));
  bans = await BanStore.open({ dataDir });
  mutes = new MuteTable(clock);
  warnings = [];
  ctl = new AdminController({
    session,
    bans,
    mutes,
    admins: new AdminList([ID_ADMIN]),
    log: { info: () => undefined, warn: (o) => warnings.push(o) },
  });
});

const run = async (line: string) => (await ctl.runLine(line)).text;

describe('AdminController console lines', () => {
  it('kick removes the peer with a reason', async () => {
    expect(await run('kick 2')).toBe('kicked peer 2 (Vee)');
    expect(session.kicked).toEqual([{ id: 2, reason: 'kicked by the server admin' }]);
    expect(await run('kick 2')).toBe('error: no peer 2');
  });

  it('ban binds to the identity, persists, kicks; unban by identity or by old peer id', async () => {
    expect(await run('ban 3')).toMatch(/^banned peer 3 \(Jackie, identity b{16}…\)$/);
    expect(session.kicked.map((k) => k.id)).toEqual([3]);
    expect(ctl.refusalFor(ID_B)).toContain('banned');
    expect(ctl.refusalFor(ID_A)).toBeUndefined();
    expect((await BanStore.open({ dataDir })).isBanned(ID_B)?.name).toBe('Jackie');
    expect(await run('bans')).toBe(`1 bans: ${ID_B} (Jackie)`);
    expect(await run('unban 3')).toMatch(/^unbanned b+… \(Jackie\)$/);
    expect(ctl.refusalFor(ID_B)).toBeUndefined();
    await run('ban 2');
    expect(await run(`unban ${ID_A}`)).toMatch(/^unbanned/);
    expect(await run(`unban ${ID_A}`)).toBe(`no ban matches "${ID_A.slice(0, 40)}…"`);
    expect(await run('bans')).toBe('0 bans');
  });

  it('mute tells the player, expires, unmute lifts it', async () => {
    expect(await run('mute 2 30')).toBe('muted peer 2 (Vee) for 30 s');
    expect(session.told).toEqual([{ id: 2, text: 'you are muted for 30 s' }]);
    expect(ctl.isMuted(ID_A)).toBe(true);
    clock.advance(30_000);
    expect(ctl.isMuted(ID_A)).toBe(false);
    await run('mute 2 30');
    expect(await run('unmute 2')).toBe('unmuted peer 2 (Vee)');
    expect(await run('unmute 2')).toBe('peer 2 was not muted');
  });

  it('a timed ban runs out on the wall clock; AdminCmd reasons reach the target', async () => {
    let wall = 1_000_000;
    const timed = await BanStore.open({ dataDir: mkdtempSync(join(tmpdir(), 'ctl-')), now: () => wall });
    const c = new AdminController({ session, bans: timed, mutes, admins: new AdminList([ID_ADMIN]), log: { info: () => undefined, warn: () => undefined } });
    expect((await c.runLine('ban 2 60')).text).toMatch(/^banned peer 2 \(Vee, .*\) for 60 s$/);
    expect(c.refusalFor(ID_A)).toBe(`banned from this server: no reason given (until ${new Date(1_060_000).toISOString()})`);
    wall += 59_999;
    expect(c.refusalFor(ID_A)).toBeDefined();
    wall += 1;
    expect(c.refusalFor(ID_A)).toBeUndefined();
    expect(timed.list()).toEqual([]);
    expect((await c.handleRemote(4, { cmdType: 'Ban', param: 3, secs: 0, reason: 'cheating\n ' })).ok).toBe(true);
    expect(session.kicked.at(-1)).toEqual({ id: 3, reason: 'banned from this server: cheating' });
    expect(c.refusalFor(ID_B)).toBe('banned from this server: cheating');
    session.add({ id: 9, name: 'X', identity: 'x'.repeat(32), pingMs: 0, location: { x: 0, y: 0, z: 0 }, mode: 'play' });
    await c.handleRemote(4, { cmdType: 'Kick', param: 9, secs: 0, reason: 'afk' });
    expect(session.kicked.at(-1)).toEqual({ id: 9, reason: 'kicked by an admin: afk' });
  });

  it('status and help answer in one line', async () => {
    await run('mute 3 5');
    const status = await run('status');
    expect(status).toBe('uptime 42 s, tick 25 ms, frame avg 3.5 ms, 120 entities, 4 peers, 0 bans, 1 muted');
    expect(await run('help')).toMatch(/^commands: kick <peerId> \| ban <peerId> \[secs\] \| mute <peerId> <secs>/);
  });

  it.each([
    ['', /^error: empty command/],
    ['frobnicate 2', /^error: unknown command "frobnicate"/],
    ['kick', /^error: usage: kick <peerId>$/],
    ['kick 2 3', /^error: usage: kick <peerId>$/],
    ['kick -1', /^error: not a peer id: "-1"$/],
    ['kick 1e3', /^error: not a peer id: "1e3"$/],
    ['ban x', /^error: not a peer id: "x"$/],
    ['ban 2 soon', /^error: secs must be a whole number \(0 = permanent\)/],
    ['ban 2 3 4', /^error: usage: ban <peerId> \[secs\]$/],
    ['mute 2', /^error: usage: mute <peerId> <secs>$/],
    ['mute 2 abc', /^error: secs must be a whole number/],
    ['mute 2 0', /^error: secs must be a whole number/],
    ['mute 2 99999999', /^error: secs must be a whole number/],
    ['unban %%%', /^error: not an identity or peer id/],
    ['kick 99', /^error: no peer 99$/],
    ['x'.repeat(600), /^error: line longer than 512/],
  ])('bad input %j → one-line error', async (line, re) => {
    const out = await ctl.runLine(line);
    expect(out.ok).toBe(false);
    expect(out.text).toMatch(re);
    expect(out.text).not.toContain('\n');
    expect(session.kicked).toEqual([]);
  });
});

describe('AdminController remote AdminCmd', () => {
  it('refuses and logs a non-admin', async () => {
    const out = await ctl.handleRemote(2, { cmdType: 'Kick', param: 3, secs: 0 });
    expect(out).toEqual({ ok: false, code: 'REFUSED', text: 'refused: you are not an admin on this server' });
    expect(session.kicked).toEqual([]);
    expect(warnings).toEqual([expect.objectContaining({ event: 'admin.refused', fromPeerId: 2, identity: ID_A, cmdType: 'Kick' })]);
  });

  it('lets the host and listed admins kick, ban, mute', async () => {
    expect((await ctl.handleRemote(1, { cmdType: 'Mute', param: 2, secs: 5 })).text).toBe('muted peer 2 (Vee) for 5 s');
    expect(ctl.isMuted(ID_A)).toBe(true);
    expect((await ctl.handleRemote(4, { cmdType: 'Kick', param: 2, secs: 0 })).ok).toBe(true);
    expect((await ctl.handleRemote(4, { cmdType: 'Ban', param: 3, secs: 0 })).ok).toBe(true);
    expect(bans.isBanned(ID_B)?.by).toBe(`admin:${ID_ADMIN}`);
  });

  it('a remote admin cannot act on the host; bad fields are errors', async () => {
    expect((await ctl.handleRemote(4, { cmdType: 'Ban', param: 1, secs: 0 })).code).toBe('REFUSED');
    expect((await ctl.handleRemote(4, { cmdType: 'Mute', param: 2, secs: 0 })).code).toBe('BAD_INPUT');
    expect((await ctl.handleRemote(4, { cmdType: 'Kick', param: -3, secs: 0 })).code).toBe('BAD_INPUT');
    expect((await ctl.handleRemote(4, { cmdType: 'Kick', param: 77, secs: 0 })).code).toBe('NO_SUCH_PEER');
    expect((await ctl.handleRemote(99, { cmdType: 'Kick', param: 2, secs: 0 })).code).toBe('REFUSED');
  });
});

describe('admins file and console stream', () => {
  it('parses identities with comments, names a bad line', () => {
    expect(parseAdminsText(`# admins\n${ID_A}  # Vee\n\n${ID_B}\n`)).toEqual([ID_A, ID_B]);
    expect(() => parseAdminsText('ok-identity\nnot an identity\n', 'a.txt')).toThrow(AdminError);
    expect(() => parseAdminsText('ok-identity\nnot an identity\n', 'a.txt')).toThrow(/a\.txt:2/);
  });

  it('answers each console line with one line, in order', async () => {
    const input = new PassThrough();
    const output = new PassThrough();
    const con = attachConsole(ctl, input, output);
    input.end('help\n\nkick 2\nkick 2\nbogus\n');
    await con.done;
    const lines = output.read().toString().trimEnd().split('\n');
    expect(lines).toHaveLength(4);
    expect(lines[1]).toBe('kicked peer 2 (Vee)');
    expect(lines[2]).toBe('error: no peer 2');
    expect(lines[3]).toMatch(/^error: unknown command/);
  });

  it('a failure behind a command is one error line, and the console goes on', async () => {
    session.stats = () => {
      throw new Error('no\nstats');
    };
    const input = new PassThrough();
    const output = new PassThrough();
    const con = attachConsole(ctl, input, output);
    input.end('status\nkick 2\n');
    await con.done;
    expect(output.read().toString()).toBe('error: internal: no stats\nkicked peer 2 (Vee)\n');
  });
});
