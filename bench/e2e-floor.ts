// The floor of bench:e2e, measured in its run: half the round trip of one bridge hop (this
// process as sidecar, bench/bridge-peer.ts as the game echoing every PlayerTransform) and of one
// ENet hop (a TS ENet client here, `coop-netcheck enet-echo` in another process), each paced
// like the real traffic (one message, then idle) and its median taken.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { createInterface } from 'node:readline';
import { openBridge } from '../bridge/index.js';
import { transformFor } from './bridge-peer.js';
import { EnetHost } from '../src/net/enet/host.js';
import type { EnetPeer } from '../src/net/enet/peer-api.js';
import { UdpTransport } from '../src/net/enet/udp.js';

const FLOOR_SAMPLES = 300;
const FLOOR_WARMUP = 30;
/** Idle between samples, as between game frames / server ticks. */
const FLOOR_GAP_MS = 5;
/** A round trip not back by then is counted lost, not waited for. */
const FLOOR_LOST_MS = 500;
/** The size of a one-avatar snapshot with its envelope. */
const ENET_FLOOR_PAYLOAD_BYTES = 40;

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function node(args: string[]): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
}

const exited = (c: ChildProcess): Promise<unknown> => (c.exitCode !== null ? Promise.resolve() : new Promise((r) => c.once('exit', r)));

/** Round trips one at a time with FLOOR_GAP_MS idle between; half the median. */
async function halfRtt(send: (seq: number) => void, onEcho: (h: (seq: number) => void) => void): Promise<number> {
  const rtts: number[] = [];
  let waiting: ((seq: number) => void) | null = null;
  onEcho((seq) => waiting?.(seq));
  for (let i = 0; i < FLOOR_WARMUP + FLOOR_SAMPLES; i++) {
    const t0 = performance.now();
    const echoed = await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => {
        waiting = null;
        resolve(false);
      }, FLOOR_LOST_MS); // an unreliable datagram lost
      waiting = (seq) => {
        if (seq === i) {
          clearTimeout(timer);
          waiting = null;
          resolve(true);
        }
      };
      send(i);
    });
    if (echoed && i >= FLOOR_WARMUP) rtts.push(performance.now() - t0);
    await sleep(FLOOR_GAP_MS);
  }
  return median(rtts) / 2;
}

export async function bridgeOneWayMs(session: string): Promise<number> {
  const bridge = openBridge({ name: session, role: 'sidecar' });
  const peer = node(['bench/bridge-peer.ts', '--mode', 'bridge', '--bridge', session]);
  try {
    await new Promise<void>((r) => bridge.once('peerAttached', () => r()));
    return await halfRtt(
      (seq) => bridge.send('PlayerTransform', transformFor(seq)),
      (h) => void bridge.on('PlayerTransform', (m) => h(m.entityId)),
    );
  } finally {
    await bridge.close().catch(() => undefined);
    await exited(peer);
  }
}

async function freeUdpPort(): Promise<number> {
  // A TCP port free now is almost always free for UDP too; the echo fails loudly if not.
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => resolve(a && typeof a === 'object' ? a.port : 0));
    });
  });
}

export async function enetOneWayMs(): Promise<number> {
  const port = await freeUdpPort();
  const echo = node(['src/net/netcheck-main.ts', 'enet-echo', '--port', String(port), '--host', '127.0.0.1']);
  const host = new EnetHost({ transport: await UdpTransport.bind({ address: '127.0.0.1' }), peerLimit: 1 });
  try {
    await new Promise<void>((resolve, reject) => {
      createInterface({ input: echo.stdout! }).on('line', (l) => {
        if (l.includes('listening')) resolve();
      });
      echo.once('exit', (code) => reject(new Error(`enet-echo exited (${code}) before listening`)));
    });
    const peer = await new Promise<EnetPeer>((resolve) => {
      host.on('connect', (p) => resolve(p));
      host.connect({ address: '127.0.0.1', port }, 1, 0);
    });
    const payload = new Uint8Array(ENET_FLOOR_PAYLOAD_BYTES);
    return await halfRtt(
      (seq) => {
        new DataView(payload.buffer).setUint32(0, seq, true);
        peer.send(0, payload, {});
      },
      (h) => void host.on('receive', (_p, _c, data) => h(new DataView(data.buffer, data.byteOffset, data.length).getUint32(0, true))),
    );
  } finally {
    host.destroy();
    echo.kill('SIGTERM');
    await exited(echo);
  }
}
