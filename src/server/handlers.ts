// What the server does with each EMsg kind a client may send, per connection state.
// Every rejection is a counted drop (server.drop) or a Refused with a clear reason.
import { PROTOCOL_VERSION, HANDSHAKE_NONCE_BYTES, INTEREST_RADIUS_M, INTEREST_EXIT_M, CHANNEL_VOICE } from '../protocol/constants.js';
import { EntityKind, RefuseCode, type EMsg, type EMsgKind } from '../protocol/schema.gen.js';
import { fingerprint, verifyChallenge } from '../protocol/identity.js';
import { ConnState, type Connection } from './connection.js';
import { poseFrom, modeFrom, helloProblem, chatTextOk } from './validate.js';
import { CLIENT_CLOCK_CREEP_MS_PER_S } from './constants.js';
import type { CoopServer } from './server.js';
import { CHAT_RATE_NOTICE } from './chat-rate.js';

/** Kinds only the server sends: a client sending one is a bad message. */
const SERVER_ONLY: ReadonlySet<EMsgKind> = new Set<EMsgKind>([
  'challenge', 'welcome', 'refused', 'snapshot', 'interestAdd', 'interestRemove', 'tickRateChange',
  'adminReply', 'spectateGranted', 'sessionSaved',
]);

export function handleMessage(server: CoopServer, conn: Connection, kind: EMsgKind, msg: EMsg): void {
  if (SERVER_ONLY.has(kind)) { server.drop(conn, 'wrong-direction'); return; }
  if (kind === 'disconnect') { server.peerGone(conn, `client quit: ${msg.disconnect?.reason ?? ''}`.trim()); conn.link.close(); return; }
  switch (conn.state) {
    case ConnState.AWAIT_HELLO:
      if (kind === 'hello') onHello(server, conn, msg);
      else server.drop(conn, 'out-of-state');
      return;
    case ConnState.AWAIT_PROOF:
      if (kind === 'proof') onProof(server, conn, msg);
      else server.drop(conn, 'out-of-state');
      return;
    case ConnState.IN_WORLD:
      onInWorld(server, conn, kind, msg);
      return;
    default:
      return;
  }
}

function onHello(server: CoopServer, conn: Connection, msg: EMsg): void {
  const h = msg.hello ?? {};
  if (h.protocolVersion !== PROTOCOL_VERSION) {
    server.refuse(conn, RefuseCode.REFUSE_VERSION_MISMATCH,
      `protocol version mismatch: client speaks ${h.protocolVersion ?? 0}, server speaks ${PROTOCOL_VERSION}; update the older side`, PROTOCOL_VERSION);
    return;
  }
  const problem = helloProblem(h);
  if (problem) { server.drop(conn, 'bad-hello'); server.refuse(conn, RefuseCode.REFUSE_BAD_HELLO, problem, PROTOCOL_VERSION); return; }
  if (h.sessionId && h.sessionId !== server.sessionId) {
    server.refuse(conn, RefuseCode.REFUSE_WRONG_SESSION, `no session ${h.sessionId.slice(0, 64)} here`, PROTOCOL_VERSION);
    return;
  }
  conn.name = (h.name ?? '').trim();
  conn.publicKey = h.publicKey!;
  conn.identity = fingerprint(conn.publicKey);
  conn.ext.set('core.initialState', h.initialState);
  conn.nonce = server.random(HANDSHAKE_NONCE_BYTES);
  conn.setState(ConnState.AWAIT_PROOF);
  server.send(conn, { challenge: { nonce: conn.nonce, sessionId: server.sessionId } });
}

