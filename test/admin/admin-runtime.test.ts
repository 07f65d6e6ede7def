import { describe, it, expect } from 'vitest';
import { parseArgs } from 'node:util';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { ADMIN_CLI_OPTIONS, adminOptionsFrom } from '../../src/server/admin/admin-options.js';
import { UsageError } from '../../src/cli/command.js';
import { startAdmin } from '../../src/server/admin/admin-runtime.js';
import { AdminError } from '../../src/server/admin/errors.js';
import { FakeSession, ManualClock, ID_A, ID_ADMIN } from './fake-session.js';

const parse = (args: string[]) => adminOptionsFrom(parseArgs({ args, options: ADMIN_CLI_OPTIONS, strict: true }).values);
const silent = { info: () => undefined, warn: () => undefined };

describe('admin options', () => {
  it('defaults to loopback:7788, ./data, console and dashboard on', () => {
    expect(parse([])).toEqual({
      dataDir: './data',
      dashEnabled: true,
      dashHost: '127.0.0.1',
      dashPort: 7788,
      adminsFile: undefined,
      adminIds: [],
      hostIdentity: undefined,
      console: true,
    });
    const o = parse(['--dash-port', '0', '--dash-host', '::1', '--admin', ID_A, '--admin', ID_ADMIN, '--no-console', '--data-dir', '/tmp/x']);
    expect(o).toMatchObject({ dashPort: 0, dashHost: '::1', adminIds: [ID_A, ID_ADMIN], console: false, dataDir: '/tmp/x' });
  });

  it.each([
    [['--dash-port', '70000'], /--dash-port must be a port number 0\.\.65535/],
    [['--dash-port', 'abc'], /--dash-port/],
    [['--dash-host', 'example.com'], /--dash-host must be an IP address or localhost/],
    [['--admin', 'not an id'], /--admin is not an identity/],
    [['--admins', '/nonexistent/admins.txt'], /--admins "\/nonexistent\/admins.txt": no such file/],
    [['--data-dir', ''], /--data-dir must not be empty/],
  ])('%j → one clear error', (args, re) => {
    expect(() => parse(args)).toThrow(UsageError);
    expect(() => parse(args)).toThrow(re);
  });
});

describe('startAdmin', () => {
  it('opens the ban list, reads the admins file, starts the dashboard, prints a generated token, runs the console', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rt-'));
    writeFileSync(join(dir, 'admins.txt'), `# admins\n${ID_ADMIN}\n`);
    const session = new FakeSession();
    session.add({ id: 5, name: 'Panam', identity: ID_ADMIN, pingMs: 1, location: { x: 0, y: 0, z: 0 }, mode: 'play' });
    session.add({ id: 6, name: 'Vee', identity: ID_A, pingMs: 1, location: { x: 0, y: 0, z: 0 }, mode: 'play' });
    const lines: string[] = [];
    const stdin = new PassThrough();
    const stdout = new PassThrough();
    const rt = await startAdmin({
      options: { ...parse(['--dash-port', '0', '--data-dir', dir, '--admins', join(dir, 'admins.txt')]) },
      session,
      clock: new ManualClock(),
      log: silent,
      env: {},
      stdin,
      stdout,
      announce: (l) => lines.push(l),
    });
    try {
      expect(lines[0]).toBe(`dashboard: http://127.0.0.1:${rt.dash!.port}/`);
      expect(lines[1]).toBe(`dashboard admin token: ${rt.token}`);
      expect((await rt.controller.handleRemote(5, { cmdType: 'Ban', param: 6, secs: 0 })).ok).toBe(true);
      expect(rt.bans.isBanned(ID_A)).toBeDefined();
      stdin.write('bans\n');
      await new Promise((r) => stdout.once('data', r));
      const res = await fetch(`http://127.0.0.1:${rt.dash!.port}/status`);
      expect(((await res.json()) as { peers: { id: number }[] }).peers.map((p) => p.id)).toEqual([5]);
    } finally {
      await rt.close();
    }
  });

  it('refuses to start on a corrupt ban list, without starting the dashboard', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rt-'));
    writeFileSync(join(dir, 'bans.json'), '{"version":1,"bans":[{"identity"');
    const lines: string[] = [];
    const err = await startAdmin({
      options: parse(['--dash-port', '0', '--data-dir', dir]),
      session: new FakeSession(),
      clock: new ManualClock(),
      log: silent,
      env: {},
      announce: (l) => lines.push(l),
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AdminError);
    expect(lines).toEqual([]);
  });
});
