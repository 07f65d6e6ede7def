// Which timers the sidecar's bridge runs its heartbeat check on (run-sidecar.ts): in a session,
// the wake timers that ride on the game's frames (util/wake-timers.ts); in --import mode, which
// has no frames to ride, Node's own, so its check keeps its 200 ms (on the wake timers' fallback
// alone it would come every 250 ms).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { openBridge, type Bridge, type BridgeOptions } from '../../bridge/index.js';
import { runSidecar, SIDECAR_DEPS, type SidecarDeps } from '../../src/sidecar/cli/run-sidecar.js';
import { WakeTimers } from '../../src/util/wake-timers.js';
import { WAIT, removeSessions, sessionName } from '../bridge/util.js';
import { captureIo } from '../helpers/cli-io.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
  removeSessions();
});

/** Runs coop-sidecar with `args` beside a game of its own; the options its bridge was opened with. */
async function bridgeOptionsOf(tag: string, args: (session: string, dataDir: string) => string[]) {
  const session = sessionName(tag);
  const game: Bridge = openBridge({ name: session, role: 'game' });
  cleanups.push(() => game.close());
  const dataDir = mkdtempSync(join(tmpdir(), 'coop-bridge-timers-'));
  cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
  let opened: Partial<BridgeOptions> | undefined;
  const deps: SidecarDeps = { ...SIDECAR_DEPS, openBridge: (o) => ((opened = o), SIDECAR_DEPS.openBridge(o)) };
  const cap = captureIo();
  const running = runSidecar(args(session, dataDir), cap.io, deps);
  await vi.waitUntil(() => opened !== undefined, WAIT);
  cap.signal('SIGTERM');
  await running;
  return opened!;
}

describe("the sidecar bridge's heartbeat timers", () => {
  it('ride on the game frames in a session', async () => {
    const o = await bridgeOptionsOf('timers-session', (session, dataDir) => [
      '--server',
      '127.0.0.1:9',
      '--bridge',
      session,
      '--data-dir',
      dataDir,
      '--log-level',
      'silent',
    ]);
    expect(o.intervals).toBeInstanceOf(WakeTimers);
  });

  it("are Node's own in --import mode (no frames to ride)", async () => {
    const o = await bridgeOptionsOf('timers-import', (session, dataDir) => {
      writeFileSync(join(dataDir, 'session.json'), '{}'); // what is in it does not matter here
      return [
        '--bridge',
        session,
        '--import',
        join(dataDir, 'session.json'),
        '--data-dir',
        dataDir,
        '--out',
        join(dataDir, 'out.dat'),
        '--log-level',
        'silent',
      ];
    });
    expect(o).toBeDefined();
    expect(o.intervals).toBeUndefined();
  });
});
