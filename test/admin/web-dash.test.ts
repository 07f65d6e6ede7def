import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import { request } from 'node:http';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { AdminController } from '../../src/server/admin/admin-controller.js';
import { AdminList } from '../../src/server/admin/admin-list.js';
import { BanStore } from '../../src/server/admin/ban-store.js';
import { MuteTable } from '../../src/server/admin/mute-table.js';
import { WebDash } from '../../src/server/dash/web-dash.js';
import { checkBearer, resolveAdminToken, TokenError } from '../../src/server/dash/token.js';
import { FakeSession, ManualClock, ID_A, ID_B } from './fake-session.js';

const TOKEN = 'test-token-0123456789abcdef';
let session: FakeSession;
let dash: WebDash;
let port: number;
let bans: BanStore;
let warnings: object[];

beforeEach(async () => {
  session = new FakeSession();
  session.add({
    id: 2,
    name: 'Vee',
    identity: ID_A,
    pingMs: 31.6,
    location: { x: 10.123, y: -20, z: 1 },
    mode: 'play',
    net: { path: 'srflx', connectMs: 84.6, bytesSent: 12_345, bytesReceived: 4_567.4 },
  });
  session.add({ id: 3, name: '<img src=x onerror=alert(1)>', identity: ID_B, pingMs: 40, location: { x: 0, y: 0, z: 0 }, mode: 'spectate' });
  // Zero counts are left out of /status; a non-finite one becomes 0 and is left out too.
  session.statsValue = { ...session.statsValue, refusals: { password: 3, banned: 1, full: 0, other: Number.NaN } };
  const clock = new ManualClock();
  bans = await BanStore.open({ dataDir: mkdtempSync(join(tmpdir(), 'dash-')) });
  warnings = [];
  const log = { info: () => undefined, warn: (o: object) => warnings.push(o) };
  const controller = new AdminController({ session, bans, mutes: new MuteTable(clock), admins: new AdminList(), log });
  dash = new WebDash({ session, controller, token: TOKEN, port: 0, log, pushMs: 60_000 });
  port = await dash.listen();
});
afterEach(async () => {
  await dash.close();
});

interface Res {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function http(method: string, path: string, opts: { headers?: Record<string, string>; body?: string } = {}): Promise<Res> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path, headers: opts.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString() }));
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}

const post = (action: string, body: unknown, headers: Record<string, string> = {}) =>
  http('POST', `/admin/${action}`, { headers: { 'Content-Type': 'application/json', ...headers }, body: JSON.stringify(body) });
const auth = { Authorization: `Bearer ${TOKEN}` };

