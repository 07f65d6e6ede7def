// Must show, end to end with real processes: coop-server + 3 sidecars + 3 headless games over
// ENet on loopback. Each game is told about exactly the other players in range, and the
// positions it is given move smoothly (bounded jerk). V and Panam run the native path (--pace
// native: a thread takes their games' frames and their snapshots), Judy the JavaScript one: V's
// game is moved by V's thread, and Judy sees V move by the inputs V's thread sent.
import { describe, it, expect, afterAll } from 'vitest';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jerkStats } from '../helpers/jerk.js';
import { ProcGroup, type JsonLine, type Proc } from '../helpers/proc.js';
import { listeningPort, testServerArgs } from '../helpers/coop-server.js';

const RUN_MS = 7000;
const JERK_BOUND_MPS3 = 50; // m/s³ over 100 ms spans (test/helpers/jerk.ts); the true path has 0.18
const dir = mkdtempSync(join(tmpdir(), 'coop-e2e-'));
const procs = new ProcGroup();
/** Start-up of seven processes can take long on a busy machine. */
const START_MS = 60_000;

const started = (args: string[]): Proc => procs.start(args);

afterAll(async () => {
  await procs.stopAll('SIGINT', 1500);
  rmSync(dir, { recursive: true, force: true });
});

const SPEED_MPS = 4;
const GAME_HZ = 60;
/**
 * A 360-gon whose sides are 5 game steps minus a hair: coop-sim's walk restarts each leg at its
 * start, so legs that are whole steps keep the walker's speed even (no stutter at corners).
 */
const SIDE_M = (5 * SPEED_MPS) / GAME_HZ - 1e-6;
const SIDES = 360;
const RADIUS_M = SIDE_M / (2 * Math.sin(Math.PI / SIDES));
const circle = (cx: number, cy: number) =>
  Array.from({ length: SIDES + 1 }, (_, i) => [cx + RADIUS_M * Math.cos((2 * Math.PI * i) / SIDES), cy + RADIUS_M * Math.sin((2 * Math.PI * i) / SIDES), 0]);

interface GameLog {
  own: { tMs: number; x: number; y: number; z: number }[];
  spawns: { id: number; kind: number; name: string }[];
  despawns: number[];
  states: Map<number, { tMs: number; x: number; y: number; z: number }[]>;
}

/** What a headless game's JSON lines say it sent (its own position) and was told (proxies). */
function gameLog(lines: JsonLine[]): GameLog {
  const log: GameLog = { own: [], spawns: [], despawns: [], states: new Map() };
  for (const j of lines as { t?: number; dir?: string; type?: string; msg?: unknown }[]) {
    if (j.dir === 'out' && j.type === 'PlayerTransform') {
      const o = j.msg as { pos: { x: number; y: number; z: number } };
      log.own.push({ tMs: j.t ?? 0, ...o.pos });
      continue;
    }
    if (j.dir !== 'in' || !j.msg) continue;
    const m = j.msg as { entityId: number; kind: number; template: string; tick: number; pos: { x: number; y: number; z: number } };
    if (j.type === 'SpawnProxy') log.spawns.push({ id: m.entityId, kind: m.kind, name: m.template });
    else if (j.type === 'DespawnProxy') log.despawns.push(m.entityId);
    else if (j.type === 'RemoteEntityStates') {
      const f = j.msg as { tick: number; states: { entityId: number; pos: { x: number; y: number; z: number } }[] };
      for (const s of f.states) {
        const list = log.states.get(s.entityId) ?? [];
        list.push({ tMs: f.tick / 1000, ...s.pos });
        log.states.set(s.entityId, list);
      }
    }
  }
  return log;
}

