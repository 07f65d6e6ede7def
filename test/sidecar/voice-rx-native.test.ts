// The voice receiver in C (native-shims/sidecar/voice_rx.c) against the TypeScript it ports: the
// real VoiceChat (its playout clock driven only by catchUp(), on a hand clock, timers that never
// fire: exactly what the C's catch_up does), VoiceReceiver, VoiceJitterBuffer and VoiceDecoder,
// and the C, fed the same seeded streams of real Opus packets (src/voice/encoder.ts over a
// speech-like signal with pauses: DTX) with loss, reordering, duplicates, late packets, jitter
// spikes, hostile packets, two talkers and a third that leaves, attenuation, volume, stalls, idle
// gaps that stop and restart the clock, and a stream freed. Every mixed frame (every sample),
// every talker's decoded frame, every talking/played event and every drop counter must match.
import { describe, expect, it, afterAll } from 'vitest';
import * as constants from '../../src/voice/constants.js';
import { VOICE_STREAM_FREE_MS, VOICE_TALKING_HOLD_MS } from '../../src/voice/receiver.js';
import { VOICE_ATTENUATION_SILENT_Q8 } from '../../src/voice/relay.js';
import { PLAYOUT_MAX_CATCHUP_FRAMES, VoiceChat } from '../../src/voice/voice-chat.js';
import { VoiceEncoder, isDtxPacket } from '../../src/voice/encoder.js';
import { VOICE_FRAME_MS, VOICE_FRAME_SAMPLES, VOICE_PLAYOUT_IDLE_MS } from '../../src/voice/constants.js';
import { loadVoiceRxNative, newEvents, VOICE_RX_ERR_NO_OPUS, VOICE_RX_OK, type VoiceRxHandle } from './voice-rx-binding.js';
import { seededRandom } from '../../src/util/random.js';

const native = loadVoiceRxNative();
const handles: VoiceRxHandle[] = [];
afterAll(() => handles.forEach((h) => native.destroy(h)));
const created = (lib: string | null = null): VoiceRxHandle => {
  const h = native.create(lib);
  expect(h).not.toBeNull();
  handles.push(h!);
  return h!;
};

interface Sent {
  seq: number;
  timestamp: number;
  bytes: Uint8Array;
  sendMs: number;
}

/** A talker holding push-to-talk through the spurts (nothing sent between): speech-like frames (two tones, a syllable
 * envelope, noise) with pauses (DTX: the first DTX packet sent, then nothing), as VoiceTransmitter sends them. */
function talker(rand: () => number, spurts: [number, number][], f0: number, endMs: number, start?: { seq: number; ts: number }): Sent[] {
  const enc = new VoiceEncoder();
  const out: Sent[] = [];
  let seq = start?.seq ?? Math.floor(rand() * 0x10000);
  let ts = start?.ts ?? Math.floor(rand() * 0x1_0000_0000) >>> 0;
  let lastWasDtx = false;
  let phase = 0;
  for (let t = spurts[0]![0]; t < endMs; t += VOICE_FRAME_MS) {
    const spurt = spurts.find(([a, b]) => t >= a && t < b);
    if (!spurt) {
      ts = (ts + VOICE_FRAME_SAMPLES) >>> 0;
      lastWasDtx = false;
      continue;
    }
    const on = (t - spurt[0]) % 1000 < 700;
    const pcm = new Int16Array(VOICE_FRAME_SAMPLES);
    for (let i = 0; i < pcm.length; i++) {
      const s = (t + i / 48) / 1000;
      const env = on ? 0.5 + 0.5 * Math.sin(2 * Math.PI * 4 * s) : 0;
      phase += (2 * Math.PI * f0) / 48_000;
      pcm[i] = Math.round(env * (14000 * Math.sin(phase) + 6000 * Math.sin(2.7 * phase) + 600 * (rand() - 0.5)));
    }
    const bytes = enc.encodeFrame(pcm);
    const dtx = isDtxPacket(bytes);
    if (!(dtx && lastWasDtx)) {
      out.push({ seq, timestamp: ts, bytes, sendMs: t });
      seq = (seq + 1) & 0xffff;
    }
    lastWasDtx = dtx;
    ts = (ts + VOICE_FRAME_SAMPLES) >>> 0;
  }
  enc.close();
  return out;
}

