// Bad input over the real transport: a real coop-server process, raw ENet clients in the test.
// Garbage gets a peer disconnected with a reason; a version mismatch is refused clearly on both
// sides; the server keeps serving well-behaved players throughout.
import { describe, it, expect, afterAll, vi } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EnetHost, UdpTransport, type EnetPeer } from '../../src/net/enet/index.js';
import { CHANNEL_COUNT, CHANNEL_RELIABLE, PROTOCOL_VERSION } from '../../src/protocol/constants.js';
import { decodeMsg } from '../../src/protocol/codec.js';
import { CoopClient, ClientState } from '../../src/sidecar/session.js';
import { generateIdentity } from '../../src/protocol/identity.js';
import { listeningPort, testServerArgs } from '../helpers/coop-server.js';
import { proc, type Proc } from '../helpers/proc.js';

const dir = mkdtempSync(join(tmpdir(), 'coop-bad-'));
let server: Proc | null = null;
const hosts: EnetHost[] = [];
/** vi.waitFor / vi.waitUntil options: a real server on a shared machine. */
const WAIT = { timeout: 20_000, interval: 25 };

afterAll(async () => {
  for (const h of hosts) h.destroy();
  await server?.stop('SIGINT', 1000);
  rmSync(dir, { recursive: true, force: true });
});

async function startServer(): Promise<number> {
  server = proc(testServerArgs({ dataDir: join(dir, 'srv'), npcs: 5, vehicles: null }));
  return listeningPort(server, 60_000);
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

async function joinAs(port: number, name: string, protocolVersion = PROTOCOL_VERSION): Promise<CoopClient> {
  const { peer, inbox } = await connect(port);
  const client = new CoopClient({
    name,
    identity: generateIdentity(),
    now: () => performance.now(),
    protocolVersion,
    send: (ch, bytes) => peer.send(ch, bytes, { reliable: true }),
  });
  const pump = setInterval(() => {
    for (const m of inbox.splice(0)) client.receive(m);
  }, 10);
  client.start({ x: 0, y: 0, z: 0, yaw: 0, vx: 0, vy: 0, vz: 0, mode: 0 });
  await vi.waitUntil(() => client.state === ClientState.IN_WORLD || client.state === ClientState.REFUSED, WAIT);
  clearInterval(pump);
  return client;
}

describe('bad input against a real coop-server over ENet', () => {
  it('garbage → disconnected with a reason; version mismatch refused; good players unaffected', async () => {
    const port = await startServer();
    expect(port, server!.err()).toBeGreaterThan(0);
    const good = await joinAs(port, 'Good');
    expect(good.state).toBe(ClientState.IN_WORLD);

    const bad = await connect(port);
    let disconnected = false;
    bad.host.on('disconnect', () => {
      disconnected = true;
    });
    for (let i = 0; i < 60; i++) bad.peer.send(CHANNEL_RELIABLE, new Uint8Array([0xff, i, 0x13, 0x37]), { reliable: true });
    await vi.waitUntil(
      () =>
        disconnected ||
        bad.inbox.some((m) => {
          const d = decodeMsg(m);
          return d.ok && d.kind === 'disconnect';
        }),
      WAIT,
    );
    const reasons = bad.inbox
      .map((m) => decodeMsg(m))
      .filter((d) => d.ok && d.kind === 'disconnect')
      .map((d) => (d.ok ? d.msg.disconnect?.reason : ''));
    expect(reasons[0]).toMatch(/too many bad messages/);

    const old = await joinAs(port, 'Old', PROTOCOL_VERSION + 1);
    expect(old.state).toBe(ClientState.REFUSED);
    expect(old.closeReason).toContain(`protocol version mismatch: client speaks ${PROTOCOL_VERSION + 1}, server speaks ${PROTOCOL_VERSION}`);
    await vi.waitFor(() => expect(server!.err()).toMatch(/protocol version mismatch/), { ...WAIT, timeout: 5000 });

    expect(server!.child.exitCode).toBe(null);
    const later = await joinAs(port, 'Later');
    expect(later.state).toBe(ClientState.IN_WORLD);
  }, 120_000);
});
