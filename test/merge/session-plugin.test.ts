// The session-save plugin inside a real CoopServer with in-process clients (test/server harness).
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { Harness, at } from '../server/harness.js';
import { sessionSavePlugin } from '../../src/server/persistence/session-plugin.js';
import { parseSessionText } from '../../src/merge/io.js';
import { encodeDat } from '../../src/merge/dat.js';
import { fingerprint } from '../../src/protocol/identity.js';
import { item, progress } from './arbitraries.js';
import { tempDir } from './cli-helpers.js';

describe('session-save plugin', () => {
  it("files progress under each player's identity, baseline first; saves at start and at stop", async () => {
    const h = new Harness();
    const dir = tempDir();
    let wall = Date.parse('2026-11-25T12:00:00.000Z');
    const plugin = sessionSavePlugin(h.server, { dataDir: dir, autosaveMs: 0, now: () => new Date(wall) });
    h.server.use(plugin);
    expect(parseSessionText(readFileSync(plugin.saver.path, 'utf8')).party).toEqual([]);

    const a = h.add('Alice', at(0, 0));
    const b = h.add('Bob', at(10, 0));
    const idA = fingerprint(a.identity.publicKeyRaw);
    const idB = fingerprint(b.identity.publicKeyRaw);
    a.client.sendRaw({ playerProgress: { dat: encodeDat(progress({ name: 'Alice', xp: 100, quests: { q1: 1 } })) } });
    b.client.sendRaw({ playerProgress: { dat: encodeDat(progress({ name: 'Bob', xp: 50, quests: { q1: 2 } })) } });
    h.pump();
    wall += 5000;
    a.client.sendRaw({
      playerProgress: { dat: encodeDat(progress({ name: 'Alice', xp: 900, quests: { q1: 4 }, inventory: [item('Items.money', { quantity: 7 })] })) },
    });
    a.client.sendRaw({ playerProgress: { dat: new Uint8Array([1, 2, 3]) } }); // garbage: counted, dropped
    h.pump();
    expect(plugin.counts).toEqual({ accepted: 3, refused: 1 });
    expect(a.conn.drops.get('bad_progress')).toBe(1);

    await h.server.stop();
    const s = parseSessionText(readFileSync(plugin.saver.path, 'utf8'));
    expect(s.reason).toBe('shutdown');
    expect(s.sessionId).toBe('test-session');
    expect(s.party.map((m) => [m.playerId, m.name, m.xp])).toEqual([
      [idA, 'Alice', 900],
      [idB, 'Bob', 50],
    ]);
    expect(s.baselines[idA]).toMatchObject({ playerId: idA, xp: 100, quests: { q1: 1 } });
    expect(s.quests).toEqual({ q1: 4 });
    expect(s.inventories[idA]).toEqual([item('Items.money', { quantity: 7 })]);
    expect(s.savedAt).toBe('2026-11-25T12:00:05.000Z');
  });
});
