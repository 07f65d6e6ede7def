// The sidecar's way in through NAT (NT-2/NT-3): join the server's lobby entry on coop-master,
// run Nat_PerformHandshake as the controlling side, and hand ENet an IceDatagramTransport and
// the server's path address. The player never forwards a port. With several masters
// (`--master URL,URL…`) a failed attempt (master gone, handshake lost with it) is retried on the
// next one: the host re-binds its session there meanwhile.
import type { DatagramAddress } from '../net/enet/transport.js';
import type { ConnectionStats } from '../net/nat/connection-stats.js';
import { natPerformHandshake } from '../net/nat/handshake.js';
import { IceDatagramTransport } from '../net/nat/ice-transport.js';
import { MasterSignal, cachedTurnCredentials, playerIdentityFrom } from '../net/nat/master-client.js';
import { NAT_JOIN_MAX_ATTEMPTS, NAT_JOIN_RETRY_MS } from '../net/nat/constants.js';
import { MasterPool } from '../net/nat/master-pool.js';
import { describePath } from '../net/nat/netcheck-nat.js';
import type { IdentityKeys } from '../protocol/identity.js';
import type { TurnCredentials } from '../protocol/master-wire.js';

export interface NatJoinOptions {
  /** coop-master base URLs, http(s)://host:port, in failover order. */
  master: string | readonly string[];
  /** Called before each retry with why the last attempt failed and the master tried next. */
  onRetry?: (error: Error, nextMaster: string) => void;
  /** The lobby id the server announced on coop-master (`--join`). */
  lobbyId: string;
  stunServer: string;
  /** Gather relay candidates (TURN credentials from the master); false = direct only. */
  relay: boolean;
  identity: IdentityKeys;
  bindAddress?: string;
}

export interface NatJoined {
  readonly transport: IceDatagramTransport;
  /** Where ENet connects: the server's ICE path. */
  readonly address: DatagramAddress;
  stats(): ConnectionStats;
  /** The path taken, for the player (netcheck's wording). */
  describe(): string;
  close(): Promise<void>;
}

export async function joinThroughMaster(o: NatJoinOptions): Promise<NatJoined> {
  const pool = new MasterPool(o.master);
  const getTurnCredentials = o.relay ? cachedTurnCredentials(() => pool.current, playerIdentityFrom(o.identity)) : undefined;
  // Asked for at once: the master's two round trips overlap with opening the signalling socket.
  getTurnCredentials?.().catch(() => undefined);
  const attempts = Math.max(NAT_JOIN_MAX_ATTEMPTS, pool.urls.length);
  for (let i = 1; ; i++) {
    try {
      return await joinOnce(o, pool.current, getTurnCredentials);
    } catch (err) {
      if (i >= attempts) throw err;
      o.onRetry?.(err as Error, pool.advance());
      await new Promise((resolve) => setTimeout(resolve, NAT_JOIN_RETRY_MS));
    }
  }
}

async function joinOnce(o: NatJoinOptions, master: string, getTurnCredentials: (() => Promise<TurnCredentials>) | undefined): Promise<NatJoined> {
  const sig = await MasterSignal.open(master);
  try {
    const me = await sig.join(o.lobbyId);
    const transport = new IceDatagramTransport('sidecar');
    let conn;
    try {
      conn = await natPerformHandshake({
        peerId: me,
        role: 'joiner',
        signal: sig.link(me, false),
        transport,
        stunServer: o.stunServer,
        getTurnCredentials,
        bindAddress: o.bindAddress,
      });
    } catch (err) {
      transport.close();
      throw err;
    }
    const c = conn;
    return {
      transport,
      address: c.address as DatagramAddress,
      stats: () => c.stats(),
      describe: () => describePath(c.stats()),
      async close() {
        await c.close();
        transport.close();
        sig.close();
      },
    };
  } catch (err) {
    sig.close();
    throw err;
  }
}
