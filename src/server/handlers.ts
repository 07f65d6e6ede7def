// What the server does with each EMsg kind a client may send, per connection state.
// Every rejection is a counted drop (ctx.drop) or a Refused with a clear reason. The handlers
// see the server only through MessageContext: the calls a client message can cause, not the
// whole CoopServer (no tick loop, no registry, no world beyond the sender's own avatar).
import { PROTOCOL_VERSION, HANDSHAKE_NONCE_BYTES, INTEREST_RADIUS_M, INTEREST_EXIT_M, CHANNEL_VOICE } from '../protocol/constants.js';
import { RefuseCode, type EMsg, type EMsgKind } from '../protocol/schema.gen.js';
import { fingerprint, verifyChallenge } from '../protocol/identity.js';
import { ConnState, type Connection } from './connection.js';
import { poseFrom, modeFrom, helloProblem, chatTextOk } from './validate.js';
import { CLIENT_CLOCK_CREEP_MS_PER_S, type DropReason } from './constants.js';
import type { ServerPlugin } from './plugin.js';
import type { EntityPose } from './world.js';
import { CHAT_RATE_NOTICE } from './chat-rate.js';

/** The server as the message handlers see it; CoopServer provides it. */
export interface MessageContext {
  readonly sessionId: string;
  readonly maxPlayers: number;
  readonly plugins: readonly ServerPlugin[];
  readonly log: { info(obj: object, msg: string): void; warn(obj: object, msg: string): void };
  now(): number;
  /** Fresh random bytes (the handshake nonce). */
  random(n: number): Uint8Array;
  /** The tick period a joiner is welcomed with. */
  tickMs(): number;
  passwordOk(nonce: Uint8Array, proof: Uint8Array): boolean;
  /** Whether a player with this identity is already in the world. */
  isInWorld(identity: string): boolean;
  playersInWorld(): number;
  /** Spawns the joiner's avatar; returns its entity id. */
  spawnAvatar(pose: EntityPose, name: string, peerId: number): number;
  moveAvatar(entityId: number, pose: EntityPose): void;
  send(conn: Connection, msg: EMsg, channel?: number): void;
  broadcast(msg: EMsg, except?: Connection, channel?: number): void;
  /** A server notice to one peer (level 0 info, 1 warning). */
  notice(conn: Connection, text: string, level?: number): void;
  refuse(conn: Connection, code: number, reason: string, serverProtocolVersion: number): void;
  drop(conn: Connection, reason: DropReason): void;
  peerGone(conn: Connection, reason?: string): void;
}

/** Kinds only the server sends: a client sending one is a bad message. */
const SERVER_ONLY: ReadonlySet<EMsgKind> = new Set<EMsgKind>([
  'challenge',
  'welcome',
  'refused',
  'snapshot',
  'interestAdd',
  'interestRemove',
  'tickRateChange',
  'adminReply',
  'spectateGranted',
  'sessionSaved',
  'clockReply',
  'spectateEnded',
  'cineStart',
  'cineEnd',
  'storyRefused',
]);

export function handleMessage(ctx: MessageContext, conn: Connection, kind: EMsgKind, msg: EMsg): void {
  if (SERVER_ONLY.has(kind)) {
    ctx.drop(conn, 'wrong_direction');
    return;
  }
  if (kind === 'disconnect') {
    ctx.peerGone(conn, `client quit: ${msg.disconnect?.reason ?? ''}`.trim());
    conn.link.close();
    return;
  }
  switch (conn.state) {
    case ConnState.AWAIT_HELLO:
      if (kind === 'hello') onHello(ctx, conn, msg);
      else ctx.drop(conn, 'out_of_state');
      return;
    case ConnState.AWAIT_PROOF:
      if (kind === 'proof') onProof(ctx, conn, msg);
      else ctx.drop(conn, 'out_of_state');
      return;
    case ConnState.IN_WORLD:
      onInWorld(ctx, conn, kind, msg);
      return;
    default:
      return;
  }
}

