// Must show (issue 17): no temp file left after a master killed mid-write and restarted. A real
// coop-master writes its lobby (journal appends, atomic snapshot rewrites at start and when the
// journal outgrows the snapshot) on every announce and removal; it is killed with SIGKILL
// while hosts announce and leave from 8 loopback addresses. A kill landing exactly between the
// temp file's creation and its rename cannot be timed from outside, so the test also leaves the
// temp file such a kill leaves (same name pattern, half a lobby in it). On restart every temp
// file of the state file is gone, the state file still parses, and other files are untouched.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { proc, type Proc } from '../helpers/proc.js';
import { http } from './helpers.js';

const HOSTS = Array.from({ length: 8 }, (_, i) => `127.0.0.${i + 2}`);
const ANNOUNCE = { name: 'kill test', version: '0.1.0', players: 1, maxPlayers: 4, password: false };
/** How long the hosts announce and leave before the kill. */
const CHURN_MS = 1500;
const dir = mkdtempSync(join(tmpdir(), 'coop-master-kill-'));
const procs: Proc[] = [];
afterAll(() => {
  for (const p of procs) if (p.child.exitCode === null) p.child.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

const statePath = join(dir, 'lobby.json');
const temps = (): string[] => readdirSync(dir).filter((f) => f.startsWith('.lobby.json.') && f.endsWith('.tmp'));

/** coop-master logs JSON with pino on stdout: wait for its 'listening' line. */
async function startMaster(): Promise<{ p: Proc; base: string; listening: Record<string, unknown> }> {
  const p = proc(['src/master/main.ts', '--host', '127.0.0.1', '--port', '0', '--state', statePath]);
  procs.push(p);
  const line = (await p.line(/coop-master listening/)).input;
  const listening = JSON.parse(line) as Record<string, unknown>;
  return { p, base: `http://127.0.0.1:${listening.port as number}`, listening };
}

/** One host: announce, leave, again, until told to stop (every step rewrites the state file). */
async function churn(base: string, from: string, stop: { now: boolean }): Promise<number> {
  let writes = 0;
  while (!stop.now) {
    const a = await http(base, 'POST', '/api/sessions', ANNOUNCE, from).catch(() => null);
    if (!a || a.status !== 201) break; // killed, or rate-limited
    writes++;
    const { sessionId, hostToken } = a.body as { sessionId: string; hostToken: string };
    const d = await http(base, 'DELETE', `/api/sessions/${sessionId}`, { hostToken }, from).catch(() => null);
    if (!d || d.status !== 200) break;
    writes++;
  }
  return writes;
}

describe('coop-master killed mid-write', () => {
  it('sweeps the temp files of its state file at start', async () => {
    const first = await startMaster();
    const stop = { now: false };
    const running = HOSTS.map((h) => churn(first.base, h, stop));
    await new Promise((r) => setTimeout(r, CHURN_MS));
    first.p.child.kill('SIGKILL');
    stop.now = true;
    const writes = (await Promise.all(running)).reduce((a, b) => a + b, 0);
    await first.p.exited;
    expect(writes).toBeGreaterThan(0); // the file was being rewritten when the kill came
    const leftByKill = temps().length;

    // what a kill between the temp's creation and its rename leaves
    const deadPid = 999_999;
    writeFileSync(join(dir, `.lobby.json.${deadPid}.0123456789ab.tmp`), '{"v":1,"sessions":[{"sessionId":"half');
    writeFileSync(join(dir, 'notes.txt'), "not the master's");
    writeFileSync(join(dir, '.other.json.1.ab.tmp'), "another program's temp file");
    expect(temps().length).toBe(leftByKill + 1);

    const second = await startMaster();
    expect(temps()).toEqual([]);
    expect(second.listening.staleTempsRemoved).toBe(leftByKill + 1);
    expect(existsSync(join(dir, 'notes.txt')) && existsSync(join(dir, '.other.json.1.ab.tmp'))).toBe(true);
    if (existsSync(statePath)) expect(JSON.parse(readFileSync(statePath, 'utf8'))).toMatchObject({ v: 2 });
    expect((await http(second.base, 'GET', '/api/sessions')).status).toBe(200);
    second.p.child.kill('SIGTERM');
    expect(await second.p.exited).toBe(0);
  }, 90_000);
});
