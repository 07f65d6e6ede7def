import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { VoiceRelay, attenuationQ8, gainOfAttenuation, type RelayListener, type RelayTalker } from '../../src/voice/relay.js';
import { opusPacketSamples, isVoiceFrame } from '../../src/voice/opus-packet.js';
import { loadOpus } from '../../src/voice/opus-native.js';
import { VoiceEncoder } from '../../src/voice/encoder.js';
import { VOICE_FRAME_SAMPLES } from '../../src/voice/constants.js';

describe('Opus framing in TypeScript', () => {
  it('agrees with libopus opus_packet_get_nb_samples on any bytes', () => {
    const opus = loadOpus();
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 8 }), (b) => {
        const lib = opus.packetGetNbSamples(b, b.length, 48_000);
        expect(opusPacketSamples(b)).toBe(lib < 0 ? -1 : lib);
      }),
      { numRuns: 3_000, seed: 9 },
    );
  });

  it('accepts what our encoder makes', () => {
    const enc = new VoiceEncoder();
    const p = enc.encodeFrame(Int16Array.from({ length: VOICE_FRAME_SAMPLES }, (_, i) => Math.round(8000 * Math.sin(i / 7))));
    enc.close();
    expect(isVoiceFrame(p)).toBe(true);
    expect(isVoiceFrame(new Uint8Array(0))).toBe(false);
  });
});

const frame = (() => {
  const enc = new VoiceEncoder();
  const p = enc.encodeFrame(Int16Array.from({ length: VOICE_FRAME_SAMPLES }, (_, i) => Math.round(8000 * Math.sin(i / 7))));
  enc.close();
  return p;
})();

function setup(opts: { muted?: Set<string>; mode?: 'proximity' | 'party' } = {}) {
  const muted = opts.muted ?? new Set<string>();
  const relay = new VoiceRelay({ isMuted: (id) => muted.has(id), mode: opts.mode });
  const talker: RelayTalker = { peerId: 1, identity: 'alice', inSession: true, position: { x: 0, y: 0, z: 0 } };
  const near: RelayListener = { peerId: 2, position: { x: 5, y: 0, z: 0 }, seesTalker: true };
  const mid: RelayListener = { peerId: 3, position: { x: 35, y: 0, z: 0 }, seesTalker: true };
  const far: RelayListener = { peerId: 4, position: { x: 100, y: 0, z: 0 }, seesTalker: true };
  const unseen: RelayListener = { peerId: 5, position: { x: 1, y: 0, z: 0 }, seesTalker: false };
  return {
    relay,
    muted,
    talker,
    listeners: [talker, near, mid, far, unseen].map((l) => ({ peerId: l.peerId, position: l.position, seesTalker: 'seesTalker' in l ? l.seesTalker : false })),
  };
}

describe('VoiceRelay', () => {
  it('proximity: near at full volume, mid attenuated, far and unseen not at all, never the talker', () => {
    const { relay, talker, listeners } = setup();
    const r = relay.handle(talker, { seq: 1, timestamp: 0, opusBytes: frame }, listeners, 0);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.deliveries.map((d) => d.peerId)).toEqual([2, 3]);
    expect(r.deliveries[0]!.attenuationQ8).toBe(0);
    expect(r.deliveries[1]!.attenuationQ8).toBeGreaterThan(100);
    expect(gainOfAttenuation(r.deliveries[1]!.attenuationQ8)).toBeCloseTo(10 ** (-15 / 20), 1);
  });

  it('party mode relays to everyone else at full volume', () => {
    const { relay, talker, listeners } = setup({ mode: 'party' });
    const r = relay.handle(talker, { seq: 1, timestamp: 0, opusBytes: frame }, listeners, 0);
    expect(r.ok && r.deliveries.map((d) => d.peerId)).toEqual([2, 3, 4, 5]);
  });

  it('attenuation is monotone in distance and silent past the edge', () => {
    let prev = -1;
    for (let d = 0; d <= 70; d += 0.5) {
      const a = attenuationQ8(d);
      expect(a).toBeGreaterThanOrEqual(prev);
      prev = a;
    }
    expect(attenuationQ8(61)).toBe(256);
  });

  it('counts drops per reason: malformed, oversized, unknown peer, muted, out of window, flood', () => {
    const { relay, talker, listeners, muted } = setup();
    let t = 0;
    const send = (seq: number, bytes = frame, who = talker) => relay.handle(who, { seq, timestamp: seq * 960, opusBytes: bytes }, listeners, (t += 20));
    expect(send(100).ok).toBe(true);
    expect(send(101, new Uint8Array(0))).toEqual({ ok: false, reason: 'malformed' });
    expect(send(101, new Uint8Array([0x0b]))).toEqual({ ok: false, reason: 'malformed' }); // code 3 without its frame-count byte
    expect(send(101, new Uint8Array(2000))).toEqual({ ok: false, reason: 'oversized' });
    expect(send(101 + 500)).toEqual({ ok: false, reason: 'out_of_window' });
    expect(send(102, frame, { ...talker, peerId: 9, inSession: false })).toEqual({ ok: false, reason: 'unknown_peer' });
    muted.add('alice');
    expect(send(103)).toEqual({ ok: false, reason: 'muted' });
    muted.delete('alice');
    expect(send(104).ok).toBe(true);
    // a flood: 500 packets in one instant pass only the burst allowance
    let passed = 0;
    for (let i = 0; i < 500; i++) if (relay.handle(talker, { seq: (105 + (i % 40)) & 0xffff, timestamp: 0, opusBytes: frame }, listeners, t).ok) passed++;
    expect(passed).toBeLessThanOrEqual(25);
    const st = relay.stats(1)!;
    expect(st.drops).toMatchObject({ malformed: 2, oversized: 1, out_of_window: 1, muted: 1 });
    expect(st.drops.flood).toBeGreaterThanOrEqual(475);
    expect(relay.unknownPeerDrops).toBe(1);
  });

  it('a steady 50 packets/s talker is never rate-limited, and a new stream after a pause is accepted', () => {
    const { relay, talker, listeners } = setup();
    for (let i = 0; i < 3_000; i++) expect(relay.handle(talker, { seq: i & 0xffff, timestamp: i * 960, opusBytes: frame }, listeners, i * 20).ok).toBe(true);
    expect(relay.handle(talker, { seq: 40_000, timestamp: 5, opusBytes: frame }, listeners, 3_000 * 20 + 2_000).ok).toBe(true);
  });

  it('hostile packets never throw', () => {
    const { relay, talker, listeners } = setup();
    fc.assert(
      fc.property(fc.integer(), fc.integer(), fc.uint8Array({ maxLength: 1400 }), fc.nat(10_000), (seq, ts, bytes, t) => {
        const r = relay.handle(talker, { seq, timestamp: ts, opusBytes: bytes }, listeners, t);
        expect(typeof r.ok).toBe('boolean');
      }),
      { numRuns: 2_000, seed: 4 },
    );
  });
});
