// coop-netcheck subcommands for NAT traversal: `nat-host` announces a test session on a
// coop-master and echoes ENet packets; `nat-join` joins it through ICE and prints which path
// the connection took (host / srflx / relay), how long it took and the bytes it moved.
import { parseArgs } from 'node:util';
import { generateIdentity } from '../../protocol/identity.js';
import { EnetHost } from '../enet/host.js';
import { NAT_DEFAULT_STUN } from './constants.js';
import { natPerformHandshake, type ConnectionStats } from './handshake.js';
import { IceDatagramTransport } from './ice-transport.js';
import { MasterSignal, announceLobby, cachedTurnCredentials, heartbeatLobby, playerIdentityFrom, type PlayerIdentity } from './master-client.js';

const EXIT_OK = 0;
const EXIT_FAILURE = 1;
const EXIT_USAGE = 2;
const ENET_CHANNELS = 1;
const PROBE_BYTES = 32;
const JOIN_TIMEOUT_MS = 30_000;

interface NatSubcommand { summary: string; usage: string; run(args: string[]): Promise<number> }

/** netcheck proves a throwaway key: it checks the path, not the player. */
function ephemeralIdentity(): PlayerIdentity {
  return playerIdentityFrom(generateIdentity());
}

function parse(args: string[], usage: string, need: string[]): Record<string, string | boolean> | undefined {
  try {
    const { values } = parseArgs({
      args,
      options: { master: { type: 'string' }, session: { type: 'string' }, stun: { type: 'string' }, 'no-relay': { type: 'boolean' }, name: { type: 'string' } },
      strict: true,
    });
    for (const n of need) if (!values[n as keyof typeof values]) throw new Error(`--${n} is required`);
    if (typeof values.master === 'string' && !/^https?:\/\//.test(values.master)) throw new Error('--master must be an http(s):// URL');
    return values as Record<string, string | boolean>;
  } catch (err) {
    console.error(`coop-netcheck: ${(err as Error).message} (usage: ${usage})`);
    return undefined;
  }
}

export function describePath(s: ConnectionStats): string {
  const how = s.path === 'host' ? 'direct, same network' : s.path === 'srflx' ? 'direct through NAT (hole punched)' : 'relayed through TURN';
  return `path ${s.path} (${how}): local ${s.localCandidate} ${s.localEndpoint} -> remote ${s.remoteCandidate} ${s.remoteEndpoint}; ` +
    `ICE ${s.connectMs?.toFixed(0)} ms, attempt ${s.attempt}; bytes sent ${s.bytesSent}, received ${s.bytesReceived}`;
}

const natJoin: NatSubcommand = {
  summary: 'join a session through coop-master (ICE) and print the path taken',
  usage: 'coop-netcheck nat-join --master URL --session ID [--stun host:port] [--no-relay]',
  async run(args) {
    const v = parse(args, this.usage, ['master', 'session']);
    if (!v) return EXIT_USAGE;
    const master = v.master as string;
    const identity = ephemeralIdentity();
    const sig = await MasterSignal.open(master);
    const me = await sig.join(v.session as string);
    const transport = new IceDatagramTransport('netcheck');
    const t0 = performance.now();
    const conn = await natPerformHandshake({
      peerId: me, role: 'joiner', signal: sig.link(me, false), transport,
      stunServer: (v.stun as string | undefined) ?? NAT_DEFAULT_STUN,
      getTurnCredentials: v['no-relay'] ? undefined : cachedTurnCredentials(master, identity),
    });
    const enet = new EnetHost({ transport, peerLimit: 1, channelLimit: ENET_CHANNELS });
    const peer = enet.connect(conn.address!, ENET_CHANNELS, 0);
    const ok = await new Promise<boolean>((resolve) => {
      const t = setTimeout(() => resolve(false), JOIN_TIMEOUT_MS);
      enet.on('connect', () => peer.send(0, new Uint8Array(PROBE_BYTES), { reliable: true }));
      enet.on('receive', () => { clearTimeout(t); resolve(true); });
    });
    if (!ok) {
      console.error('coop-netcheck: ICE connected but no ENet echo came back');
      return EXIT_FAILURE;
    }
    console.log(describePath(conn.stats()));
    console.log(`first ENet round trip ${(performance.now() - t0).toFixed(0)} ms after the handshake started`);
    peer.disconnectNow(0);
    enet.destroy();
    await conn.close();
    sig.close();
    return EXIT_OK;
  },
};

const natHost: NatSubcommand = {
  summary: 'announce a test session on coop-master and echo ENet; prints each joiner\'s path',
  usage: 'coop-netcheck nat-host --master URL [--stun host:port] [--no-relay] [--name TEXT]',
  async run(args) {
    const v = parse(args, this.usage, ['master']);
    if (!v) return EXIT_USAGE;
    const master = v.master as string;
    const identity = ephemeralIdentity();
    const announced = await announceLobby(master, { name: (v.name as string | undefined) ?? 'coop-netcheck', version: 'netcheck', players: 1, maxPlayers: 8, password: false });
    const sig = await MasterSignal.open(master);
    const transport = new IceDatagramTransport('netcheck-host');
    const enet = new EnetHost({ transport, peerLimit: 8, channelLimit: ENET_CHANNELS });
    enet.on('receive', (peer, ch, data, flags) => peer.send(ch, data, flags));
    await sig.host(announced, (peerId) => {
      natPerformHandshake({
        peerId, role: 'host', signal: sig.link(peerId, true), transport,
        stunServer: (v.stun as string | undefined) ?? NAT_DEFAULT_STUN,
        getTurnCredentials: v['no-relay'] ? undefined : cachedTurnCredentials(master, identity),
      }).then((c) => console.log(`peer ${peerId}: ${describePath(c.stats())}`), (err: Error) => console.log(`peer ${peerId}: ${err.message}`));
    });
    console.log(`session ${announced.lobbyId} announced; run: coop-netcheck nat-join --master ${master} --session=${announced.lobbyId}`);
    const beat = setInterval(() => { heartbeatLobby(master, announced).catch(() => undefined); }, announced.heartbeatMs);
    return new Promise<number>((resolve) => {
      const stop = (): void => { clearInterval(beat); enet.destroy(); sig.close(); resolve(EXIT_OK); };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
  },
};

/** Added to coop-netcheck's SUBCOMMANDS by one line in src/net/netcheck.ts. */
export const NAT_SUBCOMMANDS: Record<string, NatSubcommand> = { 'nat-host': natHost, 'nat-join': natJoin };
