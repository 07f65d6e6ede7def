// The sidecar's server session: the CoopClient, voice, progress relay and interpolation wired
// between the game's bridge and an ENet host (direct UDP or an ICE path through coop-master).
// Each part registers its closer on the teardown list as it is made; every way the session
// ends settles the ExitLatch (run-sidecar.ts then runs the list).
import { createWriteStream } from 'node:fs';
import type { Logger } from 'pino';
import type { Bridge } from '../../../bridge/index.js';
import { EXIT_OK, oneLine } from '../../cli/command.js';
import type { ExitLatch, Teardown } from '../../cli/teardown.js';
import { fingerprint, type IdentityKeys } from '../../protocol/identity.js';
import { RefuseCode, type PlayerState } from '../../protocol/schema.gen.js';
import { bridgeGameLink } from '../bridge-adapter.js';
import { relayProgress } from '../progress-relay.js';
import { CoopClient, ClientState } from '../session.js';
import { bridgeKindOf, FRAME_MS, Sidecar } from '../sidecar.js';
import type { NativePath } from '../native-path.js';
import { yawFromQuat } from '../game-link.js';
import { attachVoice, micIcons, voiceMessage } from '../voice-hook.js';
import { CHANNEL_VOICE } from '../../protocol/constants.js';
import type { SidecarDeps } from './run-sidecar.js';
import type { SidecarOptions } from './sidecar-options.js';
import { ServerLink } from './server-link.js';
import { ServerChoice } from './server-choice.js';
import { SESSION_PASSWORD_ENV } from '../../cli/option-groups.js';
import { Story } from '../story/story.js';
import { nodeTimers, offsetClock } from '../../util/clock.js';
import type { WakeTimers } from '../../util/wake-timers.js';
import { scheduleWorkingSetTrim } from '../working-set.js';

/** How often the connection's measured loss is handed to the voice encoder's FEC. */
const LOSS_REPORT_MS = 1_000;

export interface SessionContext {
  o: SidecarOptions;
  deps: SidecarDeps;
  bridge: Bridge;
  identity: IdentityKeys;
  teardown: Teardown;
  exit: ExitLatch;
  say: (line: string) => void;
  log: Logger;
  /** The session's slow timers, riding on the game's frames and the paced ticks (run-sidecar.ts
   * made them for the bridge's heartbeat check too). */
  timers: WakeTimers;
  /** The native path (--pace native) the bridge relays through, or null. */
  path?: NativePath | null;
}

function passwordHint(gavePassword: boolean): string {
  return gavePassword
    ? `the password given (--password-file or ${SESSION_PASSWORD_ENV}) is not this session's; ask the host`
    : `this session has a password: give it with --password-file FILE or ${SESSION_PASSWORD_ENV}`;
}

