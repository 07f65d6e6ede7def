// The listening side of voice around the receiver, in C (native-shims/sidecar/voice_out.c), against
// the TypeScript it ports: visemeOfFrame on random PCM, on the thresholds' edges and on real
// speech through Opus (encoded and decoded as the receiver does); VoiceVisemes's change sequences
// and counts over random talkers, avatars and forgets; and the VoicePlayback, VisemePlay,
// MicIconShow and MicIconHide frames a game reads from the C's ring, byte for byte what the
// generated codec writes and decoded with it (a manifest change breaks this), with the bridge's
// trySend answers (a full ring: not written, the caller counts the drop).
import { readFileSync } from 'node:fs';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CODECS, FrameReader, FrameWriter, loadNative } from '../../bridge/index.js';
import { BRIDGE_ABI_VERSION, ROLE_CODE } from '../../bridge/layout.js';
import { MESSAGE_IDS, SCHEMA_HASH, type MessageMap } from '../../bridge/generated/types.js';
import { VISEME_COUNT, VisemeId } from '../../src/protocol/visemes.js';
import { VOICE_BRIGHT_ZCR, VOICE_HISS_ZCR, VOICE_LOUD_RMS, VOICE_SILENCE_RMS, VoiceVisemes, visemeOfFrame } from '../../src/sidecar/story/voice-visemes.js';
import { VOICE_FRAME_SAMPLES } from '../../src/voice/constants.js';
import { VoiceDecoder } from '../../src/voice/decoder.js';
import { VoiceEncoder } from '../../src/voice/encoder.js';
import { framesOf } from '../../src/voice/wav-io.js';
import { seededRandom, type Rng } from '../../src/util/random.js';
import { makeSpeech, SPEECH_SENTENCES } from '../voice/fixtures/speech.js';
import { removeSessions, sessionName } from '../bridge/util.js';
import { loadVoiceOutNative, VISEMES_ERR_FULL, VOICE_OUT, type VisemesHandle } from './voice-out-binding.js';

const native = loadNative();
const vo = loadVoiceOutNative();
const HEADER = readFileSync('native-shims/include/coop_voice_out.h', 'utf8');
const headerNumber = (name: string): number => {
  const m = new RegExp(`#define ${name} \\(?(-?[0-9.xa-f]+)u?\\)?`).exec(HEADER);
  if (!m) throw new Error(`${name} not in coop_voice_out.h`);
  return Number(m[1]);
};

const RANDOM_FRAMES = 20_000;
const RANDOM_OPS = 20_000;
const PEERS = 6;
/** A ring a few 20 ms frames fill; its frames carry at most a quarter of it. */
const SMALL_RING_BYTES = 64 * 1024;
const TINY_RING_BYTES = 4096;
const READ_BUF_BYTES = 256 * 1024;
const VISEMES_MAX_PEERS = 4096;

const cleanups: (() => unknown)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0).reverse()) c();
  removeSessions();
});

/** A 16-bit frame: a tone of `amp` at `cyclesPerSample` with `noise` of white noise. */
function tone(rng: Rng, n: number, amp: number, cyclesPerSample: number, noise: number): Int16Array {
  const pcm = new Int16Array(n);
  const phase = rng() * 2 * Math.PI;
  for (let i = 0; i < n; i++) {
    const v = amp * Math.sin(phase + 2 * Math.PI * cyclesPerSample * i) + noise * (rng() * 2 - 1);
    pcm[i] = Math.max(-32768, Math.min(32767, Math.round(v)));
  }
  return pcm;
}

function randomFrame(rng: Rng): Int16Array {
  const n = rng() < 0.05 ? Math.floor(rng() * 4) : rng() < 0.7 ? VOICE_FRAME_SAMPLES : Math.floor(rng() * 3000);
  const r = rng();
  if (r < 0.1) return new Int16Array(n).fill(Math.floor(rng() * 65536) - 32768);
  if (r < 0.2) return Int16Array.from({ length: n }, () => Math.floor(rng() * 65536) - 32768);
  const amp = [0, 300, 400, 600, 3000, 4000, 5000, 32767][Math.floor(rng() * 8)] * (0.5 + rng());
  return tone(rng, n, amp, rng() * 0.5, rng() < 0.5 ? 0 : rng() * amp);
}

