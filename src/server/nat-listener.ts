// coop-server's second front door (NT-2/NT-3): the session is announced on a coop-master, and
// every joiner that finds it there gets Nat_PerformHandshake, then ENet over the selected ICE
// pair (direct or through coturn) on a second ENet host bound to an IceDatagramTransport. The
// UDP port keeps working for LAN and forwarded-port players. Per peer the dashboard shows the
// path chosen, the handshake time and the bytes moved.
import type { IdentityKeys } from '../protocol/identity.js';
import { NatConnection, type HandshakeOptions } from '../net/nat/handshake.js';
import { ICE_PATH_PREFIX, IceDatagramTransport } from '../net/nat/ice-transport.js';
import { HostBinding } from '../net/nat/host-binding.js';
import { cachedTurnCredentials, playerIdentityFrom, type MasterSignal } from '../net/nat/master-client.js';
import { MASTER_MAX_PLAYERS } from '../protocol/master-wire.js';
import type { PeerNetView } from './admin/session-view.js';
import { listenEnet, type EnetListener } from './enet-adapter.js';
import { enetPeerLimit } from './constants.js';
import type { CoopServer } from './server.js';

/**
 * ICE joiners not yet on ENet (handshake running, or path up without ENet yet), apart from the
 * player slots. Past it the oldest is evicted, never the newcomer refused: a stranger who asks
 * the master for handshakes and never answers ICE must not lock players out. Per source address
 * the master bounds joiners already (its WebSocket limit per IP); the server does not see a
 * joiner's address until ICE has found one.
 */
export const NAT_PENDING_JOINERS_MAX = 32;
/** A joiner whose ICE path is up but who has not connected ENet over it by then is let go (one round trip is enough). */
export const NAT_ENET_ATTACH_TIMEOUT_MS = 5_000;

export interface NatListenOptions {
  /** coop-master base URLs, http(s)://host:port, in failover order. */
  master: string | readonly string[];
  stunServer: string;
  /** Gather relay candidates (TURN credentials from the master); false = direct only. */
  relay: boolean;
  /** The server's own identity: it proves it to the master for TURN credentials. */
  identity: IdentityKeys;
  name: string;
  version: string;
  maxPlayers: number;
  /** Bind ICE sockets to this IPv4 address only. */
  bindAddress?: string;
  log: { info(o: object, m: string): void; warn(o: object, m: string): void };
  /** Default NAT_PENDING_JOINERS_MAX. */
  pendingJoinersMax?: number;
  /** Makes the server's side of each ICE handshake; default a NatConnection (tests slow it down). */
  newHandshake?: (o: HandshakeOptions) => NatConnection;
}

export interface NatListener {
  /** The lobby id on coop-master (changes only if the master forgot the lobby entry). */
  readonly lobbyId: string;
  /** The master the session is bound to now (moves on failover). */
  readonly master: string;
  readonly enet: EnetListener;
  /** Connection stats of one ICE peer by its ENet address (`ice:<peerId>`). */
  netOf(address: string): PeerNetView | undefined;
  /** Joiners evicted (oldest first) to make room for newer ones. */
  readonly evictedJoiners: number;
  /** Joiners not yet on ENet now (bounded by NAT_PENDING_JOINERS_MAX). */
  readonly pendingJoiners: number;
  /** Handshakes running now. */
  readonly runningHandshakes: number;
  close(): Promise<void>;
}