function onHello(ctx: MessageContext, conn: Connection, msg: EMsg): void {
  const h = msg.hello ?? {};
  if (h.protocolVersion !== PROTOCOL_VERSION) {
    ctx.refuse(
      conn,
      RefuseCode.REFUSE_VERSION_MISMATCH,
      `protocol version mismatch: client speaks ${h.protocolVersion ?? 0}, server speaks ${PROTOCOL_VERSION}; update the older side`,
      PROTOCOL_VERSION,
    );
    return;
  }
  const problem = helloProblem(h);
  if (problem) {
    ctx.drop(conn, 'bad_hello');
    ctx.refuse(conn, RefuseCode.REFUSE_BAD_HELLO, problem, PROTOCOL_VERSION);
    return;
  }
  if (h.sessionId && h.sessionId !== ctx.sessionId) {
    ctx.refuse(conn, RefuseCode.REFUSE_WRONG_SESSION, `no session ${h.sessionId.slice(0, 64)} here`, PROTOCOL_VERSION);
    return;
  }
  conn.name = (h.name ?? '').trim();
  conn.publicKey = h.publicKey!;
  conn.identity = fingerprint(conn.publicKey);
  conn.ext.set('core.initialState', h.initialState);
  conn.nonce = ctx.random(HANDSHAKE_NONCE_BYTES);
  conn.setState(ConnState.AWAIT_PROOF);
  ctx.send(conn, { challenge: { nonce: conn.nonce, sessionId: ctx.sessionId } });
}

function onProof(ctx: MessageContext, conn: Connection, msg: EMsg): void {
  const sig = msg.proof?.signature ?? new Uint8Array(0);
  if (!verifyChallenge(conn.publicKey, conn.nonce, ctx.sessionId, sig)) {
    ctx.refuse(conn, RefuseCode.REFUSE_BAD_PROOF, 'identity proof failed: the signature does not match the public key', PROTOCOL_VERSION);
    return;
  }
  if (!ctx.passwordOk(conn.nonce, msg.proof?.passwordProof ?? new Uint8Array(0))) {
    ctx.refuse(conn, RefuseCode.REFUSE_BAD_PASSWORD, 'this session needs the right password', PROTOCOL_VERSION);
    return;
  }
  for (const p of ctx.plugins) {
    const why = p.admit?.({ identity: conn.identity, name: conn.name, address: conn.link.address });
    if (why) {
      ctx.refuse(conn, RefuseCode.REFUSE_BANNED, why, PROTOCOL_VERSION);
      return;
    }
  }
  if (ctx.isInWorld(conn.identity)) {
    ctx.refuse(conn, RefuseCode.REFUSE_DUPLICATE_IDENTITY, 'this player is already connected', PROTOCOL_VERSION);
    return;
  }
  if (ctx.playersInWorld() >= ctx.maxPlayers) {
    ctx.refuse(conn, RefuseCode.REFUSE_SERVER_FULL, `server full (${ctx.maxPlayers} players)`, PROTOCOL_VERSION);
    return;
  }
  const pose = poseFrom(conn.ext.get('core.initialState') as EMsg['playerState'])!;
  conn.ext.delete('core.initialState');
  conn.avatarId = ctx.spawnAvatar(pose, conn.name, conn.peerId);
  conn.setState(ConnState.IN_WORLD);
  ctx.send(conn, {
    welcome: {
      protocolVersion: PROTOCOL_VERSION,
      sessionId: ctx.sessionId,
      peerId: conn.peerId,
      identity: conn.identity,
      avatarEntityId: conn.avatarId,
      tickMs: ctx.tickMs(),
      interestRadiusM: INTEREST_RADIUS_M,
      interestExitM: INTEREST_EXIT_M,
    },
  });
  ctx.log.info({ event: 'peer.join', peerId: conn.peerId, name: conn.name, identity: conn.identity }, 'player joined');
  for (const p of ctx.plugins) p.joined?.(conn);
}

