// The dashboard of a real coop-server process in Debian's Chromium (playwright-core): players
// join and move over ENet, the table follows within 3 s; kick is refused without the token
// (401) and with a wrong one (403), and works with COOP_ADMIN_TOKEN. Screenshot saved.
import { describe, it, expect, afterAll, vi } from 'vitest';
import { mkdtempSync, mkdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { Bot, WAIT } from './bot.js';
import { ServerProc } from './server-proc.js';

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
const TOKEN = 'live-dashboard-token-0123456789';
/** The bound: the page shows a join or a move within 3 s. */
const UPDATE_BOUND_MS = 3000;
const SHOT = 'test-results/admin-dashboard-live.png';

let browser: Browser | undefined;
let srv: ServerProc | undefined;
const bots: Bot[] = [];

afterAll(async () => {
  for (const b of bots) b.close();
  await browser?.close();
  await srv?.stop();
});

describe('dashboard of a real coop-server in Chromium', () => {
  it('follows players joining and moving, kicks only with the token', async () => {
    srv = await ServerProc.start({ dataDir: mkdtempSync(join(tmpdir(), 'dash-live-')), env: { COOP_ADMIN_TOKEN: TOKEN } });
    expect(srv.token).toBe(''); // taken from the environment: not printed
    await vi.waitFor(() => expect(srv!.dashPort > 0, 'the dashboard address').toBe(true), WAIT);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS }); // playwright gives each launch a fresh temporary --user-data-dir
    const context = await browser.newContext({ viewport: { width: 1100, height: 640 } });
    const page = await context.newPage();
    const consoleErrors: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text());
    });
    await page.goto(`http://127.0.0.1:${srv.dashPort}/`);
    await page.locator('#conn.live').waitFor({ timeout: 15_000 });
    await page.locator('#empty:not(.hidden)').waitFor({ timeout: 15_000 });

    // players join
    const v = await Bot.join(srv.port, 'V <i>', { at: { x: 10, y: 20 } });
    const judy = await Bot.join(srv.port, 'Judy', { at: { x: -40, y: 5 } });
    bots.push(v, judy);
    const vRow = page.locator(`#peers tbody tr[data-peer="${v.peerId}"]`);
    await vRow.waitFor({ timeout: UPDATE_BOUND_MS });
    await page.locator(`#peers tbody tr[data-peer="${judy.peerId}"]`).waitFor({ timeout: UPDATE_BOUND_MS });
    expect(await vRow.locator('td').nth(1).textContent()).toBe('V <i>'); // shown as text, not HTML

    // V moves
    v.moveTo(75.5, -12);
    await vRow.locator('td:nth-child(4):text-is("75.5")').waitFor({ timeout: UPDATE_BOUND_MS });
    expect(await vRow.locator('td:nth-child(5)').textContent()).toBe('-12.0');
    expect(await page.locator('#map circle').count()).toBe(2);

    // kick Judy: no token → 401, wrong token → 403, she stays
    const kickJudy = page.locator(`#peers tbody tr[data-peer="${judy.peerId}"] button[data-action="kick"]`);
    await kickJudy.click();
    await page.locator('#result.error', { hasText: /^401: admin token required$/ }).waitFor({ timeout: 10_000 });
    await page.fill('#token', 'wrong-token-wrong-token');
    await kickJudy.click();
    await page.locator('#result.error', { hasText: /^403: wrong admin token$/ }).waitFor({ timeout: 10_000 });
    expect(judy.inWorld).toBe(true);

    // with the token: Judy is disconnected and leaves the table
    await page.fill('#token', TOKEN);
    await kickJudy.click();
    await page.locator('#result.ok').waitFor({ timeout: 10_000 });
    expect(await page.locator('#result').textContent()).toBe(`200: kicked peer ${judy.peerId} (Judy)`);
    await vi.waitFor(
      () =>
        expect(
          judy.log.closed.some((r) => r.includes('kicked')),
          'Judy to be disconnected',
        ).toBe(true),
      WAIT,
    );
    await page.locator(`#peers tbody tr[data-peer="${judy.peerId}"]`).waitFor({ state: 'detached', timeout: 10_000 });

    mkdirSync('test-results', { recursive: true });
    await page.screenshot({ path: SHOT, fullPage: true });
    expect(statSync(SHOT).size).toBeGreaterThan(5_000);
    // only the expected 401/403 resource errors; nothing blocked by the CSP
    expect(consoleErrors.filter((e) => !/status of 40[13]/.test(e))).toEqual([]);
    await context.close();
  }, 120_000);
});
