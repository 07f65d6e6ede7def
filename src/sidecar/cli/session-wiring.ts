// The sidecar's server session: the CoopClient, voice, progress relay and interpolation wired
// between the game's bridge and an ENet host (direct UDP or an ICE path through coop-master).
// Each part registers its closer on the teardown list as it is made; every way the session
// ends settles the ExitLatch (run-sidecar.ts then runs the list).
import { createWriteStream } from 'node:fs';
import type { Logger } from 'pino';
import type { Bridge } from '../../../bridge/index.js';
import { EXIT_OK, oneLine } from '../../cli/command.js';
import type { ExitLatch, Teardown } from '../../cli/teardown.js';
import { EnetHost } from '../../net/enet/index.js';
import type { DatagramTransport } from '../../net/enet/transport.js';
import { describePath } from '../../net/nat/netcheck-nat.js';
import { CHANNEL_COUNT, CHANNEL_SNAPSHOT, CHANNEL_VOICE } from '../../protocol/constants.js';
import { fingerprint, type IdentityKeys } from '../../protocol/identity.js';
import { RefuseCode } from '../../protocol/schema.gen.js';
import { bridgeGameLink } from '../bridge-adapter.js';
import type { NatJoined } from '../nat-join.js';
import { relayProgress } from '../progress-relay.js';
import { RejoinSchedule } from '../rejoin.js';
import { CoopClient, ClientState } from '../session.js';
import { Sidecar, yawFromQuat } from '../sidecar.js';
import { attachVoice, voiceMessage } from '../voice-hook.js';
import type { SidecarDeps } from './run-sidecar.js';
import { EXIT_REFUSED, type SidecarOptions } from './sidecar-options.js';
import { SESSION_PASSWORD_ENV } from '../../cli/option-groups.js';
import { Story } from '../story/story.js';
import { offsetClock } from '../../util/clock.js';

/** Time for the goodbye (Disconnect) to leave before the socket closes. */
export const SIDECAR_GOODBYE_DRAIN_MS = 200;
/** How often the connection's measured loss is handed to the voice encoder's FEC. */
const LOSS_REPORT_MS = 1_000;
/** The sidecar's ENet timer (resends, pings), ms: one server tick. Acks and sends go out on
 * activity anyway; ENet's 5 ms default woke this process 200 times a second beside a game. */
const SIDECAR_ENET_SERVICE_MS = 25;

export interface SessionContext {
  o: SidecarOptions;
  deps: SidecarDeps;
  bridge: Bridge;
  identity: IdentityKeys;
  teardown: Teardown;
  exit: ExitLatch;
  say: (line: string) => void;
  log: Logger;
}

function passwordHint(gavePassword: boolean): string {
  return gavePassword
    ? `the password given (--password-file or ${SESSION_PASSWORD_ENV}) is not this session's; ask the host`
    : `this session has a password: give it with --password-file FILE or ${SESSION_PASSWORD_ENV}`;
}