describe('WebDash HTTP', () => {
  it('binds to loopback by default', () => {
    expect(port).toBeGreaterThan(0);
    expect(dash.address).toBe('127.0.0.1');
  });

  it('GET /status has exactly the documented shape', async () => {
    const r = await http('GET', '/status');
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toMatch(/^application\/json/);
    expect(JSON.parse(r.body)).toEqual({
      server: { tickMs: 25, frameTimeAvgMs: 3.5, entities: 120, uptimeS: 42, refusals: { password: 3, banned: 1 } },
      peers: [
        {
          id: 2,
          name: 'Vee',
          pingMs: 32,
          location: { x: 10.12, y: -20, z: 1 },
          mode: 'play',
          muted: false,
          clockBoundMs: null,
          net: { path: 'srflx', connectMs: 85, bytesSent: 12_345, bytesReceived: 4_567 },
        },
        {
          id: 3,
          name: '<img src=x onerror=alert(1)>',
          pingMs: 40,
          location: { x: 0, y: 0, z: 0 },
          mode: 'spectate',
          muted: false,
          clockBoundMs: null,
          net: null,
        },
      ],
    });
  });

  it('net: udp has no connect time; non-finite bytes become 0', () => {
    session.add({
      id: 4,
      name: 'Lan',
      identity: 'd'.repeat(64),
      pingMs: 1,
      location: { x: 0, y: 0, z: 0 },
      mode: 'play',
      net: { path: 'udp', connectMs: null, bytesSent: Number.NaN, bytesReceived: Number.POSITIVE_INFINITY },
    });
    session.add({
      id: 5,
      name: 'Odd',
      identity: 'e'.repeat(64),
      pingMs: 1,
      location: { x: 0, y: 0, z: 0 },
      mode: 'play',
      net: { path: 'relay', connectMs: Number.NaN, bytesSent: 0.4, bytesReceived: 7 },
    });
    const net = (id: number) => dash.status().peers.find((p) => p.id === id)?.net;
    expect(net(4)).toEqual({ path: 'udp', connectMs: null, bytesSent: 0, bytesReceived: 0 });
    expect(net(5)).toEqual({ path: 'relay', connectMs: 0, bytesSent: 0, bytesReceived: 7 });
  });

  it('serves the page with a CSP and no inline script, JS as a file', async () => {
    const page = await http('GET', '/');
    expect(page.status).toBe(200);
    const csp = String(page.headers['content-security-policy']);
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(page.headers['x-content-type-options']).toBe('nosniff');
    expect(page.body).toContain('<script src="/dash.js" defer></script>');
    expect(page.body).not.toMatch(/<script(?![^>]*\ssrc=)[^>]*>/);
    expect(page.body).not.toMatch(/\son[a-z]+=/i);
    const js = await http('GET', '/dash.js');
    expect(js.headers['content-type']).toMatch(/^text\/javascript/);
    expect(js.body).toContain('/status');
    expect((await http('GET', '/nope')).status).toBe(404);
    expect((await http('DELETE', '/status')).status).toBe(405);
  });

  it('refuses a foreign Host header (DNS rebinding)', async () => {
    const r = await http('GET', '/status', { headers: { Host: 'evil.example:7788' } });
    expect(r.status).toBe(421);
    expect((await http('GET', '/status', { headers: { Host: `localhost:${port}` } })).status).toBe(200);
  });
});

describe('WebDash admin POSTs', () => {
  it('401 without a token, 403 with a wrong one, 200 with the right one', async () => {
    const none = await post('kick', { peerId: 2 });
    expect(none.status).toBe(401);
    expect(none.headers['www-authenticate']).toMatch(/^Bearer/);
    expect((await post('kick', { peerId: 2 }, { Authorization: 'Bearer wrong' })).status).toBe(403);
    expect((await post('kick', { peerId: 2 }, { Authorization: `Bearer ${TOKEN}x` })).status).toBe(403);
    expect(session.kicked).toEqual([]);
    expect(warnings.filter((w) => (w as { event: string }).event === 'dash.auth_refused')).toHaveLength(3);
    const ok = await post('kick', { peerId: 2 }, auth);
    expect(ok.status).toBe(200);
    expect(JSON.parse(ok.body)).toEqual({ ok: true, code: 'OK', text: 'kicked peer 2 (Vee)' });
    expect(session.kicked.map((k) => k.id)).toEqual([2]);
  });

  it('ban and mute act through the controller', async () => {
    expect((await post('ban', { peerId: 3 }, auth)).status).toBe(200);
    expect(bans.isBanned(ID_B)?.by).toBe('dashboard');
    expect((await post('mute', { peerId: 2, secs: 30 }, auth)).status).toBe(200);
    expect(dash.status().peers.find((p) => p.id === 2)?.muted).toBe(true);
  });

  it.each([
    ['mute', { peerId: 2 }, 400],
    ['mute', { peerId: 2, secs: 0 }, 400],
    ['kick', { peerId: '2' }, 400],
    ['kick', { peerId: -1 }, 400],
    ['kick', null, 400],
    ['kick', { peerId: 77 }, 404],
    ['explode', { peerId: 2 }, 404],
  ])('bad request %s %j → %d', async (action, body, status) => {
    expect((await post(action, body, auth)).status).toBe(status);
    expect(session.kicked).toEqual([]);
  });

  it('bounds and types bodies; refuses a foreign Origin', async () => {
    const big = await http('POST', '/admin/kick', {
      headers: { ...auth, 'Content-Type': 'application/json' },
      body: JSON.stringify({ peerId: 2, pad: 'x'.repeat(10_000) }),
    });
    expect(big.status).toBe(413);
    const form = await http('POST', '/admin/kick', { headers: { ...auth, 'Content-Type': 'text/plain' }, body: '{"peerId":2}' });
    expect(form.status).toBe(415);
    const bad = await http('POST', '/admin/kick', { headers: { ...auth, 'Content-Type': 'application/json' }, body: '{peerId' });
    expect(bad.status).toBe(400);
    const foreign = await post('kick', { peerId: 2 }, { ...auth, Origin: 'http://evil.example' });
    expect(foreign.status).toBe(403);
    const same = await post('kick', { peerId: 2 }, { ...auth, Origin: `http://127.0.0.1:${port}` });
    expect(same.status).toBe(200);
    expect(session.kicked.map((k) => k.id)).toEqual([2]);
  });
});

