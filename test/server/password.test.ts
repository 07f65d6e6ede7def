// Password-protected sessions in process: the server enforces Proof.password_proof.
import { describe, it, expect } from 'vitest';
import { FakeLink, Harness, at } from './harness.js';
import { generateIdentity, signChallenge } from '../../src/protocol/identity.js';
import { encodeMsg, decodeMsg } from '../../src/protocol/codec.js';
import { passwordProof, passwordProofOk } from '../../src/protocol/password-proof.js';
import { ClientState } from '../../src/sidecar/session.js';
import { PROTOCOL_VERSION, CHANNEL_RELIABLE } from '../../src/protocol/constants.js';
import { RefuseCode } from '../../src/protocol/schema.gen.js';
import type { ServerLog } from '../../src/server/server.js';
import { sessionViewOf } from '../../src/server/session-view.js';

const PASSWORD = 'choom-only ✓';

function logged(): { log: ServerLog; lines: string[] } {
  const lines: string[] = [];
  const push = (o: object, m: string): void => {
    lines.push(`${m} ${JSON.stringify(o)}`);
  };
  return { log: { info: push, warn: push }, lines };
}

describe('password-protected sessions (in-process)', () => {
  it('refused joins reach the dashboard view by reason', () => {
    const h = new Harness({ password: PASSWORD });
    const view = sessionViewOf(h.server);
    expect(view.stats().refusals).toEqual({});
    h.add('Wrong', at(0, 0), { password: 'nope' });
    h.add('None', at(0, 0));
    h.add('Right', at(0, 0), { password: PASSWORD });
    expect(view.stats().refusals).toEqual({ password: 2 });
  });

  it('the right password gets in; the proof never carries the password', () => {
    const h = new Harness({ password: PASSWORD });
    const sent: Uint8Array[] = [];
    const deliver = h.server.peerMessage.bind(h.server);
    h.server.peerMessage = (conn, channel, bytes) => {
      sent.push(bytes.slice());
      deliver(conn, channel, bytes);
    };
    const a = h.add('Alice', at(0, 0), { password: PASSWORD });
    expect(a.client.state).toBe(ClientState.IN_WORLD);
    expect(h.server.inWorld()).toHaveLength(1);
    expect(h.server.passwordRequired).toBe(true);
    expect(sent.length).toBeGreaterThanOrEqual(2); // Hello, Proof
    for (const b of sent) expect(Buffer.from(b).includes(Buffer.from(PASSWORD))).toBe(false);
  });

  it('a wrong or missing password is refused with REFUSE_BAD_PASSWORD; nothing spawns; counted and logged without secrets', () => {
    const { log, lines } = logged();
    const h = new Harness({ password: PASSWORD, log });
    const entities = h.server.world.count;
    const wrong = h.add('Wrong', at(0, 0), { password: 'choom-only' });
    const none = h.add('None', at(0, 0));
    for (const p of [wrong, none]) {
      expect(p.client.state).toBe(ClientState.REFUSED);
      expect(p.client.refuseCode).toBe(RefuseCode.REFUSE_BAD_PASSWORD);
      expect(p.client.closeReason).toMatch(/^refused by server: this session needs the right password/);
      expect(p.events.closed).toEqual([p.client.closeReason]);
      expect(p.conn.avatarId).toBe(0);
    }
    expect(h.server.inWorld()).toHaveLength(0);
    expect(h.server.world.count).toBe(entities);
    expect(h.server.refusals.get(RefuseCode.REFUSE_BAD_PASSWORD)).toBe(2);
    const text = lines.join('\n');
    expect(text).toMatch(/"event":"peer.refused".*"code":8/);
    expect(text).not.toContain('choom-only');
    expect(text).not.toMatch(/proof"|signature/i);
    // The refused peers can still be followed by one who knows it.
    expect(h.add('Right', at(0, 0), { password: PASSWORD }).client.state).toBe(ClientState.IN_WORLD);
  });

  it('a hand-made proof of the wrong length, or replayed for another nonce, is refused', () => {
    const h = new Harness({ password: PASSWORD });
    const key = generateIdentity();
    const tryProof = (make: (nonce: Uint8Array) => Uint8Array): ReturnType<typeof decodeMsg> => {
      const link = new FakeLink();
      const conn = h.server.peerConnected(link);
      h.server.peerMessage(
        conn,
        CHANNEL_RELIABLE,
        encodeMsg({ hello: { protocolVersion: PROTOCOL_VERSION, name: 'Eve', publicKey: key.publicKeyRaw, initialState: at(1, 1) } }),
      );
      const c = decodeMsg(link.toClient.shift()!.bytes);
      const nonce = c.ok ? c.msg.challenge!.nonce! : new Uint8Array(0);
      h.server.peerMessage(conn, CHANNEL_RELIABLE, encodeMsg({ proof: { signature: signChallenge(key, nonce, 'test-session'), passwordProof: make(nonce) } }));
      return decodeMsg(link.toClient.shift()!.bytes);
    };
    const short = tryProof((n) => passwordProof(PASSWORD, n, 'test-session').subarray(0, 16));
    expect(short.ok && short.msg.refused?.code).toBe(RefuseCode.REFUSE_BAD_PASSWORD);
    const replayed = tryProof(() => passwordProof(PASSWORD, new Uint8Array(32), 'test-session'));
    expect(replayed.ok && replayed.msg.refused?.code).toBe(RefuseCode.REFUSE_BAD_PASSWORD);
    const otherSession = tryProof((n) => passwordProof(PASSWORD, n, 'other-session'));
    expect(otherSession.ok && otherSession.msg.refused?.code).toBe(RefuseCode.REFUSE_BAD_PASSWORD);
    const right = tryProof((n) => passwordProof(PASSWORD, n, 'test-session'));
    expect(right.ok && right.kind).toBe('welcome');
  });

  it('without a password on the server, joins work with or without a client password', () => {
    const h = new Harness();
    expect(h.server.passwordRequired).toBe(false);
    expect(h.add('Plain', at(0, 0)).client.state).toBe(ClientState.IN_WORLD);
    expect(h.add('Eager', at(5, 0), { password: 'whatever' }).client.state).toBe(ClientState.IN_WORLD);
    expect(h.server.inWorld()).toHaveLength(2);
  });

  it('passwordProof: HMAC-SHA256 over the context, nonce and session id; checks never throw', () => {
    const nonce = new Uint8Array(32).fill(7);
    const p = passwordProof('pw', nonce, 's1');
    expect(p).toHaveLength(32);
    // Known answer, computed outside node: Python hmac.new(b'pw', context + nonce + b's1', sha256).
    expect(Buffer.from(p).toString('hex')).toBe('4b4246414096451a999ad97ccf88c0416e6b747a8d5ad1b77ef8428ff00f49cc');
    expect(passwordProofOk('pw', nonce, 's1', p)).toBe(true);
    expect(passwordProofOk('pW', nonce, 's1', p)).toBe(false);
    expect(passwordProofOk('pw', nonce, 's1', new Uint8Array(0))).toBe(false);
    expect(passwordProofOk('pw', nonce, 's1', new Uint8Array(64))).toBe(false);
  });
});
