import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHmac } from 'node:crypto';
import { startMaster, type MasterServer } from '../../src/master/server.js';
import { http, newIdentity, proofQuery } from './helpers.js';
import { playerIdOf } from '../../src/master/turn-cred.js';

const SECRET = 'test-secret-' + 'a'.repeat(20);
let now = 1_700_000_000_000;
let m: MasterServer;
beforeAll(async () => {
  m = await startMaster({ host: '127.0.0.1', port: 0, turnSecret: SECRET, turnUris: ['turn:127.0.0.1:3478?transport=udp'], turnTtlS: 300, now: () => now });
});
afterAll(async () => {
  await m.close();
});

describe('GET /api/turnCred', () => {
  it('issues coturn REST credentials to a player who signs the challenge', async () => {
    const id = newIdentity();
    const { nonce } = (await http(m.url, 'GET', '/api/challenge')).body as { nonce: string };
    const r = await http(m.url, 'GET', proofQuery(id, nonce));
    expect(r.status).toBe(200);
    const { username, password, ttl, uris } = r.body as { username: string; password: string; ttl: number; uris: string[] };
    expect(username).toBe(`${Math.floor(now / 1000) + 300}:${playerIdOf(id.publicRaw)}`);
    expect(password).toBe(createHmac('sha1', SECRET).update(username).digest('base64'));
    expect(ttl).toBe(300);
    expect(uris).toEqual(['turn:127.0.0.1:3478?transport=udp']);
    // The nonce is single-use.
    expect((await http(m.url, 'GET', proofQuery(id, nonce))).status).toBe(403);
  });

  it('refuses an unproven identity: wrong key, forged signature, unknown or expired nonce', async () => {
    const before = (k: Parameters<typeof m.stats.count>[0]) => m.stats.count(k);
    const base = { sig: before('cred_bad_signature'), nonce: before('cred_unknown_nonce'), key: before('cred_bad_key'), query: before('cred_bad_query') };
    const id = newIdentity();
    const other = newIdentity();
    const { nonce } = (await http(m.url, 'GET', '/api/challenge')).body as { nonce: string };
    // Signed by another key than the one claimed.
    const forged = proofQuery(other, nonce).replace(other.publicRaw.toString('base64url'), id.publicRaw.toString('base64url'));
    expect((await http(m.url, 'GET', forged)).status).toBe(403);
    expect((await http(m.url, 'GET', proofQuery(id, 'neverissuednonce'))).status).toBe(403);
    expect((await http(m.url, 'GET', '/api/turnCred?key=abc')).status).toBe(400);
    expect((await http(m.url, 'GET', proofQuery(id, nonce).replace(/key=[^&]+/, 'key=AAAA'))).status).toBe(403);
    const { nonce: old } = (await http(m.url, 'GET', '/api/challenge')).body as { nonce: string };
    now += 31_000;
    expect((await http(m.url, 'GET', proofQuery(id, old))).status).toBe(403);
    expect(m.stats.count('cred_bad_signature') - base.sig).toBe(1);
    expect(m.stats.count('cred_unknown_nonce') - base.nonce).toBe(2);
    expect(m.stats.count('cred_bad_key') - base.key).toBe(1);
    expect(m.stats.count('cred_bad_query') - base.query).toBe(1);
    // The first nonce expired too (31 s later) even though it was never used successfully.
    expect((await http(m.url, 'GET', proofQuery(id, nonce))).status).toBe(403);
    const { nonce: fresh } = (await http(m.url, 'GET', '/api/challenge')).body as { nonce: string };
    expect((await http(m.url, 'GET', proofQuery(id, fresh))).status).toBe(200);
  });

  it('answers 503 when the master has no TURN secret', async () => {
    const bare = await startMaster({ host: '127.0.0.1', port: 0, turnUris: [] });
    const id = newIdentity();
    const { nonce } = (await http(bare.url, 'GET', '/api/challenge')).body as { nonce: string };
    expect((await http(bare.url, 'GET', proofQuery(id, nonce))).status).toBe(503);
    await bare.close();
  });
});