/** Real speech (espeak-ng), through the Opus encoder and decoder as the receiver plays it. */
function decodedSpeech(): Int16Array[] {
  const track = makeSpeech({ sentences: SPEECH_SENTENCES.slice(0, 2), gapMs: 300 });
  const enc = new VoiceEncoder();
  const dec = new VoiceDecoder();
  try {
    return [...framesOf(track.samples)].map((f) => dec.decodeFrame(enc.encodeFrame(f)).pcm.slice());
  } finally {
    enc.close();
    dec.close();
  }
}

describe('coop_viseme_of_frame against visemeOfFrame', () => {
  it('has the viseme ids and thresholds of the TypeScript', () => {
    for (const [name, id] of Object.entries(VisemeId)) expect(headerNumber(`COOP_VISEME_${name.toUpperCase()}`), name).toBe(id);
    expect(headerNumber('COOP_VISEME_COUNT')).toBe(VISEME_COUNT);
    expect(headerNumber('COOP_VOICE_SILENCE_RMS')).toBe(VOICE_SILENCE_RMS);
    expect(headerNumber('COOP_VOICE_LOUD_RMS')).toBe(VOICE_LOUD_RMS);
    expect(headerNumber('COOP_VOICE_HISS_ZCR')).toBe(VOICE_HISS_ZCR);
    expect(headerNumber('COOP_VOICE_BRIGHT_ZCR')).toBe(VOICE_BRIGHT_ZCR);
    expect(headerNumber('COOP_VISEMES_MAX_PEERS')).toBe(VISEMES_MAX_PEERS);
    for (const [name, v] of Object.entries(VOICE_OUT)) expect(headerNumber(`COOP_VOICE_OUT_${name}`), name).toBe(v);
    expect(headerNumber('COOP_VISEMES_ERR_FULL')).toBe(VISEMES_ERR_FULL);
  });

  it('classifies the thresholds’ edges as the TypeScript does', () => {
    const edges: [number[], number][] = [
      [[], VisemeId.sil],
      [[399], VisemeId.sil],
      [[400], VisemeId.oh], // rms 400 is not below 400
      [[4000, 4000], VisemeId.oh], // rms 4000 is not above 4000
      [[4001], VisemeId.aa],
      [[-32768, -32768], VisemeId.aa],
      [[500, -500, -500, -500], VisemeId.E], // zcr 0.25 is not above 0.25
      [[500, -500, 500, -500, -500], VisemeId.SS], // 0.6
      [[500, -500, -500, -500, -500, -500, -500, -500, -500, -500], VisemeId.oh], // zcr 0.1 is not above 0.1
      [[500, -500, -500, -500, -500, -500, -500, -500, -500], VisemeId.E], // 0.111
      [[0, -1, 0, -1, 0, -1], VisemeId.sil], // crossings at 0 (0 counts as positive), but silent
      [[0, -5000, 0, -5000], VisemeId.SS],
    ];
    for (const [samples, want] of edges) {
      const pcm = Int16Array.from(samples);
      expect(visemeOfFrame(pcm), samples.join()).toBe(want);
      expect(vo.visemeOfFrame(pcm), samples.join()).toBe(want);
    }
  });

  it(`classifies ${RANDOM_FRAMES} random frames as the TypeScript does (every viseme it gives occurs)`, () => {
    const rng = seededRandom(61);
    const seen = new Set<number>();
    for (let i = 0; i < RANDOM_FRAMES; i++) {
      const pcm = randomFrame(rng);
      const want = visemeOfFrame(pcm);
      expect(vo.visemeOfFrame(pcm), `frame ${i} (${pcm.length} samples)`).toBe(want);
      seen.add(want);
    }
    expect([...seen].sort((a, b) => a - b)).toEqual([VisemeId.sil, VisemeId.SS, VisemeId.aa, VisemeId.E, VisemeId.oh].sort((a, b) => a - b));
  });

  it('classifies real speech decoded by Opus as the TypeScript does', () => {
    const frames = decodedSpeech();
    expect(frames.length).toBeGreaterThan(200);
    const seen = new Map<number, number>();
    for (const [i, pcm] of frames.entries()) {
      const want = visemeOfFrame(pcm);
      expect(vo.visemeOfFrame(pcm), `speech frame ${i}`).toBe(want);
      seen.set(want, (seen.get(want) ?? 0) + 1);
    }
    expect(seen.size).toBeGreaterThanOrEqual(4);
  });
});