export async function runSession(c: SessionContext): Promise<void> {
  const { o, bridge, teardown, exit, say, log, timers } = c;
  const path = c.path ?? null;
  const game = bridgeGameLink(bridge, c.path ?? undefined);
  const now = (): number => performance.now();
  // How the slow timers ran: on the game's frames (paced ticks), or waking the process.
  teardown.add('timer counts', () => log.info({ event: 'timers.ran', ...timers.counts }, 'timers ran on wakes or on their own'));
  // What the native thread did and dropped (frames, snapshots, voice, malformed frames, full rings).
  if (path) teardown.add('native path counts', () => log.info({ event: 'native-path.counts', ...path.counters() }, 'native path counts'));
  // Start-up's pages are given back 30 s after the sidecar starts (a player may sit in the
  // game's menus for long before joining) and again after each join.
  let cancelTrim = (): void => undefined;
  const armTrim = (): void => {
    cancelTrim();
    cancelTrim = scheduleWorkingSetTrim(nodeTimers, (r) =>
      typeof r === 'string'
        ? log.debug({ event: 'working-set.kept', reason: r }, 'start-up pages kept')
        : log.info({ event: 'working-set.trimmed', mappings: r.mappings, mb: +(r.bytes / 1e6).toFixed(1) }, 'start-up pages given back'),
    );
  };
  armTrim();
  teardown.add('working-set trim', () => cancelTrim());
  const playerNames = new Map<number, string>();
  const playerAvatars = new Map<number, number>();
  const client: CoopClient = new CoopClient({
    name: o.name,
    identity: c.identity,
    sessionId: o.sessionId,
    password: o.password,
    now,
    interpDelayMs: o.interpDelayMs,
    ackWithInput: true,
    arrivalKnown: () => !link.readingHeld,
    snapshotSink: path ? (s) => path.inWorld && (path.pushSnapshot(s.tick, s.baseTick, s.serverTimeMs, s.data), true) : undefined,
    send: (channel, bytes, reliable) => link.send(channel, bytes, reliable),
    events: {
      state: (from, to) => {
        log.info({ event: 'client.state', from, to }, 'client state');
        sidecar.setInWorld(to === ClientState.IN_WORLD);
        link.worldChanged(to === ClientState.IN_WORLD);
      },
      welcome: (w) => {
        link.welcomed();
        say(`joined as peer ${w.peerId} (identity ${w.identity.slice(0, 16)}…), tick ${w.tickMs} ms`);
        const nat = link.nat;
        if (nat) say(`connection: ${nat.describe()}`);
        game.interpDelay(client.interp.interpDelayMs);
        story.joined(w.peerId);
        progress.requestNow(); // the first report is this player's baseline in the session file
        armTrim(); // a join ends a start-up (a rejoin ran the handshake's code again)
      },
      closed: (reason) => {
        say(reason);
        story.left(reason);
        if (client.refuseCode === RefuseCode.REFUSE_BAD_PASSWORD) say(passwordHint(o.password !== undefined));
        game.notify(2, 'coop', reason);
        link.failed(reason);
      },
      despawn: (id) => sidecar.despawned(id),
      snapshot: (_tick, inputLeadUs) => {
        const paced = sidecar.paced;
        sidecar.snapshotArrived(inputLeadUs);
        if (sidecar.paced !== paced) log.info({ event: 'sidecar.paced', paced: sidecar.paced, tickMs: client.tickMs }, 'paced by the server tick');
      },
      tickRate: (tickMs, delay) => {
        log.info({ event: 'tick.change', tickMs, delay }, 'tick rate');
        game.interpDelay(delay);
        path?.setDelay(client.interp.interpDelayMs);
        sidecar.retune();
      },
      chat: (_p, from, text) => game.notify(0, from, text),
      notice: (text, level) => game.notify(level, 'server', text),
      spawn: (info) => {
        path?.known(info.id, bridgeKindOf(info.kind), info.name);
        if (info.ownerPeerId) {
          if (nativeVoice) path?.voiceAvatar(info.ownerPeerId, info.id);
          playerNames.set(info.ownerPeerId, info.name);
          playerAvatars.set(info.ownerPeerId, info.id);
        }
      },
      other: (kind, msg) => {
        if (story.message(kind, msg)) return;
        // a voice packet the native thread did not take (written otherwise): it plays there too
        if (nativeVoice && kind === 'voice' && msg.voice) return path?.pushVoice(msg.voice);
        // No game frames wake Node on the native path: the voice plays on the packets' arrival.
        if (voiceMessage(voice, kind, msg) && path) voice.catchUp();
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
  const nameOf = (id: number): string => (id === client.peerId ? o.name : (playerNames.get(id) ?? `player ${id}`));
  const voice = attachVoice(bridge, {
    sendToServer: (msg, channel) => {
      if (client.state === ClientState.IN_WORLD) client.sendRaw(msg, channel);
    },
    localPeerId: () => client.peerId,
    nameOf,
    micDevice: o.micDevice,
    speakerDevice: o.speakerDevice,
    say,
    trace: trace ? (e) => trace.write(`${JSON.stringify(e)}\n`) : undefined,
    onDecoded: (peerId, pcm) => story.voiceFrame(peerId, pcm),
    watchdogTimers: timers,
  });
  teardown.add('voice', () => voice.close());
  const nativeVoice = path !== null && startNativeVoice(path, { o, say, bridge, nameOf });
  // Story sync (docs/story-sync.md): server clock, cutscenes, dialogue, spectator, visemes.
  const storyClock = offsetClock(o.clockOffsetMs);
  const story = new Story({
    game: bridge,
    now: () => storyClock.now(),
    say,
    nameOf,
    avatarOf: (id) => playerAvatars.get(id),
    send: (msg, channel) => client.state === ClientState.IN_WORLD && (client.sendRaw(msg, channel), true),
    onPrompt: () => link.promptReceive(),
    clockTimers: timers,
  });
  teardown.add('story sync', () => story.close());
  // The connection's measured loss feeds the encoder's FEC hint.
  const lossTimer = timers.setInterval(() => {
    const loss = link.packetLoss;
    if (loss !== undefined) voice.setMeasuredLoss(loss * 100);
  }, LOSS_REPORT_MS);
  teardown.add('loss timer', () => timers.clearInterval(lossTimer));
  // Paced: each tick first takes in what waits, from the game (its frames did not wake us) and
  // from the server.
  const sidecar = new Sidecar(game, client, now, {
    mayPace: o.pace === 'tick',
    beforePacedTick: () => {
      game.drain?.();
      link.pacedTick(now(), !story.prompt);
    },
    // The timers due (heartbeat check, ENet's service timer, clock probes and reports, the loss
    // report, the progress poll, voice's watchdog) run on this wake instead of waking us again.
    afterWake: () => timers.wake(),
    otherProxies: path ?? undefined,
  });
  // By frames, the server's datagrams ride on the game's frames (receive-gate.ts), unless each
  // snapshot is to be shown as it comes (an interpolation delay under a frame). Read after the
  // Sidecar's own handler: the player's input leaves first (the latency that counts); what is
  // read now is shown from the next frame, well inside the interpolation delay.
  // Out of the world the frames come on the heartbeat (Sidecar.setInWorld): the handshake's
  // datagrams then come as they arrive.
  bridge.on('PlayerTransform', () => {
    if (!sidecar.paced) link.gameFrame(now(), client.state === ClientState.IN_WORLD && client.interp.interpDelayMs >= FRAME_MS);
  });
  bridge.on('heartbeat', () => {
    link.heartbeat(now());
    // the native thread stamps its lip-sync with the server's time (story.ts does for Node's)
    if (nativeVoice) {
      const serverNow = story.clock.clock.serverNow();
      path?.serverClock(serverNow ? serverNow - now() : NaN);
    }
  });
  teardown.add('held report', () => sidecar.close());
  let first: PlayerState | undefined;
  const link: ServerLink = new ServerLink({
    deps: c.deps,
    identity: c.identity,
    client: () => client,
    sidecar: () => sidecar,
    game,
    left: (reason) => story.left(reason),
    say,
    exit,
    teardown,
    first: () => first ?? { x: 0, y: 0, z: 0, yaw: 0, vx: 0, vy: 0, vz: 0, mode: 0 },
    timers,
    path,
  });
  const progress = relayProgress({
    game: bridge,
    send: (dat) => client.state === ClientState.IN_WORLD && (client.sendRaw({ playerProgress: { dat } }), true),
    who: { playerId: fingerprint(c.identity.publicKeyRaw), name: o.name },
    intervals: timers,
  });
  teardown.add('progress relay', () => progress.stop());
  bridge.on('closed', () => {
    if (!teardown.started) say('the game went away');
    exit.finish(EXIT_OK);
  });

  // The server the settings menu picks (SettingsChanged.serverSlot), heard from the start: the
  // scripts send their settings when they load, which may be before the first transform.
  const choice = new ServerChoice({ o, say, game, onSwitch: (t) => void link.switchTo(t) });
  teardown.add('server choice', () => choice.close());
  choice.listen(bridge);

  // Join once the game has told us where the player is.
  say(`waiting for the game on bridge ${o.bridge}`);
  first = await Promise.race([
    new Promise<PlayerState>((resolve) => {
      const off = bridge.on('PlayerTransform', (t) => {
        off();
        resolve({ ...t.pos, yaw: yawFromQuat(t.rot), vx: 0, vy: 0, vz: 0, mode: 0 });
      });
    }),
    exit.code.then(() => undefined),
  ]);
  if (first === undefined || exit.done) return;
  const target = choice.ready();
  sidecar.setInWorld(false); // until the welcome: the frames have nothing to carry
  if (target) await link.join(target);
  // No input or frame timers: the Sidecar sends on each game report and shows each snapshot.
}

/**
 * Others' voices played in the native path's thread (path_voice.c) instead of Node, unless they
 * go to a speaker device or a trace (Node's voice does those) or the thread has no libopus: the
 * thread takes the packets, shows the talkers' mouths, and hands Node their mic icons; Node keeps
 * it told the volume and the server's clock (for VisemePlay's time).
 */
function startNativeVoice(
  path: NativePath,
  c: { o: SidecarOptions; say: (line: string) => void; bridge: Bridge; nameOf: (peerId: number) => string },
): boolean {
  if (c.o.speakerDevice !== undefined || c.o.voiceTrace !== undefined) return false;
  const why = path.playVoice(CHANNEL_VOICE);
  if (why !== null) {
    c.say(`${why}: others' voices play in the sidecar's JavaScript`);
    return false;
  }
  path.onTalking = micIcons(c.bridge, c.nameOf);
  c.bridge.on('SettingsChanged', (m) => path.voiceVolume(m.voiceVolume));
  return true;
}