type Ev =
  | { at: number; kind: 'packet'; from: number; seq: number; timestamp: number; bytes: Uint8Array; q8: number }
  | { at: number; kind: 'wake' }
  | { at: number; kind: 'volume'; gain: number }
  | { at: number; kind: 'leave'; peer: number };

/** The network: loss, jitter with spikes (late packets), duplicates (some late); reordering follows. */
function network(rand: () => number, from: number, sent: Sent[], q8: (ms: number) => number, lossP: number): Ev[] {
  const evs: Ev[] = [];
  for (const p of sent) {
    if (rand() < lossP) continue;
    const delay = 30 + rand() * 40 + (rand() < 0.03 ? 150 + rand() * 200 : 0);
    const e = { at: p.sendMs + delay, kind: 'packet' as const, from, seq: p.seq, timestamp: p.timestamp, bytes: p.bytes, q8: q8(p.sendMs) };
    evs.push(e);
    if (rand() < 0.04) evs.push({ ...e, at: e.at + rand() * 300 });
  }
  return evs;
}

/** wrap: talker B's seq and timestamp wrap (u16, u32) a few seconds into its talk. */
function scenario(seed: number, wrap: boolean): Ev[] {
  const rand = seededRandom(seed);
  const A = 11;
  const B = 22;
  const C = 33;
  // A: two spurts with a gap that stops the clock; B keeps it going long enough for A's stream to be freed.
  const a = talker(
    rand,
    [
      [0, 900],
      [1100, 1600],
      [4000, 5000],
    ],
    180,
    5000,
  );
  const b = talker(
    rand,
    [
      [6000, 8000],
      [9000, 12000],
      [13000, 16800],
    ],
    130,
    17000,
    wrap ? { seq: 0xffff - 150, ts: (0x1_0000_0000 - 960 * 300) >>> 0 } : undefined,
  );
  const c = talker(rand, [[6500, 7500]], 240, 7500);
  const evs: Ev[] = [
    ...network(rand, A, a, () => 0, 0.08),
    ...network(rand, B, b, (ms) => (ms < 9000 ? Math.floor((ms / 10) % 300) : 0), 0.12),
    ...network(rand, C, c, () => 128, 0.05),
  ];
  // hostile: malformed, out of window, a replay far in the past, from peer 0
  const junk = new Uint8Array([0xff, 0x00, 0x13]);
  evs.push({ at: 6210, kind: 'packet', from: B, seq: 70_000, timestamp: 1, bytes: junk, q8: 0 });
  evs.push({ at: 6230, kind: 'packet', from: B, seq: 5, timestamp: 1, bytes: new Uint8Array(0), q8: 0 });
  evs.push({ at: 6250, kind: 'packet', from: B, seq: 5, timestamp: 1, bytes: new Uint8Array(1300), q8: 0 });
  evs.push({ at: 6270, kind: 'packet', from: B, seq: (b[10]!.seq + 200) & 0xffff, timestamp: 1, bytes: junk, q8: 0 });
  evs.push({ at: 6290, kind: 'packet', from: B, seq: (b[30]!.seq + 3) & 0xffff, timestamp: (b[30]!.timestamp + 3 * 960) >>> 0, bytes: junk, q8: 0 });
  evs.push({ at: 6310, kind: 'packet', from: 0, seq: 1, timestamp: 1, bytes: junk, q8: 0 });
  evs.push({ at: 7000, kind: 'volume', gain: 1.5 }, { at: 10_000, kind: 'volume', gain: 2.5 }, { at: 11_000, kind: 'volume', gain: NaN });
  evs.push({ at: 12_000, kind: 'volume', gain: 0.7 }, { at: 14_000, kind: 'volume', gain: -1 }, { at: 14_500, kind: 'volume', gain: 1 });
  evs.push({ at: 7200, kind: 'leave', peer: C }, { at: 7300, kind: 'leave', peer: 999 });
  // wakes: a game at ≈ 60 frames a second with jitter, and stalls (a blocked loop) past the catch-up cap
  for (let t = 0; t < 19_000;) {
    evs.push({ at: t, kind: 'wake' });
    const stall = (t > 3000 && t < 3017) || (t > 10_500 && t < 10_517) || (t > 6600 && t < 6617);
    t += stall ? 350 : 10 + rand() * 14;
  }
  return evs
    .map((e, i) => ({ e, i }))
    .sort((x, y) => x.e.at - y.e.at || x.i - y.i)
    .map((x) => x.e);
}

