// Opens (or creates) a bridge's shared region through the native shim and maps every status
// to a BridgeError that says what was found, e.g. both ABI versions.
import { BRIDGE_STALE_MIN_AGE_S } from './constants.js';
import { BridgeError } from './errors.js';
import { BRIDGE_ABI_VERSION, HEADER_BYTES, OFF_RING_BYTES, RING_MAX_BYTES, RING_MIN_BYTES, ROLE_CODE, type Role } from './layout.js';
import { type NativeShim, type RegionHandle } from './native.js';
import { SCHEMA_HASH } from './generated/types.js';

const BRIDGE_NAME_RE = /^[A-Za-z0-9_-]{1,64}$/;

/** coop_status codes from native-shims/include/coop_shim.h. */
const ST = { OK: 0, NAME: 1, SHM: 2, MAP: 3, MAGIC: 4, ABI: 5, SCHEMA: 6, ROLE_TAKEN: 7, RING_SIZE: 8, SIZE: 9, NOMEM: 10 } as const;

export interface OpenedRegion {
  handle: RegionHandle;
  view: ArrayBuffer;
  ringBytes: number;
  created: boolean;
}

export interface RegionRequest {
  /** The bridge's name: the game and its sidecar open the same name. */
  name: string;
  role: Role;
  ringBytes: number;
  /** Only tests pass these: pretend to be another build. */
  abiVersion?: number;
  schemaHash?: number;
}

const hex = (n: number): string => `0x${(n >>> 0).toString(16).padStart(8, '0')}`;

export function validateRequest(req: RegionRequest): void {
  if (!BRIDGE_NAME_RE.test(req.name)) {
    throw new BridgeError('BAD_NAME', `bad bridge name '${req.name}': use 1-64 of A-Z a-z 0-9 _ -`, { bridge: req.name });
  }
  if (req.role !== 'game' && req.role !== 'sidecar') throw new BridgeError('BAD_OPTIONS', `role must be 'game' or 'sidecar', got '${String(req.role)}'`);
  const n = req.ringBytes;
  if (!Number.isInteger(n) || n < RING_MIN_BYTES || n > RING_MAX_BYTES || (n & (n - 1)) !== 0) {
    throw new BridgeError('RING_SIZE', `ringBytes must be a power of two in ${RING_MIN_BYTES}..${RING_MAX_BYTES}, got ${n}`);
  }
}

export function openRegion(native: NativeShim, req: RegionRequest): OpenedRegion {
  validateRequest(req);
  const schema = req.schemaHash ?? SCHEMA_HASH;
  if (req.schemaHash === undefined && native.hooksSchemaHash() !== SCHEMA_HASH) {
    throw new BridgeError(
      'STALE_NATIVE',
      `native shim ${native.path} was built from hook schema ${hex(native.hooksSchemaHash())}, this code uses ${hex(SCHEMA_HASH)}: run npm run build`,
    );
  }
  const abi = req.abiVersion ?? BRIDGE_ABI_VERSION;
  const h = native.open(req.name, ROLE_CODE[req.role], req.ringBytes, abi, schema);
  if (!h) throw new BridgeError('SHM', 'out of memory opening the bridge region', { bridge: req.name });
  const st = native.status(h);
  if (st !== ST.OK) {
    const err = describe(native, h, st, req, abi, schema);
    native.close(h);
    throw err;
  }
  const size = native.size(h);
  const view = native.view(native.base(h), size);
  const ringBytes = new DataView(view).getUint32(OFF_RING_BYTES, true);
  if (size < HEADER_BYTES + 2 * ringBytes) {
    native.close(h);
    throw new BridgeError('NOT_A_BRIDGE', `bridge region for '${req.name}' is too small`, { bridge: req.name });
  }
  return { handle: h, view, ringBytes, created: native.created(h) === 1 };
}

function describe(native: NativeShim, h: RegionHandle, st: number, req: RegionRequest, abi: number, schema: number): BridgeError {
  const s = req.name;
  const at = `bridge '${s}'`;
  switch (st) {
    case ST.ABI:
      return new BridgeError(
        'ABI_MISMATCH',
        `${at}: bridge ABI mismatch: the shared region has ABI version ${native.foundAbi(h)}, this ${req.role} speaks ABI version ${abi}`,
        { bridge: s },
      );
    case ST.SCHEMA:
      return new BridgeError(
        'SCHEMA_MISMATCH',
        `${at}: hook manifest mismatch: the shared region has schema ${hex(native.foundSchema(h))}, this ${req.role} was built with ${hex(schema)}`,
        { bridge: s },
      );
    case ST.ROLE_TAKEN:
      return new BridgeError('ROLE_TAKEN', `${at} already has a ${req.role} attached (pid ${native.holderPid(h)}): refusing a second ${req.role}`, {
        bridge: s,
      });
    case ST.MAGIC:
      return new BridgeError('NOT_A_BRIDGE', `${at}: the shared region is not a coop bridge (or its creator never finished)`, { bridge: s });
    case ST.RING_SIZE:
      return new BridgeError('RING_SIZE', `${at}: bad ring size`, { bridge: s });
    case ST.SIZE:
      return new BridgeError('NOT_A_BRIDGE', `${at}: the shared region is smaller than its header says`, { bridge: s });
    case ST.NAME:
      return new BridgeError('BAD_NAME', `bad bridge name '${s}'`, { bridge: s });
    default:
      return new BridgeError('SHM', `${at}: shared memory failed (status ${st}, errno ${native.osError(h)})`, { bridge: s });
  }
}

const swept = new WeakSet<NativeShim>();
/** Once per process: remove regions that crashed processes left in /dev/shm. */
export function sweepOnce(native: NativeShim): void {
  if (swept.has(native)) return;
  swept.add(native);
  native.sweepStale(BRIDGE_STALE_MIN_AGE_S);
}
