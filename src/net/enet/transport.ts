// The datagram seam under ENet: ENet sees only this, so plain UDP, the
// simulated network of the tests and an ICE/TURN path (src/net/nat) all plug in unchanged.

/** Where a datagram came from or goes to. `address` is an IPv4/IPv6 literal or an opaque path id. */
export interface DatagramAddress {
  readonly address: string;
  readonly port: number;
}

export type DatagramHandler = (data: Uint8Array, from: DatagramAddress) => void;

/** An unreliable, unordered datagram path. Implementations never throw on send. */
export interface DatagramTransport {
  /** Queue one datagram. Returns false when it was dropped locally (closed, too big, buffer full). */
  send(data: Uint8Array, to: DatagramAddress): boolean;
  /**
   * Sends what send() gathered, for a transport that gathers a pass's datagrams into one system
   * call (UdpTransport with batchSends); the host calls it at the end of each of its send passes.
   */
  sendGathered?(): void;
  /**
   * Where the transport can read on demand (UdpTransport on a connected socket, Linux): stops
   * (false) or resumes (true) taking datagrams in as they come; stopped, they wait in the OS
   * buffer, wake nobody, and receiveWaiting() hands them to the handler when the owner asks.
   */
  setReceiving?(on: boolean): void;
  /** Hands the waiting datagrams to the handler now; how many, or -1 where it cannot. */
  receiveWaiting?(): number;
  /** Whether receiveWaiting() can read here. */
  readonly readsOnDemand?: boolean;
  /**
   * Where another reader in this process can take the socket's datagrams (a connected socket on
   * Linux: the sidecar's native path): stops taking them in for good and returns the socket's
   * descriptor, or -1 where it cannot (nothing changes then). What that reader hands back comes
   * in through deliver().
   */
  handReadingOver?(): number;
  /** A datagram from the peer, read by whoever took the reading over: to the handler. */
  deliver?(data: Uint8Array): void;
  /** The single receive handler; set once by the host that owns this transport. */
  onDatagram(handler: DatagramHandler): void;
  /** The address this transport is bound to (for logs and tests). */
  localAddress(): DatagramAddress;
  close(): void;
}
