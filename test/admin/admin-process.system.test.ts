// Real processes: coop-server (child, console on stdin) and players over ENet on loopback.
// Kick, ban and mute from the console and through AdminCmd; a non-admin AdminCmd is refused;
// a banned identity is refused at the handshake, also after a restart; muted chat is not
// relayed and flows again after the mute expires.
import { describe, it, expect, afterEach, vi } from 'vitest';
import { mkdtempSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AdminCmdType } from '../../src/protocol/schema.gen.js';
import { generateIdentity, fingerprint } from '../../src/protocol/identity.js';
import { Bot, WAIT } from './bot.js';
import { ServerProc } from './server-proc.js';
import { run as runProc } from '../helpers/proc.js';

const MUTE_S = 2;
const bots: Bot[] = [];
const servers: ServerProc[] = [];

async function player(port: number, name: string, opts: Parameters<typeof Bot.join>[2] = {}): Promise<Bot> {
  const b = await Bot.join(port, name, opts);
  bots.push(b);
  return b;
}
async function server(dataDir: string, extraArgs: string[] = []): Promise<ServerProc> {
  const s = await ServerProc.start({ dataDir, extraArgs });
  servers.push(s);
  return s;
}

afterEach(async () => {
  for (const b of bots.splice(0)) b.close();
  for (const s of servers.splice(0)) await s.stop();
});

describe('admin on a real coop-server: console', () => {
  it('status, chat relay, mute (not relayed, then flows after expiry), kick, ban (refused at the handshake, also after a restart), unban', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'adm-proc-'));
    let srv = await server(dataDir);
    expect(srv.token).toMatch(/^[0-9a-f]{48}$/); // generated and printed
    const vKeys = generateIdentity();
    const v = await player(srv.port, 'V', { identity: vKeys });
    const judy = await player(srv.port, 'Judy');
    expect(v.inWorld && judy.inWorld).toBe(true);

    expect(await srv.command('status')).toMatch(/^uptime \d+ s, tick \d+ ms, .* 2 peers, 0 bans, 0 muted$/);
    expect(await srv.command('kick nope')).toBe('error: not a peer id: "nope"');

    v.chat('hello judy');
    await vi.waitFor(() => expect(judy.log.chats.includes('V: hello judy'), 'Judy to hear V').toBe(true), WAIT);

    expect(await srv.command(`mute ${v.peerId} ${MUTE_S}`)).toBe(`muted peer ${v.peerId} (V) for ${MUTE_S} s`);
    await vi.waitFor(() => expect(v.log.notices.includes(`you are muted for ${MUTE_S} s`), 'V to be told of the mute').toBe(true), WAIT);
    expect((await srv.status()).peers.find((p) => p.id === v.peerId)?.muted).toBe(true);
    v.chat('psst, muted');
    await vi.waitFor(
      () =>
        expect(
          v.log.notices.some((n) => /^you are muted for \d+ s more/.test(n)),
          'V to be told the message was not sent',
        ).toBe(true),
      WAIT,
    );
    await vi.waitFor(async () => expect((await srv.status()).peers.find((p) => p.id === v.peerId)?.muted, 'the mute to expire').toBe(false), {
      ...WAIT,
      timeout: MUTE_S * 1000 + 15_000,
    });
    v.chat('free again');
    await vi.waitFor(() => expect(judy.log.chats.includes('V: free again'), 'Judy to hear V again').toBe(true), WAIT);
    expect(judy.log.chats).not.toContain('V: psst, muted');

    expect(await srv.command(`kick ${judy.peerId}`)).toBe(`kicked peer ${judy.peerId} (Judy)`);
    await vi.waitFor(
      () =>
        expect(
          judy.log.closed.some((r) => r.includes('kicked by the server admin')),
          'Judy to be disconnected',
        ).toBe(true),
      WAIT,
    );

    const vPeer = v.peerId;
    expect(await srv.command(`ban ${vPeer}`)).toMatch(new RegExp(`^banned peer ${vPeer} \\(V, identity ${fingerprint(vKeys.publicKeyRaw).slice(0, 16)}…\\)$`));
    await vi.waitFor(
      () =>
        expect(
          v.log.closed.some((r) => r.includes('banned')),
          'V to be disconnected',
        ).toBe(true),
      WAIT,
    );
    const again = await player(srv.port, 'V', { identity: vKeys });
    expect(again.inWorld).toBe(false);
    expect(again.log.closed.join(' ')).toMatch(/refused by server: banned from this server/);
    // a fresh identity is welcome: the ban binds to the identity, not the address or name
    expect((await player(srv.port, 'V')).inWorld).toBe(true);

    // restart on the same data folder: the ban holds
    await srv.stop();
    srv = await server(dataDir);
    const afterRestart = await player(srv.port, 'V', { identity: vKeys });
    expect(afterRestart.inWorld).toBe(false);
    expect(afterRestart.log.closed.join(' ')).toMatch(/banned from this server/);
    expect(await srv.command('bans')).toBe(`1 bans: ${fingerprint(vKeys.publicKeyRaw)} (V)`);
    expect(await srv.command(`unban ${vPeer}`)).toMatch(/^unbanned /);
    expect((await player(srv.port, 'V', { identity: vKeys })).inWorld).toBe(true);
  }, 120_000);
});

