// Two coop-master instances on one real redis-server: one lobby, shared per-IP limits and rate
// buckets, host tokens only as hashes, sessions that expire in Redis, signalling relayed
// between the instances, and both masters back after Redis restarts.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { Redis } from 'ioredis';
import { startMaster, type MasterServer } from '../../src/master/server.js';
import { MASTER_MAX_SESSIONS_PER_IP, MASTER_RATE_MAX_PER_WINDOW, MASTER_SESSION_EXPIRY_MS } from '../../src/master/constants.js';
import { startRedis, type TestRedis } from '../helpers/redis.js';
import { http, WsClient } from './helpers.js';

const ANNOUNCE = { name: 'Afterlife', version: '0.1.0', players: 1, maxPlayers: 4, password: false };
const WAIT = { timeout: 20_000, interval: 50 };
let redis: TestRedis;
let a: MasterServer;
let b: MasterServer;
const sockets: WsClient[] = [];

beforeAll(async () => {
  redis = await startRedis();
  a = await startMaster({ host: '127.0.0.1', port: 0, turnUris: [], store: redis.url });
  b = await startMaster({ host: '127.0.0.1', port: 0, turnUris: [], store: redis.url });
});
afterAll(async () => {
  for (const s of sockets) s.close();
  await a?.close();
  await b?.close();
  await redis?.stop();
});

async function ws(m: MasterServer): Promise<WsClient> {
  const c = new WsClient(`${m.url.replace('http', 'ws')}/ws`);
  sockets.push(c);
  await c.open();
  return c;
}

const ids = async (m: MasterServer, query = ''): Promise<string[]> =>
  ((await http(m.url, 'GET', `/api/sessions${query}`)).body.sessions as { sessionId: string }[]).map((s) => s.sessionId);

