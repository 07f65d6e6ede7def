// The sidecar-side peer of the Windows tests and of bench:bridge --win: the bridge's TypeScript
// code (openBridge, rings, sleeper) in a node.exe under wine, or in Linux node for the same
// bench on Linux. It knows frames, not messages: the test encodes and compares.
//   --mode echo-check --plan FILE  sends the plan's frames ("type hex" lines), prints each frame
//                                  that comes back as {"type","hex"}, then {"event":"done"} after
//                                  as many frames as it sent (or --expect N)
//   --mode idle                    holds the sidecar role, prints attach / gone events
//   --mode bench                   RTT ping-pong and a throughput blast against an echoing game
//   --lazy-drain-ms N              sleeps through lazy frames and drains every N ms instead (as
//                                  a sidecar paced by the server's tick does)
// Output: JSON lines written synchronously to fd 1 (a file: under wine a piped stdout dies).
import { readFileSync, writeSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { BridgeError, openBridge, type Bridge } from '../../bridge/index.js';

/** Frame type the bench sends: no manifest message has it, so both sides move the bytes
 * without decoding them (counted as unknownType), as the echoing C game does. */
const BENCH_FRAME_TYPE = 0xfff0;
const BENCH_PAYLOAD_BYTES = 64;
/** Frames in flight during the blast: enough to keep the game busy, well under a ring's worth. */
const BENCH_WINDOW_FRAMES = 256;

const say = (o: Record<string, unknown>) => writeSync(1, `${JSON.stringify(o)}\n`);

const { values } = parseArgs({
  options: {
    mode: { type: 'string', default: 'idle' },
    bridge: { type: 'string' },
    plan: { type: 'string' },
    expect: { type: 'string' },
    abi: { type: 'string' },
    'ring-bytes': { type: 'string' },
    'rtt-samples': { type: 'string', default: '2000' },
    'blast-ms': { type: 'string', default: '2000' },
    'lazy-drain-ms': { type: 'string' },
  },
});

function open(): Bridge | undefined {
  try {
    return openBridge({
      name: values.bridge ?? '',
      role: 'sidecar',
      ringBytes: values['ring-bytes'] ? Number(values['ring-bytes']) : undefined,
      abiVersion: values.abi ? Number(values.abi) : undefined,
      closeOnPeerGone: true,
    });
  } catch (err) {
    const e = err as BridgeError;
    say({ event: 'openFailed', code: e.code, message: e.message });
    process.exitCode = 1;
    return undefined;
  }
}

const attached = (b: Bridge) => new Promise<void>((r) => (b.state === 'attached' ? r() : b.once('peerAttached', () => r())));

async function echoCheck(b: Bridge): Promise<void> {
  const plan = readFileSync(values.plan ?? '', 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => l.split(' '));
  let got = 0;
  const done = new Promise<void>((resolve) => {
    b.onFrame((type, payload) => {
      say({ type, hex: Buffer.from(payload).toString('hex') });
      if (++got === (values.expect ? Number(values.expect) : plan.length)) resolve();
    });
  });
  await attached(b);
  for (const [type, hex] of plan) b.sendRaw(Number(type), Buffer.from(hex ?? '', 'hex'));
  await Promise.race([done, b.closed()]);
  say({ event: 'done', got, sent: plan.length, counters: b.counters() });
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? NaN;
}

/** Rejects when the bridge closes first (the game died mid-bench): never hang on a dead peer. */
function unlessClosed<T>(b: Bridge, work: Promise<T>): Promise<T> {
  return Promise.race([work, b.closed().then(() => Promise.reject(new Error('the game went away during the bench')))]);
}

async function bench(b: Bridge): Promise<void> {
  await attached(b);
  const payload = new Uint8Array(BENCH_PAYLOAD_BYTES).fill(7);
  let onEcho: () => void = () => {};
  b.onFrame(() => onEcho());
  // RTT: one frame in flight, the next sent when its echo is back.
  const samples = Number(values['rtt-samples']);
  const rtts: number[] = [];
  await unlessClosed(
    b,
    new Promise<void>((resolve) => {
      let sentAt = 0;
      const send = () => {
        sentAt = performance.now();
        b.sendRaw(BENCH_FRAME_TYPE, payload);
      };
      onEcho = () => {
        rtts.push((performance.now() - sentAt) * 1000);
        if (rtts.length >= samples) resolve();
        else send();
      };
      send();
    }),
  );
  // Throughput: a window of frames in flight for blastMs; every echo sends one more.
  const blastMs = Number(values['blast-ms']);
  let echoed = 0;
  let sending = true;
  await unlessClosed(
    b,
    new Promise<void>((resolve) => {
      let inFlight = 0;
      onEcho = () => {
        echoed++;
        inFlight--;
        if (sending) {
          b.sendRaw(BENCH_FRAME_TYPE, payload);
          inFlight++;
        } else if (inFlight === 0) resolve();
      };
      for (; inFlight < BENCH_WINDOW_FRAMES; inFlight++) b.sendRaw(BENCH_FRAME_TYPE, payload);
      setTimeout(() => (sending = false), blastMs);
    }),
  );
  rtts.sort((x, y) => x - y);
  say({
    event: 'bench',
    rttP50Us: percentile(rtts, 0.5),
    rttP99Us: percentile(rtts, 0.99),
    rttSamples: rtts.length,
    echoedMsgsPerS: echoed / (blastMs / 1000),
    payloadBytes: BENCH_PAYLOAD_BYTES,
    counters: b.counters(),
  });
}

async function main(): Promise<void> {
  const b = open();
  if (!b) return;
  say({ event: 'open', pid: process.pid, platform: process.platform, created: b.created });
  if (values['lazy-drain-ms']) {
    b.sleepThroughLazy(true);
    const pace = setInterval(() => b.drain(), Number(values['lazy-drain-ms']));
    void b.closed().then(() => clearInterval(pace));
  }
  b.on('peerAttached', (e) => say({ event: 'peerAttached', pid: e.pid }));
  b.on('peerGone', (e) => say({ event: 'peerGone', reason: e.reason, atMs: Date.now() }));
  try {
    if (values.mode === 'echo-check') await echoCheck(b);
    else if (values.mode === 'bench') await bench(b);
    else await b.closed();
  } catch (err) {
    say({ event: 'failed', message: (err as Error).message });
    process.exitCode = 1;
  }
  await b.close();
  say({ event: 'exit' });
}

void main();
