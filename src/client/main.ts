// coop-sidecar (first version, for the foundation demo; the server issue replaces it): attaches
// to the game's bridge in the sidecar role, prints the traffic as JSON lines and answers a few
// hooks so both directions show. Ctrl-C closes the bridge cleanly.
import { parseArgs } from 'node:util';
import { BridgeError, openBridge, type Bridge, type MessageMap, type MessageName } from '../../bridge/index.js';

type Send = <K extends MessageName>(name: K, msg: MessageMap[K]) => void;

const HELP = `coop-sidecar --session NAME   attach to the game's bridge and print its traffic (JSON lines)
exit codes: 0 stopped, 1 bridge error or the game went away, 2 bad arguments`;

function fail(code: number, line: string): never {
  process.stderr.write(`coop-sidecar: ${line}\n`);
  process.exit(code);
}

function print(line: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify(line, (_k, v: unknown) => (v instanceof Uint8Array ? { $bytes: Buffer.from(v).toString('base64') } : v))}\n`);
}

/** Demo replies: the host's side of a few hooks. */
function wire(bridge: Bridge, send: Send): void {
  bridge.on('StartCinematic', (m) => send('SeekCinematic', { sceneId: m.sceneId, timeS: m.timeS + 2 }));
  bridge.on('DialogueChoiceSelected', (m) => send('DialogueAdvance', m));
  bridge.on('PushToTalkDown', () => send('MicIconShow', { peerId: 1, displayName: 'you' }));
  bridge.on('PushToTalkUp', () => send('MicIconHide', { peerId: 1 }));
  bridge.on('ConsoleCommand', (m) => send('Notification', { kind: 0, title: 'coop', text: `ran: ${m.text}`, durationMs: 2000 }));
  bridge.on('SettingsChanged', (m) => send('Notification', { kind: 0, title: 'settings', text: `push-to-talk: ${m.pttKey}`, durationMs: 1500 }));
}

function main(): void {
  let session: string | undefined;
  try {
    const { values } = parseArgs({ options: { session: { type: 'string' }, help: { type: 'boolean', default: false } }, strict: true });
    if (values.help) return void process.stdout.write(`${HELP}\n`);
    session = values.session;
  } catch (err) {
    fail(2, (err as Error).message);
  }
  if (!session) fail(2, '--session is required (see --help)');
  let bridge: Bridge;
  try {
    bridge = openBridge({ session, role: 'sidecar' });
  } catch (err) {
    fail(err instanceof BridgeError ? 1 : 2, (err as Error).message);
  }
  const t0 = performance.now();
  const t = () => Math.round(performance.now() - t0);
  bridge.onAny((type, msg) => print({ t: t(), from: 'game', type, msg }));
  const send: Send = (name, msg) => {
    print({ t: t(), to: 'game', type: name, msg });
    bridge.send(name, msg);
  };
  wire(bridge, send);
  bridge.on('peerAttached', ({ pid }) => print({ t: t(), event: 'game attached', pid }));
  bridge.on('peerGone', ({ reason }) => {
    print({ t: t(), event: 'game gone', reason });
    process.exitCode = 1;
  });
  bridge.on('closed', ({ reason }) => print({ t: t(), event: 'closed', reason, counters: bridge.counters() }));
  const stop = () => void bridge.close('Ctrl-C');
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main();