describe('coop_visemes against VoiceVisemes', () => {
  function handle(): VisemesHandle {
    const v = vo.create();
    expect(v).toBeTruthy();
    cleanups.push(() => vo.destroy(v!));
    return v!;
  }

  it(`shows the same changes over ${RANDOM_OPS} random frames, avatars and forgets, with the same counts`, () => {
    const rng = seededRandom(62);
    const pool = [...decodedSpeech().slice(0, 400), ...Array.from({ length: 200 }, () => randomFrame(rng))];
    const avatars = new Map<number, number>();
    const shown: [number, number][] = [];
    const ts = new VoiceVisemes({ avatarOf: (p) => avatars.get(p), show: (e, v) => shown.push([e, v]) });
    const c = handle();
    let changes = 0;
    for (let i = 0; i < RANDOM_OPS; i++) {
      const peer = 1 + Math.floor(rng() * PEERS) + (rng() < 0.02 ? 1000 : 0); // now and then a peer never seen
      const r = rng();
      if (r < 0.03) {
        const entity = rng() < 0.3 ? 0 : 1 + Math.floor(rng() * 50);
        if (entity) avatars.set(peer, entity);
        else avatars.delete(peer);
        expect(vo.setAvatar(c, peer, entity)).toBe(0);
      } else if (r < 0.05) {
        ts.forget(peer);
        vo.forget(c, peer);
      } else {
        // a talker's frames run on: mostly the next frame of speech, sometimes any
        const pcm = pool[rng() < 0.8 ? i % pool.length : Math.floor(rng() * pool.length)];
        const before = shown.length;
        ts.frame(peer, pcm);
        const got = vo.frame(c, peer, pcm);
        const want = shown.length > before ? { entityId: shown[before][0], visemeId: shown[before][1] } : null;
        expect(got, `op ${i}`).toEqual(want);
        if (want) changes++;
      }
    }
    expect(vo.counts(c)).toEqual(ts.counts);
    expect(changes).toBeGreaterThan(RANDOM_OPS / 20);
    expect(ts.counts.noAvatar).toBeGreaterThan(RANDOM_OPS / 50);
  });

  it('keeps a talker’s last viseme across avatar changes until forgotten, and bounds the peers it holds', () => {
    const c = handle();
    const loud = Int16Array.from({ length: VOICE_FRAME_SAMPLES }, () => 6000);
    expect(vo.frame(c, 7, loud)).toBeNull(); // no avatar
    expect(vo.setAvatar(c, 7, 70)).toBe(0);
    expect(vo.frame(c, 7, loud)).toEqual({ entityId: 70, visemeId: VisemeId.aa });
    expect(vo.frame(c, 7, loud)).toBeNull(); // unchanged
    expect(vo.setAvatar(c, 7, 0)).toBe(0);
    expect(vo.frame(c, 7, loud)).toBeNull(); // no avatar
    expect(vo.setAvatar(c, 7, 71)).toBe(0);
    expect(vo.frame(c, 7, loud)).toBeNull(); // still the same viseme (VoiceVisemes keeps #last)
    vo.forget(c, 7);
    expect(vo.frame(c, 7, loud)).toEqual({ entityId: 71, visemeId: VisemeId.aa });
    expect(vo.counts(c)).toEqual({ frames: 6, changes: 2, noAvatar: 2 });
    // at most COOP_VISEMES_MAX_PEERS held; clearing one makes room
    const d = handle();
    for (let p = 1; p <= VISEMES_MAX_PEERS; p++) expect(vo.setAvatar(d, p, p)).toBe(0);
    expect(vo.setAvatar(d, VISEMES_MAX_PEERS + 1, 1)).toBe(VISEMES_ERR_FULL);
    expect(vo.setAvatar(d, VISEMES_MAX_PEERS + 1, 0)).toBe(0); // none for an unknown peer: nothing to hold
    expect(vo.setAvatar(d, 5, 0)).toBe(0);
    expect(vo.setAvatar(d, VISEMES_MAX_PEERS + 1, 9)).toBe(0);
    expect(vo.frame(d, VISEMES_MAX_PEERS + 1, loud)).toEqual({ entityId: 9, visemeId: VisemeId.aa });
    expect(vo.frame(d, 5, loud)).toBeNull();
    expect(vo.frame(d, VISEMES_MAX_PEERS, loud)).toEqual({ entityId: VISEMES_MAX_PEERS, visemeId: VisemeId.aa });
  });
});

