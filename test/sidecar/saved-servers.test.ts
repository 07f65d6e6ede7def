// The settings menu's saved servers: coop-bridge.ini's server1..server8 as the sidecar reads
// them, the choice between them (SettingsChanged.serverSlot), and hand-edited or hostile files
// that must never throw.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ServerChoice } from '../../src/sidecar/cli/server-choice.js';
import { loadSavedServers, parseSavedServers, SAVED_SERVER_SLOTS, SAVED_SERVERS_MAX_BYTES, type ServerTarget } from '../../src/sidecar/saved-servers.js';

const INI = `# coop-bridge.ini
server =
master = http://master.example:7450/
server1 = host.example:7777
server2 = lobby:Ab3_xYz-9
  server3=localhost:1
server4 =
; server5 = commented.example:1
server9 = beyond.example:1
`;

describe('saved servers (coop-bridge.ini)', () => {
  it('reads direct servers and lobbies on the ini master, skipping empty, commented and out-of-range slots', () => {
    const s = parseSavedServers(INI);
    expect([...s.slots.keys()]).toEqual([1, 2, 3]);
    expect(s.slots.get(1)).toMatchObject({ kind: 'server', address: 'host.example', port: 7777 });
    expect(s.slots.get(2)).toMatchObject({ kind: 'lobby', lobbyId: 'Ab3_xYz-9', nat: { master: ['http://master.example:7450'], relay: true } });
    expect(s.slots.get(3)).toMatchObject({ kind: 'server', address: '127.0.0.1', port: 1 });
    expect(s.problems).toEqual([]);
  });

  it('the master the sidecar was started with wins over the ini key for lobby slots', () => {
    const nat = { master: ['http://cli.example:1'], stunServer: 's.example:3478', relay: false, bindAddress: undefined };
    const s = parseSavedServers('server1 = lobby:abcd\n', nat);
    expect(s.slots.get(1)).toMatchObject({ kind: 'lobby', nat });
  });

  it('bad entries are reported one line each and skipped', () => {
    const s = parseSavedServers(
      'master = ftp://nope\nserver1 = host:99999\nserver2 = lobby:a\nserver3 = lobby:abcd\nserver4 = no port\nserver5 = ok.example:5\n',
    );
    expect([...s.slots.keys()]).toEqual([5]);
    expect(s.problems).toHaveLength(5);
    expect(s.problems.join('\n')).toMatch(/master:.*\n.*server1.*\n.*server2.*lobby id.*\n.*server3.*needs "master/);
  });

  it('hostile text never throws and yields at most the slots the menu has', () => {
    let seed = 7;
    const rnd = (): number => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32;
    const alphabet = 'server123456789=:#;\n\r lobby:abcd.example\u0000\u00ff=';
    for (let i = 0; i < 500; i++) {
      const text = Array.from({ length: Math.floor(rnd() * 300) }, () => alphabet[Math.floor(rnd() * alphabet.length)]).join('');
      const s = parseSavedServers(text);
      expect(s.slots.size).toBeLessThanOrEqual(SAVED_SERVER_SLOTS);
    }
  });

  it('a missing or oversized file is no slots and one problem', () => {
    const dir = mkdtempSync(join(tmpdir(), 'coop-saved-'));
    try {
      expect(loadSavedServers(join(dir, 'absent.ini')).problems).toHaveLength(1);
      const big = join(dir, 'big.ini');
      writeFileSync(big, `server1 = a.example:1\n${'#'.repeat(SAVED_SERVERS_MAX_BYTES)}`);
      const s = loadSavedServers(big);
      expect(s.slots.size).toBe(0);
      expect(s.problems[0]).toMatch(/over/);
      const ok = join(dir, 'ok.ini');
      writeFileSync(ok, INI);
      expect(loadSavedServers(ok).slots.size).toBe(3);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

function choice(o: { server?: { address: string; port: number } } = {}) {
  const said: string[] = [];
  const notes: string[] = [];
  const switched: ServerTarget[] = [];
  const c = new ServerChoice({
    o: { server: o.server, nat: undefined, join: undefined, savedServers: undefined },
    say: (l) => said.push(l),
    game: { notify: (_k, _t, text) => notes.push(text) },
    onSwitch: (t) => switched.push(t),
    saved: parseSavedServers(INI),
  });
  return { c, said, notes, switched };
}

describe('the server choice (SettingsChanged.serverSlot)', () => {
  it('a pick before the game is there only chooses where the first join goes', () => {
    const { c, switched } = choice({ server: { address: '10.0.0.1', port: 7777 } });
    c.pick(1);
    expect(switched).toEqual([]);
    expect(c.ready()).toMatchObject({ address: 'host.example', port: 7777 });
  });

  it('after that, a different slot switches, the same slot (a voice setting changed) does not', () => {
    const { c, switched } = choice({ server: { address: '10.0.0.1', port: 7777 } });
    expect(c.ready()).toMatchObject({ address: '10.0.0.1' });
    c.pick(0);
    c.pick(2);
    c.pick(2);
    c.pick(0);
    expect(switched.map((t) => t.label)).toEqual(['lobby Ab3_xYz-9 on http://master.example:7450', '10.0.0.1:7777']);
    expect(c.slot).toBe(0);
  });

  it('an empty, unknown or hostile slot is told to the player and changes nothing', () => {
    const { c, switched, notes } = choice({ server: { address: '10.0.0.1', port: 7777 } });
    c.ready();
    for (const slot of [4, 9, 255]) c.pick(slot);
    expect(switched).toEqual([]);
    expect(c.slot).toBe(0);
    expect(notes).toHaveLength(3);
    expect(notes[0]).toMatch(/slot 4 is empty/);
  });

  it('no startup server and no pick: the player is told where to pick one; a pick then joins', () => {
    const { c, switched, notes } = choice();
    expect(c.ready()).toBeUndefined();
    expect(notes[0]).toMatch(/no server chosen.*Settings → Mods → Co-op → Server/);
    c.pick(3);
    expect(switched.map((t) => t.label)).toEqual(['127.0.0.1:1']);
  });
});
