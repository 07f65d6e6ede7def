// Two coop-master instances on one real Redis, the real coturn beside them: a host bound on A and
// a joiner on B complete Nat_PerformHandshake through the relayed signalling, directly and,
// with the direct attempt cut short, through coturn with credentials each got from its own
// instance (they need only the shared coturn secret).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCoturn, type Coturn } from '../../src/master/coturn.js';
import { startMaster, type MasterServer } from '../../src/master/server.js';
import { natPerformHandshake, type HandshakeOptions, type NatConnection } from '../../src/net/nat/handshake.js';
import { IceDatagramTransport } from '../../src/net/nat/ice-transport.js';
import { MasterSignal, announceLobby, fetchTurnCredentials } from '../../src/net/nat/master-client.js';
import { newPlayerIdentity } from '../nat/fixture.js';
import { startRedis, type TestRedis } from '../helpers/redis.js';

let redis: TestRedis;
let coturn: Coturn;
let a: MasterServer;
let b: MasterServer;

beforeAll(async () => {
  redis = await startRedis();
  coturn = await startCoturn({ ip: '127.0.0.1' });
  const opts = { host: '127.0.0.1', port: 0, turnSecret: coturn.secret, turnUris: [coturn.uri], store: redis.url };
  a = await startMaster(opts);
  b = await startMaster(opts);
});
afterAll(async () => {
  await a?.close();
  await b?.close();
  await coturn?.stop();
  await redis?.stop();
});

/** Host announces and binds on A; the joiner joins on B; both run the handshake. */
async function acrossInstances(extra: Partial<HandshakeOptions> = {}): Promise<{ host: NatConnection; joiner: NatConnection; close(): Promise<void> }> {
  const announced = await announceLobby(a.url, { name: 'across', version: '0.1.0', players: 1, maxPlayers: 4, password: false });
  const hostSig = await MasterSignal.open(a.url);
  const joinSig = await MasterSignal.open(b.url);
  const hostT = new IceDatagramTransport('host');
  const joinT = new IceDatagramTransport('joiner');
  const hostId = newPlayerIdentity();
  const joinId = newPlayerIdentity();
  const common = { stunServer: `127.0.0.1:${coturn.port}`, bindAddress: '127.0.0.1', ...extra };
  let onPeer!: (peerId: string) => void;
  const peerSeen = new Promise<string>((resolve) => {
    onPeer = resolve;
  });
  await hostSig.host(announced, (peerId) => onPeer(peerId));
  const me = await joinSig.join(announced.lobbyId);
  const peerId = await peerSeen;
  expect(peerId).toBe(me);
  const [host, joiner] = await Promise.all([
    natPerformHandshake({
      ...common,
      peerId,
      role: 'host',
      signal: hostSig.link(peerId, true),
      transport: hostT,
      getTurnCredentials: () => fetchTurnCredentials(a.url, hostId),
    }),
    natPerformHandshake({
      ...common,
      peerId: me,
      role: 'joiner',
      signal: joinSig.link(me, false),
      transport: joinT,
      getTurnCredentials: () => fetchTurnCredentials(b.url, joinId),
    }),
  ]);
  return {
    host,
    joiner,
    async close() {
      await host.close();
      await joiner.close();
      hostSig.close();
      joinSig.close();
      hostT.close();
      joinT.close();
    },
  };
}

describe('two coop-master instances on one Redis', () => {
  it('a host on A and a joiner on B connect through ICE (direct)', async () => {
    const p = await acrossInstances();
    try {
      expect(p.joiner.stats()).toMatchObject({ state: 'connected', path: 'host' });
      expect(p.host.stats()).toMatchObject({ state: 'connected', path: 'host' });
      expect(a.stats.signalsRelayed + b.stats.signalsRelayed).toBeGreaterThan(0);
    } finally {
      await p.close();
    }
  });

  it("and through coturn with TURN credentials from each one's own instance", async () => {
    const p = await acrossInstances({ directTimeoutMs: 1 });
    try {
      expect(p.joiner.stats()).toMatchObject({ state: 'connected', path: 'relay' });
      expect(p.host.stats()).toMatchObject({ state: 'connected' });
      expect(a.stats.credsIssued).toBeGreaterThan(0);
      expect(b.stats.credsIssued).toBeGreaterThan(0);
    } finally {
      await p.close();
    }
  });
});