export async function listenNat(server: CoopServer, o: NatListenOptions): Promise<NatListener> {
  const transport = new IceDatagramTransport('server');
  const conns = new Map<string, NatConnection>();
  /** Peer ids with an ENet connection over their ICE path. */
  const enetUp = new Set<string>();
  const dropIce = (id: string): void => {
    const c = conns.get(id);
    conns.delete(id);
    enetUp.delete(id);
    joiners.delete(id);
    void c?.close();
  };
  /** Joiners not yet on ENet, oldest first (a Map keeps insertion order): how to let each go. */
  const joiners = new Map<string, () => void>();
  const joinersMax = o.pendingJoinersMax ?? NAT_PENDING_JOINERS_MAX;
  let evicted = 0;
  let binding: HostBinding | undefined;
  const firstMaster = typeof o.master === 'string' ? o.master : o.master[0];
  const turn = o.relay ? cachedTurnCredentials(() => binding?.master ?? firstMaster, playerIdentityFrom(o.identity)) : undefined;
  turn?.().catch((err: Error) => o.log.warn({ event: 'nat.turncred.fail', error: err.message }, 'no TURN credentials yet'));
  /** Handshakes still running (closed with the listener). */
  const pending = new Set<NatConnection>();
  let closed = false;

  const enet = await listenEnet(server, {
    host: '',
    port: 0,
    peerLimit: enetPeerLimit(o.maxPlayers),
    transport,
    netOf: (address) => statsOf(address),
    onPeerUp: (address) => {
      const id = address.slice(ICE_PATH_PREFIX.length);
      enetUp.add(id);
      joiners.delete(id); // on ENet now: the server's own handshake table bounds it from here
    },
    onPeerGone: (address) => dropIce(address.slice(ICE_PATH_PREFIX.length)),
  });

  const startHandshake = (sig: MasterSignal, peerId: string): void => {
    if (closed || conns.has(peerId) || joiners.has(peerId)) return;
    if (joiners.size >= joinersMax) {
      const [oldestId, letGo] = joiners.entries().next().value as [string, () => void];
      joiners.delete(oldestId);
      letGo();
      evicted++;
      server.countEviction('ice_handshake');
      o.log.warn({ event: 'nat.evicted', peerId: oldestId }, 'oldest pending joiner evicted for a newer one');
    }
    const handshake = (o.newHandshake ?? ((h: HandshakeOptions) => new NatConnection(h)))({
      peerId,
      role: 'host',
      signal: sig.link(peerId, true),
      transport,
      stunServer: o.stunServer,
      getTurnCredentials: turn,
      bindAddress: o.bindAddress,
    });
    pending.add(handshake);
    const letGoHandshake = (): void => {
      pending.delete(handshake);
      void handshake.close();
    };
    joiners.set(peerId, letGoHandshake);
    handshake
      .run()
      .then(
        (c) => {
          // ENet may already be up over this path (our side of ICE finished after the joiner's,
          // and a loaded machine ran this late): onPeerUp took it off the joiners then, which is
          // not an eviction. Closing it here cut the live connection (seen in CI).
          const onEnet = enetUp.has(peerId);
          if (closed || (!onEnet && joiners.get(peerId) !== letGoHandshake)) {
            void c.close();
            return;
          } // evicted meanwhile
          conns.set(peerId, c);
          if (!onEnet) {
            joiners.set(peerId, () => dropIce(peerId)); // same place in the age order
            setTimeout(() => {
              if (!enetUp.has(peerId) && conns.get(peerId) === c) dropIce(peerId);
            }, NAT_ENET_ATTACH_TIMEOUT_MS).unref();
          }
          const s = c.stats();
          o.log.info(
            { event: 'nat.connected', peerId, path: s.path, connectMs: Math.round(s.connectMs ?? 0), attempt: s.attempt },
            'joiner reached us through coop-master',
          );
        },
        (err: Error) => {
          if (joiners.get(peerId) === letGoHandshake) joiners.delete(peerId);
          o.log.warn({ event: 'nat.failed', peerId, error: err.message }, 'NAT handshake failed');
        },
      )
      .finally(() => {
        pending.delete(handshake);
      });
  };

  // Announced and bound through HostBinding: it heartbeats, and moves to the next master of the
  // list (re-binding the same lobby session) when its master goes away.
  try {
    binding = await HostBinding.start({
      master: o.master,
      body: () => ({
        name: o.name,
        version: o.version,
        players: server.inWorld().length,
        maxPlayers: Math.min(o.maxPlayers, MASTER_MAX_PLAYERS),
        password: server.passwordRequired,
      }),
      players: () => server.inWorld().length,
      onPeer: (sig, peerId) => startHandshake(sig, peerId),
      log: o.log,
    });
  } catch (err) {
    enet.close();
    transport.close();
    throw err;
  }
  const bound = binding;

  function statsOf(address: string): PeerNetView | undefined {
    const c = conns.get(address.slice(ICE_PATH_PREFIX.length));
    const s = c?.stats();
    if (!s?.path) return undefined;
    return { path: s.path, connectMs: s.connectMs ?? null, bytesSent: s.bytesSent, bytesReceived: s.bytesReceived };
  }

  return {
    get lobbyId() {
      return bound.lobbyId;
    },
    get master() {
      return bound.master;
    },
    enet,
    netOf: statsOf,
    get evictedJoiners() {
      return evicted;
    },
    get pendingJoiners() {
      return joiners.size;
    },
    get runningHandshakes() {
      return pending.size;
    },
    async close() {
      closed = true;
      bound.close();
      enet.close();
      await Promise.all([...conns.values(), ...pending].map((c) => c.close()));
      transport.close();
    },
  };
}