interface TsSide {
  vc: VoiceChat;
  setNow: (ms: number) => void;
  ev: {
    decoded: { peer: number; pcm: Int16Array }[];
    talking: { peer: number; on: boolean }[];
    played: { peer: number; seq: number }[];
    frames: { pcm: Int16Array; index: number }[];
  };
}

function tsSide(): TsSide {
  let now = 0;
  const ev: TsSide['ev'] = { decoded: [], talking: [], played: [], frames: [] };
  const never = { setTimeout: () => ({}), clearTimeout: () => undefined };
  const vc = new VoiceChat({
    sendVoice: () => undefined,
    micIcon: (peer, on) => ev.talking.push({ peer, on }),
    localPeerId: () => 1,
    sink: { name: 'test', write: (pcm, index) => ev.frames.push({ pcm: pcm.slice(), index: index! }), close: () => undefined },
    clock: { now: () => now },
    timers: never,
    trace: (e) => {
      if (e.ev === 'played') ev.played.push({ peer: e.from, seq: e.seq });
    },
    onDecoded: (peer, pcm) => ev.decoded.push({ peer, pcm: pcm.slice() }),
  });
  vc.start();
  return { vc, setNow: (ms) => (now = ms), ev };
}

/** TS streamStats in the C's order (coop_voice_rx.h COOP_VOICE_RX_P_*, up to the decoder counters). */
function tsStreamStats(vc: VoiceChat, peer: number): number[] | null {
  const s = vc.rx.streamStats(peer);
  if (!s) return null;
  const { drops: d, played: p, decoder: c } = s;
  return [
    d.malformed,
    d.duplicate,
    d.late,
    d.out_of_window,
    0,
    p.audio,
    p.lost,
    p.dtx,
    p.talkspurts,
    p.stretched,
    p.shrunk,
    c.packets,
    c.fec,
    c.plc,
    c.invalid,
  ];
}

const PEERS = [11, 22, 33];

function run(seed: number, wrap: boolean) {
  const evs = scenario(seed, wrap);
  const ts = tsSide();
  const rx = created();
  expect(native.status(rx)).toBe(VOICE_RX_OK);
  const cev = newEvents();
  const catchUps: number[] = [];
  const playingFlips: boolean[] = [];
  let statChecks = 0;
  for (const e of evs) {
    ts.setNow(e.at);
    if (e.kind === 'packet') {
      ts.vc.onVoice({ fromPeerId: e.from, seq: e.seq, timestamp: e.timestamp, opusBytes: e.bytes, attenuationQ8: e.q8 });
      native.packet(rx, e.from, e.seq, e.timestamp, e.bytes, e.bytes.length, e.q8, e.at);
    } else if (e.kind === 'wake') {
      const before = ts.ev.frames.length;
      ts.vc.catchUp();
      catchUps.push(native.catchUp(rx, e.at, cev));
      expect(catchUps.at(-1)).toBe(ts.ev.frames.length - before);
      for (const p of PEERS) {
        expect(native.streamStats(rx, p)?.slice(0, 15) ?? null).toEqual(tsStreamStats(ts.vc, p));
        statChecks += 1;
      }
      expect(native.anyTalking(rx) !== 0).toBe(ts.vc.rx.anyTalking);
    } else if (e.kind === 'volume') {
      ts.vc.rx.setVolume(e.gain);
      native.setVolume(rx, e.gain);
    } else {
      ts.vc.peerLeft(e.peer);
      native.removePeer(rx, e.peer, cev);
    }
    const playing = native.nextDueMs(rx) !== -1;
    expect(playing).toBe(ts.vc.playing);
    if (playingFlips.at(-1) !== playing) playingFlips.push(playing);
  }
  return { ts, cev, rx, catchUps, playingFlips, statChecks };
}

