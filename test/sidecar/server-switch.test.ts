// The server picked in the game's settings menu, end to end in process: SettingsChanged
// .serverSlot from the game's side of a real bridge makes runSidecar leave one real CoopServer
// (a goodbye: the server sees the player leave at once) and join the saved server of that slot
// in coop-bridge.ini: a direct server, a lobby (coop-master replaced by a stand-in that hands
// out a UDP path to a third server: the ICE join itself is tested in test/net), back to the
// ini's own server; an empty slot and a server that refuses are told to the player and the
// sidecar stays up.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { openBridge, type Bridge } from '../../bridge/index.js';
import { EXIT_OK } from '../../src/cli/command.js';
import { listenEnet } from '../../src/server/enet-adapter.js';
import { CoopServer } from '../../src/server/server.js';
import { runSidecar, SIDECAR_DEPS, type SidecarDeps } from '../../src/sidecar/cli/run-sidecar.js';
import { WAIT, removeSessions, sessionName } from '../bridge/util.js';
import { captureIo } from '../helpers/cli-io.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
  removeSessions();
});

async function startServer(sessionId: string, password?: string): Promise<{ server: CoopServer; port: number }> {
  const server = new CoopServer({ sessionId, password, log: { info: () => undefined, warn: () => undefined, error: () => undefined } as never });
  const listener = await listenEnet(server, { host: '127.0.0.1', port: 0, peerLimit: 4 });
  server.start();
  cleanups.push(async () => {
    await server.stop('test over');
    listener.close();
  });
  return { server, port: listener.port };
}

/** coop-master replaced: a "lobby" is a plain UDP path to the given port. */
function standInMaster(port: number, asked: string[]): SidecarDeps['joinThroughMaster'] {
  return async (o) => {
    asked.push(`${o.lobbyId} on ${[o.master].flat().join(',')}`);
    const transport = await SIDECAR_DEPS.bindUdp();
    return {
      transport: transport as never,
      address: { address: '127.0.0.1', port },
      stats: () => ({ path: 'host', localCandidate: 'host', remoteCandidate: 'host', attempt: 1, bytesSent: 0, bytesReceived: 0 }) as never,
      describe: () => 'path host (stand-in master: plain UDP)',
      close: async () => transport.close(),
    };
  };
}

const pick = (game: Bridge, serverSlot: number): void =>
  void game.send('SettingsChanged', { pttKey: 'IK_V', voiceActivation: false, voxThresholdDbfs: -45, voiceVolume: 1, serverSlot });