function onProof(server: CoopServer, conn: Connection, msg: EMsg): void {
  const sig = msg.proof?.signature ?? new Uint8Array(0);
  if (!verifyChallenge(conn.publicKey, conn.nonce, server.sessionId, sig)) {
    server.refuse(conn, RefuseCode.REFUSE_BAD_PROOF, 'identity proof failed: the signature does not match the public key', PROTOCOL_VERSION);
    return;
  }
  if (!server.passwordOk(conn.nonce, msg.proof?.passwordProof ?? new Uint8Array(0))) {
    server.refuse(conn, RefuseCode.REFUSE_BAD_PASSWORD, 'this session needs the right password', PROTOCOL_VERSION);
    return;
  }
  for (const p of server.plugins) {
    const why = p.admit?.({ identity: conn.identity, name: conn.name, address: conn.link.address });
    if (why) { server.refuse(conn, RefuseCode.REFUSE_BANNED, why, PROTOCOL_VERSION); return; }
  }
  if (server.byIdentity(conn.identity)) {
    server.refuse(conn, RefuseCode.REFUSE_DUPLICATE_IDENTITY, 'this player is already connected', PROTOCOL_VERSION);
    return;
  }
  if (server.inWorld().length >= server.maxPlayers) {
    server.refuse(conn, RefuseCode.REFUSE_SERVER_FULL, `server full (${server.maxPlayers} players)`, PROTOCOL_VERSION);
    return;
  }
  const pose = poseFrom(conn.ext.get('core.initialState') as EMsg['playerState'])!;
  conn.ext.delete('core.initialState');
  conn.avatarId = server.world.spawn(EntityKind.KIND_AVATAR, pose, conn.name, conn.peerId);
  conn.setState(ConnState.IN_WORLD);
  server.send(conn, {
    welcome: {
      protocolVersion: PROTOCOL_VERSION, sessionId: server.sessionId, peerId: conn.peerId, identity: conn.identity,
      avatarEntityId: conn.avatarId, tickMs: server.clock.currentTickMs, interestRadiusM: INTEREST_RADIUS_M, interestExitM: INTEREST_EXIT_M,
    },
  });
  server.log.info({ event: 'peer.join', peerId: conn.peerId, name: conn.name, identity: conn.identity }, 'player joined');
  for (const p of server.plugins) p.joined?.(conn);
}

function onInWorld(server: CoopServer, conn: Connection, kind: EMsgKind, msg: EMsg): void {
  switch (kind) {
    case 'playerState': {
      const ps = msg.playerState!;
      const pose = poseFrom(ps);
      const mode = modeFrom(ps);
      if (!pose || mode === null || !Number.isFinite(ps.clientTimeMs ?? 0)) { server.drop(conn, 'bad-coords'); return; }
      const seq = ps.seq ?? 0;
      if (seq <= conn.lastInputSeq) return; // reordered or duplicate: older than what we have
      conn.lastInputSeq = seq;
      conn.mode = mode;
      const now = server.now();
      conn.reported = pose;
      conn.reportedAtMs = poseTime(conn, ps.clientTimeMs ?? 0, now);
      server.world.setPose(conn.avatarId, pose);
      return;
    }
    case 'snapshotAck':
      if (conn.snaps.ack(msg.snapshotAck?.tick ?? -1) === 'never-sent') server.drop(conn, 'ack-never-sent');
      return;
    case 'entityInteract':
      if (!conn.interest.has(msg.entityInteract?.entityId ?? 0)) server.drop(conn, 'not-in-interest');
      else dispatch(server, conn, kind, msg);
      return;
    case 'chat': {
      // the rate limit comes first: a flood costs no text checks, and no plugin can exempt anyone
      const rate = conn.chatRate.check(server.now());
      if (rate !== 'relay') {
        conn.countShed('chat-flood');
        if (rate === 'drop-and-tell') {
          server.notice(conn, CHAT_RATE_NOTICE, 1);
          server.log.warn({ event: 'chat.flood', peerId: conn.peerId, dropped: conn.chatRate.dropped }, 'chat over the rate limit');
        }
        return;
      }
      const raw = msg.chat?.text;
      if (!chatTextOk(raw)) { server.drop(conn, 'bad-text'); return; }
      let text: string | null = raw;
      for (const p of server.plugins) {
        if (text === null) break;
        if (p.chat) text = p.chat(conn, text);
      }
      if (text !== null) server.broadcast({ chat: { fromPeerId: conn.peerId, fromName: conn.name, text } });
      return;
    }
    case 'hello':
    case 'proof':
      server.drop(conn, 'out-of-state');
      return;
    default:
      dispatch(server, conn, kind, msg);
  }
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
function dispatch(server: CoopServer, conn: Connection, kind: EMsgKind, msg: EMsg): void {
  for (const p of server.plugins) if (p.message?.(conn, kind, msg)) return;
  if (kind === 'voice' && msg.voice) {
    server.broadcast({ voice: { ...msg.voice, fromPeerId: conn.peerId } }, conn, CHANNEL_VOICE);
  } else if (kind === 'adminCmd') {
    server.send(conn, { adminReply: { ok: false, text: 'admin commands are not enabled on this server' } });
  }
}
