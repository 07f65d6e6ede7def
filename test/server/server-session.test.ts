import { describe, it, expect } from 'vitest';
import { Harness, at } from './harness.js';
import { fingerprint, generateIdentity, signChallenge } from '../../src/protocol/identity.js';
import { encodeMsg, decodeMsg } from '../../src/protocol/codec.js';
import { ClientState } from '../../src/sidecar/session.js';
import { PROTOCOL_VERSION, CHANNEL_RELIABLE } from '../../src/protocol/constants.js';
import { EntityKind } from '../../src/protocol/schema.gen.js';

describe('coop-server sessions (in-process, fake links)', () => {
  it('Hello → Challenge → Proof → Welcome; identity is the key fingerprint', () => {
    const h = new Harness();
    const a = h.add('Alice', at(0, 0));
    expect(a.client.state).toBe(ClientState.IN_WORLD);
    expect(a.conn.identity).toBe(fingerprint(a.identity.publicKeyRaw));
    expect(a.conn.identity).toMatch(/^[0-9a-f]{64}$/);
    expect(h.server.world.kind[a.conn.avatarId]).toBe(EntityKind.KIND_AVATAR);
  });

  it('a protocol version mismatch is refused with a clear message on both sides', () => {
    const warnings: string[] = [];
    const h2 = new Harness({ log: { info: () => undefined, warn: (o) => warnings.push(JSON.stringify(o)) } });
    const old = h2.add('Old', at(0, 0), { protocolVersion: PROTOCOL_VERSION + 1 });
    expect(old.client.state).toBe(ClientState.REFUSED);
    expect(old.client.closeReason).toContain(`protocol version mismatch: client speaks ${PROTOCOL_VERSION + 1}, server speaks ${PROTOCOL_VERSION}`);
    expect(warnings.join()).toMatch(/protocol version mismatch/);
    expect(h2.server.inWorld()).toHaveLength(0);
    expect(old.link.toClient).toHaveLength(0);
  });

  it('a signature by another key is refused; so is a banned identity (plugin admit)', () => {
    const h = new Harness();
    const a = h.add('Mallory', at(0, 0));
    expect(a.client.state).toBe(ClientState.IN_WORLD);
    // hand-made client: claims key A, signs with key B
    const keyA = generateIdentity(),
      keyB = generateIdentity();
    const link = new (a.link.constructor as new () => typeof a.link)();
    const conn = h.server.peerConnected(link);
    h.server.peerMessage(
      conn,
      CHANNEL_RELIABLE,
      encodeMsg({ hello: { protocolVersion: PROTOCOL_VERSION, name: 'Eve', publicKey: keyA.publicKeyRaw, initialState: at(1, 1) } }),
    );
    const challenge = link.toClient.shift()!;
    expect(challenge).toBeDefined();
    const c = decodeMsg(challenge.bytes);
    expect(c.ok && c.kind).toBe('challenge');
    const nonce = c.ok ? c.msg.challenge!.nonce! : new Uint8Array(0);
    h.server.peerMessage(conn, CHANNEL_RELIABLE, encodeMsg({ proof: { signature: signChallenge(keyB, nonce, 'test-session') } }));
    const r = decodeMsg(link.toClient.shift()!.bytes);
    expect(r.ok && r.msg.refused?.reason).toMatch(/identity proof failed/);

    const banned = new Harness();
    const victim = generateIdentity();
    banned.server.use({ name: 'bans', admit: (who) => (who.identity === fingerprint(victim.publicKeyRaw) ? 'banned from this server' : null) });
    const v = banned.add('Banned', at(0, 0), { identity: victim });
    expect(v.client.state).toBe(ClientState.REFUSED);
    expect(v.client.closeReason).toMatch(/banned from this server/);
    expect(banned.add('Fine', at(0, 0)).client.state).toBe(ClientState.IN_WORLD);
  });

  it('each client is told about exactly the others in range, and despawns them on leaving', () => {
    const h = new Harness();
    const a = h.add('A', at(0, 0));
    const b = h.add('B', at(100, 0));
    const c = h.add('C', at(500, 0));
    h.tick();
    expect([...a.client.known.keys()]).toEqual([b.conn.avatarId]);
    expect([...b.client.known.keys()]).toEqual([a.conn.avatarId]);
    expect([...c.client.known.keys()]).toEqual([]);
    // B walks to C: leaves A (beyond 128 m), enters C (within 120 m)
    b.client.sendPlayerState(at(400, 0));
    h.pump();
    h.tick();
    expect(a.events.despawned).toEqual([b.conn.avatarId]);
    expect([...c.client.known.keys()]).toEqual([b.conn.avatarId]);
    expect([...b.client.known.keys()]).toEqual([c.conn.avatarId]);
  });

  it('chat is relayed with the sender; a plugin gate can drop it', () => {
    const h = new Harness();
    h.server.use({ name: 'mute', chat: (conn, text) => (conn.name === 'Muted' ? null : text.trim()) });
    const a = h.add('A', at(0, 0));
    const m = h.add('Muted', at(0, 0));
    a.client.sendChat(' hi ');
    m.client.sendChat('spam');
    h.pump();
    expect(m.events.chats).toEqual(['A: hi']);
    expect(a.events.chats).toEqual(['A: hi']);
  });

  it('extension messages go to plugins; voice falls back to relay-to-others; AdminCmd without admin is answered', () => {
    const h = new Harness();
    const a = h.add('A', at(0, 0));
    const b = h.add('B', at(10, 0));
    const voiceAtB: number[] = [];
    const replies: string[] = [];
    b.client['receive'] = ((orig) => (bytes: Uint8Array) => {
      const d = decodeMsg(bytes);
      if (d.ok && d.kind === 'voice') voiceAtB.push(d.msg.voice!.fromPeerId!);
      orig(bytes);
    })(b.client.receive.bind(b.client));
    a.client['receive'] = ((orig) => (bytes: Uint8Array) => {
      const d = decodeMsg(bytes);
      if (d.ok && d.kind === 'adminReply') replies.push(d.msg.adminReply!.text!);
      orig(bytes);
    })(a.client.receive.bind(a.client));
    a.client.sendRaw({ voice: { seq: 1, timestamp: 960, opusBytes: new Uint8Array([1, 2, 3]) } }, 2);
    a.client.sendRaw({ adminCmd: { cmdType: 1, param: b.conn.peerId } });
    h.pump();
    expect(voiceAtB).toEqual([a.conn.peerId]);
    expect(replies).toEqual(['admin commands are not enabled on this server']);
    const seen: string[] = [];
    h.server.use({
      name: 'catch',
      message: (conn, kind) => {
        seen.push(`${conn.name}:${kind}`);
        return true;
      },
    });
    a.client.sendRaw({ voice: { seq: 2, timestamp: 1920, opusBytes: new Uint8Array([1]) } }, 2);
    a.client.sendRaw({ dialogChoice: { dialogId: 1, choiceIdx: 0 } });
    h.pump();
    expect(seen).toEqual(['A:voice', 'A:dialogChoice']);
    expect(voiceAtB).toHaveLength(1); // the plugin took it
  });

  it("each snapshot tells its client how long before the tick the client's newest input arrived, and 0 when none came", () => {
    const h = new Harness();
    const leads: number[] = [];
    const a = h.add('A', at(0, 0), { events: { snapshot: (_tick, leadUs) => leads.push(leadUs) } });
    h.tick(); // the first tick: no input since the previous one
    a.client.sendPlayerState(at(1, 0));
    h.t -= 3; // h.t is the next tick's time: the input arrives 3 ms before it
    h.pump();
    h.t += 3;
    h.tick();
    h.tick(); // no input in between
    expect(leads).toEqual([0, 3000, 0]);
  });
});