describe('coop-master on Redis, two instances', () => {
  it('a session announced on one is listed by the other; its heartbeat and removal work on either', async () => {
    const r = await http(a.url, 'POST', '/api/sessions', ANNOUNCE, '127.0.0.10');
    expect(r.status).toBe(201);
    const { sessionId, hostToken } = r.body as { sessionId: string; hostToken: string };
    await vi.waitFor(async () => expect(await ids(b)).toContain(sessionId), WAIT);
    expect((await http(b.url, 'POST', `/api/sessions/${sessionId}/heartbeat`, { hostToken, players: 3 }, '127.0.0.10')).status).toBe(200);
    expect((await http(b.url, 'POST', `/api/sessions/${sessionId}/heartbeat`, { hostToken: 'x'.repeat(32) }, '127.0.0.10')).status).toBe(403);
    await vi.waitFor(async () => {
      const rows = (await http(a.url, 'GET', '/api/sessions')).body.sessions as { sessionId: string; players: number }[];
      expect(rows.find((s) => s.sessionId === sessionId)?.players).toBe(3);
    }, WAIT);

    // Only a hash of the token is in Redis, and the session key expires with the heartbeat timeout.
    const peek = new Redis(redis.url);
    try {
      const keys = await peek.keys('*');
      const dump = JSON.stringify(await Promise.all(keys.filter((k) => k.includes(':s:') || k.endsWith('list')).map((k) => peek.hgetall(k))));
      expect(dump).toContain(sessionId);
      expect(dump).not.toContain(hostToken);
      const ttl = await peek.pttl(`coop:s:${sessionId}`);
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(MASTER_SESSION_EXPIRY_MS);
    } finally {
      peek.disconnect();
    }

    expect((await http(a.url, 'DELETE', `/api/sessions/${sessionId}`, { hostToken }, '127.0.0.10')).status).toBe(200);
    await vi.waitFor(async () => expect(await ids(b)).not.toContain(sessionId), WAIT);
    expect((await http(b.url, 'POST', `/api/sessions/${sessionId}/heartbeat`, { hostToken }, '127.0.0.10')).status).toBe(404);
  });

  it('the per-IP session limit and the rate bucket hold across instances', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < MASTER_MAX_SESSIONS_PER_IP + 4; i++) {
      statuses.push((await http(i % 2 ? b.url : a.url, 'POST', '/api/sessions', ANNOUNCE, '127.0.0.11')).status);
    }
    expect(statuses.filter((s) => s === 201)).toHaveLength(MASTER_MAX_SESSIONS_PER_IP);
    expect(statuses.filter((s) => s === 429)).toHaveLength(4);
    // The bucket: MASTER_RATE_MAX_PER_WINDOW requests of one address in a window, whichever instance.
    const rate: number[] = [];
    for (let i = 0; i < MASTER_RATE_MAX_PER_WINDOW + 2; i++)
      rate.push((await http(i % 2 ? b.url : a.url, 'GET', '/api/challenge', undefined, '127.0.0.12')).status);
    expect(rate.filter((s) => s === 200)).toHaveLength(MASTER_RATE_MAX_PER_WINDOW);
    expect(rate.slice(-2)).toEqual([429, 429]);
  });

  it('pages and filters the shared lobby (name, free slots, no password)', async () => {
    const made: string[] = [];
    for (const [i, extra] of [{}, { password: true }, { players: 4 }, { name: 'Totentanz' }].entries()) {
      const r = await http(a.url, 'POST', '/api/sessions', { ...ANNOUNCE, name: `Page ${i}`, ...extra }, `127.0.1.${i}`);
      made.push((r.body as { sessionId: string }).sessionId);
    }
    await vi.waitFor(async () => expect(await ids(b)).toEqual(expect.arrayContaining(made)), WAIT);
    expect(await ids(b, '?name=totent')).toEqual([made[3]]);
    const open = await ids(b, '?name=page&open=1&free=1');
    expect(open).toEqual([made[0]]);
    // Pages of 2 walk the whole lobby once, in order, with no row twice.
    const all = await ids(b);
    const walked: string[] = [];
    let cursor = '';
    for (let guard = 0; guard < 100; guard++) {
      const page = await http(b.url, 'GET', `/api/sessions?limit=2${cursor}`);
      walked.push(...(page.body.sessions as { sessionId: string }[]).map((s) => s.sessionId));
      if (!page.body.next) break;
      cursor = `&cursor=${page.body.next as string}`;
    }
    expect(walked).toEqual(all);
    expect((await http(b.url, 'GET', '/api/sessions?limit=0')).status).toBe(400);
    expect((await http(b.url, 'GET', '/api/sessions?cursor=%00')).status).toBe(400);
    expect(b.stats.count('http_bad_query')).toBe(2);
  });

  it('relays signalling between a host bound on one instance and a joiner on the other', async () => {
    const r = await http(a.url, 'POST', '/api/sessions', ANNOUNCE, '127.0.0.13');
    const { sessionId, hostToken } = r.body as { sessionId: string; hostToken: string };
    const host = await ws(a);
    host.send({ t: 'host', sessionId, hostToken });
    expect(await host.next()).toEqual({ t: 'ready', sessionId });
    const joiner = await ws(b);
    joiner.send({ t: 'join', sessionId });
    const joined = await joiner.next();
    expect(joined.t).toBe('joined');
    const peerId = joined.peerId as string;
    expect(await host.next()).toEqual({ t: 'peer', peerId });
    const end = { kind: 'end', attempt: 0 };
    joiner.send({ t: 'signal', data: end });
    expect(await host.next()).toEqual({ t: 'signal', peerId, data: end });
    host.send({ t: 'signal', peerId, data: end });
    expect(await joiner.next()).toEqual({ t: 'signal', peerId, data: end });
    joiner.close();
    expect(await host.next()).toEqual({ t: 'left', peerId });
    // A second joiner on B is told when the host leaves A.
    const second = await ws(b);
    second.send({ t: 'join', sessionId });
    expect((await second.next()).t).toBe('joined');
    expect((await host.next()).t).toBe('peer');
    host.close();
    expect(await second.closed).toBe(1001);
  });

  it('both masters reconnect after Redis restarts (the lobby is empty: the tests run Redis without persistence)', async () => {
    await redis.kill();
    // While Redis is away: 503 (counted), never a hang or a crash.
    await vi.waitFor(async () => expect((await http(a.url, 'GET', '/healthz')).status).toBe(503), WAIT);
    expect((await http(a.url, 'POST', '/api/sessions', ANNOUNCE, '127.0.0.14')).status).toBe(503);
    expect(a.stats.count('store_unavailable')).toBeGreaterThanOrEqual(1);
    await redis.start();
    for (const m of [a, b]) {
      await vi.waitFor(async () => expect((await http(m.url, 'GET', '/healthz')).status).toBe(200), WAIT);
    }
    const r = await http(b.url, 'POST', '/api/sessions', ANNOUNCE, '127.0.0.14');
    expect(r.status).toBe(201);
    await vi.waitFor(async () => expect(await ids(a)).toEqual([(r.body as { sessionId: string }).sessionId]), WAIT);
  });
});
