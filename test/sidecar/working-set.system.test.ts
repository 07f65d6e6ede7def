// The working-set trim in a real sidecar process: 30 s after it starts (and after its join) it
// gives back the pages of Node's binary that start-up touched and play does not use, says so in
// its log, and goes on working: a player who joins afterwards appears in its game.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { WORKING_SET_TRIM_AFTER_MS } from '../../src/sidecar/working-set.js';
import { PROC_WAIT_MS, ProcGroup, type Proc } from '../helpers/proc.js';
import { listeningPort, testServerArgs } from '../helpers/coop-server.js';
import { executableRssKb } from '../helpers/resident.js';
import { startHeadlessPlayer } from '../helpers/headless-player.js';

const dir = mkdtempSync(join(tmpdir(), 'coop-trim-'));
const procs = new ProcGroup();
afterAll(async () => {
  await procs.stopAll('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});
const started = (args: string[]): Proc => procs.start(args);

describe('a sidecar giving back its start-up pages (real processes)', () => {
  it('trims after start-up, logs what it gave back, and still takes in a player who joins after', async () => {
    const server = started(testServerArgs({ dataDir: join(dir, 'srv'), npcs: 2, areaM: 20, logLevel: 'silent' }));
    const port = await listeningPort(server, PROC_WAIT_MS);
    const a = await startHeadlessPlayer({ procs, dir, name: 'A', server: `127.0.0.1:${port}`, logLevel: 'info' });
    await a.sidecar.line(/joined as peer \d+/, PROC_WAIT_MS);
    const pid = a.sidecar.child.pid!;
    const before = executableRssKb(pid);

    await vi.waitFor(() => expect(a.sidecar.err()).toContain('"event":"working-set.trimmed"'), WORKING_SET_TRIM_AFTER_MS * 2 + PROC_WAIT_MS);
    const after = executableRssKb(pid);
    const logged = JSON.parse(
      a.sidecar
        .err()
        .split('\n')
        .find((l) => l.includes('"event":"working-set.trimmed"'))!,
    ) as { mappings: number; mb: number };
    expect(logged.mappings).toBeGreaterThan(0);
    expect(logged.mb).toBeGreaterThan(5);
    expect(after).toBeLessThan(before * 0.75);

    // Play goes on: a second player joins and appears in A's game as a proxy.
    const spawnsBefore = a.game.lines.filter((l) => l.includes('"type":"SpawnProxy"')).length;
    const b = await startHeadlessPlayer({ procs, dir, name: 'B', server: `127.0.0.1:${port}`, logLevel: 'info' });
    await b.sidecar.line(/joined as peer \d+/, PROC_WAIT_MS);
    await vi.waitFor(() => expect(a.game.lines.filter((l) => l.includes('"type":"SpawnProxy"')).length).toBeGreaterThan(spawnsBefore), PROC_WAIT_MS);
    expect(a.sidecar.child.exitCode).toBeNull();
  }, 180_000);
});
