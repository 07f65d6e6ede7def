// bench:wake:win's reader, run by node.exe under wine (plain JavaScript: no bundle). The
// sidecar's side of one wake variant; it counts wakes and prints them when `seconds` are up.
//   event  coop_wait on the ring's event through koffi `.async` on libuv's pool, re-armed from
//          the callback: the Windows sidecar's FutexSleeper today (two thread hops a wake)
//   udp    a node:dgram socket on 127.0.0.1 (the event loop polls it: one hop)
//   pipe   a node:net server on a named pipe (one hop)
//   timer  no wake: a 60 Hz timer, as a reader that looks at the ring every frame would
//   idle   nothing but a 1 s timer (the baseline)
// argv: variant seconds target sidecarDir shimDll
import { createRequire } from 'node:module';
import dgram from 'node:dgram';
import net from 'node:net';
import { join } from 'node:path';

const [variant, seconds, target, sidecarDir, shimDll] = process.argv.slice(2);
/** One slice of the event wait (the bridge's BRIDGE_WAIT_SLICE_MS is of this order). */
const WAIT_SLICE_MS = 250;
/** The timer variant's period: one game frame at 60 Hz. */
const TIMER_PERIOD_MS = 1000 / 60;
/** The idle variant's keep-alive timer. */
const IDLE_PERIOD_MS = 1000;
/** Byte offset of ring 0's wake word in the region (COOP_OFF_RING0_CTRL + COOP_CTRL_WAKE_SEQ). */
const RING0_WAKE_SEQ_OFF = 64 + 4;
const HEADER_BYTES = 512;
const ROLE_SIDECAR = 1;
const ABI = 1;

let wakes = 0;
const say = (o) => process.stdout.write(`${JSON.stringify(o)}\n`);

if (variant === 'event') {
  const koffi = createRequire(join(sidecarDir, 'x.js'))('koffi');
  const lib = koffi.load(shimDll);
  koffi.opaque('bench_region');
  const open = lib.func('bench_region *coop_open(const char *s, int role, uint32_t ring_bytes, uint32_t abi, uint32_t schema)');
  const status = lib.func('int coop_status(bench_region *r)');
  const base = lib.func('void *coop_base(bench_region *r)');
  const wait = lib.func('int coop_wait(bench_region *r, int ring, int32_t expected, int timeout_ms)');
  const region = open(target, ROLE_SIDECAR, 4096, ABI, 0);
  if (status(region) !== 0) {
    say({ error: `coop_open ${status(region)}` });
    process.exit(1);
  }
  const words = new Int32Array(koffi.view(base(region), HEADER_BYTES));
  const arm = () => {
    const seq = words[RING0_WAKE_SEQ_OFF / 4];
    wait.async(region, 0, seq, WAIT_SLICE_MS, () => {
      if (words[RING0_WAKE_SEQ_OFF / 4] !== seq) wakes++;
      arm();
    });
  };
  arm();
  say({ ready: true });
} else if (variant === 'udp') {
  const sock = dgram.createSocket('udp4');
  sock.on('message', () => wakes++);
  sock.bind(0, '127.0.0.1', () => say({ ready: true, port: sock.address().port }));
} else if (variant === 'pipe') {
  const server = net.createServer((c) => c.on('data', () => wakes++));
  server.listen(target, () => say({ ready: true }));
} else if (variant === 'timer') {
  setInterval(() => wakes++, TIMER_PERIOD_MS);
  say({ ready: true });
} else {
  setInterval(() => {}, IDLE_PERIOD_MS);
  say({ ready: true });
}
setTimeout(
  () => {
    say({ wakes });
    process.exit(0);
  },
  Number(seconds) * 1000,
);
