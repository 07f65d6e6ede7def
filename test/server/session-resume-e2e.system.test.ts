// Must show (issue 17): kill -9 → restart → the file still lists the party → re-join →
// progress not lower. Real processes: coop-server, coop-sim (the game) and coop-sidecar. The
// sidecar re-joins the restarted server by itself (same port); after the re-join the game reports
// an OLDER progress (lower XP) with one new quest: the file takes the quest, keeps the XP.
import { createSocket } from 'node:dgram';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { encodeDat } from '../../src/merge/dat.js';
import { parseSessionText } from '../../src/merge/io.js';
import type { SessionFile } from '../../src/merge/model.js';
import { testServerArgs } from '../helpers/coop-server.js';
import { proc, type Proc } from '../helpers/proc.js';
import { item, progress } from '../merge/arbitraries.js';
import { standAt, startPlayer, stopAll } from '../merge/procs.js';

const SESSION_ID = 'resume-e2e';
/** Generous: the machine is shared; nothing here asserts a duration. */
const WAIT_MS = 60_000;
const dir = mkdtempSync(join(tmpdir(), 'coop-resume-'));
const procs: Proc[] = [];
afterAll(async () => {
  await stopAll(procs);
  rmSync(dir, { recursive: true, force: true });
});

function freeUdpPort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createSocket('udp4');
    s.bind(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

function startServer(port: number): Proc {
  const p = proc(testServerArgs({ dataDir: join(dir, 'srv'), port, extra: ['--session-id', SESSION_ID, '--autosave-s', '1'] }));
  procs.push(p);
  return p;
}

function readFile(path: string): SessionFile | undefined {
  return existsSync(path) ? parseSessionText(readFileSync(path, 'utf8')) : undefined;
}

describe('a server killed with SIGKILL and restarted resumes its session', () => {
  it('the file still lists the party after the restart; the re-join never lowers progress', async () => {
    const port = await freeUdpPort();
    const first = startServer(port);
    const path = (await first.line(/session file (.+)$/))[1];
    const base = progress({ playerId: 'v', name: 'V', level: 2, xp: 300, quests: { q001_intro: 1 }, inventory: [item('Items.money', { quantity: 10 })] });
    const played = { ...base, level: 5, xp: 900, quests: { q001_intro: 3 } };
    const olderSave = { ...base, level: 3, xp: 500, quests: { q001_intro: 2, q002_new: 1 } };
    const dat = (p: object) => encodeDat(p as typeof base).toString('base64');
    const p = startPlayer({
      dir,
      tag: 'r',
      port,
      name: 'V',
      scenario: {
        name: 'resume',
        progressBase64: dat(base),
        steps: [
          standAt(0),
          { at: 0, do: 'progress', base64: dat(played), afterExports: 1 }, // played in the session
          { at: 0, do: 'progress', base64: dat(olderSave), afterExports: 2 }, // reported after the re-join
        ],
      },
    });
    procs.push(p.game, p.sidecar);
    await vi
      .waitFor(() => expect(readFile(path)?.party[0]?.xp, 'the played progress in the file').toBe(900), WAIT_MS)
      .catch((e: Error) => {
        throw new Error(
          `${e.message}: ${JSON.stringify(readFile(path))} SIDECAR ${p.sidecar.lines.join(' | ')} ${p.sidecar.err()} GAME ${p.game.err()} SERVER ${first.err()}`,
        );
      });
    const beforeKill = readFile(path)!;

    first.child.kill('SIGKILL');
    await first.exited;
    const second = startServer(port);
    await second.line(/resumed the session \(1 players recorded\)/);
    // the start-up save has been written by now: the party is still there, nothing lower
    const atRestart = readFile(path)!;
    expect(atRestart.party).toEqual(beforeKill.party);
    expect(atRestart.baselines).toEqual(beforeKill.baselines);
    expect(atRestart.seq).toBeGreaterThan(beforeKill.seq);
    expect(readFile(`${path}.bak`)?.party).toEqual(beforeKill.party);

    await vi.waitFor(() => expect(p.sidecar.lines.filter((l) => /joined as peer \d+/.test(l)).length, 'the re-join').toBeGreaterThanOrEqual(2), WAIT_MS);
    await vi.waitFor(() => expect(readFile(path)?.quests.q002_new, 'the report after the re-join').toBe(1), WAIT_MS);
    const after = readFile(path)!;
    expect(after.party).toHaveLength(1);
    expect(after.party[0]).toMatchObject({ playerId: beforeKill.party[0].playerId, xp: 900, level: 5, joinedAt: beforeKill.party[0].joinedAt });
    expect(after.quests).toEqual({ q001_intro: 3, q002_new: 1 });
    expect(after.baselines[after.party[0].playerId]).toMatchObject({ xp: 300, level: 2 });
    expect(after.startedAt).toBe(beforeKill.startedAt);
  }, 180_000);
});
