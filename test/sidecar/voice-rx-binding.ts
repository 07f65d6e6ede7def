// Test helper: a koffi binding of the voice receiver in C (native-shims/include/coop_voice_rx.h,
// native-shims/sidecar/voice_rx.c). Tests only: the production caller is the native path's thread.
import koffi from 'koffi';
import { defaultLibraryPath, openShimLibrary } from '../../bridge/index.js';

/** coop_voice_rx_status answers. */
export const VOICE_RX_OK = 0;
export const VOICE_RX_ERR_NO_OPUS = -1;
/** coop_voice_rx_stats / coop_voice_rx_stream_stats lengths (COOP_VOICE_RX_S_COUNT, _P_COUNT). */
export const VOICE_RX_S_COUNT = 9;
export const VOICE_RX_P_COUNT = 19;

export type VoiceRxHandle = object;

export interface VoiceRxEvents {
  decoded: { peer: number; pcm: Int16Array }[];
  talking: { peer: number; on: boolean }[];
  played: { peer: number; seq: number; nowMs: number }[];
  frames: { pcm: Int16Array; index: number }[];
}

export interface VoiceRxNative {
  create(lib: string | null): VoiceRxHandle | null;
  status(rx: VoiceRxHandle): number;
  destroy(rx: VoiceRxHandle): void;
  packet(rx: VoiceRxHandle, from: number, seq: number, ts: number, opus: Uint8Array | null, len: number, q8: number, nowMs: number): void;
  /** Returns the frames played; the events go to `ev`. */
  catchUp(rx: VoiceRxHandle, nowMs: number, ev: VoiceRxEvents): number;
  nextDueMs(rx: VoiceRxHandle): number;
  setVolume(rx: VoiceRxHandle, gain: number): void;
  removePeer(rx: VoiceRxHandle, peer: number, ev: VoiceRxEvents): void;
  anyTalking(rx: VoiceRxHandle): number;
  stats(rx: VoiceRxHandle): number[];
  streamStats(rx: VoiceRxHandle, peer: number): number[] | null;
  constants(): Map<string, number>;
}

export const newEvents = (): VoiceRxEvents => ({ decoded: [], talking: [], played: [], frames: [] });

const loaded = new Map<string, VoiceRxNative>();

export function loadVoiceRxNative(path = defaultLibraryPath()): VoiceRxNative {
  const cached = loaded.get(path);
  if (cached) return cached;
  const lib = openShimLibrary(path);
  const n = loaded.size;
  koffi.opaque(`coop_voice_rx_t${n}`);
  const P = `coop_voice_rx_t${n} *`;
  const decodedT = koffi.proto(`void voice_rx_decoded_t${n}(void *ctx, uint32_t peer, const int16_t *pcm, uint32_t samples)`);
  const talkingT = koffi.proto(`void voice_rx_talking_t${n}(void *ctx, uint32_t peer, int on)`);
  const playedT = koffi.proto(`void voice_rx_played_t${n}(void *ctx, uint32_t peer, uint32_t seq, double now_ms)`);
  const frameT = koffi.proto(`void voice_rx_frame_t${n}(void *ctx, const int16_t *pcm, uint32_t samples, uint32_t index)`);
  const hooksT = koffi.struct(`coop_voice_rx_hooks_t${n}`, {
    decoded: koffi.pointer(decodedT),
    talking: koffi.pointer(talkingT),
    played: koffi.pointer(playedT),
    frame: koffi.pointer(frameT),
    ctx: 'void *',
  });
  const f = (proto: string) => lib.func(proto);
  const catchUp = lib.func('coop_voice_rx_catch_up', 'int32_t', [P, 'double', koffi.pointer(hooksT)]);
  const removePeer = lib.func('coop_voice_rx_remove_peer', 'void', [P, 'uint32_t', koffi.pointer(hooksT)]);
  const stats = f(`uint32_t coop_voice_rx_stats(${P} rx, _Out_ double *out, uint32_t n)`);
  const streamStats = f(`uint32_t coop_voice_rx_stream_stats(${P} rx, uint32_t peer, _Out_ double *out, uint32_t n)`);
  const constName = f('const char *coop_voice_rx_constant_name(uint32_t i)');
  const constValue = f('double coop_voice_rx_constant_value(uint32_t i)');
  let ev: VoiceRxEvents = newEvents();
  const cbs = {
    decoded: koffi.register((_c: unknown, peer: number, pcm: unknown, samples: number) => {
      ev.decoded.push({ peer, pcm: Int16Array.from(koffi.decode(pcm, 'int16_t', samples) as number[]) });
    }, koffi.pointer(decodedT)),
    talking: koffi.register((_c: unknown, peer: number, on: number) => {
      ev.talking.push({ peer, on: on !== 0 });
    }, koffi.pointer(talkingT)),
    played: koffi.register((_c: unknown, peer: number, seq: number, nowMs: number) => {
      ev.played.push({ peer, seq, nowMs });
    }, koffi.pointer(playedT)),
    frame: koffi.register((_c: unknown, pcm: unknown, samples: number, index: number) => {
      ev.frames.push({ pcm: Int16Array.from(koffi.decode(pcm, 'int16_t', samples) as number[]), index });
    }, koffi.pointer(frameT)),
    ctx: null,
  };
  const native: VoiceRxNative = {
    create: f(`${P} coop_voice_rx_create(const char *lib)`),
    status: f(`int coop_voice_rx_status(${P} rx)`),
    destroy: f(`void coop_voice_rx_destroy(${P} rx)`),
    packet: f(`void coop_voice_rx_packet(${P} rx, uint32_t from, uint32_t seq, uint32_t ts, const uint8_t *opus, uint32_t len, uint32_t q8, double now_ms)`),
    catchUp: (rx, nowMs, into) => {
      ev = into;
      return catchUp(rx, nowMs, cbs) as number;
    },
    nextDueMs: f(`double coop_voice_rx_next_due_ms(${P} rx)`),
    setVolume: f(`void coop_voice_rx_set_volume(${P} rx, double gain)`),
    removePeer: (rx, peer, into) => {
      ev = into;
      removePeer(rx, peer, cbs);
    },
    anyTalking: f(`int coop_voice_rx_any_talking(${P} rx)`),
    stats: (rx) => {
      const out = new Float64Array(VOICE_RX_S_COUNT);
      const k = stats(rx, out, out.length) as number;
      return [...out.subarray(0, k)];
    },
    streamStats: (rx, peer) => {
      const out = new Float64Array(VOICE_RX_P_COUNT);
      const k = streamStats(rx, peer, out, out.length) as number;
      return k === 0 ? null : [...out.subarray(0, k)];
    },
    constants: () => {
      const m = new Map<string, number>();
      for (let i = 0; ; i++) {
        const name = constName(i) as string | null;
        if (name === null) return m;
        m.set(name, constValue(i) as number);
      }
    },
  };
  loaded.set(path, native);
  return native;
}