describe('admin on a real coop-server: AdminCmd', () => {
  it('a non-admin is refused and logged; an admin kicks, mutes and bans', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'adm-proc-'));
    const adminKeys = generateIdentity();
    const srv = await server(dataDir, ['--admin', fingerprint(adminKeys.publicKeyRaw)]);
    const boss = await player(srv.port, 'Rogue', { identity: adminKeys });
    const v = await player(srv.port, 'V');
    const judy = await player(srv.port, 'Judy');

    v.admin(AdminCmdType.ADMIN_KICK, judy.peerId);
    await vi.waitFor(() => expect(v.log.replies.length > 0, 'V to get a reply').toBe(true), WAIT);
    expect(v.log.replies[0]).toEqual({ ok: false, text: 'refused: you are not an admin on this server' });
    await vi.waitFor(() => expect(srv.stderr.includes('"event":"admin.refused"'), 'the refusal in the server log').toBe(true), WAIT);
    expect(srv.stderr).toContain(`"fromPeerId":${v.peerId}`);
    expect(judy.inWorld).toBe(true);

    boss.admin(AdminCmdType.ADMIN_MUTE, v.peerId, MUTE_S);
    await vi.waitFor(() => expect(boss.log.replies.length === 1, 'the mute reply').toBe(true), WAIT);
    expect(boss.log.replies[0]).toEqual({ ok: true, text: `muted peer ${v.peerId} (V) for ${MUTE_S} s` });
    v.chat('muted words');
    await vi.waitFor(
      () =>
        expect(
          v.log.notices.some((n) => n.startsWith('you are muted for')),
          'V to be told it was not sent',
        ).toBe(true),
      WAIT,
    );
    await vi.waitFor(async () => expect((await srv.status()).peers.find((p) => p.id === v.peerId)?.muted, 'the mute to expire').toBe(false), {
      ...WAIT,
      timeout: MUTE_S * 1000 + 15_000,
    });
    v.chat('unmuted words');
    await vi.waitFor(() => expect(judy.log.chats.includes('V: unmuted words'), 'Judy to hear V after the mute').toBe(true), WAIT);
    expect(judy.log.chats).not.toContain('V: muted words');
    expect(boss.log.chats).not.toContain('V: muted words');

    boss.admin(AdminCmdType.ADMIN_KICK, judy.peerId, 0, 'afk');
    await vi.waitFor(
      () =>
        expect(
          judy.log.closed.some((r) => r.includes('kicked by an admin: afk')),
          'Judy kicked',
        ).toBe(true),
      WAIT,
    );

    const vKeys = v.identity;
    boss.admin(AdminCmdType.ADMIN_BAN, v.peerId, 0, 'griefing');
    await vi.waitFor(
      () =>
        expect(
          v.log.closed.some((r) => r.includes('banned from this server: griefing')),
          'V banned',
        ).toBe(true),
      WAIT,
    );
    const back = await player(srv.port, 'V', { identity: vKeys });
    expect(back.inWorld).toBe(false);
    expect(back.log.closed.join(' ')).toContain('banned from this server: griefing');
    expect(boss.log.replies.map((r) => r.ok)).toEqual([true, true, true]);
  }, 120_000);
});

describe('coop-server admin options and start-up refusals (real process)', () => {
  const run = (args: string[]) => runProc(['src/server/main.ts', '--port', '0', '--host', '127.0.0.1', '--no-console', ...args]);

  it('bad admin options: one clear line, exit 2', async () => {
    const r = await run(['--dash-port', '70000']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe('coop-server: --dash-port must be a port number 0..65535, got "70000"');
    const h = await run(['--dash-host', 'example.com']);
    expect(h.code).toBe(2);
    expect(h.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('a corrupt bans.json stops the server with one line, exit 1, and the file is left alone', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'adm-bad-'));
    writeFileSync(join(dataDir, 'bans.json'), '{"version":1,"bans":[{"ident');
    const r = await run(['--dash-port', '0', '--data-dir', dataDir, '--log-level', 'silent']);
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toMatch(/^coop-server: .*bans\.json is not valid JSON .*refusing to start with no bans$/);
    expect(readFileSync(join(dataDir, 'bans.json'), 'utf8')).toBe('{"version":1,"bans":[{"ident');
  });

  it('--help lists the admin and dashboard options', async () => {
    const r = await run(['--help']);
    expect(r.code).toBe(0);
    for (const opt of [
      '--dash-port',
      '--dash-host',
      '--data-dir',
      '--admins',
      '--admin ',
      '--host-identity',
      '--no-dash',
      '--no-console',
      'COOP_ADMIN_TOKEN',
    ]) {
      expect(r.stdout).toContain(opt);
    }
  });
});
