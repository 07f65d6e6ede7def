// Wires story sync (src/server/story: server clock, cinematics, dialogue, spectator, visemes)
// into the server's plugin seam, as voice-plugin.ts does for voice. Story time is the machine's
// monotonic clock (injectable), the same clock the ClockReply stamps carry.
import { CHANNEL_RELIABLE } from '../protocol/constants.js';
import type { EMsg, EMsgKind } from '../protocol/schema.gen.js';
import { machineClock } from '../util/clock.js';
import type { Connection } from './connection.js';
import type { ServerPlugin } from './plugin.js';
import type { CoopServer } from './server.js';
import { ClockSync, type ClockPeerView } from './story/clock-sync.js';
import { StoryRejections } from './story/rejections.js';
import { CineDirector } from './story/cine.js';
import { SceneCatalog } from './story/scene-catalog.js';
import { DialogueDirector } from './story/dialogue.js';
import { VisemeRelay } from './story/visemes.js';
import { SpectateDirector, SPECTATE_DEFAULT_POLICY, type SpectatePolicy } from './story/spectate.js';

export interface StoryPluginOptions {
  /** Story (server) time, ms; default the machine's monotonic clock. */
  now?: () => number;
  /** Scenes a CineReport may name (default: the built-in catalog). */
  scenes?: SceneCatalog;
  /** Who may spectate (default 'anyone': see spectate.ts). */
  spectate?: SpectatePolicy;
  /** Runs fn after ms (redundant copies); default setTimeout. */
  later?: (ms: number, fn: () => void) => void;
  /** Whether a player is an admin (the 'admins' policy); default nobody is. */
  isAdmin?: (conn: Connection) => boolean;
}

export interface StoryPlugin extends ServerPlugin {
  readonly rejections: StoryRejections;
  readonly clock: ClockSync;
  readonly cine: CineDirector;
  readonly dialogue: DialogueDirector;
  readonly spectate: SpectateDirector;
  readonly visemes: VisemeRelay;
  /** The peer's clock error bound as it last reported it (dashboard), null before. */
  clockOf(peerId: number): ClockPeerView | null;
  /** The dashboard's mode label for a peer when story sync has a better one (spectating). */
  modeOf(peerId: number): string | null;
}

export function storyPlugin(server: CoopServer, o: StoryPluginOptions = {}): StoryPlugin {
  const now = o.now ?? ((): number => machineClock.now());
  const send = (conn: Connection, msg: EMsg, channel = CHANNEL_RELIABLE): void => server.send(conn, msg, channel);
  const rejections = new StoryRejections({ tell: (conn, topic, reason, text) => send(conn, { storyRefused: { topic, reason, text } }) });
  const clock = new ClockSync({ now, send, rejections });
  const broadcast = (msg: EMsg, channel = CHANNEL_RELIABLE): void => server.broadcast(msg, undefined, channel);
  const cine = new CineDirector({ now, catalog: o.scenes ?? new SceneCatalog(), rejections, send, broadcast });
  const dialogue = new DialogueDirector({
    now,
    rejections,
    send,
    broadcast,
    later: o.later,
    peers: () => server.inWorld(),
    connection: (id) => server.connection(id),
    log: (fields, msg) => server.log.info(fields, msg),
  });
  const spectate = new SpectateDirector({
    now,
    policy: o.spectate ?? SPECTATE_DEFAULT_POLICY,
    isAdmin: o.isAdmin ?? (() => false),
    world: server.world,
    rejections,
    send,
    connection: (id) => server.connection(id),
  });
  const visemes = new VisemeRelay({ now, rejections, broadcast: (msg, except) => server.broadcast(msg, except) });
  const handlers: Partial<Record<EMsgKind, (conn: Connection, msg: EMsg) => void>> = {
    clockProbe: (c, m) => clock.probe(c, m.clockProbe ?? {}),
    clockReport: (c, m) => clock.report(c, m.clockReport ?? {}),
    cineReport: (c, m) => cine.report(c, m.cineReport ?? {}),
    dialogWheel: (c, m) => dialogue.wheel(c, m.dialogWheel ?? {}),
    dialogChoice: (c, m) => dialogue.choice(c, m.dialogChoice ?? {}),
    dialogSuggest: (c, m) => dialogue.suggest(c, m.dialogSuggest ?? {}),
    dialogEnd: (c, m) => dialogue.end(c, m.dialogEnd ?? {}),
    spectateRequest: (c, m) => spectate.request(c, m.spectateRequest ?? {}),
    spectateCamera: (c, m) => spectate.camera(c, m.spectateCamera ?? {}),
    visemeBatch: (c, m) => visemes.batch(c, m.visemeBatch ?? {}),
    // A bare Viseme is the seed's one-event message; senders batch (VisemeBatch) instead.
    viseme: (c) => rejections.reject(c, 'viseme', 'use_batch', 'send visemes in a VisemeBatch', true),
  };
  return {
    name: 'story',
    rejections,
    clock,
    cine,
    dialogue,
    spectate,
    visemes,
    clockOf: (peerId) => clock.of(peerId),
    modeOf: (peerId) => {
      const target = spectate.targetOf(peerId);
      if (target === null) return null;
      return `spectating ${server.connection(target)?.name ?? '?'} (peer ${target})`;
    },
    message: (conn, kind, msg) => {
      const h = handlers[kind];
      if (!h) return false;
      h(conn, msg);
      return true;
    },
    joined: (conn) => {
      cine.joined(conn);
      dialogue.joined(conn);
    },
    tick: () => {
      cine.tick();
      spectate.tick();
    },
    left: (conn, reason) => {
      dialogue.left(conn);
      spectate.left(conn, reason);
      visemes.left(conn);
      clock.forget(conn.peerId);
      rejections.forget(conn.peerId);
    },
  };
}
