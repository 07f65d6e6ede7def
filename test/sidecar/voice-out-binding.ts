// Test helper: a koffi binding of native-shims/include/coop_voice_out.h (the lip-sync and the
// voice frames in C). Tests only: the production binding belongs to the native path's wiring.
import koffi from 'koffi';
import { defaultLibraryPath, openShimLibrary } from '../../bridge/index.js';

/** coop_voice_out.h's answers (checked against the header by voice-out-native.test.ts). */
export const VOICE_OUT = {
  WRITTEN: 1,
  FULL: 0,
  ERR_ARGS: -1,
  ERR_BAD_NAME: -2,
  ERR_REFUSED: -3,
} as const;
export const VISEMES_ERR_FULL = -4;

/** Opaque `coop_visemes*`. */
export type VisemesHandle = object;

export interface VoiceOutNative {
  visemeOfFrame(pcm: Int16Array): number;
  create(): VisemesHandle | null;
  destroy(v: VisemesHandle): void;
  setAvatar(v: VisemesHandle, peerId: number, entityId: number): number;
  /** null when nothing is to be shown, else the entity and viseme to show. */
  frame(v: VisemesHandle, peerId: number, pcm: Int16Array): { entityId: number; visemeId: number } | null;
  forget(v: VisemesHandle, peerId: number): void;
  counts(v: VisemesHandle): { frames: number; changes: number; noAvatar: number };
  /** region: a `coop_region*` from bridge/native.ts loadNative().open. */
  playback(region: object | null, seq: number, pcm: Int16Array | null, samples?: number): number;
  viseme(region: object | null, npcId: number, visemeId: number, serverTimeMs: number): number;
  micShow(region: object | null, peerId: number, name: Uint8Array | null, nameLen?: number): number;
  micHide(region: object | null, peerId: number): number;
}

let bound: VoiceOutNative | null = null;

export function loadVoiceOutNative(path = defaultLibraryPath()): VoiceOutNative {
  if (bound) return bound;
  const lib = openShimLibrary(path);
  koffi.opaque('coop_visemes_test');
  const V = 'coop_visemes_test *';
  const f = (proto: string) => lib.func(proto);
  const visemeOf = f('uint8_t coop_viseme_of_frame(const int16_t *pcm, uint32_t samples)');
  const frame = f(
    `int coop_visemes_frame(${V} v, uint32_t peer_id, const int16_t *pcm, uint32_t samples, _Out_ uint32_t *entity_id, _Out_ uint8_t *viseme_id)`,
  );
  const counts = f(`void coop_visemes_get_counts(${V} v, _Out_ uint32_t *out)`);
  const playback = f('int coop_voice_out_playback(void *game, uint32_t seq, const int16_t *pcm, uint32_t samples)');
  const micShow = f('int coop_voice_out_mic_show(void *game, uint32_t peer_id, const uint8_t *name, uint32_t name_len)');
  const entity = new Uint32Array(1),
    viseme = new Uint8Array(1),
    c = new Uint32Array(3);
  bound = {
    visemeOfFrame: (pcm) => visemeOf(pcm.length ? pcm : null, pcm.length) as number,
    create: f(`${V} coop_visemes_create(void)`),
    destroy: f(`void coop_visemes_destroy(${V} v)`),
    setAvatar: f(`int coop_visemes_set_avatar(${V} v, uint32_t peer_id, uint32_t entity_id)`),
    frame(v, peerId, pcm) {
      const rc = frame(v, peerId, pcm.length ? pcm : null, pcm.length, entity, viseme) as number;
      return rc === 1 ? { entityId: entity[0], visemeId: viseme[0] } : null;
    },
    forget: f(`void coop_visemes_forget(${V} v, uint32_t peer_id)`),
    counts(v) {
      counts(v, c);
      return { frames: c[0], changes: c[1], noAvatar: c[2] };
    },
    playback: (region, seq, pcm, samples = pcm?.length ?? 0) => playback(region, seq, pcm, samples) as number,
    viseme: f('int coop_voice_out_viseme(void *game, uint32_t npc_id, uint8_t viseme_id, double server_time_ms)'),
    micShow: (region, peerId, name, nameLen = name?.length ?? 0) => micShow(region, peerId, name, nameLen) as number,
    micHide: f('int coop_voice_out_mic_hide(void *game, uint32_t peer_id)'),
  };
  return bound;
}
