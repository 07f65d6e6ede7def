// Re-joining after a lost link: the schedule (pauses, limit, reset on a join), and with real
// processes: the server is killed (no goodbye) and started again on the same port; the sidecar
// tells the game, takes the old proxies out of it, and joins the new server by itself.
import { createSocket } from 'node:dgram';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { REJOIN_ATTEMPTS, RejoinSchedule } from '../../src/sidecar/rejoin.js';
import { PROC_WAIT_MS, ProcGroup, type Proc } from '../helpers/proc.js';
import { testServerArgs } from '../helpers/coop-server.js';
import { startHeadlessPlayer } from '../helpers/headless-player.js';

describe('RejoinSchedule', () => {
  it('doubles the pause up to the cap, stops after the limit, and starts over after a join', () => {
    const r = new RejoinSchedule({ attempts: 5, firstDelayMs: 1_000, maxDelayMs: 8_000 });
    expect(r.rejoining).toBe(false);
    expect([r.next(), r.next(), r.next(), r.next(), r.next(), r.next()]).toEqual([1_000, 2_000, 4_000, 8_000, 8_000, undefined]);
    expect(r.attempt).toBe(5);
    expect(r.rejoining).toBe(true);
    r.joined();
    expect(r.rejoining).toBe(false);
    expect(r.next()).toBe(1_000);
    expect(new RejoinSchedule().attempts).toBe(REJOIN_ATTEMPTS);
  });
});

const dir = mkdtempSync(join(tmpdir(), 'coop-rejoin-'));
const procs = new ProcGroup();
afterAll(async () => {
  await procs.stopAll('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});
const started = (args: string[]): Proc => procs.start(args);

function freeUdpPort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createSocket('udp4');
    s.bind(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

describe('sidecar re-joins after the server is lost (real processes)', () => {
  it('server killed and restarted on its port: proxies leave the game, the sidecar joins again', async () => {
    const port = await freeUdpPort();
    const serverArgs = (n: number) => testServerArgs({ dataDir: join(dir, `srv-${n}`), port, npcs: 3, areaM: 30, logLevel: 'silent' });
    const first = started(serverArgs(1));
    await first.line(/listening on udp/);

    const { game, sidecar } = await startHeadlessPlayer({ procs, dir, name: 'V', server: `127.0.0.1:${port}`, logLevel: 'silent' });
    const spawns = () => game.lines.filter((l) => l.includes('"type":"SpawnProxy"')).length;
    await vi.waitFor(() => expect(spawns(), 'the NPC proxies of the first server').toBeGreaterThanOrEqual(3), PROC_WAIT_MS);

    first.child.kill('SIGKILL'); // no Disconnect: the link just goes quiet
    const second = started(serverArgs(2));
    await sidecar.line(/connection to the server lost/);
    await vi.waitFor(() => expect(sidecar.lines.filter((l) => /joined as peer \d+/.test(l)).length, 'the second join').toBeGreaterThanOrEqual(2), PROC_WAIT_MS);
    await vi.waitFor(() => expect(spawns(), 'the NPC proxies of the second server').toBeGreaterThanOrEqual(6), PROC_WAIT_MS);

    expect(sidecar.lines.some((l) => /re-joining in \d+(\.\d+)? s \(attempt 1 of \d+\)/.test(l))).toBe(true);
    const despawned = game.lines.filter((l) => l.includes('"type":"DespawnProxy"')).length;
    expect(despawned).toBeGreaterThanOrEqual(3); // the first server's proxies left the game
    expect(game.lines.some((l) => l.includes('"type":"Notification"') && l.includes('re-joining'))).toBe(true);
    expect(sidecar.child.exitCode).toBeNull();
    expect(second.child.exitCode).toBeNull();
  }, 90_000);
});
