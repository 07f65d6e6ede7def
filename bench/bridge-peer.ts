// The "game" process of bench:bridge: one process type for both transports, so the bridge and
// the WebSocket baseline run the same pattern between the same two kinds of process.
//   --mode bridge --bridge S   game role on the bridge
//   --mode ws                   a ws server on 127.0.0.1:0 (prints {"port":N})
// Commands arrive as ConsoleCommand text: "blast <ms>" sends PlayerTransform as fast as the
// transport allows for <ms>, then "done <count>". Every PlayerTransform received is echoed back,
// decoded and re-encoded.
import { parseArgs } from 'node:util';
import { WebSocketServer, type WebSocket } from 'ws';
import { CODECS, FrameReader, FrameWriter, MESSAGE_IDS, openBridge, type Msg } from '../bridge/index.js';

export const BLAST_SLICE_MS = 20;
export const WS_HIGH_WATER_BYTES = 1 << 20;

export function transformFor(seq: number): Msg<'PlayerTransform'> {
  const f = seq & 0xffff;
  return { entityId: seq >>> 0, pos: { x: f, y: f + 0.5, z: -f }, rot: { x: 0, y: 0, z: 0.5, w: 0.75 }, vel: { x: 1, y: 2, z: 3 } };
}

/** One frame on the WebSocket: u16 type, then the manifest payload (same bytes as the ring). */
export function wsEncode<K extends keyof typeof MESSAGE_IDS>(name: K, msg: Msg<K>): Buffer {
  const codec = CODECS[name];
  const ab = new ArrayBuffer(2 + codec.size(msg as never));
  const w = new FrameWriter(ab);
  w.u16(MESSAGE_IDS[name]);
  codec.write(w, msg as never);
  return Buffer.from(ab);
}

const CODEC_BY_ID = new Map(Object.values(CODECS).map((c) => [c.id, c]));

export function wsDecode(data: Buffer): { type: number; msg: unknown } | undefined {
  const ab = data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) as ArrayBuffer;
  const r = new FrameReader(ab);
  r.reset(0, ab.byteLength);
  const type = r.u16();
  const codec = CODEC_BY_ID.get(type);
  if (!codec) return undefined;
  const msg = codec.read(r);
  return r.ok && r.pos === ab.byteLength ? { type, msg } : undefined;
}

function runBridge(session: string): void {
  const bridge = openBridge({ name: session, role: 'game' });
  bridge.on('PlayerTransform', (m) => bridge.send('PlayerTransform', m));
  bridge.on('ConsoleCommand', ({ text }) => {
    const [cmd, arg] = text.split(' ');
    if (cmd !== 'blast') return;
    const until = performance.now() + Number(arg);
    let seq = 0;
    const slice = () => {
      const end = Math.min(until, performance.now() + BLAST_SLICE_MS);
      while (performance.now() < end) {
        for (let k = 0; k < 256; k++) {
          if (bridge.trySend('PlayerTransform', transformFor(seq))) seq++;
        }
      }
      if (performance.now() < until) setImmediate(slice);
      else bridge.send('ConsoleCommand', { text: `done ${seq}` });
    };
    slice();
  });
  bridge.on('peerGone', () => process.exit(0));
  process.once('SIGTERM', () => void bridge.close().then(() => process.exit(0)));
}

function runWs(): void {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  wss.on('listening', () => {
    const addr = wss.address();
    process.stdout.write(`${JSON.stringify({ port: addr && typeof addr === 'object' ? addr.port : 0 })}\n`);
  });
  wss.on('connection', (ws: WebSocket) => {
    ws.on('message', (data: Buffer) => {
      const d = wsDecode(data);
      if (!d) return;
      if (d.type === MESSAGE_IDS.PlayerTransform) ws.send(wsEncode('PlayerTransform', d.msg as Msg<'PlayerTransform'>));
      else if (d.type === MESSAGE_IDS.ConsoleCommand) blastWs(ws, (d.msg as Msg<'ConsoleCommand'>).text);
    });
    ws.on('close', () => process.exit(0));
  });
}

function blastWs(ws: WebSocket, text: string): void {
  const [cmd, arg] = text.split(' ');
  if (cmd !== 'blast') return;
  const until = performance.now() + Number(arg);
  let seq = 0;
  const slice = () => {
    const end = Math.min(until, performance.now() + BLAST_SLICE_MS);
    while (performance.now() < end && ws.bufferedAmount < WS_HIGH_WATER_BYTES) {
      for (let k = 0; k < 64; k++) ws.send(wsEncode('PlayerTransform', transformFor(seq++)));
    }
    if (performance.now() < until) setImmediate(slice);
    else ws.send(wsEncode('ConsoleCommand', { text: `done ${seq}` }));
  };
  slice();
}

const isMain = process.argv[1]?.endsWith('bridge-peer.ts');
if (isMain) {
  const { values } = parseArgs({ options: { mode: { type: 'string' }, bridge: { type: 'string' } } });
  if (values.mode === 'bridge' && values.bridge) runBridge(values.bridge);
  else if (values.mode === 'ws') runWs();
  else {
    process.stderr.write('bridge-peer: --mode bridge --bridge S | --mode ws\n');
    process.exit(2);
  }
}
