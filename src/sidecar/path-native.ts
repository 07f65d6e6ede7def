// koffi binding of the sidecar's native path (native-shims/include/coop_path.h,
// native-shims/sidecar/native_path.c): the thread between the game's region, the relay region
// Node's bridge reads, and the server's socket. native-path.ts wraps it. Linux only: the shim
// for Windows has no such thread yet (docs/sidecar.md).
import koffi from 'koffi';
import { defaultLibraryPath, openShimLibrary, type RegionHandle } from '../../bridge/index.js';

/** coop_path.h COOP_PATH_ITEM_*: what a forwarded item is. */
export const PATH_ITEM_DATAGRAM = 0;
export const PATH_ITEM_RELIABLE = 1;
export const PATH_ITEM_TALKING = 2;
/** coop_path.h's counters, by index (checked against the header by test/sidecar/native-path.test.ts). */
export const PATH_COUNTERS = [
  'framesNative',
  'framesToNode',
  'framesToGame',
  'datagramsIn',
  'datagramsToNode',
  'snapshots',
  'snapshotDrops',
  'inputsSent',
  'sendsFailed',
  'forwardDrops',
  'wakes',
  'proxyStates',
  'acksSent',
  'voicePackets',
  'voiceFrames',
  'voiceDrops',
  'malformed',
] as const;
export type PathCounters = Record<(typeof PATH_COUNTERS)[number], number>;

/** The server link handed to the thread on entering the world (coop_path_link). */
export interface PathLink {
  outgoingPeerId: number;
  outgoingSessionId: number;
  channel: number;
  reliableSeq: number;
  unreliableSeq: number;
  inputSeq: number;
  interpDelayMs: number;
}

/** Opaque `coop_path*`. */
export type PathHandle = object;

export interface PathNative {
  readonly path: string;
  create(game: RegionHandle, relayName: string, nowMs: number): PathHandle | null;
  status(h: PathHandle): number;
  notifyFd(h: PathHandle): number;
  setSocket(h: PathHandle, fd: number): void;
  take(h: PathHandle, kind: Uint8Array, buf: Uint8Array, cap: number): number;
  enterWorld(h: PathHandle, link: PathLink): void;
  leaveWorld(h: PathHandle, out: PathLink): void;
  setChannelSeqs(h: PathHandle, reliableSeq: number, unreliableSeq: number): void;
  setDelay(h: PathHandle, ms: number): void;
  known(h: PathHandle, id: number, kind: number, name: Uint8Array, len: number): number;
  forget(h: PathHandle, id: number): number;
  forgetAll(h: PathHandle): void;
  send(h: PathHandle, payload: Uint8Array, len: number): number;
  pushSnapshot(h: PathHandle, tick: number, baseTick: number, serverTimeMs: number, data: Uint8Array, len: number): number;
  lastTransform(h: PathHandle, out: Float32Array, atMs: Float64Array): number;
  voice(h: PathHandle, on: number, channel: number): number;
  voiceAvatar(h: PathHandle, peerId: number, entityId: number): void;
  voiceVolume(h: PathHandle, gain: number): void;
  pushVoice(h: PathHandle, fromPeer: number, seq: number, timestamp: number, opus: Uint8Array, len: number, attenuationQ8: number): void;
  serverClock(h: PathHandle, offsetMs: number): void;
  sleepThroughLazy(h: PathHandle, on: number): void;
  counters(h: PathHandle, out: Uint32Array, n: number): void;
  destroy(h: PathHandle): void;
}

const loaded = new Map<string, PathNative>();

/** Binds the path's functions once per library path per process, or says why there are none. */
export function loadPathNative(path = defaultLibraryPath()): PathNative | string {
  if (process.platform !== 'linux') return `the native path is Linux-only for now (this is ${process.platform})`;
  const cached = loaded.get(path);
  if (cached) return cached;
  const lib = openShimLibrary(path);
  // koffi type names are process-wide: one set per loaded path.
  const n = loaded.size;
  const P = `${koffi.opaque(`coop_path_${n}`).name} *`;
  const L = koffi.struct(`coop_path_link_${n}`, {
    outgoingPeerId: 'uint16_t',
    outgoingSessionId: 'uint8_t',
    channel: 'uint8_t',
    reliableSeq: 'uint16_t',
    unreliableSeq: 'uint16_t',
    inputSeq: 'uint32_t',
    interpDelayMs: 'double',
  });
  const f = (proto: string) => lib.func(proto);
  const bound: PathNative = {
    path,
    create: f(`${P} coop_path_create(void *game, const char *relay_name, double now_ms)`) as PathNative['create'],
    status: f(`int coop_path_status(${P} p)`),
    notifyFd: f(`int coop_path_notify_fd(${P} p)`),
    setSocket: f(`void coop_path_set_socket(${P} p, int fd)`),
    take: f(`int32_t coop_path_take(${P} p, _Out_ uint8_t *kind, _Out_ uint8_t *buf, uint32_t cap)`),
    enterWorld: lib.func('coop_path_enter_world', 'void', [P, koffi.pointer(L)]),
    leaveWorld: lib.func('coop_path_leave_world', 'void', [P, koffi.out(koffi.pointer(L))]),
    setChannelSeqs: f(`void coop_path_set_channel_seqs(${P} p, uint16_t reliable_seq, uint16_t unreliable_seq)`),
    setDelay: f(`void coop_path_set_delay(${P} p, double ms)`),
    known: f(`int coop_path_known(${P} p, uint32_t id, uint8_t kind, const uint8_t *name, uint32_t len)`),
    forget: f(`int coop_path_forget(${P} p, uint32_t id)`),
    forgetAll: f(`void coop_path_forget_all(${P} p)`),
    send: f(`int coop_path_send(${P} p, const uint8_t *payload, uint32_t len)`),
    pushSnapshot: f(`int coop_path_push_snapshot(${P} p, int64_t tick, int64_t base_tick, double server_time_ms, const uint8_t *data, uint32_t len)`),
    lastTransform: f(`int coop_path_last_transform(${P} p, _Out_ float *out, _Out_ double *at_ms)`),
    voice: f(`int coop_path_voice(${P} p, int on, uint32_t channel)`),
    voiceAvatar: f(`void coop_path_voice_avatar(${P} p, uint32_t peer_id, uint32_t entity_id)`),
    voiceVolume: f(`void coop_path_voice_volume(${P} p, double gain)`),
    pushVoice: f(
      `void coop_path_push_voice(${P} p, uint32_t from_peer, uint32_t seq, uint32_t timestamp, const uint8_t *opus, uint32_t len, uint32_t attenuation_q8)`,
    ),
    serverClock: f(`void coop_path_server_clock(${P} p, double offset_ms)`),
    sleepThroughLazy: f(`void coop_path_sleep_through_lazy(${P} p, int on)`),
    counters: f(`void coop_path_counters(${P} p, _Out_ uint32_t *out, uint32_t n)`),
    destroy: f(`void coop_path_destroy(${P} p)`),
  };
  loaded.set(path, bound);
  return bound;
}
