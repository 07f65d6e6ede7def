// One player of the NAT lab, run inside a namespace: `--role host` announces a session and echoes
// every ENet packet back on its channel with its flags; `--role joiner` joins it, runs
// Nat_PerformHandshake, connects ENet over the selected pair and measures. JSON lines on stdout.
import { generateKeyPairSync } from 'node:crypto';
import { parseArgs } from 'node:util';
import { EnetHost, type EnetPeer } from '../../src/net/enet/index.js';
import { natPerformHandshake, type NatConnection } from '../../src/net/nat/handshake.js';
import { IceDatagramTransport } from '../../src/net/nat/ice-transport.js';
import { MasterSignal, announceLobby, cachedTurnCredentials, heartbeatLobby, type PlayerIdentity } from '../../src/net/nat/master-client.js';

const CH_RELIABLE = 0;
const CH_UNRELIABLE = 1;
const CH_CONTROL = 2;
const MESSAGE_BYTES = 100;
const THROUGHPUT_CHUNK_BYTES = 1000;

const { values } = parseArgs({
  options: {
    role: { type: 'string' },
    master: { type: 'string' },
    stun: { type: 'string' },
    session: { type: 'string' },
    messages: { type: 'string', default: '50' },
    'throughput-bytes': { type: 'string', default: '0' },
    'direct-timeout-ms': { type: 'string', default: '5000' },
    'relay-timeout-ms': { type: 'string', default: '10000' },
    'relay-from-start': { type: 'string', default: '1' },
  },
});
const out = (o: Record<string, unknown>): void => {
  process.stdout.write(`${JSON.stringify(o)}\n`);
};
const master = values.master as string;
const stunServer = values.stun as string;
const identity: PlayerIdentity = (() => {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  return { publicRaw: Buffer.from(publicKey.export({ format: 'jwk' }).x as string, 'base64url'), privateKey };
})();
const getTurnCredentials = cachedTurnCredentials(master, identity);
// Fetched as soon as the player is online, not inside the handshake.
getTurnCredentials().catch(() => undefined);
const common = {
  stunServer,
  getTurnCredentials,
  directTimeoutMs: Number(values['direct-timeout-ms']),
  relayTimeoutMs: Number(values['relay-timeout-ms']),
  relayFromStart: values['relay-from-start'] === '1',
};

async function host(): Promise<void> {
  const announced = await announceLobby(master, { name: 'lab', version: '0.1.0', players: 1, maxPlayers: 8, password: false });
  const sig = await MasterSignal.open(master);
  const transport = new IceDatagramTransport('host');
  const enet = new EnetHost({ transport, peerLimit: 32, channelLimit: 3 });
  const conns = new Map<string, Promise<NatConnection>>();
  const received = { reliable: 0, unreliable: 0 };
  enet.on('receive', (peer, ch, data, flags) => {
    if (ch === CH_RELIABLE) received.reliable++;
    if (ch === CH_UNRELIABLE) received.unreliable++;
    if (ch === CH_CONTROL) {
      const peerId = peer.address.address.slice('ice:'.length);
      // ENet may finish before our side of the handshake has seen the nomination.
      void conns.get(peerId)?.then((c) => out({ ev: 'done', peerId, stats: c.stats(), received, enetDrops: enet.stats }));
    }
    peer.send(ch, data, flags);
  });
  await sig.host(announced, (peerId) => {
    const c = natPerformHandshake({ ...common, peerId, role: 'host', signal: sig.link(peerId, true), transport });
    conns.set(peerId, c);
    c.then(
      (x) => out({ ev: 'connected', stats: x.stats() }),
      (err: Error) => out({ ev: 'failed', error: err.message }),
    );
  });
  setInterval(() => {
    heartbeatLobby(master, announced).catch(() => undefined);
  }, announced.heartbeatMs);
  out({ ev: 'announced', sessionId: announced.lobbyId });
}

function waitEcho(peer: EnetPeer, enet: EnetHost, ch: number, count: number, timeoutMs: number): Promise<number> {
  return new Promise((resolve) => {
    let n = 0;
    const t = setTimeout(() => {
      enet.off('receive', on);
      resolve(n);
    }, timeoutMs);
    const on = (p: EnetPeer, c: number): void => {
      if (p !== peer || c !== ch) return;
      if (++n >= count) {
        clearTimeout(t);
        enet.off('receive', on);
        resolve(n);
      }
    };
    enet.on('receive', on);
  });
}

async function joiner(): Promise<void> {
  const sig = await MasterSignal.open(master);
  const me = await sig.join(values.session as string);
  const transport = new IceDatagramTransport('joiner');
  const t0 = performance.now();
  const conn = await natPerformHandshake({ ...common, peerId: me, role: 'joiner', signal: sig.link(me, false), transport });
  const enet = new EnetHost({ transport, peerLimit: 1, channelLimit: 3 });
  const peer = enet.connect(conn.address!, 3, 0);
  await new Promise<void>((resolve) => enet.on('connect', () => resolve()));
  const first = waitEcho(peer, enet, CH_RELIABLE, 1, 10_000);
  peer.send(CH_RELIABLE, new Uint8Array(8), { reliable: true });
  await first;
  const firstRoundTripMs = performance.now() - t0;
  const n = Number(values.messages);
  const rel = waitEcho(peer, enet, CH_RELIABLE, n, 20_000);
  const unrel = waitEcho(peer, enet, CH_UNRELIABLE, n, 5_000);
  for (let i = 0; i < n; i++) {
    peer.send(CH_RELIABLE, new Uint8Array(MESSAGE_BYTES).fill(i & 0xff), { reliable: true });
    peer.send(CH_UNRELIABLE, new Uint8Array(MESSAGE_BYTES).fill(i & 0xff), {});
  }
  const [reliableEchoed, unreliableEchoed] = await Promise.all([rel, unrel]);
  let throughputBps: number | undefined;
  const tb = Number(values['throughput-bytes']);
  if (tb > 0) {
    const chunks = Math.ceil(tb / THROUGHPUT_CHUNK_BYTES);
    const done = waitEcho(peer, enet, CH_RELIABLE, chunks, 60_000);
    const ts = performance.now();
    for (let i = 0; i < chunks; i++) peer.send(CH_RELIABLE, new Uint8Array(THROUGHPUT_CHUNK_BYTES), { reliable: true });
    const got = await done;
    throughputBps = (got * THROUGHPUT_CHUNK_BYTES) / ((performance.now() - ts) / 1000);
  }
  const bye = waitEcho(peer, enet, CH_CONTROL, 1, 10_000);
  peer.send(CH_CONTROL, new Uint8Array([1]), { reliable: true });
  await bye;
  out({ ev: 'result', stats: conn.stats(), firstRoundTripMs, reliableEchoed, unreliableEchoed, throughputBps, enetRtt: peer.stats.rtt });
  peer.disconnectNow(0);
  enet.destroy();
  await conn.close();
  sig.close();
  process.exit(0);
}

(values.role === 'host' ? host() : joiner()).catch((err: Error) => {
  out({ ev: 'error', error: err.message });
  process.exit(1);
});