describe('end to end: coop-server + 3 sidecars + 3 headless games (real processes, ENet, loopback)', () => {
  it('each game is told about exactly the others in range, and positions move smoothly', async () => {
    // A few NPCs near the origin only: every proxy state is a JSON line the test parses.
    const server = started(testServerArgs({ dataDir: join(dir, 'srv'), npcs: 6, areaM: 60 }));
    const port = await listeningPort(server, START_MS);
    // On Linux the server's snapshots of a tick leave in one sendmmsg (udp-batch.ts): the whole
    // session below runs over it.
    const sends = (await server.line(/udp sends: (.+)$/, START_MS))[1];
    if (process.platform === 'linux') expect(sends).toBe("a tick's datagrams in one sendmmsg");

    // V and Judy circle 40 m apart (always within 120 m of each other); Panam is 1 km away.
    const players = [
      { name: 'V', path: circle(0, 0), pace: 'native' },
      { name: 'Judy', path: circle(40, 0), pace: 'frames' },
      { name: 'Panam', path: circle(1000, 0), pace: 'native' },
    ];
    const games: Proc[] = [];
    const sidecars = players.map((p, i) => {
      const session = `e2e-${process.pid}-${i}`;
      const scenario = join(dir, `walk-${i}.json`);
      writeFileSync(scenario, JSON.stringify({ name: 'walk', repeat: false, steps: [{ at: 0, do: 'walk', path: p.path, speedMps: SPEED_MPS, hz: GAME_HZ }] }));
      games.push(started(['src/sim/main.ts', '--bridge', session, '--scenario', scenario]));
      return started([
        'src/sidecar/main.ts',
        '--server',
        `127.0.0.1:${port}`,
        '--bridge',
        session,
        '--name',
        p.name,
        '--data-dir',
        join(dir, `id-${i}`),
        '--log-level',
        'warn',
        '--pace',
        p.pace,
      ]);
    });
    await Promise.all(sidecars.map((s) => s.line(/joined as peer/, START_MS)));
    // the thread took the game's frames and the socket (no fallback to the JavaScript path)
    const native = sidecars.map((s) => s.out().includes('handled in a native thread') && !s.out().includes('not a plain UDP socket'));
    expect(native, sidecars[0]!.out()).toEqual([process.platform === 'linux', false, process.platform === 'linux']);
    await new Promise((r) => setTimeout(r, RUN_MS));
    for (const s of sidecars) expect(s.child.exitCode, s.err()).toBe(null);
    const logs = games.map((g) => gameLog(g.json));

    const avatarsSeen = logs.map((l) =>
      l.spawns
        .filter((s) => s.kind === 0)
        .map((s) => s.name)
        .sort(),
    );
    expect(avatarsSeen).toEqual([['Judy'], ['V'], []]);
    // the players never leave each other's range: no avatar proxy is ever despawned
    expect(logs.map((l) => l.despawns.filter((id) => l.spawns.some((s) => s.id === id && s.kind === 0)).length)).toEqual([0, 0, 0]);
    expect(logs[0].spawns.filter((s) => s.kind !== 0).length).toBeGreaterThan(0); // NPCs near V too
    expect(logs[2].spawns.length).toBe(0); // nothing within 120 m of Panam

    for (const [viewer, other] of [
      [0, 'Judy'],
      [1, 'V'],
    ] as const) {
      const id = logs[viewer].spawns.find((s) => s.name === other)!.id;
      const path = logs[viewer].states.get(id)!;
      expect(path.length).toBeGreaterThan(50);
      const j = jerkStats(path.slice(60)); // after the first second
      const src = jerkStats(logs[1 - viewer].own.slice(60));
      // The headless game moves its player one step per timer firing, so on a loaded machine the
      // motion it reports is itself uneven: the bound is absolute on a quiet machine and relative
      // to that source motion (same measure, same run) on a busy one. The tail is taken at p90
      // (≈ 7 of 70 spans): a single event-loop stall of a process on a crowded CI box spoils ~3.
      // The strict absolute bound on a steady clock is in test/sidecar/sidecar.test.ts.
      const why = `given ${JSON.stringify(j)} source ${JSON.stringify(src)}`;
      expect(src.samples, why).toBeGreaterThan(50);
      expect(j.p50, why).toBeLessThan(Math.max(JERK_BOUND_MPS3, 3 * src.p50));
      expect(j.p90, why).toBeLessThan(Math.max(3 * JERK_BOUND_MPS3, 3 * src.p90));
      // and it is where the other player is: on its circle around its centre
      const c = viewer === 0 ? [40, 0] : [0, 0];
      for (const s of path.slice(60)) expect(Math.abs(Math.hypot(s.x - c[0], s.y - c[1]) - RADIUS_M)).toBeLessThan(0.6);
    }
  }, 120_000);
});