describe('the server picked in the settings menu', () => {
  it('switches between the ini server, a saved server and a saved lobby; an empty slot or a refusal keeps the sidecar up', async () => {
    const a = await startServer('ini-server');
    const b = await startServer('slot-1');
    const c = await startServer('slot-2-lobby');
    const locked = await startServer('slot-4-locked', 'not-yours');
    const dir = mkdtempSync(join(tmpdir(), 'coop-switch-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const ini = join(dir, 'coop-bridge.ini');
    writeFileSync(
      ini,
      `server = 127.0.0.1:${a.port}\nmaster = http://127.0.0.1:9\nserver1 = 127.0.0.1:${b.port}\nserver2 = lobby:LobbyC1\nserver3 =\nserver4 = 127.0.0.1:${locked.port}\n`,
    );
    const session = sessionName('switch');
    const game = openBridge({ name: session, role: 'game' });
    cleanups.push(() => game.close());
    const notes: string[] = [];
    game.on('Notification', (n) => notes.push(n.text));
    const asked: string[] = [];
    const cap = captureIo();
    const args = ['--server', `127.0.0.1:${a.port}`, '--saved-servers', ini, '--bridge', session, '--data-dir', dir, '--log-level', 'silent', '--name', 'Vee'];
    const running = runSidecar(args, cap.io, { ...SIDECAR_DEPS, joinThroughMaster: standInMaster(c.port, asked) });
    await vi.waitUntil(() => cap.out().includes('waiting for the game'), WAIT);
    game.send('PlayerTransform', { entityId: 1, pos: { x: 1, y: 2, z: 3 }, rot: { x: 0, y: 0, z: 0, w: 1 }, vel: { x: 0, y: 0, z: 0 } });
    const on = (s: { server: CoopServer }): number => s.server.inWorld().length;
    const where = (): number[] => [on(a), on(b), on(c)];
    await vi.waitUntil(() => on(a) === 1, WAIT);

    // in A's world the player walks to (40, 2, 3) (on Linux the native path's thread takes these frames)
    await vi.waitUntil(() => cap.out().includes('joined as peer'), WAIT);
    for (let i = 0; i < 5; i++)
      game.send('PlayerTransform', { entityId: 1, pos: { x: 40, y: 2, z: 3 }, rot: { x: 0, y: 0, z: 0, w: 1 }, vel: { x: 0, y: 0, z: 0 } });
    const avatarX = (s: { server: CoopServer }): number => s.server.world.x[s.server.inWorld()[0]!.avatarId]!;
    await vi.waitUntil(() => avatarX(a) === 40, WAIT);

    pick(game, 1);
    await vi.waitUntil(() => where().join() === '0,1,0', WAIT);
    expect(cap.out()).toContain(`leaving 127.0.0.1:${a.port} for 127.0.0.1:${b.port}`);
    expect(avatarX(b)).toBe(40); // B's join started where the player was, not where A's began

    pick(game, 2);
    await vi.waitUntil(() => where().join() === '0,0,1', WAIT);
    expect(asked).toEqual(['LobbyC1 on http://127.0.0.1:9']);

    pick(game, 3);
    await vi.waitUntil(() => notes.some((n) => /slot 3 is empty/.test(n)), WAIT);
    expect(where()).toEqual([0, 0, 1]);

    pick(game, 4);
    await vi.waitUntil(() => notes.some((n) => /pick another server/.test(n)), WAIT);
    expect(on(c)).toBe(0);
    expect(on(locked)).toBe(0);

    pick(game, 0);
    await vi.waitUntil(() => where().join() === '1,0,0', WAIT);
    expect(cap.out()).toContain('this session has a password'); // the refusal's hint, and still running

    cap.signal('SIGTERM');
    expect(await running).toBe(EXIT_OK);
    await vi.waitUntil(() => on(a) === 0, WAIT);
  }, 60_000);

  it('with no server in the ini the sidecar waits for a pick, then joins it', async () => {
    const b = await startServer('only-slot');
    const dir = mkdtempSync(join(tmpdir(), 'coop-switch-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const ini = join(dir, 'coop-bridge.ini');
    writeFileSync(ini, `server =\nserver1 = 127.0.0.1:${b.port}\n`);
    const session = sessionName('switch-none');
    const game = openBridge({ name: session, role: 'game' });
    cleanups.push(() => game.close());
    const notes: string[] = [];
    game.on('Notification', (n) => notes.push(n.text));
    const cap = captureIo();
    const running = runSidecar(['--saved-servers', ini, '--bridge', session, '--data-dir', dir, '--log-level', 'silent'], cap.io, SIDECAR_DEPS);
    await vi.waitUntil(() => cap.out().includes('waiting for the game'), WAIT);
    game.send('PlayerTransform', { entityId: 1, pos: { x: 1, y: 2, z: 3 }, rot: { x: 0, y: 0, z: 0, w: 1 }, vel: { x: 0, y: 0, z: 0 } });
    await vi.waitUntil(() => notes.some((n) => /no server chosen/.test(n)), WAIT);
    pick(game, 1);
    await vi.waitUntil(() => b.server.inWorld().length === 1, WAIT);
    cap.signal('SIGTERM');
    expect(await running).toBe(EXIT_OK);
  }, 30_000);
});
