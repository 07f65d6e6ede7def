// The sidecar's way in through NAT (NT-2/NT-3): join the server's lobby entry on coop-master,
// run Nat_PerformHandshake as the controlling side, and hand ENet an IceDatagramTransport and
// the server's path address. The player never forwards a port.
import type { DatagramAddress } from '../net/enet/transport.js';
import { natPerformHandshake, type ConnectionStats } from '../net/nat/handshake.js';
import { IceDatagramTransport } from '../net/nat/ice-transport.js';
import { MasterSignal, cachedTurnCredentials, playerIdentityFrom } from '../net/nat/master-client.js';
import type { IdentityKeys } from '../protocol/identity.js';

export interface NatJoinOptions {
  /** coop-master base URL, http(s)://host:port */
  master: string;
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
  close(): Promise<void>;
}

export async function joinThroughMaster(o: NatJoinOptions): Promise<NatJoined> {
  const getTurnCredentials = o.relay ? cachedTurnCredentials(o.master, playerIdentityFrom(o.identity)) : undefined;
  // Asked for at once: the master's two round trips overlap with opening the signalling socket.
  getTurnCredentials?.().catch(() => undefined);
  const sig = await MasterSignal.open(o.master);
  try {
    const me = await sig.join(o.lobbyId);
    const transport = new IceDatagramTransport('sidecar');
    const conn = await natPerformHandshake({
      peerId: me, role: 'joiner', signal: sig.link(me, false), transport, stunServer: o.stunServer, getTurnCredentials, bindAddress: o.bindAddress,
    });
    return {
      transport,
      address: conn.address as DatagramAddress,
      stats: () => conn.stats(),
      async close() {
        await conn.close();
        transport.close();
        sig.close();
      },
    };
  } catch (err) {
    sig.close();
    throw err;
  }
}
