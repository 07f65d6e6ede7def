// coop-sidecar: runs beside the game; connects the game (bridge, sidecar role) to a coop-server.
//   coop-sidecar --server HOST:PORT --session NAME [--name V] [--data-dir DIR]   (--help)
//   coop-sidecar --master URL --join LOBBY_ID --session NAME ...   (through NAT: ICE / TURN)
import { parseArgs } from 'node:util';
import { homedir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { openBridge, BridgeError, type Bridge } from '../../bridge/index.js';
import { EnetHost, UdpTransport } from '../net/enet/index.js';
import { CHANNEL_COUNT, CHANNEL_SNAPSHOT, CHANNEL_VOICE, PLAYER_NAME_MAX_CHARS, PROTOCOL_VERSION } from '../protocol/constants.js';
import { CoopClient, ClientState } from './session.js';
import { Sidecar, yawFromQuat } from './sidecar.js';
import { bridgeGameLink } from './bridge-adapter.js';
import { loadOrCreateIdentity } from '../protocol/identity-store.js';
import { relayProgress } from './progress-relay.js';
import { runImportMode } from './import-mode.js';
import { fingerprint } from '../protocol/identity.js';
import { attachVoice, voiceMessage } from './voice-hook.js';
import { createWriteStream } from 'node:fs';
import { NAT_DEFAULT_STUN } from '../net/nat/constants.js';
import { NAT_CLI_OPTIONS, natSettingsFrom } from '../net/nat/nat-options.js';
import { describePath } from '../net/nat/netcheck-nat.js';
import type { DatagramTransport } from '../net/enet/transport.js';
import { joinThroughMaster, type NatJoined } from './nat-join.js';
import { RejoinSchedule } from './rejoin.js';
import { PASSWORD_CLI_OPTIONS, SESSION_PASSWORD_ENV, sessionPasswordFrom } from '../protocol/password-option.js';
import { RefuseCode } from '../protocol/schema.gen.js';

const DEFAULT_DATA_DIR = join(process.env.XDG_CONFIG_HOME || join(homedir(), '.config'), 'coop-bridge');
const EXIT_USAGE = 2, EXIT_REFUSED = 3, EXIT_RUNTIME = 1;
/** The sidecar's ENet timer (resends, pings), ms: one server tick. */
const SIDECAR_ENET_SERVICE_MS = 25;
/** Longest interpolation delay a player may set, ms. */
const MAX_INTERP_DELAY_MS = 1000;
const HELP = `coop-sidecar: joins a coop-server on behalf of the game beside it (protocol ${PROTOCOL_VERSION}).
usage: coop-sidecar --server HOST:PORT --session NAME [options]
       coop-sidecar --master URL --join LOBBY_ID --session NAME [options]
  --server HOST:PORT     the coop-server to join (direct UDP: LAN or a forwarded port)
  --master URL           coop-master (http://host:port) to join through instead: no port forwarding,
                         ICE picks a direct or hole-punched path, TURN relays when nothing else works
  --join LOBBY_ID        the session id the server announced on the master (its lobby list)
  --stun HOST:PORT       STUN server for ICE                                [default: ${NAT_DEFAULT_STUN}]
  --no-relay             never relay through TURN
  --nat-bind ADDR        bind ICE sockets to this IPv4 address only
  --session NAME         bridge session shared with the game (A-Z a-z 0-9 _ -)
  --name NAME            player name shown to others (1..${PLAYER_NAME_MAX_CHARS} chars)   [default: player]
  --data-dir DIR         where the player identity (identity.pem) lives     [default: ${DEFAULT_DATA_DIR}]
  --session-id ID        join only this server session                      [default: any]
  --password-file FILE   the session's password, when it has one (trailing line break ignored;
                         or set ${SESSION_PASSWORD_ENV}; the file wins)
  --log-level LEVEL      pino level on stderr                               [default: info]
  --mic-device NAME      capture voice from this PortAudio device ('' = first) [default: the game's mic frames]
  --speaker-device NAME  play voice on this PortAudio device ('' = first)   [default: through the game]
  --voice-trace FILE     append a JSON line per voice frame sent/played (latency measurements)
  --interp-delay-ms MS   show remote entities MS in the past (0..1000)      [default: max(2 ticks, 80)]
  --import SESSION.json  no server: merge this player's co-op progress from a session file into
                         the game (MergePrompt on conflicts), write --out, apply it, exit
  --out FILE             the merged .dat of --import                        [default: <data-dir>/merged.dat]
  --help                 this text
exit codes: 0 quit, 1 runtime error, 2 bad arguments, 3 refused or disconnected by the server`;

function usage(line: string): never {
  process.stderr.write(`coop-sidecar: ${line}\n`);
  process.exit(EXIT_USAGE);
}

function passwordHint(gavePassword: boolean): string {
  return gavePassword
    ? `the password given (--password-file or ${SESSION_PASSWORD_ENV}) is not this session's; ask the host`
    : `this session has a password: give it with --password-file FILE or ${SESSION_PASSWORD_ENV}`;
}

async function main(): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        server: { type: 'string' }, session: { type: 'string' }, name: { type: 'string' }, 'data-dir': { type: 'string' },
        'session-id': { type: 'string' }, 'log-level': { type: 'string' }, help: { type: 'boolean' },
        'mic-device': { type: 'string' }, 'speaker-device': { type: 'string' }, 'voice-trace': { type: 'string' }, 'interp-delay-ms': { type: 'string' },
        import: { type: 'string' }, out: { type: 'string' },
        ...NAT_CLI_OPTIONS, join: { type: 'string' }, ...PASSWORD_CLI_OPTIONS,
      },
      strict: true,
    }));
  } catch (err) {
    usage(`${(err as Error).message} (see --help)`);
  }
  if (values.help) { process.stdout.write(`${HELP}\n`); return; }
  const m = /^(.+):(\d{1,5})$/.exec(values.server ?? '');
  const natSettings = natSettingsFrom(values);
  if (natSettings && 'error' in natSettings) usage(natSettings.error);
  const viaMaster = natSettings !== undefined;
  if (viaMaster) {
    if (values.server !== undefined) usage('give either --server or --master, not both');
    if (!values.join || !/^[A-Za-z0-9_-]{4,64}$/.test(values.join)) usage(`--join must be the lobby session id from coop-master, got ${JSON.stringify(values.join ?? '')}`);
  } else if (values.join !== undefined) usage('--join needs --master');
  if (!values.import && !viaMaster && (!m || Number(m[2]) < 1 || Number(m[2]) > 65535)) usage(`--server must be HOST:PORT, got ${JSON.stringify(values.server ?? '')}`);
  const udpServer = m ? { address: m[1] === 'localhost' ? '127.0.0.1' : m[1], port: Number(m[2]) } : { address: '', port: 0 };
  if (!values.session || !/^[A-Za-z0-9_-]{1,64}$/.test(values.session)) usage(`--session must be a bridge session name of A-Z a-z 0-9 _ -, got ${JSON.stringify(values.session ?? '')}`);
  const password = sessionPasswordFrom(values, process.env);
  if (typeof password === 'object') usage(password.error);
  const name = values.name ?? 'player';
  if (name.trim() === '' || [...name].length > PLAYER_NAME_MAX_CHARS) usage(`--name must be 1..${PLAYER_NAME_MAX_CHARS} characters`);
  const interpRaw = values['interp-delay-ms'];
  const interpDelayMs = interpRaw === undefined ? undefined : Number(interpRaw);
  if (interpDelayMs !== undefined && !(Number.isInteger(interpDelayMs) && interpDelayMs >= 0 && interpDelayMs <= MAX_INTERP_DELAY_MS)) usage(`--interp-delay-ms must be an integer 0..${MAX_INTERP_DELAY_MS}, got ${JSON.stringify(interpRaw)}`);
  const log = pino({ level: values['log-level'] ?? 'info', base: { svc: 'coop-sidecar', name } }, pino.destination(2));
  const say = (line: string): void => { process.stdout.write(`coop-sidecar[${name}]: ${line}\n`); };


  let bridge: Bridge;
  try {
    bridge = openBridge({ session: values.session, role: 'sidecar' });
  } catch (err) {
    process.stderr.write(`coop-sidecar: ${(err as Error).message}\n`);
    process.exit(err instanceof BridgeError ? EXIT_RUNTIME : EXIT_USAGE);
  }
  let identity;
  try {
    identity = loadOrCreateIdentity(values['data-dir'] ?? DEFAULT_DATA_DIR);
  } catch (err) {
    process.stderr.write(`coop-sidecar: ${(err as Error).message}\n`);
    process.exit(EXIT_RUNTIME);
  }
  if (identity.created) say('made a new player identity');
  if (values.import) {
    const dataDir = values['data-dir'] ?? DEFAULT_DATA_DIR;
    const code = await runImportMode({ bridge, sessionPath: values.import, playerId: fingerprint(identity.keys.publicKeyRaw), out: values.out ?? join(dataDir, 'merged.dat'), say });
    await bridge.close('import done').catch(() => undefined);
    process.exit(code);
  }
  const game = bridgeGameLink(bridge);
  let peer: ReturnType<EnetHost['connect']> | null = null;
  let nat: NatJoined | undefined;
  let exitCode = 0;
  const rejoin = new RejoinSchedule();
  const now = (): number => performance.now();
  const client: CoopClient = new CoopClient({
    name, identity: identity.keys, sessionId: values['session-id'], password, now, interpDelayMs,
    send: (channel, bytes, reliable) => {
      if (!peer?.connected) return;
      const unreliable = channel === CHANNEL_SNAPSHOT || channel === CHANNEL_VOICE;
      peer.send(channel, bytes, reliable || !unreliable ? { reliable: true } : { unreliableFragment: true });
    },
    events: {
      state: (from, to) => log.info({ event: 'client.state', from, to }, 'client state'),
      welcome: (w) => {
        rejoin.joined();
        say(`joined as peer ${w.peerId} (identity ${w.identity.slice(0, 16)}…), tick ${w.tickMs} ms`);
        if (nat) say(`connection: ${describePath(nat.stats())}`);
        game.interpDelay(client.interp.interpDelayMs);
        progress.requestNow(); // the first report is this player's baseline in the session file
      },
      closed: (reason) => {
        say(reason);
        if (client.refuseCode === RefuseCode.REFUSE_BAD_PASSWORD) say(passwordHint(password !== undefined));
        game.notify(2, 'coop', reason);
        exitCode = EXIT_REFUSED;
        void shutdown();
      },
      despawn: (id) => sidecar.despawned(id),
      snapshot: () => sidecar.snapshotArrived(),
      tickRate: (tickMs, delay) => { log.info({ event: 'tick.change', tickMs, delay }, 'tick rate'); game.interpDelay(delay); },
      chat: (_p, from, text) => game.notify(0, from, text),
      notice: (text, level) => game.notify(level, 'server', text),
      spawn: (info) => { if (info.ownerPeerId) playerNames.set(info.ownerPeerId, info.name); },
      other: (kind, msg) => { voiceMessage(voice, kind, msg); },
    },
  });
  const playerNames = new Map<number, string>();
  const trace = values['voice-trace'] ? createWriteStream(values['voice-trace'], { flags: 'a' }) : null;
  const voice = attachVoice(bridge, {
    sendToServer: (msg, channel) => { if (client.state === ClientState.IN_WORLD) client.sendRaw(msg, channel); },
    localPeerId: () => client.peerId,
    nameOf: (id) => (id === client.peerId ? name : playerNames.get(id) ?? `player ${id}`),
    micDevice: values['mic-device'],
    speakerDevice: values['speaker-device'],
    say,
    trace: trace ? (e) => trace.write(`${JSON.stringify(e)}\n`) : undefined,
  });
  // The connection's measured loss feeds the encoder's FEC hint.
  const lossTimer = setInterval(() => { if (peer?.connected) voice.setMeasuredLoss(peer.stats.packetLoss * 100); }, 1_000);
  const sidecar = new Sidecar(game, client, now);
  const progress = relayProgress({
    game: bridge,
    send: (dat) => client.state === ClientState.IN_WORLD && (client.sendRaw({ playerProgress: { dat } }), true),
  });

  // Until the ENet session is up, a game that goes away (or dies) just ends the sidecar.
  let stop = async (): Promise<void> => {
    progress.stop();
    clearInterval(lossTimer);
    voice.close();
    trace?.end();
    await nat?.close().catch(() => undefined);
    process.exit(exitCode);
  };
  bridge.on('closed', () => { say('the game went away'); void stop(); });

  // Join once the game has told us where the player is.
  say(`waiting for the game on bridge session ${values.session}`);
  const first = await new Promise<{ x: number; y: number; z: number; yaw: number }>((resolve) => {
    const off = bridge.on('PlayerTransform', (t) => { off(); resolve({ ...t.pos, yaw: yawFromQuat(t.rot) }); });
  });
  let transport: DatagramTransport;
  let serverAddr = udpServer;
  if (viaMaster) {
    say(`joining lobby session ${values.join} through coop-master ${values.master}`);
    try {
      nat = await joinThroughMaster({ ...natSettings, lobbySession: values.join as string, identity: identity.keys });
    } catch (err) {
      say(`could not reach the server through coop-master: ${(err as Error).message}`);
      await bridge.close('no server').catch(() => undefined);
      process.exit(EXIT_REFUSED);
    }
    say(`connected: ${describePath(nat.stats())}`);
    transport = nat.transport;
    serverAddr = nat.address;
  } else {
    transport = await UdpTransport.bind({ address: '0.0.0.0', port: 0 });
  }
  // Acks and sends go out on activity anyway; the timer only paces resends and pings, so a
  // tick's pace is enough beside a game (ENet's 5 ms default woke this process 200 times a second).
  const host = new EnetHost({ transport, peerLimit: 1, channelLimit: CHANNEL_COUNT, serviceIntervalMs: SIDECAR_ENET_SERVICE_MS });
  say(`game attached; ENet connecting to ${serverAddr.address}:${serverAddr.port}`);
  host.on('connect', () => {
    // A re-join starts where the player is now, not where the game first put them.
    const t = sidecar.lastTransform;
    client.start(t ? { ...t.pos, yaw: yawFromQuat(t.rot), vx: t.vel.x, vy: t.vel.y, vz: t.vel.z, mode: 0 } : { ...first, vx: 0, vy: 0, vz: 0, mode: 0 });
  });
  host.on('receive', (_p, _ch, data) => client.receive(data));
  host.on('disconnect', () => {
    const inWorld = client.state === ClientState.IN_WORLD;
    if (stopping || (!inWorld && client.state !== ClientState.IDLE)) return; // refusals and goodbyes: 'closed'
    // A link that was up is re-joined (UDP: the server's address is all it takes); a server
    // never reached is not, and the ICE path would need a new handshake through the master.
    const delay = !nat && (inWorld || rejoin.rejoining) ? rejoin.next() : undefined;
    if (inWorld) say('connection to the server lost');
    if (delay === undefined) {
      if (!inWorld) say(rejoin.rejoining ? `could not re-join the server (${rejoin.attempt} attempts)` : 'could not reach the server');
      exitCode = EXIT_REFUSED;
      void shutdown();
      return;
    }
    if (inWorld) {
      game.notify(1, 'coop', 'connection to the server lost: re-joining');
      sidecar.forgetAll();
      client.reset();
    }
    say(`re-joining in ${delay / 1000} s (attempt ${rejoin.attempt} of ${rejoin.attempts})`);
    setTimeout(() => { if (!stopping) peer = host.connect(serverAddr, CHANNEL_COUNT, 0); }, delay);
  });
  peer = host.connect(serverAddr, CHANNEL_COUNT, 0);

  let stopping = false;
  async function shutdown(): Promise<void> {
    if (stopping) return;
    stopping = true;
    progress.stop();
    clearInterval(lossTimer);
    voice.close();
    trace?.end();
    client.quit();
    host.flush();
    peer?.disconnectLater(0);
    await new Promise((r) => setTimeout(r, 200));
    if (nat) say(`connection at exit: ${describePath(nat.stats())}`);
    host.destroy();
    await nat?.close().catch(() => undefined);
    await bridge.close('sidecar stopping').catch(() => undefined);
    process.exit(exitCode);
  }
  process.on('SIGINT', () => void shutdown());
  process.on('SIGTERM', () => void shutdown());
  stop = shutdown;
}

main().catch((err: Error) => {
  process.stderr.write(`coop-sidecar: ${err.stack ?? err.message}\n`);
  process.exit(EXIT_RUNTIME);
});