function onInWorld(ctx: MessageContext, conn: Connection, kind: EMsgKind, msg: EMsg): void {
  switch (kind) {
    case 'playerState': {
      const ps = msg.playerState!;
      // The snapshot ack riding in the input is not part of it: taken first and on its own, as
      // the SnapshotAck sent beside the input used to be, so a stale or bad input still acks.
      const ackTick = ps.ackTick ?? 0;
      if (ackTick > 0) {
        ackSnapshot(ctx, conn, ackTick);
        if (!conn.inWorld) return; // that bad ack was one too many: the peer is gone
      }
      const pose = poseFrom(ps);
      const mode = modeFrom(ps);
      if (!pose || mode === null || !Number.isFinite(ps.clientTimeMs ?? 0)) {
        ctx.drop(conn, 'bad_coords');
        return;
      }
      const seq = ps.seq ?? 0;
      if (seq <= conn.lastInputSeq) return; // reordered or duplicate: older than what we have
      conn.lastInputSeq = seq;
      conn.mode = mode;
      const now = ctx.now();
      conn.inputArrivedMs = now;
      conn.reported = pose;
      conn.reportedAtMs = poseTime(conn, ps.clientTimeMs ?? 0, now);
      ctx.moveAvatar(conn.avatarId, pose);
      return;
    }
    case 'snapshotAck':
      ackSnapshot(ctx, conn, msg.snapshotAck?.tick ?? -1);
      return;
    case 'entityInteract':
      if (!conn.interest.has(msg.entityInteract?.entityId ?? 0)) ctx.drop(conn, 'not_in_interest');
      else dispatch(ctx, conn, kind, msg);
      return;
    case 'chat': {
      // the rate limit comes first: a flood costs no text checks, and no plugin can exempt anyone
      const rate = conn.chatRate.check(ctx.now());
      if (rate !== 'relay') {
        conn.countShed('chat_flood');
        if (rate === 'drop_and_tell') {
          ctx.notice(conn, CHAT_RATE_NOTICE, 1);
          ctx.log.warn({ event: 'chat.flood', peerId: conn.peerId, dropped: conn.chatRate.dropped }, 'chat over the rate limit');
        }
        return;
      }
      const raw = msg.chat?.text;
      if (!chatTextOk(raw)) {
        ctx.drop(conn, 'bad_text');
        return;
      }
      let text: string | null = raw;
      for (const p of ctx.plugins) {
        if (text === null) break;
        if (p.chat) text = p.chat(conn, text);
      }
      if (text !== null) ctx.broadcast({ chat: { fromPeerId: conn.peerId, fromName: conn.name, text } });
      return;
    }
    case 'hello':
    case 'proof':
      ctx.drop(conn, 'out_of_state');
      return;
    default:
      dispatch(ctx, conn, kind, msg);
  }
}

/** A snapshot ack (SnapshotAck.tick or PlayerState.ack_tick): a tick never sent is a bad message. */
function ackSnapshot(ctx: MessageContext, conn: Connection, tick: number): void {
  if (conn.snaps.ack(tick) === 'never_sent') ctx.drop(conn, 'ack_never_sent');
}

/**
 * Server time at which a reported pose was valid: the client's stamp mapped through a
 * min-filtered clock offset (scheduling and network delays only ever add to the arrival time).
 */
function poseTime(conn: Connection, clientTimeMs: number, nowMs: number): number {
  if (!(clientTimeMs > 0)) return nowMs;
  const sample = nowMs - clientTimeMs;
  const prev = conn.clockOffsetMs;
  const crept = prev === null ? sample : prev + ((nowMs - conn.clockOffsetAtMs) / 1000) * CLIENT_CLOCK_CREEP_MS_PER_S;
  conn.clockOffsetMs = Math.min(crept, sample);
  conn.clockOffsetAtMs = nowMs;
  return Math.min(nowMs, clientTimeMs + conn.clockOffsetMs);
}

/** Extension kinds go to plugins; voice falls back to relaying to every other player. */
function dispatch(ctx: MessageContext, conn: Connection, kind: EMsgKind, msg: EMsg): void {
  for (const p of ctx.plugins) if (p.message?.(conn, kind, msg)) return;
  if (kind === 'voice' && msg.voice) {
    ctx.broadcast({ voice: { ...msg.voice, fromPeerId: conn.peerId } }, conn, CHANNEL_VOICE);
  } else if (kind === 'adminCmd') {
    ctx.send(conn, { adminReply: { ok: false, text: 'admin commands are not enabled on this server' } });
  }
}
