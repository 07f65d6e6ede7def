// The one error type of the ENet package: thrown only when the API is misused
// or a resource is exhausted; hostile datagrams never throw, they are counted drops.

export type EnetErrorCode =
  | 'ENET_BAD_OPTION' // an option or argument out of range
  | 'ENET_NO_FREE_PEER' // connect() with every peer slot in use
  | 'ENET_DESTROYED' // the host was destroyed
  | 'ENET_SOCKET'; // the datagram socket failed (cause holds the system error)

export class EnetError extends Error {
  override readonly name = 'EnetError';
  constructor(
    readonly code: EnetErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
