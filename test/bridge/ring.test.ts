// In-process checks of the ring against the native shim's own frame functions (the code the
// RED4ext plugin uses), so the C and JS sides of the layout are proven against each other.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadNative, openBridge, type Bridge } from '../../bridge/index.js';
import { BRIDGE_ABI_VERSION, ROLE_CODE } from '../../bridge/layout.js';
import { SCHEMA_HASH } from '../../bridge/generated/types.js';
import { encode } from './arbitrary.js';
import { WAIT, removeSessions, sessionName } from './util.js';

const native = loadNative();
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
  removeSessions();
});

function nativeGame(session: string, ringBytes = 4096) {
  const h = native.open(session, ROLE_CODE.game, ringBytes, BRIDGE_ABI_VERSION, SCHEMA_HASH);
  if (!h) throw new Error('no handle');
  expect(native.status(h)).toBe(0);
  let closed = false;
  cleanups.push(() => !closed && native.close(h));
  return { h, close: () => ((closed = true), native.close(h)) };
}

function sidecar(session: string, extra: Partial<Parameters<typeof openBridge>[0]> = {}): Bridge {
  const b = openBridge({ name: session, role: 'sidecar', ringBytes: 4096, ...extra });
  cleanups.push(() => b.close());
  return b;
}

describe('ring: C frames <-> JS frames', () => {
  it('frames written by the C shim arrive in JS in order, byte-exact, across many wraps', async () => {
    const s = sessionName('cw');
    const b = sidecar(s);
    const g = nativeGame(s);
    const got: string[] = [];
    b.onFrame((type, payload) => got.push(`${type}:${Buffer.from(payload).toString('hex')}`));
    const sent: string[] = [];
    for (let i = 0; i < 2000; i++) {
      const payload = new Uint8Array(i % 300).map((_, j) => (i + j) & 0xff);
      while (native.writeFrame(g.h, 1 + (i % 50), payload, payload.byteLength) === 1) await new Promise((r) => setImmediate(r));
      sent.push(`${1 + (i % 50)}:${Buffer.from(payload).toString('hex')}`);
    }
    await vi.waitUntil(() => got.length === sent.length, WAIT);
    expect(got).toEqual(sent);
    expect(b.counters().bytesIn).toBeGreaterThan(50 * 4096);
  });

  it('frames written by JS are read by the C shim, byte-exact, across many wraps', async () => {
    const s = sessionName('cr');
    const b = sidecar(s);
    const g = nativeGame(s);
    const type = new Uint16Array(1);
    const len = new Uint32Array(1);
    const buf = new Uint8Array(2048);
    let read = 0;
    for (let i = 0; i < 3000; i++) {
      const msg = { sceneId: `scene-${i}-${'x'.repeat(i % 200)}`, timeS: i * 0.25, localTimeMs: i };
      while (!b.trySend('SeekCinematic', msg)) {
        expect(native.readFrame(g.h, type, buf, buf.byteLength, len)).toBe(1);
        read++;
      }
    }
    let rc: number;
    while ((rc = native.readFrame(g.h, type, buf, buf.byteLength, len)) === 1) read++;
    expect(rc).toBe(0);
    expect(read).toBe(3000);
    // The last frame's bytes are exactly what the codec produced.
    expect(
      Buffer.from(buf.subarray(0, len[0])).equals(
        Buffer.from(encode('SeekCinematic', { sceneId: `scene-2999-${'x'.repeat(2999 % 200)}`, timeS: 2999 * 0.25, localTimeMs: 2999 })),
      ),
    ).toBe(true);
    expect(type[0]).toBe(3);
  });

  it('the C reader refuses a lying length and drops the backlog (never reads past it)', () => {
    const s = sessionName('cb');
    const b = sidecar(s);
    const g = nativeGame(s);
    b.sendRaw(7, new Uint8Array([1, 2, 3]));
    b.writeBadLengthFrameForTest(1_000_000);
    b.sendRaw(7, new Uint8Array([4]));
    const type = new Uint16Array(1);
    const len = new Uint32Array(1);
    const buf = new Uint8Array(64);
    expect(native.readFrame(g.h, type, buf, 64, len)).toBe(1);
    expect([type[0], len[0]]).toEqual([7, 3]);
    expect(native.readFrame(g.h, type, buf, 64, len)).toBe(-1);
    expect(native.readFrame(g.h, type, buf, 64, len)).toBe(0);
    expect(native.readFrame(g.h, type, buf, 2, len)).toBe(0);
  });

  it('the JS reader counts unknown types, undecodable payloads and lying lengths, and keeps going', async () => {
    const s = sessionName('jb');
    const b = sidecar(s);
    const g = nativeGame(s);
    const seen: string[] = [];
    b.on('ConsoleCommand', (m) => seen.push(m.text));
    const cmd = (t: string) => encode('ConsoleCommand', { text: t });
    const write = (type: number, p: Uint8Array) => expect(native.writeFrame(g.h, type, p, p.byteLength)).toBe(0);
    write(13, cmd('one'));
    write(4242, new Uint8Array([9, 9])); // unknown type: skipped
    write(13, cmd('two').subarray(0, 5)); // truncated payload: malformed
    write(13, Uint8Array.from([...cmd('three'), 0xaa])); // trailing byte: malformed
    write(13, cmd('four'));
    await vi.waitUntil(() => seen.length === 2, WAIT);
    expect(seen).toEqual(['one', 'four']);
    expect(b.counters()).toMatchObject({ unknownType: 1, malformed: 2 });
    // A lying length: the header claims more than the ring holds.
    const region = native.view(native.base(g.h), native.size(g.h));
    write(13, cmd('five'));
    const dv = new DataView(region);
    await vi.waitUntil(() => seen.length === 3, WAIT);
    write(13, cmd('x'));
    // 'x' is 8 header + 5 payload bytes, padded to 16; the reader cannot run before we corrupt it.
    const at = 512 + ((dv.getUint32(64, true) - 16) & 4095);
    dv.setUint32(at, 0x7fffffff, true);
    write(13, cmd('after'));
    await vi.waitUntil(() => b.counters().malformed === 3, WAIT);
    write(13, cmd('recovered'));
    await vi.waitUntil(() => seen.includes('recovered'), WAIT);
    expect(seen).not.toContain('x');
  });

  it('refuses oversized sends with FRAME_TOO_LARGE, and closed bridges with CLOSED', async () => {
    const b = sidecar(sessionName('big'));
    expect(() => b.send('VoicePlayback', { seq: 1, pcm: new Uint8Array(4096) })).toThrow(/FRAME_TOO_LARGE|a frame may carry/);
    await b.close();
    expect(() => b.send('DespawnProxy', { entityId: 1 })).toThrow(/closed/);
  });
});
