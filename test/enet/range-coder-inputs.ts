// Inputs for the range-coder tests: compressible buffers shaped like what ENet datagrams carry
// (small records with slowly changing fields, short text, runs), and mutations of compressed
// buffers for the fuzz tests. Seeded, so every run sees the same bytes.
import type { EnetHost } from '../../src/net/enet/host.js';
import { HEADER_FLAG_COMPRESSED, readU16 } from '../../src/net/enet/protocol.js';
import type { RangeCoder } from '../../src/net/enet/range-coder.js';
import type { SimTransport } from '../../src/net/enet/sim-network.js';
import { seededRandom } from '../../src/util/random.js';

const WORDS = ['entity', 'position', 'velocity', 'idle', 'walk', 'run', 'player', 'npc', '{', '}', ':', ',', ' '];

/** `n` bytes of seeded, compressible data in one of a few shapes. */
export function compressibleBuffer(seed: number, n: number): Uint8Array {
  const random = seededRandom(seed);
  const int = (k: number): number => Math.floor(random() * k);
  const b = new Uint8Array(n);
  switch (seed % 4) {
    case 0: {
      // 16-byte records: an id counting up, coordinates drifting, a state byte.
      const view = new DataView(b.buffer);
      let x = int(1000);
      for (let at = 0, id = int(100); at + 16 <= n; at += 16, id++) {
        x += int(5) - 2;
        view.setUint32(at, id);
        view.setInt32(at + 4, x);
        view.setInt32(at + 8, x * 3);
        b[at + 12] = int(4);
      }
      break;
    }
    case 1: {
      // Text from a small vocabulary.
      const encoder = new TextEncoder();
      for (let at = 0; at < n;) {
        const w = encoder.encode(WORDS[int(WORDS.length)]);
        b.set(w.subarray(0, n - at), at);
        at += w.length;
      }
      break;
    }
    case 2: {
      // Runs of a few values.
      for (let at = 0; at < n;) {
        const v = int(6);
        const run = 1 + int(40);
        b.fill(v, at, Math.min(n, at + run));
        at += run;
      }
      break;
    }
    default: {
      // A small alphabet with some copies of earlier bytes.
      const alphabet = 2 + int(14);
      for (let i = 0; i < n; i++) b[i] = i > 8 && random() < 0.5 ? b[i - 1 - int(8)] : int(alphabet);
    }
  }
  return b;
}

/** A damaged copy of `b`: flipped bits, overwritten bytes, truncated, extended or shuffled. */
export function mutate(random: () => number, b: Uint8Array): Uint8Array {
  const int = (k: number): number => Math.floor(random() * k);
  let out = b.slice();
  const edits = 1 + int(4);
  for (let e = 0; e < edits; e++) {
    switch (int(5)) {
      case 0:
        if (out.length > 0) out[int(out.length)] ^= 1 << int(8);
        break;
      case 1:
        if (out.length > 0) out[int(out.length)] = int(256);
        break;
      case 2:
        out = out.slice(0, int(out.length + 1));
        break;
      case 3: {
        const extra = Uint8Array.from({ length: 1 + int(64) }, () => int(256));
        const grown = new Uint8Array(out.length + extra.length);
        grown.set(out);
        grown.set(extra, out.length);
        out = grown;
        break;
      }
      default:
        if (out.length > 1) {
          const i = int(out.length);
          const j = int(out.length);
          [out[i], out[j]] = [out[j], out[i]];
        }
    }
  }
  return out;
}

export const MAX_INPUT_BYTES = 4096;
/** Room for a compressed buffer that came out larger than its input (random bytes do). */
export const roomFor = (n: number): number => 2 * n + 64;

/** Compresses and decompresses `input` (at most MAX_INPUT_BYTES). */
export function roundTrip(coder: RangeCoder, input: Uint8Array): { compressed: Uint8Array; restored: Uint8Array } {
  const out = new Uint8Array(roomFor(input.length));
  const n = coder.compress(input, out);
  const restored = new Uint8Array(MAX_INPUT_BYTES);
  const m = coder.decompress(out.subarray(0, n), restored, MAX_INPUT_BYTES);
  return { compressed: out.subarray(0, n), restored: restored.subarray(0, m) };
}

/** Every datagram a host sends, copied. */
export function recordSends(host: EnetHost): Uint8Array[] {
  const sent: Uint8Array[] = [];
  const t = host.transport as SimTransport;
  const send = t.send.bind(t);
  t.send = (data, to) => {
    sent.push(data.slice());
    return send(data, to);
  };
  return sent;
}

export const isCompressed = (d: Uint8Array): boolean => (readU16(d, 0) & HEADER_FLAG_COMPRESSED) !== 0;
