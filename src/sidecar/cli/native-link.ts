// One server link's share of the native path (native-path.ts): the thread takes a direct link's
// socket over (a connected UDP socket on Linux) and, in the world, the snapshot channel's
// unreliable sends, numbered with what the ENet peer lends it; what the thread hands back goes
// to ENet (a datagram it did not take, a payload whose unreliable numbers ran out). ServerLink
// makes one per link.
import type { DatagramTransport } from '../../net/enet/transport.js';
import type { EnetPeer } from '../../net/enet/index.js';
import { CHANNEL_SNAPSHOT } from '../../protocol/constants.js';
import type { CoopClient } from '../session.js';
import type { NativePath } from '../native-path.js';
import { PATH_ITEM_DATAGRAM } from '../path-native.js';

/** ENet numbers a channel's unreliable sends up to this, then sends reliably (outgoing.ts). */
const UNRELIABLE_SEQ_LAST = 0xffff;

export class NativeLink {
  readonly #path: NativePath;
  readonly #peer: () => EnetPeer | null;

  /** The thread takes `transport`'s socket, or null where it cannot (an ICE path, not Linux). */
  static attach(path: NativePath, transport: DatagramTransport, peer: () => EnetPeer | null): NativeLink | null {
    const fd = transport.handReadingOver ? transport.handReadingOver() : -1;
    if (fd < 0) return null;
    const link = new NativeLink(path, peer);
    path.attachSocket(fd, (kind, bytes) => link.#fromPath(transport, kind, bytes));
    return link;
  }

  private constructor(path: NativePath, peer: () => EnetPeer | null) {
    this.#path = path;
    this.#peer = peer;
  }

  /** Sends through the thread what it numbers (in the world, unreliable on the snapshot
   * channel); false: ENet sends it. */
  send(channel: number, bytes: Uint8Array, reliable: boolean): boolean {
    if (!this.#path.inWorld || channel !== CHANNEL_SNAPSHOT || reliable) return false;
    this.#path.send(bytes);
    return true;
  }

  /**
   * Entered (welcomed) or left the world: the thread takes the player's frames and the snapshots
   * from the welcome on, with the ENet peer's ids and the snapshot channel's numbers, which come
   * back when the world is left.
   */
  worldChanged(inWorld: boolean, client: CoopClient): void {
    const path = this.#path;
    if (inWorld && !path.inWorld) {
      const lease = this.#peer()?.lendUnreliable(CHANNEL_SNAPSHOT);
      if (!lease) return;
      path.enterWorld({ ...lease, channel: CHANNEL_SNAPSHOT, inputSeq: client.inputSeq, interpDelayMs: client.interp.interpDelayMs });
    } else if (!inWorld && path.inWorld) {
      const back = path.leaveWorld();
      this.#peer()?.returnUnreliable(CHANNEL_SNAPSHOT, back.unreliableSeq);
      client.inputSeq = back.inputSeq;
    }
  }

  /** The link is going: out of the world, and the thread lets go of the socket before it closes. */
  detach(client: CoopClient): void {
    this.worldChanged(false, client);
    this.#path.detachSocket();
  }

  /** What the thread did not take: a datagram for ENet, or a payload whose unreliable numbers ran
   * out, which ENet sends reliably (renumbering the channel). */
  #fromPath(transport: DatagramTransport, kind: number, bytes: Uint8Array): void {
    if (kind === PATH_ITEM_DATAGRAM) return transport.deliver?.(bytes);
    const peer = this.#peer();
    if (!peer) return;
    peer.returnUnreliable(CHANNEL_SNAPSHOT, UNRELIABLE_SEQ_LAST);
    peer.send(CHANNEL_SNAPSHOT, bytes, { unreliableFragment: true });
    const lease = peer.lendUnreliable(CHANNEL_SNAPSHOT);
    if (lease) this.#path.setChannelSeqs(lease.reliableSeq, lease.unreliableSeq);
  }
}
