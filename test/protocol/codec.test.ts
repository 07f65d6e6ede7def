import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { encodeMsg, decodeMsg } from '../../src/protocol/codec.js';
import { generate, PROTO_PATH, GEN_PATH } from '../../src/protocol/gen.js';
import { EMSG_FIELD_IDS, type EMsg, type EMsgKind } from '../../src/protocol/schema.gen.js';
import { generateIdentity, signChallenge, verifyChallenge, fingerprint, exportPrivatePem, importPrivatePem } from '../../src/protocol/identity.js';

const SAMPLES: { [K in EMsgKind]: EMsg[K] } = {
  hello: { protocolVersion: 1, name: 'V', publicKey: new Uint8Array(32).fill(7), sessionId: 's', clientVersion: '0.1.0' },
  challenge: { nonce: new Uint8Array(32).fill(1), sessionId: 's' },
  proof: { signature: new Uint8Array(64).fill(2) },
  welcome: { protocolVersion: 1, sessionId: 's', peerId: 3, identity: 'ab', avatarEntityId: 9, tickMs: 25, interestRadiusM: 120, interestExitM: 128 },
  refused: { code: 1, reason: 'version mismatch', serverProtocolVersion: 1 },
  disconnect: { code: 3, reason: 'too many bad messages' },
  notice: { level: 1, text: 'hi' },
  playerState: { seq: 5, x: 1.5, y: -2.5, z: 3, yaw: 0.5, vx: 1, vy: 2, vz: 0, mode: 1, clientTimeMs: 1234.5, ackTick: 41 },
  snapshot: { tick: 10, baseTick: 8, serverTimeMs: 1234.5, tickMs: 25, data: new Uint8Array([1, 2, 3]) },
  snapshotAck: { tick: 10 },
  interestAdd: { generation: 2, entities: [{ id: 4, kind: 2, ownerPeerId: 0, name: 'npc' }] },
  interestRemove: { generation: 3, ids: [4, 5] },
  tickRateChange: { tickMs: 40, tick: 99 },
  entityInteract: { entityId: 4, action: 1 },
  chat: { fromPeerId: 1, fromName: 'V', text: 'hello' },
  adminCmd: { cmdType: 3, param: 2 ** 40 + 3, secs: 60, reason: 'spam' },
  adminReply: { ok: true, text: 'muted' },
  spectateRequest: { peerId: 2 },
  spectateGranted: { peerId: 2, avatarEntityId: 7, radiusM: 60 },
  cineStart: { sceneId: 'q001_01_victor', startTimeMs: 5000, ownerPeerId: 2, durationMs: 95000 },
  cineReport: { sceneId: 'q001_01_victor', event: 1, sceneTimeMs: 1500, serverTimeMs: 123456.25 },
  cineEnd: { sceneId: 'q001_01_victor', reason: 'skipped by its owner' },
  clockProbe: { seq: 4, t1Ms: 1000.5 },
  clockReply: { seq: 4, t1Ms: 1000.5, t2Ms: 5000.25, t3Ms: 5000.75 },
  clockReport: { errorBoundMs: 0.5, bestRttMs: 1 },
  spectateEnded: { peerId: 2, reason: 'target left' },
  spectateCamera: { x: 1.5, y: 2.5, z: 3 },
  dialogWheel: { dialogId: 7, hubId: 3, choices: ['yes', 'no'], chooserPeerId: 2 },
  dialogSuggest: { dialogId: 7, hubId: 3, choiceIdx: 1, fromPeerId: 3 },
  dialogEnd: { dialogId: 7, reason: 'done' },
  visemeBatch: {
    npcId: 5,
    events: [
      { npcId: 5, visemeId: 10, timeMs: 100.5 },
      { npcId: 5, visemeId: 1, timeMs: 180 },
    ],
    fromPeerId: 2,
  },
  storyRefused: { topic: 'dialog', reason: 'stale_hub', text: 'hub 2 is over' },
  viseme: { npcId: 1, visemeId: 3, timeMs: 250 },
  dialogChoice: { dialogId: 1, choiceIdx: 2, fromPeerId: 1, hubId: 4, pickSeq: 9 },
  voice: { seq: 1, timestamp: 960, opusBytes: new Uint8Array([9, 9]), fromPeerId: 1 },
  sessionSaved: { sessionId: 's', path: '/tmp/s.json' },
  mergePrompt: { payload: new Uint8Array([1]) },
  playerProgress: { dat: new Uint8Array([0x43, 0x42, 0x53, 0x50]) },
};

describe('EMsg envelope', () => {
  it('the generated schema module is current with coop.proto', () => {
    expect(readFileSync(GEN_PATH, 'utf8')).toBe(generate(readFileSync(PROTO_PATH, 'utf8')));
  });

  for (const kind of Object.keys(EMSG_FIELD_IDS) as EMsgKind[]) {
    it(`round-trips ${kind}`, () => {
      const sample = SAMPLES[kind];
      const r = decodeMsg(encodeMsg({ [kind]: sample } as EMsg));
      expect(r.ok).toBe(true);
      if (!r.ok) return;
      expect(r.kind).toBe(kind);
      const got = r.msg[kind] as Record<string, unknown>;
      for (const [k, v] of Object.entries(sample as Record<string, unknown>)) {
        if (v instanceof Uint8Array) expect(Buffer.from(got[k] as Uint8Array).equals(Buffer.from(v))).toBe(true);
        else expect(got[k]).toEqual(v);
      }
    });
  }

  it('an unknown message id is a tagged rejection, not a throw', () => {
    // field 99, length-delimited, empty body
    expect(decodeMsg(new Uint8Array(0))).toEqual({ ok: false, reason: 'empty' });
    const unknown = new Uint8Array([0x9a, 0x06, 0x00]); // tag (99<<3)|2 as varint, len 0
    expect(decodeMsg(unknown)).toEqual({ ok: false, reason: 'unknown_kind' });
    expect(decodeMsg(new Uint8Array(70_000))).toEqual({ ok: false, reason: 'too_big' });
  });

  it('random bytes never throw', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        const r = decodeMsg(bytes);
        expect(typeof r.ok).toBe('boolean');
      }),
      { numRuns: 3000 },
    );
  });
});

describe('identity', () => {
  it('a signature over the nonce verifies only for that key, nonce and session', () => {
    const a = generateIdentity(),
      b = generateIdentity();
    const nonce = new Uint8Array(32).fill(5);
    const sig = signChallenge(a, nonce, 'sess');
    expect(verifyChallenge(a.publicKeyRaw, nonce, 'sess', sig)).toBe(true);
    expect(verifyChallenge(b.publicKeyRaw, nonce, 'sess', sig)).toBe(false);
    expect(verifyChallenge(a.publicKeyRaw, new Uint8Array(32).fill(6), 'sess', sig)).toBe(false);
    expect(verifyChallenge(a.publicKeyRaw, nonce, 'other', sig)).toBe(false);
    expect(verifyChallenge(new Uint8Array(5), nonce, 'sess', sig)).toBe(false);
    expect(verifyChallenge(a.publicKeyRaw, nonce, 'sess', new Uint8Array(64))).toBe(false);
    expect(fingerprint(a.publicKeyRaw)).not.toBe(fingerprint(b.publicKeyRaw));
  });

  it('a key survives PEM export and import with the same fingerprint', () => {
    const a = generateIdentity();
    const back = importPrivatePem(exportPrivatePem(a));
    expect(fingerprint(back.publicKeyRaw)).toBe(fingerprint(a.publicKeyRaw));
  });
});