describe('the voice frames the C writes into the game’s ring', () => {
  /** A region held in the sidecar role for the C, and the game's reader of it. */
  function regions(ringBytes: number) {
    const s = sessionName('vo');
    const side = native.open(s, ROLE_CODE.sidecar, ringBytes, BRIDGE_ABI_VERSION, SCHEMA_HASH);
    if (!side) throw new Error('no handle');
    expect(native.status(side)).toBe(0);
    cleanups.push(() => native.close(side));
    const game = native.open(s, ROLE_CODE.game, ringBytes, BRIDGE_ABI_VERSION, SCHEMA_HASH);
    if (!game) throw new Error('no handle');
    cleanups.push(() => native.close(game));
    const type = new Uint16Array(1),
      len = new Uint32Array(1),
      buf = new Uint8Array(READ_BUF_BYTES);
    const read = (): { type: number; bytes: Uint8Array }[] => {
      const out: { type: number; bytes: Uint8Array }[] = [];
      for (;;) {
        const rc = native.readFrame(game, type, buf, buf.byteLength, len);
        if (rc === 0) return out;
        expect(rc).toBe(1);
        out.push({ type: type[0], bytes: buf.slice(0, len[0]) });
      }
    };
    return { side, read };
  }

  /** The generated codec's bytes for a message (what the bridge's trySend writes). */
  function encoded<K extends keyof MessageMap>(name: K, msg: MessageMap[K]): Uint8Array {
    const codec = CODECS[name];
    const ab = new ArrayBuffer(codec.size(msg));
    codec.write(new FrameWriter(ab), msg);
    return new Uint8Array(ab);
  }

  /** The frame decoded with the generated codec, which must read it whole. */
  function decoded<K extends keyof MessageMap>(name: K, f: { type: number; bytes: Uint8Array }): MessageMap[K] {
    expect(f.type).toBe(MESSAGE_IDS[name]);
    const ab = f.bytes.slice().buffer;
    const r = new FrameReader(ab);
    r.reset(0, f.bytes.byteLength);
    const msg = CODECS[name].read(r) as MessageMap[K];
    expect(r.ok).toBe(true);
    expect(r.pos).toBe(f.bytes.byteLength);
    expect(Buffer.from(f.bytes).toString('hex')).toBe(Buffer.from(encoded(name, msg)).toString('hex'));
    return msg;
  }

  it('writes VoicePlayback, VisemePlay, MicIconShow and MicIconHide as the codec does', () => {
    const { side, read } = regions(SMALL_RING_BYTES);
    const rng = seededRandom(63);
    for (let i = 0; i < 200; i++) {
      const pcm = randomFrame(rng).subarray(0, rng() < 0.9 ? VOICE_FRAME_SAMPLES : 5760);
      // GameSink.write: seq = frameIndex >>> 0 (an index past 2^32 wraps)
      const frameIndex = rng() < 0.1 ? 2 ** 32 + i : Math.floor(rng() * 1e6);
      expect(vo.playback(side, frameIndex >>> 0, pcm)).toBe(VOICE_OUT.WRITTEN);
      const [f] = read();
      const m = decoded('VoicePlayback', f);
      expect(m.seq).toBe(frameIndex >>> 0);
      expect(Buffer.from(m.pcm).toString('hex')).toBe(Buffer.from(pcm.buffer, pcm.byteOffset, pcm.byteLength).toString('hex'));
    }
    const times = [0, -0, NaN, Infinity, -Infinity, 1e300, 5e-324, 1234567.891];
    for (let i = 0; i < 200; i++) {
      const t = i < times.length ? times[i] : rng() * 1e10;
      const npcId = Math.floor(rng() * 2 ** 32);
      const visemeId = Math.floor(rng() * VISEME_COUNT);
      expect(vo.viseme(side, npcId, visemeId, t)).toBe(VOICE_OUT.WRITTEN);
      const m = decoded('VisemePlay', read()[0]);
      expect([m.npcId, m.visemeId, Object.is(m.serverTimeMs, t)]).toEqual([npcId, visemeId, true]);
    }
    const names = ['', 'V', 'Judy Álvarez', 'ジョニー', '🤖 choom 🤖', 'x'.repeat(1024), '\u{10FFFF}'];
    for (const [i, name] of names.entries()) {
      const b = Buffer.from(name, 'utf8');
      expect(vo.micShow(side, i + 1, b.length ? b : null), name).toBe(VOICE_OUT.WRITTEN);
      expect(vo.micHide(side, i + 1)).toBe(VOICE_OUT.WRITTEN);
      const [show, hide] = read();
      expect(decoded('MicIconShow', show)).toEqual({ peerId: i + 1, displayName: name });
      expect(decoded('MicIconHide', hide)).toEqual({ peerId: i + 1 });
    }
  });

  it('answers as trySend: full (dropped, the caller counts), then written once the game read; refuses what can never go', () => {
    const { side, read } = regions(SMALL_RING_BYTES);
    const pcm = Int16Array.from({ length: VOICE_FRAME_SAMPLES }, (_, i) => i);
    let written = 0;
    while (vo.playback(side, written, pcm) === VOICE_OUT.WRITTEN) written++;
    expect(written).toBeGreaterThan(10);
    expect(vo.playback(side, written, pcm)).toBe(VOICE_OUT.FULL);
    let hides = 0;
    while (vo.micHide(side, hides) === VOICE_OUT.WRITTEN) hides++; // a smaller frame fits the rest
    expect(vo.micHide(side, hides)).toBe(VOICE_OUT.FULL);
    const got = read();
    expect(got.slice(0, written).map((f) => decoded('VoicePlayback', f).seq)).toEqual(Array.from({ length: written }, (_, i) => i));
    expect(got.slice(written).map((f) => decoded('MicIconHide', f).peerId)).toEqual(Array.from({ length: hides }, (_, i) => i));
    expect(vo.playback(side, written, pcm)).toBe(VOICE_OUT.WRITTEN);
    expect(decoded('VoicePlayback', read()[0]).seq).toBe(written);
    // hostile arguments: refused, nothing written
    expect(vo.playback(null, 1, pcm)).toBe(VOICE_OUT.ERR_ARGS);
    expect(vo.playback(side, 1, null, 10)).toBe(VOICE_OUT.ERR_ARGS);
    expect(vo.playback(side, 1, new Int16Array(5761))).toBe(VOICE_OUT.ERR_ARGS);
    expect(vo.playback(side, 1, null, 0)).toBe(VOICE_OUT.WRITTEN); // an empty frame is a frame
    expect(vo.micShow(side, 1, Buffer.alloc(1025, 0x61))).toBe(VOICE_OUT.ERR_ARGS);
    expect(vo.micShow(side, 1, null, 3)).toBe(VOICE_OUT.ERR_ARGS);
    for (const bad of [[0xff], [0xc0, 0x80], [0xed, 0xa0, 0x80], [0xe2, 0x82], [0xf4, 0x90, 0x80, 0x80]])
      expect(vo.micShow(side, 1, Uint8Array.from(bad)), bad.join()).toBe(VOICE_OUT.ERR_BAD_NAME);
    expect(vo.viseme(null, 1, 1, 0)).toBe(VOICE_OUT.ERR_ARGS);
    expect(vo.micHide(null, 1)).toBe(VOICE_OUT.ERR_ARGS);
    expect(read().map((f) => f.type)).toEqual([MESSAGE_IDS.VoicePlayback]);
    // a frame larger than the ring carries: never written
    const tiny = regions(TINY_RING_BYTES);
    expect(vo.playback(tiny.side, 1, pcm)).toBe(VOICE_OUT.ERR_REFUSED);
    expect(vo.micHide(tiny.side, 1)).toBe(VOICE_OUT.WRITTEN);
    expect(tiny.read().map((f) => f.type)).toEqual([MESSAGE_IDS.MicIconHide]);
  });
});

beforeAll(() => {
  expect(VOICE_FRAME_SAMPLES).toBe(960);
});
