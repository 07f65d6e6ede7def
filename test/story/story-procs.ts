// End-to-end rig for story sync: coop-server and the sidecars as real processes (ENet over
// loopback), each sidecar beside a headless game (SimHost, the class coop-sim runs) hosted in the
// test process so the test can act as the player and read the game's state at one true instant.
// Every game and its sidecar run on a clock offset by a known amount from the machine's (the
// server's story clock is the machine's), so the truth is known.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listeningPort, testServerArgs } from '../helpers/coop-server.js';
import { proc, type Proc } from '../helpers/proc.js';
import { until } from '../helpers/wait.js';
import { SimHost } from '../../src/sim/host.js';
import { parseScenario } from '../../src/sim/scenario.js';
import { runStep } from '../../src/sim/actions.js';
import { machineClock, offsetClock } from '../../src/util/clock.js';
import type { LogLine } from '../../src/sim/log.js';

export interface Player {
  name: string;
  offsetMs: number;
  host: SimHost;
  sidecar: Proc;
  lines: LogLine[];
  peerId: number;
  /** Runs one scenario action now (as the player). */
  act(step: Record<string, unknown>): Promise<void>;
  /** Bridge messages of this type the game received, oldest first. */
  inbound(type: string): Record<string, unknown>[];
}

export class StoryRig {
  readonly dir = mkdtempSync(join(tmpdir(), 'coop-story-'));
  readonly procs: Proc[] = [];
  readonly players: Player[] = [];
  server!: Proc;
  addr = '';

  /** coop-server with its admin console on a pipe (console(line) types into it). */
  async startServer(extra: string[] = []): Promise<void> {
    this.server = proc(testServerArgs({ dataDir: join(this.dir, 'server'), console: true, extra }), { stdin: true });
    this.procs.push(this.server);
    this.addr = `127.0.0.1:${await listeningPort(this.server)}`;
  }

  console(line: string): void {
    this.server.child.stdin!.write(`${line}\n`);
  }

  /** A game standing at (x, y) and its sidecar, joined. */
  async join(name: string, offsetMs: number, x: number, y: number, scenario: Record<string, unknown> = {}): Promise<Player> {
    const session = `st${process.pid}${name}`;
    const lines: LogLine[] = [];
    const host = new SimHost({
      // truthMs: the machine's clock (= the server's story clock) when the line was logged
      bridge: { name: session, role: 'game' },
      log: (l) => lines.push({ ...l, truthMs: machineClock.now() }),
      quietFrames: true,
      clock: offsetClock(offsetMs),
      scenario: parseScenario({
        name,
        steps: [
          {
            at: 0,
            do: 'walk',
            path: [
              [x, y, 0],
              [x, y + 0.01, 0],
            ],
            speedMps: 0.001,
            hz: 10,
          },
        ],
        ...scenario,
      }),
    });
    const sidecar = proc([
      'src/sidecar/main.ts',
      '--server',
      this.addr,
      '--bridge',
      session,
      '--name',
      name,
      '--data-dir',
      join(this.dir, `id-${name}`),
      '--log-level',
      'warn',
      `--clock-offset-ms=${offsetMs}`,
    ]);
    this.procs.push(sidecar);
    const m = await sidecar.line(/joined as peer (\d+)/);
    const p: Player = {
      name,
      offsetMs,
      host,
      sidecar,
      lines,
      peerId: Number(m[1]),
      act: (step) => runStep({ at: 0, ...step } as never, host.context),
      inbound: (type) => lines.filter((l) => l.dir === 'in' && l.type === type).map((l) => l.msg as Record<string, unknown>),
    };
    this.players.push(p);
    return p;
  }

  /** Waits until the game holds a synced server time reply (asks every 200 ms). */
  async serverTime(p: Player): Promise<{ serverTimeMs: number; localTimeMs: number; errorBoundMs: number; synced: boolean }> {
    let id = 0;
    const ctx = p.host.context;
    await until(() => {
      const r = ctx.state.get('serverTime') as { requestId: number; synced: boolean } | undefined;
      if (r?.synced && r.requestId === id) return true;
      if (!r || r.requestId === id || id === 0) void p.act({ do: 'serverTime', requestId: ++id });
      return false;
    }, `${p.name}'s server time`);
    return ctx.state.get('serverTime') as never;
  }

  async stop(): Promise<void> {
    for (const p of this.players) p.sidecar.child.kill('SIGINT');
    await Promise.all(this.players.map((p) => Promise.race([p.sidecar.exited, new Promise((r) => setTimeout(r, 5_000))])));
    for (const p of this.players) await p.host.stop('test over').catch(() => undefined);
    this.server?.child.stdin?.end();
    for (const pr of this.procs) if (pr.child.exitCode === null) pr.child.kill('SIGKILL');
    rmSync(this.dir, { recursive: true, force: true });
  }
}
