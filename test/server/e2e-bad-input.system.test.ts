// Bad input over the real transport: a real coop-server process, raw ENet clients in the test.
// Garbage gets a peer disconnected with a reason; a version mismatch is refused clearly on both
// sides; the server keeps serving well-behaved players throughout.
import { describe, it, expect, afterAll } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { EnetHost, UdpTransport, type EnetPeer } from '../../src/net/enet/index.js';
import { CHANNEL_COUNT, CHANNEL_RELIABLE, PROTOCOL_VERSION } from '../../src/protocol/constants.js';
import { decodeMsg } from '../../src/protocol/codec.js';
import { CoopClient, ClientState } from '../../src/sidecar/session.js';
import { generateIdentity } from '../../src/protocol/identity.js';

const dir = mkdtempSync(join(tmpdir(), 'coop-bad-'));
let server: ChildProcess | null = null;
let serverErr = '';
const hosts: EnetHost[] = [];

afterAll(async () => {
  for (const h of hosts) h.destroy();
  if (server && server.exitCode === null) {
    server.kill('SIGINT');
    await new Promise((r) => setTimeout(r, 1000));
    if (server.exitCode === null) server.kill('SIGKILL');
  }
  rmSync(dir, { recursive: true, force: true });
});

async function startServer(): Promise<number> {
  let port = 0;
  server = spawn(process.execPath, ['--import', 'tsx', 'src/server/main.ts', '--port', '0', '--host', '127.0.0.1', '--no-dash', '--no-console',
    '--data-dir', join(dir, 'srv'), '--npcs', '5', '--log-level', 'warn'], { stdio: ['ignore', 'pipe', 'pipe'] });
  server.stderr!.on('data', (d) => { serverErr += d; });
  createInterface({ input: server.stdout! }).on('line', (line) => {
    const m = /listening on udp [^:]+:(\d+)/.exec(line);
    if (m) port = Number(m[1]);
  });
  for (let i = 0; i < 1200 && port === 0; i++) await new Promise((r) => setTimeout(r, 50));
  return port;
}

async function connect(port: number): Promise<{ host: EnetHost; peer: EnetPeer; inbox: Uint8Array[] }> {
  const transport = await UdpTransport.bind({ address: '127.0.0.1', port: 0 });
  const host = new EnetHost({ transport, peerLimit: 1, channelLimit: CHANNEL_COUNT });
  hosts.push(host);
  const inbox: Uint8Array[] = [];
  host.on('receive', (_p, _c, data) => inbox.push(data.slice()));
  const peer = host.connect({ address: '127.0.0.1', port }, CHANNEL_COUNT, 0);
  await new Promise<void>((resolve) => host.once('connect', () => resolve()));
  return { host, peer, inbox };
}

const until = async (cond: () => boolean, ms = 20_000): Promise<void> => {
  for (let t = 0; t < ms && !cond(); t += 25) await new Promise((r) => setTimeout(r, 25));
};

async function joinAs(port: number, name: string, protocolVersion = PROTOCOL_VERSION): Promise<CoopClient> {
  const { peer, inbox } = await connect(port);
  const client = new CoopClient({
    name, identity: generateIdentity(), now: () => performance.now(), protocolVersion,
    send: (ch, bytes) => peer.send(ch, bytes, { reliable: true }),
  });
  const pump = setInterval(() => { for (const m of inbox.splice(0)) client.receive(m); }, 10);
  client.start({ x: 0, y: 0, z: 0, yaw: 0, vx: 0, vy: 0, vz: 0, mode: 0 });
  await until(() => client.state === ClientState.IN_WORLD || client.state === ClientState.REFUSED);
  clearInterval(pump);
  return client;
}

describe('bad input against a real coop-server over ENet', () => {
  it('garbage → disconnected with a reason; version mismatch refused; good players unaffected', async () => {
    const port = await startServer();
    expect(port, serverErr).toBeGreaterThan(0);
    const good = await joinAs(port, 'Good');
    expect(good.state).toBe(ClientState.IN_WORLD);

    const bad = await connect(port);
    let disconnected = false;
    bad.host.on('disconnect', () => { disconnected = true; });
    for (let i = 0; i < 60; i++) bad.peer.send(CHANNEL_RELIABLE, new Uint8Array([0xff, i, 0x13, 0x37]), { reliable: true });
    await until(() => disconnected || bad.inbox.some((m) => { const d = decodeMsg(m); return d.ok && d.kind === 'disconnect'; }));
    const reasons = bad.inbox.map((m) => decodeMsg(m)).filter((d) => d.ok && d.kind === 'disconnect').map((d) => (d.ok ? d.msg.disconnect?.reason : ''));
    expect(reasons[0]).toMatch(/too many bad messages/);

    const old = await joinAs(port, 'Old', PROTOCOL_VERSION + 1);
    expect(old.state).toBe(ClientState.REFUSED);
    expect(old.closeReason).toMatch(/protocol version mismatch: client speaks 2, server speaks 1/);
    await until(() => /protocol version mismatch/.test(serverErr), 5000);
    expect(serverErr).toMatch(/protocol version mismatch/);

    expect(server!.exitCode).toBe(null);
    const later = await joinAs(port, 'Later');
    expect(later.state).toBe(ClientState.IN_WORLD);
  }, 120_000);
});
