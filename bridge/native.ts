// koffi bindings to the native shim: native-shims/build/libcoopbridge.so on Linux,
// coopbridge.dll on Windows (one code path; the platform only picks the file). Only
// create/open, sleep/wake and liveness go through here; frames are read and written in JS over
// koffi.view (ring.ts).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import koffi, { type LibraryHandle } from 'koffi';
import { BridgeError } from './errors.js';

/** Default location of the built shim, relative to the package root: the repository on Linux;
 * on Windows the plugin folder, one level above sidecar/ where the bundle sits (docs/windows.md). */
export const NATIVE_LIB_RELATIVE = process.platform === 'win32' ? 'coopbridge.dll' : 'native-shims/build/libcoopbridge.so';
/** Environment override for the shim's path. */
export const NATIVE_LIB_ENV = 'COOP_BRIDGE_LIB';

/** Opaque `coop_region*` as koffi hands it out. */
export type RegionHandle = object;

export interface NativeShim {
  readonly path: string;
  open(name: string, role: number, ringBytes: number, abi: number, schema: number): RegionHandle | null;
  status(h: RegionHandle): number;
  osError(h: RegionHandle): number;
  foundAbi(h: RegionHandle): number;
  foundSchema(h: RegionHandle): number;
  holderPid(h: RegionHandle): number;
  created(h: RegionHandle): number;
  base(h: RegionHandle): unknown;
  size(h: RegionHandle): number;
  /** Asynchronous on libuv's pool: never blocks the event loop; finite timeout always. */
  waitAsync(h: RegionHandle, ring: number, expected: number, timeoutMs: number, cb: (err: unknown, rc: number) => void): void;
  wake(h: RegionHandle, ring: number): number;
  /** A new fd (the caller owns it) on the ring's wake pipe, or -1. */
  wakeFd(h: RegionHandle, ring: number): number;
  peerAlive(h: RegionHandle): number;
  close(h: RegionHandle): void;
  unlink(name: string): number;
  /** Removes regions crashed processes left behind (older than minAgeS, no live pid). */
  sweepStale(minAgeS: number): number;
  hooksSchemaHash(): number;
  writeFrame(h: RegionHandle, type: number, payload: Uint8Array, len: number): number;
  readFrame(h: RegionHandle, type: Uint16Array, buf: Uint8Array, cap: number, len: Uint32Array): number;
  view(ptr: unknown, len: number): ArrayBuffer;
  /** coop_launch: starts argv[0] with argv; the child dies with this process. pid or -errno. */
  launch(argv: readonly string[]): number;
  /** coop_launch_status: LAUNCH_RUNNING, LAUNCH_UNKNOWN or the exit code (128 + signal). */
  launchStatus(pid: number): number;
}

/** coop_launch_status answers (native-shims/include/coop_shim.h). */
export const LAUNCH_RUNNING = -1;
export const LAUNCH_UNKNOWN = -2;

export function defaultLibraryPath(): string {
  const fromEnv = process.env[NATIVE_LIB_ENV];
  if (fromEnv) return fromEnv;
  // bridge/native.ts and dist/*.js both sit one level below the package root.
  return fileURLToPath(new URL(`../${NATIVE_LIB_RELATIVE}`, import.meta.url));
}

/** The shim at path through koffi, or a NATIVE_LOAD error saying why not (the bridge's
 * bindings and the sidecar's native path, src/sidecar/*-native.ts, each bind their own calls). */
export function openShimLibrary(path: string): LibraryHandle {
  if (!existsSync(path)) throw new BridgeError('NATIVE_LOAD', `native shim not built: ${path} is missing (run npm run build)`);
  try {
    return koffi.load(path);
  } catch (cause) {
    throw new BridgeError('NATIVE_LOAD', `cannot load native shim ${path}: ${(cause as Error).message}`, { cause });
  }
}

const loaded = new Map<string, NativeShim>();

/** Loads the shim once per path per process. */
export function loadNative(path = defaultLibraryPath()): NativeShim {
  const cached = loaded.get(path);
  if (cached) return cached;
  const lib = openShimLibrary(path);
  const typeName = `coop_region_${loaded.size}`;
  koffi.opaque(typeName);
  const P = `${typeName} *`;
  const f = (proto: string) => lib.func(proto);
  const open = f(`${P} coop_open(const char *session, int role, uint32_t ring_bytes, uint32_t abi, uint32_t schema)`);
  const wait = f(`int coop_wait(${P} r, int ring, int32_t expected, int timeout_ms)`);
  const launch = f('int32_t coop_launch(const char **argv)');
  const shim: NativeShim = {
    path,
    open: (s, role, ring, abi, schema) => open(s, role, ring, abi, schema) as RegionHandle | null,
    status: f(`int coop_status(${P} r)`),
    osError: f(`int coop_os_error(${P} r)`),
    foundAbi: f(`uint32_t coop_found_abi(${P} r)`),
    foundSchema: f(`uint32_t coop_found_schema(${P} r)`),
    holderPid: f(`uint32_t coop_holder_pid(${P} r)`),
    created: f(`int coop_created(${P} r)`),
    base: f(`void *coop_base(${P} r)`),
    size: f(`uint32_t coop_size(${P} r)`),
    waitAsync: (h, ring, expected, timeoutMs, cb) => wait.async(h, ring, expected, timeoutMs, cb),
    wake: f(`int coop_wake(${P} r, int ring)`),
    wakeFd: f(`int coop_wake_fd(${P} r, int ring)`),
    peerAlive: f(`int coop_peer_alive(${P} r)`),
    close: f(`void coop_close(${P} r)`),
    unlink: f('int coop_unlink(const char *session)'),
    sweepStale: f('int coop_sweep_stale(int min_age_s)'),
    hooksSchemaHash: f('uint32_t coop_hooks_schema_hash(void)'),
    writeFrame: f(`int coop_write_frame(${P} r, uint16_t type, const uint8_t *payload, uint32_t len)`),
    readFrame: f(`int coop_read_frame(${P} r, _Out_ uint16_t *type, _Out_ uint8_t *buf, uint32_t cap, _Out_ uint32_t *len)`),
    view: (ptr, len) => koffi.view(ptr, len),
    launch: (argv) => launch([...argv, null]) as number,
    launchStatus: f('int32_t coop_launch_status(int32_t pid)'),
  };
  loaded.set(path, shim);
  return shim;
}