const sameFrames = (a: { pcm: Int16Array }[], b: { pcm: Int16Array }[]) => {
  expect(a.length).toBe(b.length);
  for (let i = 0; i < a.length; i++) {
    if (!Buffer.from(a[i]!.pcm.buffer).equals(Buffer.from(b[i]!.pcm.buffer))) expect.fail(`frame ${i} differs`);
  }
};

describe('the voice receiver in C against the TypeScript', () => {
  it('holds the same constants as the TypeScript, each one', () => {
    const ts: Record<string, number> = {
      ...(constants as unknown as Record<string, number>),
      VOICE_STREAM_FREE_MS,
      VOICE_TALKING_HOLD_MS,
      VOICE_ATTENUATION_SILENT_Q8,
      PLAYOUT_MAX_CATCHUP_FRAMES,
    };
    const c = native.constants();
    expect(c.size).toBeGreaterThanOrEqual(21);
    for (const [name, value] of c) expect([name, ts[name]]).toEqual([name, value]);
  });

  for (const [seed, wrap] of [
    [1, false],
    [2, false],
    [3, true],
    [4, true],
  ] as const) {
    it(`plays the same frames, events and drops as the TypeScript (seed ${seed}${wrap ? ', seq and timestamp wrap' : ''})`, () => {
      const { ts, cev, rx, catchUps, playingFlips, statChecks } = run(seed, wrap);
      // every mixed frame, sample for sample, with the same frame index
      sameFrames(cev.frames, ts.ev.frames);
      expect(cev.frames.map((f) => f.index)).toEqual(ts.ev.frames.map((f) => f.index));
      // every talker's decoded frame
      expect(cev.decoded.map((d) => d.peer)).toEqual(ts.ev.decoded.map((d) => d.peer));
      sameFrames(cev.decoded, ts.ev.decoded);
      expect(cev.talking).toEqual(ts.ev.talking);
      expect(cev.played.map(({ peer, seq }) => ({ peer, seq }))).toEqual(ts.ev.played);
      // played at its frame's time (the frame it is mixed into)
      const indices = new Set(cev.frames.map((f) => f.index));
      for (const p of cev.played) expect(indices.has(Math.round(p.nowMs / VOICE_FRAME_MS))).toBe(true);
      const s = native.stats(rx);
      const c = ts.vc.rx.counters;
      expect(s.slice(0, 5)).toEqual([c.packets, c.framesOut, c.streamsOpened, c.streamsFreed, ts.vc.rx.activeStreams]);
      expect(s[5]).toBe(ts.vc.drops.bad_voice_message);
      expect(s[5]).toBe(1);
      expect(statChecks).toBeGreaterThan(1000);
      // the scenario did what it claims
      expect(c.streamsFreed).toBeGreaterThanOrEqual(2); // C left, A freed after VOICE_STREAM_FREE_MS
      expect(ts.ev.talking.filter((t) => t.peer === 11 && !t.on).length).toBeGreaterThanOrEqual(2);
      expect(playingFlips.filter((p) => p).length).toBeGreaterThanOrEqual(2); // stopped and restarted
      expect(Math.max(...catchUps)).toBe(PLAYOUT_MAX_CATCHUP_FRAMES);
      expect(cev.frames.some((f) => f.pcm.some((x) => x === 32767 || x === -32768))).toBe(true); // volume 2 clips
      expect(cev.frames.filter((f) => f.pcm.some((x) => x !== 0)).length).toBeGreaterThan(300);
      const b = ts.vc.rx.streamStats(22)!;
      expect(b.drops.malformed).toBe(3);
      expect(b.drops.out_of_window).toBeGreaterThanOrEqual(1);
      expect(b.drops.late + b.drops.duplicate).toBeGreaterThan(0);
      expect(b.decoder.fec).toBeGreaterThan(0);
      expect(b.decoder.plc).toBeGreaterThan(0);
      expect(b.played.talkspurts).toBeGreaterThanOrEqual(2);
      expect(b.played.dtx).toBeGreaterThan(0);
      if (wrap) {
        const seqs = ts.ev.played.filter((p) => p.peer === 22).map((p) => p.seq);
        expect(seqs.some((q) => q > 0xff00) && seqs.some((q) => q < 0x100)).toBe(true);
      }
      expect(b.played.stretched).toBeGreaterThan(0); // the adaptive delay moved both ways
      expect(b.played.shrunk).toBeGreaterThan(0);
      expect(b.decoder.invalid).toBeGreaterThan(0); // the junk packet in the stream, concealed
      // VOICE_PLAYOUT_IDLE_MS after the last packet, nothing talking, the clock has stopped: nothing plays
      expect(native.nextDueMs(rx)).toBe(-1);
      expect(ts.vc.playing).toBe(false);
      expect(native.catchUp(rx, 19_000 + VOICE_PLAYOUT_IDLE_MS, newEvents())).toBe(0);
      ts.vc.close();
    });
  }

  it('without libopus says so, drops the packets (counted) and plays nothing', () => {
    const rx = created('/nonexistent/libopus.so.0');
    expect(native.status(rx)).toBe(VOICE_RX_ERR_NO_OPUS);
    native.packet(rx, 5, 1, 960, new Uint8Array([0xf8, 0xff, 0xfe]), 3, 0, 0);
    expect(native.catchUp(rx, 100, newEvents())).toBe(0);
    expect(native.nextDueMs(rx)).toBe(-1);
    expect(native.stats(rx)[6]).toBe(1);
  });

  it('runs its clock on the caller: the next frame is due one frame after the last played, at most 10 frames after a stall', () => {
    const rx = created();
    const ev = newEvents();
    expect(native.nextDueMs(rx)).toBe(-1);
    const pkt = new Uint8Array([0xf8, 0xff, 0xfe]);
    native.packet(rx, 5, 100, 960, pkt, pkt.length, VOICE_ATTENUATION_SILENT_Q8, 1000.5);
    expect(native.nextDueMs(rx)).toBe(1020.5);
    expect(native.catchUp(rx, 1020.4, ev)).toBe(0);
    expect(native.catchUp(rx, 1060.5, ev)).toBe(3);
    expect(native.nextDueMs(rx)).toBe(1080.5);
    expect(native.catchUp(rx, 2000.5, ev)).toBe(PLAYOUT_MAX_CATCHUP_FRAMES);
    expect(native.nextDueMs(rx)).toBe(2020.5);
    expect(ev.frames.map((f) => f.index).slice(0, 4)).toEqual([51, 52, 53, 91]);
    // silent (fully attenuated), yet decoded
    expect(ev.frames.every((f) => f.pcm.every((x) => x === 0))).toBe(true);
  });

  it(`refuses a talker past COOP_VOICE_RX_MAX_STREAMS and a buffer past its slots, counted`, () => {
    const rx = created();
    const pkt = new Uint8Array([0xf8, 0xff, 0xfe]);
    for (let p = 1; p <= 65; p++) native.packet(rx, p, 1, 960, pkt, 3, 0, 0);
    expect(native.stats(rx)[4]).toBe(64);
    expect(native.stats(rx)[7]).toBe(1);
    const rx2 = created();
    // a descending chain while buffering: each within the window of the oldest, the same transit
    for (let i = 0; i < 200; i++) native.packet(rx2, 1, (60_000 - 40 * i) & 0xffff, (10_000_000 - 40 * 960 * i) >>> 0, pkt, 3, 0, -800 * i);
    const st = native.streamStats(rx2, 1)!;
    expect(st[17]).toBe(128); // buffered: COOP_VOICE_RX_JITTER_SLOTS
    expect(st[4]).toBe(1); // full (the next ones are then out of the oldest's window)
    expect(st[3]).toBe(200 - 129);
  });
});
