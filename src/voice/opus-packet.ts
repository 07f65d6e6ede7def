// Opus packet framing in TypeScript (RFC 6716 §3.1), so the server can vet voice packets
// without loading libopus: the TOC byte gives the frame size, its code the frame count.
// Same answers as libopus's opus_packet_get_nb_samples (checked against it in the tests).
import { VOICE_FRAME_SAMPLES, VOICE_MAX_PACKET_BYTES, VOICE_SAMPLE_RATE_HZ } from './constants.js';

const MAX_PACKET_DURATION_SAMPLES = (VOICE_SAMPLE_RATE_HZ * 120) / 1000; // 120 ms, RFC 6716

/** Samples per frame at 48 kHz for a TOC byte's config (bits 7..3). */
export function opusFrameSamples(toc: number): number {
  const config = toc >> 3;
  if (config < 12) return [480, 960, 1920, 2880][config & 3]!; // SILK: 10/20/40/60 ms
  if (config < 16) return (config & 1) === 0 ? 480 : 960; // hybrid: 10/20 ms
  return 120 << (config & 3); // CELT: 2.5/5/10/20 ms
}

/** Total samples at 48 kHz in the packet, or -1 when its framing is invalid. */
export function opusPacketSamples(packet: Uint8Array): number {
  if (packet.length < 1) return -1;
  const toc = packet[0]!;
  const code = toc & 3;
  let frames: number;
  if (code === 0) frames = 1;
  else if (code !== 3) frames = 2;
  else {
    if (packet.length < 2) return -1;
    frames = packet[1]! & 0x3f;
  }
  const samples = frames * opusFrameSamples(toc);
  return samples > MAX_PACKET_DURATION_SAMPLES ? -1 : samples;
}

/** A packet our voice stream may carry: 1..1275 bytes holding exactly one 20 ms of audio. */
export function isVoiceFrame(packet: Uint8Array): boolean {
  return packet.length >= 1 && packet.length <= VOICE_MAX_PACKET_BYTES && opusPacketSamples(packet) === VOICE_FRAME_SAMPLES;
}