describe('WebDash /ws', () => {
  function open(origin?: string): Promise<{ ws: WebSocket; first: unknown }> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(`ws://127.0.0.1:${port}/ws`, origin ? { origin } : {});
      ws.once('message', (d) => resolve({ ws, first: JSON.parse(String(d)) }));
      ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
      ws.once('error', reject);
    });
  }

  it('same-origin clients get the status at once and on every push', async () => {
    const { ws, first } = await open(`http://127.0.0.1:${port}`);
    expect(first).toEqual({ type: 'status', status: dash.status() });
    const next = new Promise((r) => ws.once('message', (d) => r(JSON.parse(String(d)))));
    session.map.get(2)!.location = { x: 99, y: 98, z: 97 };
    dash.pushNow();
    const msg = (await next) as { status: { peers: { id: number; location: unknown }[] } };
    expect(msg.status.peers.find((p) => p.id === 2)?.location).toEqual({ x: 99, y: 98, z: 97 });
    ws.close();
  });

  it('refuses a foreign Origin and a wrong path', async () => {
    await expect(open('http://evil.example')).rejects.toThrow('HTTP 403');
    await expect(open(`http://localhost.evil.example:${port}`)).rejects.toThrow('HTTP 403');
    const wrong = new WebSocket(`ws://127.0.0.1:${port}/other`);
    await expect(new Promise((_r, rej) => wrong.once('unexpected-response', (_q, res) => rej(new Error(`HTTP ${res.statusCode}`))))).rejects.toThrow(
      'HTTP 404',
    );
    expect(warnings.filter((w) => (w as { event: string }).event === 'dash.ws_refused').length).toBe(3);
  });
});

describe('admin token', () => {
  it('takes COOP_ADMIN_TOKEN, generates one otherwise, refuses a short one', () => {
    expect(resolveAdminToken({ COOP_ADMIN_TOKEN: TOKEN })).toEqual({ token: TOKEN, generated: false });
    const g = resolveAdminToken({});
    expect(g.generated).toBe(true);
    expect(g.token).toMatch(/^[0-9a-f]{48}$/);
    expect(resolveAdminToken({}).token).not.toBe(g.token);
    expect(() => resolveAdminToken({ COOP_ADMIN_TOKEN: 'short' })).toThrow(TokenError);
  });

  it('checks a bearer header', () => {
    expect(checkBearer(undefined, TOKEN)).toBe('missing');
    expect(checkBearer(`Basic ${TOKEN}`, TOKEN)).toBe('missing');
    expect(checkBearer(`Bearer ${TOKEN}`, TOKEN)).toBe('ok');
    expect(checkBearer(`bearer  ${TOKEN} `, TOKEN)).toBe('ok');
    expect(checkBearer('Bearer x', TOKEN)).toBe('wrong');
  });
});

describe('WebDash failure containment', () => {
  it('a throwing session view gives 500, and the dashboard keeps serving', async () => {
    const stats = session.stats.bind(session);
    session.stats = () => {
      throw new Error('boom');
    };
    const r = await http('GET', '/status');
    expect(r.status).toBe(500);
    expect(warnings).toContainEqual(expect.objectContaining({ event: 'dash.error', err: 'boom' }));
    session.stats = stats;
    expect((await http('GET', '/status')).status).toBe(200);
  });
});
