import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startMaster, type MasterServer } from '../../src/master/server.js';
import { MASTER_MAX_SESSIONS_PER_IP, MASTER_SESSION_EXPIRY_MS, MASTER_MAX_BODY_BYTES } from '../../src/master/constants.js';
import { http } from './helpers.js';
import { newSessionId } from '../../src/master/store/memory-store.js';

const ANNOUNCE = { name: 'Night City run', version: '0.1.0', players: 1, maxPlayers: 4, password: false };
let masters: MasterServer[] = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const m of masters) await m.close();
  masters = [];
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function master(opts: { now?: () => number; statePath?: string } = {}): Promise<MasterServer> {
  const m = await startMaster({ host: '127.0.0.1', port: 0, turnUris: [], ...opts });
  masters.push(m);
  return m;
}

describe('coop-master lobby', () => {
  it('lobby ids are safe after --join: base64url, 16 chars, never a leading - or _', () => {
    // 1 in 32 raw base64url ids starts with '-' or '_'; 2,000 ids would show the old bug ~60 times.
    for (let i = 0; i < 2_000; i++) expect(newSessionId()).toMatch(/^[A-Za-z0-9][A-Za-z0-9_-]{15}$/);
  });

  it('announces, lists, heartbeats and expires sessions on the injected clock', async () => {
    let now = 1_000_000;
    const m = await master({ now: () => now });
    const a = await http(m.url, 'POST', '/api/sessions', ANNOUNCE);
    expect(a.status).toBe(201);
    const { sessionId, hostToken } = a.body as { sessionId: string; hostToken: string };
    let list = await http(m.url, 'GET', '/api/sessions');
    expect(list.body.sessions).toEqual([{ sessionId, ...ANNOUNCE }]);
    expect(JSON.stringify(list.body)).not.toContain(hostToken);

    now += MASTER_SESSION_EXPIRY_MS - 1;
    expect((await http(m.url, 'POST', `/api/sessions/${sessionId}/heartbeat`, { hostToken, players: 3 })).status).toBe(200);
    expect((await http(m.url, 'POST', `/api/sessions/${sessionId}/heartbeat`, { hostToken: 'x'.repeat(32) })).status).toBe(403);
    now += MASTER_SESSION_EXPIRY_MS - 1;
    await m.store.sweep();
    list = await http(m.url, 'GET', '/api/sessions');
    expect((list.body.sessions as { players: number }[])[0].players).toBe(3);
    now += MASTER_SESSION_EXPIRY_MS + 1;
    expect(await m.store.sweep()).toBe(1);
    expect((await http(m.url, 'GET', '/api/sessions')).body.sessions).toEqual([]);
    // An expired host learns it must announce again.
    expect((await http(m.url, 'POST', `/api/sessions/${sessionId}/heartbeat`, { hostToken })).status).toBe(404);
  });

  it('a restarted master still lists announced sessions and accepts their heartbeats', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'coop-master-'));
    dirs.push(dir);
    const statePath = join(dir, 'lobby.json');
    const m1 = await master({ statePath });
    const a = await http(m1.url, 'POST', '/api/sessions', ANNOUNCE);
    const { sessionId, hostToken } = a.body as { sessionId: string; hostToken: string };
    // The file holds only a hash of the host token.
    expect(readFileSync(statePath, 'utf8')).not.toContain(hostToken);
    await m1.close();
    masters = [];
    const m2 = await master({ statePath });
    expect(((await http(m2.url, 'GET', '/api/sessions')).body.sessions as { sessionId: string }[]).map((s) => s.sessionId)).toEqual([sessionId]);
    expect((await http(m2.url, 'POST', `/api/sessions/${sessionId}/heartbeat`, { hostToken })).status).toBe(200);
    expect((await http(m2.url, 'DELETE', `/api/sessions/${sessionId}`, { hostToken })).status).toBe(200);
    expect((await http(m2.url, 'GET', '/api/sessions')).body.sessions).toEqual([]);
  });

  it('refuses an announce flood from one IP while others still announce; bad bodies are counted', async () => {
    const m = await master();
    const statuses: number[] = [];
    for (let i = 0; i < MASTER_MAX_SESSIONS_PER_IP + 5; i++) {
      statuses.push((await http(m.url, 'POST', '/api/sessions', ANNOUNCE, '127.0.0.2')).status);
    }
    expect(statuses.filter((s) => s === 201)).toHaveLength(MASTER_MAX_SESSIONS_PER_IP);
    expect(statuses.filter((s) => s === 429)).toHaveLength(5);
    expect(m.stats.count('announce_ip_limit')).toBe(5);
    expect((await http(m.url, 'POST', '/api/sessions', ANNOUNCE, '127.0.0.3')).status).toBe(201);
    expect(m.store.size).toBe(MASTER_MAX_SESSIONS_PER_IP + 1);

    expect((await http(m.url, 'POST', '/api/sessions', undefined, '127.0.0.4', '{not json')).status).toBe(400);
    expect((await http(m.url, 'POST', '/api/sessions', { ...ANNOUNCE, players: -1 }, '127.0.0.4')).status).toBe(400);
    expect((await http(m.url, 'POST', '/api/sessions', { ...ANNOUNCE, name: 'x'.repeat(MASTER_MAX_BODY_BYTES) }, '127.0.0.4')).status).toBe(413);
    expect(m.stats.count('http_bad_json')).toBe(1);
    expect(m.stats.count('http_bad_body')).toBe(1);
    expect(m.stats.count('http_too_big')).toBe(1);
    expect((await http(m.url, 'GET', '/api/nothing')).status).toBe(404);
    expect((await http(m.url, 'GET', '/api/sessions')).status).toBe(200);
  });
});
