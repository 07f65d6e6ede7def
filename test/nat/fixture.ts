// Loopback fixture: coturn + coop-master in this process, a host and a joiner that run
// Nat_PerformHandshake through the master. Everything on 127.0.0.1.
import { generateKeyPairSync } from 'node:crypto';
import { startCoturn, type Coturn } from '../../src/master/coturn.js';
import { startMaster, type MasterServer } from '../../src/master/server.js';
import { natPerformHandshake, type HandshakeOptions, type NatConnection } from '../../src/net/nat/handshake.js';
import { IceDatagramTransport } from '../../src/net/nat/ice-transport.js';
import { MasterSignal, announceLobby, fetchTurnCredentials, type PlayerIdentity } from '../../src/net/nat/master-client.js';

export function newPlayerIdentity(): PlayerIdentity {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  return { publicRaw: Buffer.from(publicKey.export({ format: 'jwk' }).x as string, 'base64url'), privateKey };
}

export interface LoopbackWorld {
  coturn: Coturn;
  master: MasterServer;
  close(): Promise<void>;
}

export async function loopbackWorld(): Promise<LoopbackWorld> {
  const coturn = await startCoturn({ ip: '127.0.0.1' });
  const master = await startMaster({ host: '127.0.0.1', port: 0, turnSecret: coturn.secret, turnUris: [coturn.uri] });
  return {
    coturn,
    master,
    async close() {
      await master.close();
      await coturn.stop();
    },
  };
}

export interface Pair {
  host: NatConnection;
  joiner: NatConnection;
  hostTransport: IceDatagramTransport;
  joinerTransport: IceDatagramTransport;
  close(): Promise<void>;
}

/** Host announces, joiner joins, both run the handshake; resolves when both are connected. */
export async function connectPair(w: LoopbackWorld, extra: Partial<HandshakeOptions> = {}): Promise<Pair> {
  const url = w.master.url;
  const stunServer = `127.0.0.1:${w.coturn.port}`;
  const announced = await announceLobby(url, { name: 'loop', version: '0.1.0', players: 1, maxPlayers: 4, password: false });
  const hostSig = await MasterSignal.open(url);
  const hostTransport = new IceDatagramTransport('host');
  const joinerTransport = new IceDatagramTransport('joiner');
  const hostIdentity = newPlayerIdentity();
  const joinIdentity = newPlayerIdentity();
  const common = { stunServer, bindAddress: '127.0.0.1', ...extra };
  let hostDone!: Promise<NatConnection>;
  const peerSeen = new Promise<void>((resolve) => {
    void hostSig.host(announced, (peerId) => {
      hostDone = natPerformHandshake({
        ...common,
        peerId,
        role: 'host',
        signal: hostSig.link(peerId, true),
        transport: hostTransport,
        getTurnCredentials: () => fetchTurnCredentials(url, hostIdentity),
      });
      resolve();
    });
  });
  const joinSig = await MasterSignal.open(url);
  const me = await joinSig.join(announced.lobbyId);
  const joinDone = natPerformHandshake({
    ...common,
    peerId: me,
    role: 'joiner',
    signal: joinSig.link(me, false),
    transport: joinerTransport,
    getTurnCredentials: () => fetchTurnCredentials(url, joinIdentity),
  });
  await peerSeen;
  const [host, joiner] = await Promise.all([hostDone, joinDone]);
  return {
    host,
    joiner,
    hostTransport,
    joinerTransport,
    async close() {
      await host.close();
      await joiner.close();
      hostSig.close();
      joinSig.close();
    },
  };
}