export async function runSession(c: SessionContext): Promise<void> {
  const { o, bridge, teardown, exit, say, log } = c;
  const game = bridgeGameLink(bridge);
  let peer: ReturnType<EnetHost['connect']> | null = null;
  let nat: NatJoined | undefined;
  let rejoinTimer: ReturnType<typeof setTimeout> | undefined;
  const rejoin = new RejoinSchedule();
  const now = (): number => performance.now();
  const playerNames = new Map<number, string>();
  const playerAvatars = new Map<number, number>();
  const client: CoopClient = new CoopClient({
    name: o.name,
    identity: c.identity,
    sessionId: o.sessionId,
    password: o.password,
    now,
    interpDelayMs: o.interpDelayMs,
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
        story.joined(w.peerId);
        progress.requestNow(); // the first report is this player's baseline in the session file
      },
      closed: (reason) => {
        say(reason);
        story.left(reason);
        if (client.refuseCode === RefuseCode.REFUSE_BAD_PASSWORD) say(passwordHint(o.password !== undefined));
        game.notify(2, 'coop', reason);
        exit.finish(EXIT_REFUSED);
      },
      despawn: (id) => sidecar.despawned(id),
      snapshot: () => sidecar.snapshotArrived(),
      tickRate: (tickMs, delay) => {
        log.info({ event: 'tick.change', tickMs, delay }, 'tick rate');
        game.interpDelay(delay);
      },
      chat: (_p, from, text) => game.notify(0, from, text),
      notice: (text, level) => game.notify(level, 'server', text),
      spawn: (info) => {
        if (info.ownerPeerId) {
          playerNames.set(info.ownerPeerId, info.name);
          playerAvatars.set(info.ownerPeerId, info.id);
        }
      },
      other: (kind, msg) => {
        if (!story.message(kind, msg)) voiceMessage(voice, kind, msg);
      },
    },
  });
  const trace = o.voiceTrace ? createWriteStream(o.voiceTrace, { flags: 'a' }) : null;
  // A trace file that cannot be written costs the measurement, not the session.
  trace?.on('error', (err) => log.warn({ event: 'voice.trace', error: oneLine(err) }, 'voice trace not written'));
  if (trace)
    teardown.add('voice trace', () => {
      trace.end();
    });
  const voice = attachVoice(bridge, {
    sendToServer: (msg, channel) => {
      if (client.state === ClientState.IN_WORLD) client.sendRaw(msg, channel);
    },
    localPeerId: () => client.peerId,
    nameOf: (id) => (id === client.peerId ? o.name : (playerNames.get(id) ?? `player ${id}`)),
    micDevice: o.micDevice,
    speakerDevice: o.speakerDevice,
    say,
    trace: trace ? (e) => trace.write(`${JSON.stringify(e)}\n`) : undefined,
    onDecoded: (peerId, pcm) => story.voiceFrame(peerId, pcm),
  });
  teardown.add('voice', () => voice.close());
  // Story sync (docs/story-sync.md): server clock, cutscenes, dialogue, spectator, visemes.
  const storyClock = offsetClock(o.clockOffsetMs);
  const story = new Story({
    game: bridge,
    now: () => storyClock.now(),
    say,
    nameOf: (id) => (id === client.peerId ? o.name : (playerNames.get(id) ?? `player ${id}`)),
    avatarOf: (id) => playerAvatars.get(id),
    send: (msg, channel) => client.state === ClientState.IN_WORLD && (client.sendRaw(msg, channel), true),
  });
  teardown.add('story sync', () => story.close());
  // The connection's measured loss feeds the encoder's FEC hint.
  const lossTimer = setInterval(() => {
    if (peer?.connected) voice.setMeasuredLoss(peer.stats.packetLoss * 100);
  }, LOSS_REPORT_MS);
  teardown.add('loss timer', () => clearInterval(lossTimer));
  const sidecar = new Sidecar(game, client, now);
  const progress = relayProgress({
    game: bridge,
    send: (dat) => client.state === ClientState.IN_WORLD && (client.sendRaw({ playerProgress: { dat } }), true),
    who: { playerId: fingerprint(c.identity.publicKeyRaw), name: o.name },
  });
  teardown.add('progress relay', () => progress.stop());
  bridge.on('closed', () => {
    if (!teardown.started) say('the game went away');
    exit.finish(EXIT_OK);
  });

  // Join once the game has told us where the player is.
  say(`waiting for the game on bridge ${o.bridge}`);
  const first = await Promise.race([
    new Promise<{ x: number; y: number; z: number; yaw: number }>((resolve) => {
      const off = bridge.on('PlayerTransform', (t) => {
        off();
        resolve({ ...t.pos, yaw: yawFromQuat(t.rot) });
      });
    }),
    exit.code.then(() => undefined),
  ]);
  if (first === undefined || exit.done) return;
  let transport: DatagramTransport;
  let serverAddr: { address: string; port: number };
  if (o.nat) {
    say(`joining lobby session ${o.join} through coop-master ${o.nat.master.join(', ')}`);
    try {
      nat = await c.deps.joinThroughMaster({
        ...o.nat,
        lobbyId: o.join as string,
        identity: c.identity,
        onRetry: (err, next) => say(`${oneLine(err)}; trying again through coop-master ${next}`),
      });
    } catch (err) {
      say(`could not reach the server through coop-master: ${oneLine(err)}`);
      exit.finish(EXIT_REFUSED, 'no server');
      return;
    }
    const joined = nat;
    teardown.add('NAT path', () => joined.close().catch(() => undefined));
    if (exit.done) return;
    say(`connected: ${describePath(joined.stats())}`);
    transport = joined.transport;
    serverAddr = joined.address;
  } else {
    transport = await c.deps.bindUdp();
    serverAddr = o.server!;
  }
  const host = new EnetHost({ transport, peerLimit: 1, channelLimit: CHANNEL_COUNT, serviceIntervalMs: SIDECAR_ENET_SERVICE_MS });
  teardown.add('ENet host', () => {
    if (nat) say(`connection at exit: ${describePath(nat.stats())}`);
    host.destroy();
  });
  if (exit.done) return;
  say(`game attached; ENet connecting to ${serverAddr.address}:${serverAddr.port}`);
  host.on('connect', () => {
    // A re-join starts where the player is now, not where the game first put them.
    const t = sidecar.lastTransform;
    client.start(t ? { ...t.pos, yaw: yawFromQuat(t.rot), vx: t.vel.x, vy: t.vel.y, vz: t.vel.z, mode: 0 } : { ...first, vx: 0, vy: 0, vz: 0, mode: 0 });
  });
  host.on('receive', (_p, _ch, data) => client.receive(data));
  host.on('disconnect', () => {
    const inWorld = client.state === ClientState.IN_WORLD;
    if (teardown.started || exit.done || (!inWorld && client.state !== ClientState.IDLE)) return; // refusals and goodbyes: 'closed'
    // A link that was up is re-joined (UDP: the server's address is all it takes); a server
    // never reached is not, and the ICE path would need a new handshake through the master.
    const delay = !nat && (inWorld || rejoin.rejoining) ? rejoin.next() : undefined;
    if (inWorld) say('connection to the server lost');
    if (delay === undefined) {
      if (!inWorld) say(rejoin.rejoining ? `could not re-join the server (${rejoin.attempt} attempts)` : 'could not reach the server');
      exit.finish(EXIT_REFUSED);
      return;
    }
    story.left('connection to the server lost');
    if (inWorld) {
      game.notify(1, 'coop', 'connection to the server lost: re-joining');
      sidecar.forgetAll();
      client.reset();
    }
    say(`re-joining in ${delay / 1000} s (attempt ${rejoin.attempt} of ${rejoin.attempts})`);
    rejoinTimer = setTimeout(() => {
      if (!exit.done) peer = host.connect(serverAddr, CHANNEL_COUNT, 0);
    }, delay);
  });
  peer = host.connect(serverAddr, CHANNEL_COUNT, 0);
  // Runs before the host is destroyed: the server hears a goodbye, not a timeout.
  teardown.add('goodbye to the server', async () => {
    clearTimeout(rejoinTimer);
    client.quit();
    host.flush();
    peer?.disconnectLater(0);
    await new Promise((r) => setTimeout(r, SIDECAR_GOODBYE_DRAIN_MS));
  });
  // No input or frame timers: the Sidecar sends on each game report and shows each snapshot.
}
