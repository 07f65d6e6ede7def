// A seeded sender → network → VoiceJitterBuffer simulation on a simulated clock (test helper).
import { VoiceJitterBuffer, type JitterState, type PlayoutFrame } from '../../src/voice/jitter-buffer.js';
import { VOICE_FRAME_MS, VOICE_FRAME_SAMPLES } from '../../src/voice/constants.js';

export interface SimPacket {
  k: number; // frame index at the sender (unwrapped)
  seq: number;
  timestamp: number;
  sendMs: number;
  arrivalMs: number;
  /** The first frame of a silence: sent as a 1-byte DTX packet. */
  dtx?: boolean;
}

export interface SimResult {
  played: Array<{ frame: PlayoutFrame; atMs: number; k: number | null }>;
  accepted: SimPacket[];
  jb: VoiceJitterBuffer;
  /** Index into `played` where each talkspurt started (idle → buffering), with its accepted packets. */
  spurts: Array<{ accepted: SimPacket[] }>;
  spurtOfPlayed: number[];
}

const kOfPayload = new WeakMap<Uint8Array, number>();

export function payloadFor(k: number, dtx = false): Uint8Array {
  const b = new Uint8Array(dtx ? 1 : 4);
  kOfPayload.set(b, k);
  return b;
}

export function kOf(payload: Uint8Array): number {
  return kOfPayload.get(payload)!;
}

/** Runs packets (any order) through a buffer, pulling every 20 ms from `startMs` to `endMs`. */
export function simulate(packets: SimPacket[], startMs: number, endMs: number): SimResult {
  const spurts: SimResult['spurts'] = [];
  const jb = new VoiceJitterBuffer({
    onState: (_from: JitterState, to: JitterState) => {
      if (to === 'buffering') spurts.push({ accepted: [] });
    },
  });
  const byArrival = [...packets].sort((a, b) => a.arrivalMs - b.arrivalMs);
  const played: SimResult['played'] = [];
  const spurtOfPlayed: number[] = [];
  const accepted: SimPacket[] = [];
  let i = 0;
  for (let t = startMs; t <= endMs; t += VOICE_FRAME_MS) {
    while (i < byArrival.length && byArrival[i]!.arrivalMs <= t) {
      const p = byArrival[i++]!;
      if (jb.push({ seq: p.seq, timestamp: p.timestamp, payload: payloadFor(p.k, p.dtx) }, p.arrivalMs)) {
        accepted.push(p);
        spurts[spurts.length - 1]!.accepted.push(p);
      }
    }
    const f = jb.pull(t);
    if (f) {
      played.push({ frame: f, atMs: t, k: f.kind === 'audio' ? kOf(f.payload) : null });
      spurtOfPlayed.push(spurts.length - 1);
    }
  }
  return { played, accepted, jb, spurts, spurtOfPlayed };
}

/** A steady talker: frames 0..n-1, seq from seq0, timestamps from ts0, fixed transit. */
export function steady(n: number, opts: { seq0?: number; ts0?: number; transitMs?: number } = {}): SimPacket[] {
  const out: SimPacket[] = [];
  for (let k = 0; k < n; k++) {
    const sendMs = k * VOICE_FRAME_MS;
    out.push({
      k,
      seq: ((opts.seq0 ?? 0) + k) & 0xffff,
      timestamp: ((opts.ts0 ?? 0) + k * VOICE_FRAME_SAMPLES) >>> 0,
      sendMs,
      arrivalMs: sendMs + (opts.transitMs ?? 5),
    });
  }
  return out;
}
