// Every way coop-sidecar ends runs the same teardown list: a signal (before and after joining),
// the game going away, a refusal by the server, and a fatal error each close the sidecar's
// bridge and (when one was made) the ENet host's socket, and give the policy's exit code.
// In-process: runSidecar with a real bridge (the game role opened here), a real CoopServer on
// loopback UDP, and the UDP transport wrapped to see it closed.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { openBridge, type Bridge } from '../../bridge/index.js';
import { EXIT_OK, EXIT_RUNTIME } from '../../src/cli/command.js';
import type { DatagramTransport } from '../../src/net/enet/transport.js';
import { listenEnet } from '../../src/server/enet-adapter.js';
import { CoopServer } from '../../src/server/server.js';
import { EXIT_REFUSED } from '../../src/sidecar/cli/sidecar-options.js';
import { runSidecar, SIDECAR_DEPS, type SidecarDeps } from '../../src/sidecar/cli/run-sidecar.js';
import { WAIT, removeSessions, sessionName } from '../bridge/util.js';
import { captureIo } from '../helpers/cli-io.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
  removeSessions();
});

async function startServer(password?: string): Promise<number> {
  const server = new CoopServer({ sessionId: 'exit-paths', password, log: { info: () => undefined, warn: () => undefined, error: () => undefined } as never });
  const listener = await listenEnet(server, { host: '127.0.0.1', port: 0, peerLimit: 4 });
  server.start();
  cleanups.push(async () => {
    await server.stop('test over');
    listener.close();
  });
  return listener.port;
}

/** The real dependencies, watched: the sidecar's bridge and whether its UDP socket was closed. */
function watchedDeps(over: Partial<SidecarDeps> = {}) {
  const seen: { bridge?: Bridge; transport?: DatagramTransport; transportClosed: boolean } = { transportClosed: false };
  const deps: SidecarDeps = {
    ...SIDECAR_DEPS,
    openBridge: (o) => (seen.bridge = SIDECAR_DEPS.openBridge(o)),
    bindUdp: async (server) => {
      const t = await SIDECAR_DEPS.bindUdp(server);
      const close = t.close.bind(t);
      t.close = () => {
        seen.transportClosed = true;
        close();
      };
      return (seen.transport = t);
    },
    ...over,
  };
  return { deps, seen };
}

function gameFor(session: string): Bridge {
  const game = openBridge({ name: session, role: 'game' });
  cleanups.push(() => game.close());
  return game;
}

function walkIn(game: Bridge): void {
  game.send('PlayerTransform', { entityId: 1, pos: { x: 1, y: 2, z: 3 }, rot: { x: 0, y: 0, z: 0, w: 1 }, vel: { x: 0, y: 0, z: 0 } });
}

function sidecarArgs(session: string, port: number): string[] {
  const dataDir = mkdtempSync(join(tmpdir(), 'coop-exit-'));
  cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
  return ['--server', `127.0.0.1:${port}`, '--bridge', session, '--data-dir', dataDir, '--log-level', 'silent', '--name', 'Vee'];
}

describe('coop-sidecar exit paths', () => {
  it('a signal after joining: goodbye sent, exit 0, bridge and ENet socket closed, no signal handler left', async () => {
    const port = await startServer();
    const session = sessionName('exit-signal');
    const game = gameFor(session);
    const { deps, seen } = watchedDeps();
    const cap = captureIo();
    const running = runSidecar(sidecarArgs(session, port), cap.io, deps);
    await vi.waitUntil(() => seen.bridge !== undefined, WAIT);
    walkIn(game);
    await vi.waitUntil(() => cap.out().includes('joined as peer'), { ...WAIT, interval: 10 });
    cap.signal('SIGTERM');
    expect(await running).toBe(EXIT_OK);
    expect(seen.bridge!.state).toBe('closed');
    expect(seen.transportClosed).toBe(true);
    expect(cap.listeners()).toBe(0);
    expect(cap.err()).toBe('');
  }, 30_000);

  it('the game going away after joining: exit 0, bridge and ENet socket closed', async () => {
    const port = await startServer();
    const session = sessionName('exit-game');
    const game = gameFor(session);
    const { deps, seen } = watchedDeps();
    const cap = captureIo();
    const running = runSidecar(sidecarArgs(session, port), cap.io, deps);
    await vi.waitUntil(() => seen.bridge !== undefined, WAIT);
    walkIn(game);
    await vi.waitUntil(() => cap.out().includes('joined as peer'), { ...WAIT, interval: 10 });
    await game.close();
    expect(await running).toBe(EXIT_OK);
    expect(cap.out()).toContain('the game went away');
    expect(seen.bridge!.state).toBe('closed');
    expect(seen.transportClosed).toBe(true);
  }, 30_000);

  it('refused by the server (no password): exit 3, the hint, bridge and ENet socket closed', async () => {
    const port = await startServer('s3cret-pass');
    const session = sessionName('exit-refused');
    const game = gameFor(session);
    const { deps, seen } = watchedDeps();
    const cap = captureIo();
    const running = runSidecar(sidecarArgs(session, port), cap.io, deps);
    await vi.waitUntil(() => seen.bridge !== undefined, WAIT);
    walkIn(game);
    expect(await running).toBe(EXIT_REFUSED);
    expect(cap.out()).toContain('this session has a password');
    expect(seen.bridge!.state).toBe('closed');
    expect(seen.transportClosed).toBe(true);
  }, 30_000);

  it('a fatal error while wiring (no UDP socket): one line, exit 1, the bridge closed', async () => {
    const session = sessionName('exit-fatal');
    const game = gameFor(session);
    const { deps, seen } = watchedDeps({ bindUdp: () => Promise.reject(new Error('EADDRNOTAVAIL: no socket for you\n  at somewhere')) });
    const cap = captureIo();
    const running = runSidecar(sidecarArgs(session, 9), cap.io, deps);
    await vi.waitUntil(() => seen.bridge !== undefined, WAIT);
    walkIn(game);
    expect(await running).toBe(EXIT_RUNTIME);
    expect(cap.err()).toBe('coop-sidecar: EADDRNOTAVAIL: no socket for you at somewhere\n');
    expect(seen.bridge!.state).toBe('closed');
  }, 30_000);

  it('a signal before the game attached: exit 0, the bridge closed, no socket ever bound', async () => {
    const session = sessionName('exit-early');
    const { deps, seen } = watchedDeps();
    const cap = captureIo();
    const running = runSidecar(sidecarArgs(session, 9), cap.io, deps);
    await vi.waitUntil(() => cap.out().includes('waiting for the game'), WAIT);
    cap.signal('SIGINT');
    expect(await running).toBe(EXIT_OK);
    expect(seen.bridge!.state).toBe('closed');
    expect(seen.transport).toBeUndefined();
    expect(cap.listeners()).toBe(0);
  }, 30_000);
});
