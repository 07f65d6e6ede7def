// bench:range-coder — our range coder (src/net/enet/range-coder.ts) against libenet's
// enet_range_coder_* (through koffi: a call overhead, and a malloc and copy per compress), on
// datagram-sized inputs (MTU 1392 minus the 4-byte header) of four compressible shapes and
// random bytes. Each case runs ≥ 1 s (RANGE_CODER_BENCH_MS); prints a table and writes
// bench/results/range-coder.json.
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { ENET_HOST_DEFAULT_MTU } from '../src/net/enet/constants.js';
import { RangeCoder } from '../src/net/enet/range-coder.js';
import { seededRandom } from '../src/util/random.js';
import { LibEnetRangeCoder, libenetVersion } from '../test/enet/libenet.js';
import { compressibleBuffer } from '../test/enet/range-coder-inputs.js';

const DATAGRAM_BYTES = ENET_HOST_DEFAULT_MTU - 4;
const MIN_DURATION_MS = Number(process.env.RANGE_CODER_BENCH_MS ?? 1_000);
const SHAPES = ['records', 'text', 'runs', 'small alphabet', 'random'] as const;

function input(shape: (typeof SHAPES)[number]): Uint8Array {
  if (shape === 'random') {
    const random = seededRandom(1);
    return Uint8Array.from({ length: DATAGRAM_BYTES }, () => Math.floor(random() * 256));
  }
  // compressibleBuffer picks its shape from seed % 4.
  return compressibleBuffer(100 + SHAPES.indexOf(shape), DATAGRAM_BYTES);
}

/** Input MB/s of `f` over ≥ MIN_DURATION_MS. */
function rate(bytes: number, f: () => void): number {
  let n = 0;
  const start = performance.now();
  let elapsed = 0;
  while (elapsed < MIN_DURATION_MS) {
    for (let i = 0; i < 100; i++) f();
    n += 100;
    elapsed = performance.now() - start;
  }
  return (n * bytes) / 1e6 / (elapsed / 1000);
}

const ours = new RangeCoder();
const theirs = new LibEnetRangeCoder();
const rows = [];
for (const shape of SHAPES) {
  const data = input(shape);
  const room = new Uint8Array(2 * data.length + 64);
  const n = ours.compress(data, room);
  const compressed = room.slice(0, n);
  const plain = new Uint8Array(4096);
  const row = {
    shape,
    bytes: data.length,
    compressedBytes: n,
    ratio: Number((n / data.length).toFixed(3)),
    /** What ENet sends: the compressed form only when strictly smaller. */
    sentCompressed: n > 0 && n < data.length,
    oursCompressMBps: rate(data.length, () => ours.compress(data, room)),
    libenetCompressMBps: rate(data.length, () => theirs.compress(data, room.length)),
    oursDecompressMBps: rate(data.length, () => ours.decompress(compressed, plain, plain.length)),
    libenetDecompressMBps: rate(data.length, () => theirs.decompress(compressed, plain.length)),
  };
  rows.push(row);
}
theirs.destroy();

const fmt = (x: number): string => x.toFixed(1).padStart(8);
console.log(`range coder, ${DATAGRAM_BYTES}-byte inputs, MB/s of uncompressed data (libenet ${libenetVersion()} via koffi)`);
console.log('shape            ratio  ours-c  libenet-c  ours-d  libenet-d');
for (const r of rows) {
  console.log(
    `${r.shape.padEnd(15)} ${r.ratio.toFixed(3)} ${fmt(r.oursCompressMBps)} ${fmt(r.libenetCompressMBps)}  ${fmt(r.oursDecompressMBps)} ${fmt(r.libenetDecompressMBps)}`,
  );
}
mkdirSync('bench/results', { recursive: true });
writeFileSync(
  'bench/results/range-coder.json',
  `${JSON.stringify({ date: new Date().toISOString(), node: process.version, cpu: os.cpus()[0]?.model, libenet: libenetVersion(), rows }, null, 2)}\n`,
);
