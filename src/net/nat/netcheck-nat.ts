// coop-netcheck subcommands for NAT traversal: `nat-host` announces a test session on a
// coop-master and echoes ENet packets; `nat-join` joins it through ICE and prints which path
// the connection took (host / srflx / relay), how long it took and the bytes it moved.
import { parseCommandLine, EXIT_OK, EXIT_RUNTIME, UsageError } from '../../cli/command.js';
import { untilSignal, type CliIo } from '../../cli/io.js';
import { readBaseUrl, readHostPort, readId, readText } from '../../cli/options.js';
import { generateIdentity } from '../../protocol/identity.js';
import { EnetHost } from '../enet/host.js';
import { NAT_DEFAULT_STUN } from './constants.js';
import type { ConnectionStats } from './connection-stats.js';
import { natPerformHandshake } from './handshake.js';
import { IceDatagramTransport } from './ice-transport.js';
import { MasterSignal, announceLobby, cachedTurnCredentials, heartbeatLobby, playerIdentityFrom, type PlayerIdentity } from './master-client.js';

const ENET_CHANNELS = 1;
const PROBE_BYTES = 32;
const JOIN_TIMEOUT_MS = 30_000;
const NAT_HOST_MAX_PLAYERS = 8;
const NAT_HOST_NAME_MAX_CHARS = 64;

interface NatSubcommand {
  summary: string;
  usage: string;
  run(args: readonly string[], io: CliIo): Promise<number>;
}

/** netcheck proves a throwaway key: it checks the path, not the player. */
function ephemeralIdentity(): PlayerIdentity {
  return playerIdentityFrom(generateIdentity());
}

export const NAT_NETCHECK_OPTIONS = {
  master: { type: 'string' },
  join: { type: 'string' },
  stun: { type: 'string' },
  'no-relay': { type: 'boolean' },
  name: { type: 'string' },
} as const;

interface NatCheckOptions {
  master: string;
  join: string | undefined;
  stun: string;
  relay: boolean;
  name: string;
}

function parse(args: readonly string[], need: readonly ('master' | 'join')[]): NatCheckOptions {
  const { values: v } = parseCommandLine(args, NAT_NETCHECK_OPTIONS);
  for (const n of need) if (!v[n]) throw new UsageError(`--${n} is required`);
  readHostPort(v.stun, '--stun');
  return {
    master: readBaseUrl(v.master, '--master') as string,
    join: readId(v.join, '--join', 'a lobby id'),
    stun: v.stun ?? NAT_DEFAULT_STUN,
    relay: !v['no-relay'],
    name: readText(v.name, '--name', NAT_HOST_NAME_MAX_CHARS) ?? 'coop-netcheck',
  };
}

export function describePath(s: ConnectionStats): string {
  const how = s.path === 'host' ? 'direct, same network' : s.path === 'srflx' ? 'direct through NAT (hole punched)' : 'relayed through TURN';
  return (
    `path ${s.path} (${how}): local ${s.localCandidate} ${s.localEndpoint} -> remote ${s.remoteCandidate} ${s.remoteEndpoint}; ` +
    `ICE ${s.connectMs?.toFixed(0)} ms, attempt ${s.attempt}; bytes sent ${s.bytesSent}, received ${s.bytesReceived}`
  );
}

const natJoin: NatSubcommand = {
  summary: 'join a session through coop-master (ICE) and print the path taken',
  usage: 'coop-netcheck nat-join --master URL --join ID [--stun host:port] [--no-relay]',
  async run(args, io) {
    const v = parse(args, ['master', 'join']);
    const master = v.master;
    const identity = ephemeralIdentity();
    const sig = await MasterSignal.open(master);
    const me = await sig.join(v.join as string);
    const transport = new IceDatagramTransport('netcheck');
    const t0 = performance.now();
    const conn = await natPerformHandshake({
      peerId: me,
      role: 'joiner',
      signal: sig.link(me, false),
      transport,
      stunServer: v.stun,
      getTurnCredentials: v.relay ? cachedTurnCredentials(master, identity) : undefined,
    });
    const enet = new EnetHost({ transport, peerLimit: 1, channelLimit: ENET_CHANNELS });
    const peer = enet.connect(conn.address!, ENET_CHANNELS, 0);
    const ok = await new Promise<boolean>((resolve) => {
      const t = setTimeout(() => resolve(false), JOIN_TIMEOUT_MS);
      enet.on('connect', () => peer.send(0, new Uint8Array(PROBE_BYTES), { reliable: true }));
      enet.on('receive', () => {
        clearTimeout(t);
        resolve(true);
      });
    });
    if (!ok) {
      io.stderr('coop-netcheck: ICE connected but no ENet echo came back\n');
      return EXIT_RUNTIME;
    }
    io.stdout(`${describePath(conn.stats())}\n`);
    io.stdout(`first ENet round trip ${(performance.now() - t0).toFixed(0)} ms after the handshake started\n`);
    peer.disconnectNow(0);
    enet.destroy();
    await conn.close();
    sig.close();
    return EXIT_OK;
  },
};

const natHost: NatSubcommand = {
  summary: "announce a test session on coop-master and echo ENet; prints each joiner's path",
  usage: 'coop-netcheck nat-host --master URL [--stun host:port] [--no-relay] [--name TEXT]',
  async run(args, io) {
    const v = parse(args, ['master']);
    const master = v.master;
    const identity = ephemeralIdentity();
    const announced = await announceLobby(master, { name: v.name, version: 'netcheck', players: 1, maxPlayers: NAT_HOST_MAX_PLAYERS, password: false });
    const sig = await MasterSignal.open(master);
    const transport = new IceDatagramTransport('netcheck-host');
    const enet = new EnetHost({ transport, peerLimit: NAT_HOST_MAX_PLAYERS, channelLimit: ENET_CHANNELS });
    enet.on('receive', (peer, ch, data, flags) => peer.send(ch, data, flags));
    await sig.host(announced, (peerId) => {
      natPerformHandshake({
        peerId,
        role: 'host',
        signal: sig.link(peerId, true),
        transport,
        stunServer: v.stun,
        getTurnCredentials: v.relay ? cachedTurnCredentials(master, identity) : undefined,
      }).then(
        (c) => io.stdout(`peer ${peerId}: ${describePath(c.stats())}\n`),
        (err: Error) => io.stdout(`peer ${peerId}: ${err.message}\n`),
      );
    });
    io.stdout(`lobby id ${announced.lobbyId} announced; run: coop-netcheck nat-join --master ${master} --join=${announced.lobbyId}\n`);
    const beat = setInterval(() => {
      heartbeatLobby(master, announced).catch(() => undefined);
    }, announced.heartbeatMs);
    await untilSignal(io);
    clearInterval(beat);
    enet.destroy();
    sig.close();
    return EXIT_OK;
  },
};

/** Added to coop-netcheck's SUBCOMMANDS by one line in src/net/netcheck.ts. */
export const NAT_SUBCOMMANDS: Record<string, NatSubcommand> = { 'nat-host': natHost, 'nat-join': natJoin };
