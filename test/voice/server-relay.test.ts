// The voice plugin inside a real CoopServer (in-process harness, fake links, manual clock).
import { describe, it, expect } from 'vitest';
import { Harness, at, FakeLink } from '../server/harness.js';
import { voicePlugin } from '../../src/server/voice-plugin.js';
import { CHANNEL_VOICE } from '../../src/protocol/constants.js';
import { encodeMsg, decodeMsg } from '../../src/protocol/codec.js';
import { VoiceEncoder } from '../../src/voice/encoder.js';
import { VOICE_FRAME_SAMPLES } from '../../src/voice/constants.js';

const frame = (() => {
  const enc = new VoiceEncoder();
  const p = enc.encodeFrame(Int16Array.from({ length: VOICE_FRAME_SAMPLES }, (_, i) => Math.round(8000 * Math.sin(i / 7))));
  enc.close();
  return p;
})();

function voiceTo(link: FakeLink) {
  return link.toClient
    .filter((m) => m.channel === CHANNEL_VOICE)
    .map((m) => {
      const d = decodeMsg(m.bytes);
      return d.ok ? d.msg.voice! : null;
    });
}

function setup() {
  const muted = new Set<string>();
  const h = new Harness();
  const plugin = voicePlugin(h.server, { isMuted: (id) => muted.has(id) });
  h.server.use(plugin);
  const a = h.add('A', at(0, 0));
  const b = h.add('B', at(5, 0));
  const c = h.add('C', at(30, 0));
  const far = h.add('Far', at(1_000, 0));
  for (let i = 0; i < 5; i++) h.tick();
  for (const p of h.peers) p.link.toClient.length = 0;
  const say = (seq: number, bytes = frame) => {
    h.server.peerMessage(a.conn, CHANNEL_VOICE, encodeMsg({ voice: { seq, timestamp: seq * 960, opusBytes: bytes } }));
    h.t += 20;
  };
  return { h, plugin, muted, a, b, c, far, say };
}

describe('voice relay in the server', () => {
  it('relays to players in range with distance attenuation, stamped with the talker, on the voice channel', () => {
    const { a, b, c, far, say } = setup();
    say(1);
    const toB = voiceTo(b.link),
      toC = voiceTo(c.link);
    expect(toB).toHaveLength(1);
    expect(toB[0]).toMatchObject({ seq: 1, fromPeerId: a.conn.peerId });
    expect(toB[0]!.attenuationQ8 ?? 0).toBe(0);
    expect(toC).toHaveLength(1);
    expect(toC[0]!.attenuationQ8).toBeGreaterThan(0);
    expect(voiceTo(far.link)).toHaveLength(0);
    expect(voiceTo(a.link)).toHaveLength(0);
  });

  it('after an admin mutes A, nobody receives A; unmuted, they do again', () => {
    const { a, b, muted, say, plugin } = setup();
    muted.add(a.conn.identity);
    for (let s = 1; s <= 10; s++) say(s);
    expect(voiceTo(b.link)).toHaveLength(0);
    expect(plugin.talkerStats(a.conn.peerId)!.drops.muted).toBe(10);
    muted.delete(a.conn.identity);
    say(11);
    expect(voiceTo(b.link)).toHaveLength(1);
  });

  it('hostile voice packets are counted per talker and never stall the others', () => {
    const { h, a, b, say, plugin } = setup();
    say(1);
    say(2, new Uint8Array(3000));
    say(2, new Uint8Array([0xff]));
    say(3000);
    for (let i = 0; i < 200; i++) h.server.peerMessage(a.conn, CHANNEL_VOICE, encodeMsg({ voice: { seq: 3, timestamp: 0, opusBytes: frame } }));
    const st = plugin.talkerStats(a.conn.peerId)!;
    expect(st.drops).toMatchObject({ oversized: 1, malformed: 1, out_of_window: 1 });
    expect(st.drops.flood).toBeGreaterThan(150);
    // B talking meanwhile is unaffected
    h.t += 2_000;
    h.server.peerMessage(b.conn, CHANNEL_VOICE, encodeMsg({ voice: { seq: 1, timestamp: 0, opusBytes: frame } }));
    expect(voiceTo(a.link).length).toBe(1);
    expect(a.conn.inWorld).toBe(true);
  });

  it('a peer not in the session (handshake not done) is never relayed', () => {
    const { h, b } = setup();
    const stranger = new FakeLink();
    const conn = h.server.peerConnected(stranger);
    h.server.peerMessage(conn, CHANNEL_VOICE, encodeMsg({ voice: { seq: 1, timestamp: 0, opusBytes: frame } }));
    expect(voiceTo(b.link)).toHaveLength(0);
    expect(conn.dropsTotal).toBe(1);
  });
});
