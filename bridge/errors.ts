// The bridge's one error type, with a stable code per failure.

export type BridgeErrorCode =
  | 'BAD_OPTIONS'
  | 'BAD_NAME'
  | 'NATIVE_LOAD'
  | 'STALE_NATIVE'
  | 'SHM'
  | 'NOT_A_BRIDGE'
  | 'ABI_MISMATCH'
  | 'SCHEMA_MISMATCH'
  | 'ROLE_TAKEN'
  | 'RING_SIZE'
  | 'FRAME_TOO_LARGE'
  | 'CLOSED';

export class BridgeError extends Error {
  override name = 'BridgeError';
  readonly code: BridgeErrorCode;
  /** The bridge's name (the game and its sidecar meet on it), when the error concerns one. */
  readonly bridge: string | undefined;

  constructor(code: BridgeErrorCode, message: string, opts: { bridge?: string; cause?: unknown } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.code = code;
    this.bridge = opts.bridge;
  }
}
