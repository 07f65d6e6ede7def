// Debian's Chromium (driven by playwright-core) loads the dashboard, sees the table follow a
// player joining and moving, kicks with the token and is refused without it; saves a screenshot.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, mkdirSync, existsSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { AdminController } from '../../src/server/admin/admin-controller.js';
import { AdminList } from '../../src/server/admin/admin-list.js';
import { BanStore } from '../../src/server/admin/ban-store.js';
import { MuteTable } from '../../src/server/admin/mute-table.js';
import { WebDash } from '../../src/server/dash/web-dash.js';
import { FakeSession, ID_A, ID_B } from './fake-session.js';

const CHROMIUM = '/usr/bin/chromium';
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const TOKEN = 'browser-test-token-0123456789';
/** The bound: the page shows a join or a move within 3 s. */
const UPDATE_BOUND_MS = 3000;
const SHOT = 'test-results/admin-dashboard.png';

let browser: Browser;
let dash: WebDash;
let session: FakeSession;
let port: number;

beforeAll(async () => {
  session = new FakeSession();
  session.add({ id: 1, name: 'Host', identity: 'h'.repeat(64), pingMs: 1, location: { x: 0, y: 0, z: 0 }, mode: 'play', isHost: true });
  const bans = await BanStore.open({ dataDir: mkdtempSync(join(tmpdir(), 'dashb-')) });
  const controller = new AdminController({
    session,
    bans,
    mutes: new MuteTable({ now: () => performance.now() }),
    admins: new AdminList(),
    log: { info: () => undefined, warn: () => undefined },
  });
  dash = new WebDash({ session, controller, token: TOKEN, port: 0, log: { info: () => undefined, warn: () => undefined } });
  port = await dash.listen();
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
});

afterAll(async () => {
  await browser?.close();
  await dash?.close();
});

describe('dashboard in Chromium', () => {
  it('follows joins and moves, kicks with the token, is refused without', async () => {
    expect(existsSync(CHROMIUM)).toBe(true);
    const context = await browser.newContext({ viewport: { width: 1100, height: 640 } });
    const page = await context.newPage();
    const cspErrors: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') cspErrors.push(m.text());
    });
    await page.goto(`http://127.0.0.1:${port}/`);
    await page.locator('#peers tbody tr[data-peer="1"]').waitFor({ timeout: 10_000 });
    await page.locator('#conn.live').waitFor({ timeout: 10_000 });
    expect(await page.locator('#refusals').textContent()).toBe('none');
    session.statsValue = { ...session.statsValue, refusals: { password: 2, banned: 1 } };
    await page.locator('#refusals', { hasText: 'wrong password 2 · banned 1' }).waitFor({ timeout: 10_000 });
    expect(await page.locator('#refusals').textContent()).toBe('wrong password 2 · banned 1');

    // a player joins
    session.add({
      id: 7,
      name: 'Vee <b>',
      identity: ID_A,
      pingMs: 28,
      location: { x: 40, y: 25, z: 3 },
      mode: 'play',
      net: { path: 'srflx', connectMs: 85, bytesSent: 12_345, bytesReceived: 4_500 },
    });
    session.add({ id: 8, name: 'Jackie', identity: ID_B, pingMs: 55, location: { x: -30, y: -10, z: 0 }, mode: 'spectate' });
    const row = page.locator('#peers tbody tr[data-peer="7"]');
    await row.waitFor({ timeout: UPDATE_BOUND_MS });
    await expect(row.locator('td').nth(1).textContent()).resolves.toBe('Vee <b>'); // text, not HTML
    // connection stats: path in words with the ICE connect time, bytes human-readable; "—" without
    const head = await page.locator('#peers thead th').allTextContents();
    const connCol = head.indexOf('connection'),
      trafficCol = head.indexOf('traffic');
    expect(connCol).toBeGreaterThan(0);
    expect(trafficCol).toBeGreaterThan(0);
    expect(await row.locator('td').nth(connCol).textContent()).toBe('NAT punched (ICE srflx), 85 ms');
    expect(await row.locator('td').nth(trafficCol).textContent()).toBe('↑ 12.3 kB ↓ 4.5 kB');
    const plain = page.locator('#peers tbody tr[data-peer="8"]');
    expect(await plain.locator('td').nth(connCol).textContent()).toBe('—');
    expect(await plain.locator('td').nth(trafficCol).textContent()).toBe('—');
    // the player moves
    session.map.get(7)!.location = { x: 55.5, y: 30, z: 3 };
    // locators run in Playwright's utility world: no page eval, so the page's CSP stays strict
    await page.locator('#peers tbody tr[data-peer="7"] td:nth-child(4):text-is("55.5")').waitFor({ timeout: UPDATE_BOUND_MS });
    expect(await page.locator('#map circle').count()).toBe(3);

    // kick without a token: refused, player stays
    await page.locator('#peers tbody tr[data-peer="8"] button[data-action="kick"]').click();
    await page.locator('#result.error').waitFor({ timeout: 10_000 });
    expect(await page.locator('#result').textContent()).toMatch(/^401: admin token required/);
    await page.fill('#token', 'not-the-token');
    await page.locator('#peers tbody tr[data-peer="8"] button[data-action="kick"]').click();
    await page.locator('#result.error', { hasText: /^403: wrong admin token$/ }).waitFor({ timeout: 10_000 });
    expect(session.peer(8)).toBeDefined();

    // with the token: kicked, the row goes away
    await page.fill('#token', TOKEN);
    await page.locator('#peers tbody tr[data-peer="8"] button[data-action="kick"]').click();
    await page.locator('#result.ok').waitFor({ timeout: 10_000 });
    expect(await page.locator('#result').textContent()).toBe('200: kicked peer 8 (Jackie)');
    expect(session.kicked.map((k) => k.id)).toEqual([8]);
    await page.locator('#peers tbody tr[data-peer="8"]').waitFor({ state: 'detached', timeout: 10_000 });

    mkdirSync('test-results', { recursive: true });
    await page.screenshot({ path: SHOT, fullPage: true });
    expect(statSync(SHOT).size).toBeGreaterThan(5_000);
    // the CSP allowed our own script and socket: nothing was blocked
    expect(cspErrors.filter((e) => /Content Security Policy/i.test(e))).toEqual([]);
    await context.close();
  });
});
